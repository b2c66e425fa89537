//! Channel status, per-channel logs and rotated OAuth refresh tokens, kept
//! in the store. Transports call synchronously; the writes are queued on
//! one task so a slow disk never stalls a transport, and kept in order.

use std::collections::HashMap;
use std::sync::Arc;

use tokio::sync::mpsc;

use crate::store::{self, Store};
use crate::transport::lifecycle::{ChannelEvents, ChannelStatus, LogLevel, TracingEvents};

/// One write for the store.
pub(super) enum Event {
    Status(String, store::ChannelStatus, Option<String>),
    Log(String, LogLevel, String),
    Rotated(String, String),
}

/// [`ChannelEvents`] that logs through `tracing` and keeps everything in the
/// store, under the channel of each account.
pub struct StoreChannelEvents {
    channel_of_account: HashMap<String, String>,
    queue: mpsc::UnboundedSender<Event>,
}

impl StoreChannelEvents {
    /// Events for accounts mapped to channel ids by `channel_of_account`.
    /// Must be called inside a tokio runtime (it spawns the writer).
    pub fn new(store: Arc<dyn Store>, channel_of_account: HashMap<String, String>) -> Self {
        let (queue, mut rx) = mpsc::unbounded_channel::<Event>();
        tokio::spawn(async move {
            while let Some(event) = rx.recv().await {
                if let Err(e) = write(&*store, event).await {
                    tracing::error!(error = %e, "recording a channel event");
                }
            }
        });
        StoreChannelEvents {
            channel_of_account,
            queue,
        }
    }

    fn channel(&self, account: &str) -> Option<String> {
        self.channel_of_account
            .get(&store::normalize_email(account))
            .cloned()
    }
}

pub(super) async fn write(store: &dyn Store, event: Event) -> store::Result<()> {
    match event {
        Event::Status(channel, status, detail) => {
            store.set_channel_status(&channel, status, detail).await
        }
        Event::Log(channel, level, line) => {
            store
                .append_channel_log(&channel, level.as_str(), &line, store::now_ms())
                .await
        }
        Event::Rotated(channel, token) => {
            let mut record = store.channel(&channel).await?;
            if let Some(config) = record.config.as_object_mut() {
                config.insert(super::declare::ROTATED_TOKEN.into(), token.into());
            }
            let update = store::NewChannel {
                name: record.name,
                kind: record.kind,
                config: record.config,
            };
            store.upsert_channel_by_name(update).await.map(|_| ())
        }
    }
}

impl ChannelEvents for StoreChannelEvents {
    fn status(&self, account: &str, status: ChannelStatus, detail: Option<&str>) {
        TracingEvents.status(account, status, detail);
        let stored = match status {
            ChannelStatus::Starting => store::ChannelStatus::Starting,
            ChannelStatus::Running => store::ChannelStatus::Running,
            ChannelStatus::Error => store::ChannelStatus::Error,
            ChannelStatus::Stopped => store::ChannelStatus::Stopped,
        };
        if let Some(channel) = self.channel(account) {
            let _ = self
                .queue
                .send(Event::Status(channel, stored, detail.map(str::to_owned)));
        }
    }

    fn log(&self, account: &str, level: LogLevel, line: &str) {
        TracingEvents.log(account, level, line);
        if let Some(channel) = self.channel(account) {
            let _ = self.queue.send(Event::Log(channel, level, line.to_owned()));
        }
    }

    fn refresh_token_rotated(&self, account: &str, new_token: &str) {
        tracing::info!(
            account,
            "refresh token rotated; the new one is stored on the channel"
        );
        if let Some(channel) = self.channel(account) {
            let _ = self
                .queue
                .send(Event::Rotated(channel, new_token.to_owned()));
        }
    }
}
