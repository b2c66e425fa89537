//! Upserts what the configuration declares — bots, inboxes with their
//! settings, channels — so the store and the file agree before anything
//! starts. Records the configuration no longer names are left alone: their
//! history stays reachable through the API.

use std::collections::HashMap;

use anyhow::Context;

use crate::config::{ChannelSettings, Config};
use crate::store::{self, InboxKind, NewBot, NewChannel, NewInbox, Store};
use crate::transport::accounts::{AccountAuth, Secret};

/// Ids of what was declared.
#[derive(Debug, Default)]
pub(super) struct Declared {
    /// Inbox id by (normalised) address.
    pub inbox_of_address: HashMap<String, String>,
    /// Channel id by (normalised) account address.
    pub channel_of_account: HashMap<String, String>,
}

/// Key of the configured refresh token's hash in a channel's stored config.
const CONFIGURED_TOKEN: &str = "configured_refresh_token_hash";
/// Key of the newest refresh token the server rotated to (see `events.rs`).
pub(super) const ROTATED_TOKEN: &str = "rotated_refresh_token";

pub(super) async fn declare(store: &dyn Store, config: &Config) -> anyhow::Result<Declared> {
    let mut bot_ids = HashMap::new();
    for (name, backstory) in &config.bots {
        let bot = NewBot {
            name: name.clone(),
            backstory: backstory.clone(),
            settings: serde_json::json!({}),
        };
        let id = store
            .upsert_bot_by_name(bot)
            .await
            .with_context(|| format!("cannot store bot `{name}`"))?;
        bot_ids.insert(name.clone(), id);
    }

    let mut declared = Declared::default();
    let existing = store
        .channels()
        .await
        .context("cannot read the stored channels")?;
    for channel in &config.channels {
        for account in &channel.accounts {
            let name = channel_name(channel, &account.address);
            let mut record_config = serde_json::json!({
                "channel": channel.name,
                "address": account.address,
                "imap": account.imap.to_string(),
                "smtp": account.smtp.as_ref().map(ToString::to_string),
                "mailbox": account.mailbox,
            });
            if let AccountAuth::OAuth2(source) = &account.auth {
                let configured = blake3::hash(source.refresh_token().expose().as_bytes())
                    .to_hex()
                    .to_string();
                record_config[CONFIGURED_TOKEN] = configured.clone().into();
                let stored = existing.iter().find(|c| c.name == name).map(|c| &c.config);
                // A token rotated from the one still configured replaces it;
                // a newly configured token (re-authorised) wins over both.
                if let Some(stored) = stored
                    && stored[CONFIGURED_TOKEN].as_str() == Some(configured.as_str())
                    && let Some(rotated) = stored[ROTATED_TOKEN].as_str()
                {
                    source.use_refresh_token(Secret::new(rotated));
                    record_config[ROTATED_TOKEN] = rotated.into();
                    tracing::info!(account = %account.address, "continuing with the refresh token the server rotated to");
                }
            }
            let record = NewChannel {
                name,
                kind: "imap".into(),
                config: record_config,
            };
            let id = store
                .upsert_channel_by_name(record)
                .await
                .with_context(|| format!("cannot store channel `{}`", channel.name))?;
            declared
                .channel_of_account
                .insert(store::normalize_email(&account.address), id);
        }
    }

    for inbox in &config.inboxes {
        let record = NewInbox {
            name: inbox.name.clone(),
            address: inbox.address.clone(),
            kind: if inbox.slug.is_some() {
                InboxKind::Generated
            } else {
                InboxKind::Mailbox
            },
            slug: inbox.slug.clone(),
            bot_id: inbox.bot.as_ref().and_then(|b| bot_ids.get(b).cloned()),
            settings: serde_json::to_value(inbox)?,
        };
        let id = store
            .upsert_inbox_by_address(record)
            .await
            .with_context(|| format!("cannot store inbox `{}`", inbox.name))?;
        declared
            .inbox_of_address
            .insert(store::normalize_email(&inbox.address), id);
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
