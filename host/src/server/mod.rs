//! `mailbot serve` as a library: opens the store, declares what the
//! configuration names, loads the plugins, and runs every part — SMTP in,
//! one IMAP watcher per mailbox, the pipeline and the outbox — until asked
//! to stop. Tests start it in-process exactly as the binary does.

mod declare;
mod events;
mod kv;
mod senders;
#[cfg(test)]
mod tests;

use std::net::SocketAddr;
use std::sync::Arc;

use anyhow::Context;
use tokio::sync::Notify;
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;

use crate::config::Config;
use crate::pipeline::{InboxDirectory, Intake, OutboxWorker, Pipeline};
use crate::plugins::{
    HostServices, NoKnowledge, NoLlm, PluginEngine, PluginRegistry, PluginWatcher,
};
use crate::store::{SqliteStore, Store};
use crate::transport::imap::ImapWatcher;
use crate::transport::smtp_in::{self, SmtpInConfig};

pub use events::StoreChannelEvents;
pub use kv::StoreKv;

/// A running host. Dropping it does not stop it: call [`RunningServer::stop`].
pub struct RunningServer {
    /// Where SMTP in listens (the real port when the config said `:0`).
    pub smtp_in_addr: Option<SocketAddr>,
    /// The store everything is kept in.
    pub store: Arc<dyn Store>,
    shutdown: CancellationToken,
    tasks: JoinSet<()>,
    // Kept alive so the plugins folder stays watched.
    _watcher: Option<PluginWatcher>,
}

impl std::fmt::Debug for RunningServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RunningServer")
            .field("smtp_in_addr", &self.smtp_in_addr)
            .finish_non_exhaustive()
    }
}

impl RunningServer {
    /// A token that stops the server when cancelled.
    pub fn shutdown_token(&self) -> CancellationToken {
        self.shutdown.clone()
    }

    /// Stops pickup, lets in-flight steps and deliveries finish, and returns
    /// once every part has stopped. Work not finished stays in the store and
    /// resumes at the next start.
    pub async fn stop(mut self) {
        self.shutdown.cancel();
        while self.tasks.join_next().await.is_some() {}
    }

    /// Runs until the shutdown token is cancelled, then stops as [`Self::stop`].
    pub async fn wait(mut self) {
        self.shutdown.cancelled().await;
        while self.tasks.join_next().await.is_some() {}
    }
}

/// Creates `dir` (and missing parents) readable by this user alone, as the
/// data directory must be: it holds customers' mail, contacts and the OAuth
/// refresh tokens servers rotated to. An existing folder is left as it is.
fn create_private_dir(dir: &std::path::Path) -> std::io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir)
}

/// Starts every part of the host for `config`.
pub async fn start(config: Config) -> anyhow::Result<RunningServer> {
    create_private_dir(&config.data_dir).with_context(|| {
        format!(
            "cannot create the data directory {}",
            config.data_dir.display()
        )
    })?;
    let db = config.data_dir.join("mailbot.db");
    let store: Arc<dyn Store> = Arc::new(
        SqliteStore::open(&db)
            .with_context(|| format!("cannot open the database {}", db.display()))?,
    );
    let declared = declare::declare(&*store, &config).await?;

    let registry = load_plugins(&config)?;
    let watcher = match &config.plugins_dir {
        Some(dir) => {
            std::fs::create_dir_all(dir)
                .with_context(|| format!("cannot create the plugins folder {}", dir.display()))?;
            Some(crate::plugins::watch_plugins_dir(registry.clone(), dir)?)
        }
        None => None,
    };
    let services = HostServices {
        kv: Arc::new(StoreKv::new(store.plugin_kv())),
        knowledge: Arc::new(NoKnowledge),
        llm: Arc::new(NoLlm),
    };
    let inboxes = Arc::new(InboxDirectory::new(store.clone(), registry, services));
    let events = Arc::new(StoreChannelEvents::new(
        store.clone(),
        declared.channel_of_account.clone(),
    ));
    let senders = senders::build(&config, &declared, events.clone())?;

    let shutdown = CancellationToken::new();
    let mut tasks = JoinSet::new();
    let wake = Arc::new(Notify::new());
    let outbox_wake = Arc::new(Notify::new());
    let intake = Arc::new(Intake::new(
        store.clone(),
        wake.clone(),
        config.smtp_in.as_ref().map(|s| s.domain.clone()),
    ));

    let mut smtp_in_addr = None;
    if let Some(settings) = &config.smtp_in {
        let listener = tokio::net::TcpListener::bind(&settings.listen)
            .await
            .with_context(|| format!("cannot listen for SMTP on {}", settings.listen))?;
        smtp_in_addr = Some(listener.local_addr()?);
        let mut smtp_config = SmtpInConfig::new(settings.domain.clone());
        smtp_config.max_message_size = settings.max_message_bytes;
        if let Some((cert, key)) = &settings.tls {
            smtp_config = smtp_config.with_tls_files(cert, key).with_context(|| {
                format!(
                    "smtp_in: cannot load the TLS certificate {}",
                    cert.display()
                )
            })?;
        }
        tracing::info!(addr = %listener.local_addr()?, domain = %settings.domain, "listening for SMTP");
        tasks.spawn(smtp_in::run(
            listener,
            intake.clone(),
            smtp_config,
            shutdown.clone(),
        ));
    }
    for channel in &config.channels {
        for account in &channel.accounts {
            let watcher = ImapWatcher::new(account.clone(), events.clone());
            tasks.spawn(watcher.run(intake.clone(), shutdown.clone()));
        }
    }
    let pipeline = Pipeline::new(
        store.clone(),
        inboxes,
        wake,
        outbox_wake.clone(),
        config.workers,
    );
    tasks.spawn(pipeline.run(shutdown.clone()));
    tasks.spawn(OutboxWorker::new(store.clone(), senders, outbox_wake).run(shutdown.clone()));

    Ok(RunningServer {
        smtp_in_addr,
        store,
        shutdown,
        tasks,
        _watcher: watcher,
    })
}

/// The engine, the shipped plugins and the plugins folder's contents.
fn load_plugins(config: &Config) -> anyhow::Result<Arc<PluginRegistry>> {
    let cache = crate::plugins::default_cache_dir(&config.data_dir);
    let engine = Arc::new(PluginEngine::new(
        config.plugin_limits.clone(),
        Some(&cache),
    )?);
    let registry = Arc::new(PluginRegistry::new(engine));
    if let Some(error) = crate::plugins::load_shipped(&registry).into_iter().next() {
        anyhow::bail!("a shipped plugin does not load: {error}");
    }
    if let Some(dir) = config.plugins_dir.as_deref().filter(|d| d.is_dir()) {
        for error in registry.load_dir(dir) {
            tracing::error!(%error, "plugin rejected");
        }
    }
    Ok(registry)
}
