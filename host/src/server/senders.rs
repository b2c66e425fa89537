//! Which outbound sender serves each inbox: a mailbox inbox sends through
//! its account's SMTP server, everything else through the relay, and with
//! no relay configured into the outbox folder (logged), so one machine with
//! nothing else still works.

use std::sync::Arc;

use anyhow::Context;

use super::declare::Declared;
use crate::config::Config;
use crate::pipeline::Senders;
use crate::store;
use crate::transport::ChannelEvents;
use crate::transport::smtp_out::{
    FolderSender, OutboundSender, RelayAuth, RelayConfig, SmtpSender,
};

pub(super) fn build(
    config: &Config,
    declared: &Declared,
    events: Arc<dyn ChannelEvents>,
) -> anyhow::Result<Senders> {
    let fallback: Arc<dyn OutboundSender> = match &config.relay {
        Some(relay) => {
            let mut settings = RelayConfig::new(relay.host.clone(), relay.port, relay.security);
            settings.auth =
                relay
                    .credentials
                    .as_ref()
                    .map(|(username, password)| RelayAuth::Password {
                        username: username.clone(),
                        password: password.clone(),
                    });
            Arc::new(SmtpSender::new(settings)?)
        }
        None => {
            let folder = FolderSender::new(&config.outbox_dir).with_context(|| {
                format!(
                    "cannot create the outbox folder {}",
                    config.outbox_dir.display()
                )
            })?;
            tracing::info!(folder = %config.outbox_dir.display(), "no relay configured: outbound mail is written to the outbox folder");
            Arc::new(folder)
        }
    };
    let mut senders = Senders::new(fallback);
    for channel in &config.channels {
        for account in channel.accounts.iter().filter(|a| a.smtp.is_some()) {
            let Some(inbox_id) = declared
                .inbox_of_address
                .get(&store::normalize_email(&account.address))
            else {
                continue;
            };
            let sender = SmtpSender::for_account(account, events.clone())?;
            senders.set(inbox_id, Arc::new(sender));
        }
    }
    Ok(senders)
}
