//! Per-inbox context the pipeline needs for every message: the inbox, its
//! settings, its bot and its policy chain, loaded from the store once and
//! cached until invalidated.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, RwLock};

use crate::config::InboxSettings;
use crate::plugins::{Grants, HostServices, PluginBinding, PluginRegistry, PolicyChain};
use crate::store::{self, Store};

/// What the pipeline knows about one inbox.
#[derive(Debug)]
pub struct InboxContext {
    /// The stored inbox.
    pub inbox: store::Inbox,
    /// Its settings.
    pub settings: InboxSettings,
    /// The bot that answers, if any.
    pub bot: Option<store::Bot>,
    /// Its plugins, in order.
    pub chain: PolicyChain,
}

/// Inbox contexts by inbox id.
pub struct InboxDirectory {
    store: Arc<dyn Store>,
    registry: Arc<PluginRegistry>,
    services: HostServices,
    cache: RwLock<HashMap<String, Arc<InboxContext>>>,
    /// The live inboxes' addresses, once read.
    own: RwLock<Option<Arc<[String]>>>,
}

impl std::fmt::Debug for InboxDirectory {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("InboxDirectory").finish_non_exhaustive()
    }
}

impl InboxDirectory {
    /// An empty directory.
    pub fn new(
        store: Arc<dyn Store>,
        registry: Arc<PluginRegistry>,
        services: HostServices,
    ) -> Self {
        InboxDirectory {
            store,
            registry,
            services,
            cache: RwLock::default(),
            own: RwLock::default(),
        }
    }

    /// The context of inbox `id`.
    pub async fn get(&self, id: &str) -> anyhow::Result<Arc<InboxContext>> {
        if let Some(ctx) = self.cache.read().unwrap_or_else(|p| p.into_inner()).get(id) {
            return Ok(ctx.clone());
        }
        let inbox = self.store.inbox(id).await?;
        let settings: InboxSettings = serde_json::from_value(inbox.settings.clone())
            .map_err(|e| anyhow::anyhow!("inbox {} has unreadable settings: {e}", inbox.address))?;
        let bot = match &inbox.bot_id {
            Some(bot_id) => Some(self.store.bot(bot_id).await?),
            None => None,
        };
        let bindings = settings
            .plugins
            .iter()
            .map(|p| PluginBinding {
                plugin: p.name.clone(),
                grants: Grants::parse(&p.grants).unwrap_or_default(),
                config: Arc::new(
                    p.config
                        .iter()
                        .map(|(k, v)| (k.clone(), v.clone()))
                        .collect::<BTreeMap<_, _>>(),
                ),
            })
            .collect();
        let chain = PolicyChain::new(self.registry.clone(), bindings, self.services.clone());
        let ctx = Arc::new(InboxContext {
            inbox,
            settings,
            bot,
            chain,
        });
        self.cache
            .write()
            .unwrap_or_else(|p| p.into_inner())
            .insert(id.to_owned(), ctx.clone());
        Ok(ctx)
    }

    /// Forgets every cached context and address (after inboxes or bots
    /// changed).
    pub fn invalidate(&self) {
        self.cache
            .write()
            .unwrap_or_else(|p| p.into_inner())
            .clear();
        *self.own.write().unwrap_or_else(|p| p.into_inner()) = None;
    }

    /// The addresses of every live inbox: mail from them is never answered.
    pub async fn own_addresses(&self) -> anyhow::Result<Arc<[String]>> {
        if let Some(own) = &*self.own.read().unwrap_or_else(|p| p.into_inner()) {
            return Ok(own.clone());
        }
        let own: Arc<[String]> = self
            .store
            .inboxes()
            .await?
            .into_iter()
            .map(|i| i.address)
            .collect();
        *self.own.write().unwrap_or_else(|p| p.into_inner()) = Some(own.clone());
        Ok(own)
    }
}
