//! The steps of the state machine, one per state, each a compare-and-set
//! on the stored message. `run` takes a message as far as it can go: to
//! `queued` (the outbox takes over) or to a final state.

mod decide;
mod outgoing;
mod parse;
mod session;

use std::sync::Arc;

use tokio::sync::Notify;

use super::inboxes::InboxDirectory;
use crate::mail::parse::{ParseLimits, ParsedMail};
use crate::plugins::HookRecord;
use crate::store::{self, MessagePatch, MessageState, Store, StoreError, StoredMessage};

/// Runs the steps; shared by every worker.
pub struct Steps {
    store: Arc<dyn Store>,
    inboxes: Arc<InboxDirectory>,
    // Notified when an outbox item was queued.
    outbox_wake: Arc<Notify>,
}

/// What one step did.
enum Next {
    /// The message moved to this state; keep going.
    Moved(MessageState),
    /// Nothing more for a worker to do now.
    Stop,
}

impl Steps {
    pub(super) fn new(
        store: Arc<dyn Store>,
        inboxes: Arc<InboxDirectory>,
        outbox_wake: Arc<Notify>,
    ) -> Self {
        Steps {
            store,
            inboxes,
            outbox_wake,
        }
    }

    /// Moves `message` forward until it waits for the outbox or is final.
    /// A lost compare-and-set race (another worker moved it) ends quietly.
    pub(super) async fn run(&self, message: StoredMessage) -> anyhow::Result<()> {
        use tracing::Instrument as _;
        let span = tracing::info_span!("message", id = %message.id, inbox = %message.inbox_id);
        self.run_steps(message).instrument(span).await
    }

    async fn run_steps(&self, mut message: StoredMessage) -> anyhow::Result<()> {
        loop {
            let step = match message.state {
                MessageState::Received => self.parse(&message).await,
                MessageState::Parsed => self.screen(&message).await,
                MessageState::Screened => self.thread_and_route(&message).await,
                MessageState::Routed => self.decide(&message).await,
                MessageState::Decided => self.after_decided(&message).await,
                MessageState::Sent => self.finish(&message).await,
                MessageState::Queued
                | MessageState::Done
                | MessageState::Skipped
                | MessageState::Escalated
                | MessageState::Failed => return Ok(()),
            };
            match step {
                Ok(Next::Moved(state)) => {
                    // The stored row changed; reload what later steps read.
                    message = self.store.message(&message.id).await?;
                    if message.state != state {
                        return Ok(());
                    }
                }
                Ok(Next::Stop) => return Ok(()),
                Err(e) if is_conflict(&e) => return Ok(()),
                Err(e) => return Err(e),
            }
        }
    }

    /// Fails a message that keeps erroring, with the last error.
    pub(super) async fn fail(&self, id: &str, error: &str) {
        let Ok(message) = self.store.message(id).await else {
            return;
        };
        let reason = format!("gave up after repeated errors: {error}");
        if let Err(e) = self
            .store
            .advance(
                id,
                message.state,
                MessageState::Failed,
                Some(reason),
                MessagePatch::default(),
            )
            .await
        {
            tracing::error!(message = %id, error = %e, "could not fail a message");
        }
    }

    /// Moves `message` from its state to `to` with `reason` and `patch`.
    async fn advance(
        &self,
        message: &StoredMessage,
        to: MessageState,
        reason: Option<String>,
        patch: MessagePatch,
    ) -> anyhow::Result<Next> {
        if let Some(reason) = &reason {
            tracing::info!(from = ?message.state, to = ?to, reason = %reason, "message moved");
        }
        self.store
            .advance(&message.id, message.state, to, reason, patch)
            .await?;
        Ok(Next::Moved(to))
    }

    /// Parses the stored bytes again (states keep no parsed copy).
    async fn parsed(
        &self,
        message: &StoredMessage,
    ) -> anyhow::Result<(ParsedMail, Arc<super::InboxContext>)> {
        let ctx = self.inboxes.get(&message.inbox_id).await?;
        let limits = ParseLimits {
            max_attachment_bytes: ctx.settings.max_attachment_bytes,
        };
        let mail = crate::mail::parse::parse(&message.raw, &limits)?;
        Ok((mail, ctx))
    }

    /// Records every plugin answer or error of a hook on the message.
    async fn record(&self, message: &StoredMessage, records: &[HookRecord]) -> anyhow::Result<()> {
        for r in records {
            let decision = store::Decision {
                message_id: message.id.clone(),
                hook: r.hook.name().to_owned(),
                plugin_name: r.plugin.clone(),
                plugin_hash: r.hash.clone(),
                outcome: r.outcome.clone().unwrap_or(serde_json::Value::Null),
                error: r.error.as_ref().map(|e| e.to_string()),
                duration_us: r.duration.as_micros() as i64,
                at: store::now_ms(),
            };
            self.store.record_decision(decision).await?;
        }
        Ok(())
    }

    async fn after_decided(&self, message: &StoredMessage) -> anyhow::Result<Next> {
        // The reply was queued in the same transaction that moved the
        // message here; hand it to the outbox (which may even have sent it).
        let items = self.store.outbox_for_message(&message.id).await?;
        let sent = items.iter().any(|i| i.state == store::OutboxState::Sent);
        self.advance(message, MessageState::Queued, None, MessagePatch::default())
            .await?;
        if sent {
            self.store
                .advance(
                    &message.id,
                    MessageState::Queued,
                    MessageState::Sent,
                    None,
                    MessagePatch::default(),
                )
                .await?;
            return Ok(Next::Moved(MessageState::Sent));
        }
        self.outbox_wake.notify_one();
        Ok(Next::Stop)
    }

    async fn finish(&self, message: &StoredMessage) -> anyhow::Result<Next> {
        if let Some(conv) = &message.conversation_id {
            self.store.touch_conversation(conv, store::now_ms()).await?;
        }
        self.advance(message, MessageState::Done, None, MessagePatch::default())
            .await
    }
}

fn is_conflict(e: &anyhow::Error) -> bool {
    matches!(
        e.downcast_ref::<StoreError>(),
        Some(StoreError::Conflict { .. })
    )
}
