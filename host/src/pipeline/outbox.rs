//! Sends queued mail: each item is claimed under a lease, submitted through
//! the inbox's sender, and marked sent with the server's reply; temporary
//! failures retry with backoff, permanent ones fail the item and surface on
//! the conversation. The Message-ID was fixed at queue time, so a resend
//! after a crash is the same mail.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{Notify, Semaphore};
use tokio_util::sync::CancellationToken;

use crate::store::{self, OutboxItem, Store};
use crate::transport::smtp_out::{OutboundSender, SendError};

/// How long a claim lasts before another sender may take the item over.
const LEASE_MS: i64 = 120_000;
/// Attempts before a temporary failure becomes permanent.
const MAX_ATTEMPTS: u32 = 30;
/// Deliveries in flight at once.
const CONCURRENCY: usize = 32;

/// Which sender serves which inbox, and the one for the rest.
#[derive(Clone)]
pub struct Senders {
    by_inbox: HashMap<String, Arc<dyn OutboundSender>>,
    fallback: Arc<dyn OutboundSender>,
}

impl std::fmt::Debug for Senders {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Senders")
            .field("inboxes", &self.by_inbox.len())
            .finish_non_exhaustive()
    }
}

impl Senders {
    /// `fallback` serves every inbox without a sender of its own.
    pub fn new(fallback: Arc<dyn OutboundSender>) -> Self {
        Senders {
            by_inbox: HashMap::new(),
            fallback,
        }
    }

    /// Sends the mail of `inbox_id` through `sender`.
    pub fn set(&mut self, inbox_id: &str, sender: Arc<dyn OutboundSender>) {
        self.by_inbox.insert(inbox_id.to_owned(), sender);
    }

    fn for_inbox(&self, inbox_id: &str) -> Arc<dyn OutboundSender> {
        self.by_inbox
            .get(inbox_id)
            .cloned()
            .unwrap_or_else(|| self.fallback.clone())
    }
}

/// Delay before attempt `attempts + 1`: 2 s doubling, at most 5 minutes.
fn backoff(attempts: u32) -> Duration {
    let secs = 2u64.saturating_pow(attempts.min(9)).min(300);
    Duration::from_secs(secs.max(2))
}

/// The outbox loop.
pub struct OutboxWorker {
    store: Arc<dyn Store>,
    senders: Senders,
    wake: Arc<Notify>,
}

impl std::fmt::Debug for OutboxWorker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OutboxWorker").finish_non_exhaustive()
    }
}

impl OutboxWorker {
    /// A worker sending `store`'s outbox through `senders`, woken by `wake`.
    pub fn new(store: Arc<dyn Store>, senders: Senders, wake: Arc<Notify>) -> Self {
        OutboxWorker {
            store,
            senders,
            wake,
        }
    }

    /// Runs until `shutdown`; deliveries in flight finish first.
    pub async fn run(self, shutdown: CancellationToken) {
        match self.store.recover_outbox(store::now_ms()).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(
                items = n,
                "outbox items left sending by the previous run are due again"
            ),
            Err(e) => tracing::error!(error = %e, "recovering the outbox"),
        }
        let slots = Arc::new(Semaphore::new(CONCURRENCY));
        let done = Arc::new(Notify::new());
        loop {
            // As many items as there are free slots, claimed in one commit.
            let free = slots.available_permits() as u32;
            let claimed = if free == 0 {
                Vec::new()
            } else {
                self.store
                    .claim_due_outbox(store::now_ms(), LEASE_MS, free)
                    .await
                    .unwrap_or_else(|e| {
                        tracing::error!(error = %e, "claiming due outbox items");
                        Vec::new()
                    })
            };
            for claimed in claimed {
                let Ok(permit) = slots.clone().acquire_owned().await else {
                    return;
                };
                let (store, sender, done) = (
                    self.store.clone(),
                    self.senders.for_inbox(&claimed.inbox_id),
                    done.clone(),
                );
                tokio::spawn(async move {
                    deliver(store.as_ref(), sender.as_ref(), claimed).await;
                    drop(permit);
                    done.notify_one();
                });
            }
            tokio::select! {
                _ = shutdown.cancelled() => break,
                _ = self.wake.notified() => {}
                _ = done.notified() => {}
                _ = tokio::time::sleep(Duration::from_millis(500)) => {}
            }
        }
        // Let deliveries in flight finish and be recorded.
        let _ = slots.acquire_many(CONCURRENCY as u32).await;
    }
}

async fn deliver(store: &dyn Store, sender: &dyn OutboundSender, item: OutboxItem) {
    let result = sender
        .send(&item.envelope_from, &item.recipients, &item.raw)
        .await;
    let recorded = match result {
        Ok(accepted) => {
            tracing::info!(item = %item.id, message_id = %item.message_id_header, response = %accepted.response, "mail sent");
            store
                .mark_sent(&item.id, &accepted.response, store::now_ms())
                .await
        }
        Err(SendError::Temporary(e)) if item.attempts < MAX_ATTEMPTS => {
            let next = store::now_ms() + backoff(item.attempts).as_millis() as i64;
            tracing::warn!(item = %item.id, attempt = item.attempts, error = %e, "temporary send failure; will retry");
            store.mark_retry(&item.id, &e, next).await
        }
        Err(e) => {
            tracing::error!(item = %item.id, error = %e, "send failed for good");
            let failed = store.mark_failed(&item.id, &e.to_string()).await;
            if let Some(conv) = &item.conversation_id {
                let update = store::ConversationUpdate {
                    paused_reason: Some(format!("delivery failed: {e}")),
                    ..Default::default()
                };
                if let Err(e) = store.update_conversation(conv, update).await {
                    tracing::error!(error = %e, "recording a delivery failure on the conversation");
                }
            }
            failed
        }
    };
    if let Err(e) = recorded {
        tracing::error!(item = %item.id, error = %e, "recording a delivery outcome");
    }
}

#[cfg(test)]
mod tests {
    use super::backoff;
    use std::time::Duration;

    #[test]
    fn backoff_doubles_from_two_seconds_up_to_five_minutes() {
        assert_eq!(backoff(0), Duration::from_secs(2));
        assert_eq!(backoff(1), Duration::from_secs(2));
        assert_eq!(backoff(3), Duration::from_secs(8));
        assert_eq!(backoff(20), Duration::from_secs(300));
    }
}
