//! Upserts what the configuration declares — bots, inboxes with their
//! settings, channels — so the store and the file agree before anything
//! starts. Records the configuration no longer names are left alone: their
//! history stays reachable through the API.

use std::collections::HashMap;

use anyhow::Context;

use crate::config::{ChannelSettings, Config};
use crate::store::{self, InboxKind, NewBot, NewChannel, NewInbox, Store};

/// Ids of what was declared.
#[derive(Debug, Default)]
pub(super) struct Declared {
    /// Inbox id by (normalised) address.
    pub inbox_of_address: HashMap<String, String>,
    /// Channel id by (normalised) account address.
    pub channel_of_account: HashMap<String, String>,
}

pub(super) async fn declare(store: &dyn Store, config: &Config) -> anyhow::Result<Declared> {
    let mut bot_ids = HashMap::new();
    for (name, backstory) in &config.bots {
        let bot = NewBot {
            name: name.clone(),
            backstory: backstory.clone(),
            settings: serde_json::json!({}),
        };
        let id = store.upsert_bot_by_name(bot).await.with_context(|| format!("cannot store bot `{name}`"))?;
        bot_ids.insert(name.clone(), id);
    }

    let mut declared = Declared::default();
    for channel in &config.channels {
        for account in &channel.accounts {
            let record = NewChannel {
                name: channel_name(channel, &account.address),
                kind: "imap".into(),
                config: serde_json::json!({
                    "channel": channel.name,
                    "address": account.address,
                    "imap": account.imap.to_string(),
                    "smtp": account.smtp.as_ref().map(ToString::to_string),
                    "mailbox": account.mailbox,
                }),
            };
            let id = store
                .upsert_channel_by_name(record)
                .await
                .with_context(|| format!("cannot store channel `{}`", channel.name))?;
            declared.channel_of_account.insert(store::normalize_email(&account.address), id);
        }
    }

    for inbox in &config.inboxes {
        let record = NewInbox {
            name: inbox.name.clone(),
            address: inbox.address.clone(),
            kind: if inbox.slug.is_some() { InboxKind::Generated } else { InboxKind::Mailbox },
            slug: inbox.slug.clone(),
            bot_id: inbox.bot.as_ref().and_then(|b| bot_ids.get(b).cloned()),
            settings: serde_json::to_value(inbox)?,
        };
        let id = store
            .upsert_inbox_by_address(record)
            .await
            .with_context(|| format!("cannot store inbox `{}`", inbox.name))?;
        declared.inbox_of_address.insert(store::normalize_email(&inbox.address), id);
    }
    Ok(declared)
}

/// A channel serving one mailbox keeps its name; one serving several gets a
/// record per mailbox (`name/address`), so each has its own status and log.
fn channel_name(channel: &ChannelSettings, address: &str) -> String {
    if channel.accounts.len() == 1 {
        channel.name.clone()
    } else {
        format!("{}/{}", channel.name, store::normalize_email(address))
    }
}
