//! The steps of the state machine, one per state. A step looks at the
//! message and decides where it goes next — a [`Transition`], with the
//! plugin decisions that led there — and `run` makes it durable: a move to
//! a state a worker carries on from at once (`parsed`, `screened`, `routed`)
//! is kept in memory and committed together with the next one, so a mail
//! that is answered costs one commit from `received` to `queued`. A crash
//! in between only means the steps since the last commit run again; what
//! they write on the way (a session, a contact) finds its earlier write.
//! `run` takes a message as far as it can go: to `queued` (the outbox takes
//! over) or to a final state.

mod decide;
mod outgoing;
mod parse;
mod session;

use std::sync::Arc;

use tokio::sync::Notify;

use super::inboxes::{InboxContext, InboxDirectory};
use super::keyed_locks::{KeyedGuard, KeyedLocks, Ticket};
use crate::mail::parse::{ParseError, ParseLimits, ParsedMail};
use crate::mail::thread::ThreadKeys;
use crate::plugins::HookRecord;
use crate::store::{
    self, MessageState, NewOutboxItem, Store, StoreError, StoredMessage, Transition,
};

/// Runs the steps; shared by every worker.
pub struct Steps {
    store: Arc<dyn Store>,
    inboxes: Arc<InboxDirectory>,
    // Notified when an outbox item was queued.
    outbox_wake: Arc<Notify>,
    // One per (inbox, customer): a customer's messages are decided one
    // after another.
    customers: KeyedLocks,
}

/// Where a step sends the message.
enum Next {
    /// Move as the transition says and carry on from its target.
    Move(Transition),
    /// Move and queue this outbox item, in one transaction.
    Queue(Transition, Box<NewOutboxItem>),
}

/// The mail a step reads: the stored bytes parsed once per run, its
/// threading keys, and the inbox they arrived at.
struct Mail {
    parsed: ParsedMail,
    keys: ThreadKeys,
    ctx: Arc<InboxContext>,
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
            customers: KeyedLocks::default(),
        }
    }

    /// A place in the order in which runs take their customer's turn; the
    /// dispatcher takes one for each message it hands out, in arrival order.
    pub(super) fn ticket(&self) -> Ticket {
        self.customers.ticket()
    }

    /// Moves `message` forward until it waits for the outbox or is final.
    /// A lost compare-and-set race (another worker moved it) ends quietly.
    pub(super) async fn run(&self, message: StoredMessage, ticket: Ticket) -> anyhow::Result<()> {
        use tracing::Instrument as _;
        let span = tracing::info_span!("message", id = %message.id, inbox = %message.inbox_id);
        match self.run_steps(message, ticket).instrument(span).await {
            Err(e) if is_conflict(&e) => Ok(()),
            other => other,
        }
    }

    async fn run_steps(&self, mut message: StoredMessage, ticket: Ticket) -> anyhow::Result<()> {
        // Moves made in memory, not yet committed.
        let mut pending: Option<Transition> = None;
        let mut mail: Option<Mail> = None;
        // Passed on as soon as this run has queued for its customer's turn,
        // or knows it needs none.
        let mut ticket = reads_mail(message.state).then_some(ticket);
        // Held until the run ends: the customer's other messages wait, so
        // the next one sees this one, committed, as a turn of the session.
        let mut _customer_turn = None;
        loop {
            if mail.is_none() && reads_mail(message.state) {
                match self.parse(&message).await? {
                    Ok(parsed) => {
                        if let Some(ticket) = ticket.take() {
                            _customer_turn = self.customer_turn(&message, &parsed, ticket).await;
                        }
                        mail = Some(parsed);
                    }
                    Err(unreadable) => {
                        drop(ticket.take());
                        let failed = Transition::new(message.state, MessageState::Failed)
                            .because(format!("unreadable mail: {unreadable}"));
                        return self
                            .commit(&mut message, pending.take(), failed, None)
                            .await;
                    }
                }
            }
            let next = match (message.state, &mail) {
                (MessageState::Received, Some(mail)) => self.read(&message, mail),
                (MessageState::Parsed, Some(mail)) => self.screen(&message, mail).await?,
                (MessageState::Screened, Some(mail)) => {
                    self.thread_and_route(&message, mail).await?
                }
                (MessageState::Routed, Some(mail)) => self.decide(&message, mail).await?,
                (MessageState::Decided, _) => self.after_decided(&message).await?,
                (MessageState::Sent, _) => self.finish(&message).await?,
                _ => break,
            };
            match next {
                Next::Move(t) if can_wait(t.to) => {
                    message.apply(&t);
                    pending = Some(chain(pending.take(), t));
                }
                Next::Move(t) => self.commit(&mut message, pending.take(), t, None).await?,
                Next::Queue(t, item) => {
                    self.commit(&mut message, pending.take(), t, Some(*item))
                        .await?
                }
            }
        }
        if let Some(t) = pending {
            // Only reached when a step left a waiting move last, which the
            // states above never do; commit it rather than lose it.
            self.store.advance(&message.id, t).await?;
        }
        Ok(())
    }

    /// Commits `pending` (if any) followed by `t` as one transaction, with
    /// `item` queued in it.
    async fn commit(
        &self,
        message: &mut StoredMessage,
        pending: Option<Transition>,
        t: Transition,
        item: Option<NewOutboxItem>,
    ) -> anyhow::Result<()> {
        let t = chain(pending, t);
        if let Some(reason) = &t.reason {
            tracing::info!(to = ?t.to, reason = %reason, "message moved");
        }
        let queued = item.is_some() || t.to == MessageState::Queued;
        match item {
            Some(item) => {
                self.store
                    .queue_and_advance(&message.id, t.clone(), item)
                    .await?;
            }
            None => self.store.advance(&message.id, t.clone()).await?,
        }
        message.apply(&t);
        if queued {
            self.outbox_wake.notify_one();
        }
        Ok(())
    }

    /// Waits until no other message of the same customer at the same
    /// inbox is being worked on, or queued before this one, and holds that
    /// turn until dropped. Mail without a sender address has no customer
    /// to wait for.
    async fn customer_turn(
        &self,
        message: &StoredMessage,
        mail: &Mail,
        ticket: Ticket,
    ) -> Option<KeyedGuard<'_>> {
        let customer = store::normalize_email(mail.keys.customer.as_deref()?);
        let key = format!("{}\n{customer}", message.inbox_id);
        Some(self.customers.lock(ticket, key).await)
    }

    /// Fails a message that keeps erroring, with the last error.
    pub(super) async fn fail(&self, id: &str, error: &str) {
        let Ok(message) = self.store.message(id).await else {
            return;
        };
        let failed = Transition::new(message.state, MessageState::Failed)
            .because(format!("gave up after repeated errors: {error}"));
        if let Err(e) = self.store.advance(id, failed).await {
            tracing::error!(message = %id, error = %e, "could not fail a message");
        }
    }

    /// Parses the stored bytes with the limits of the message's inbox; the
    /// inner `Err` is mail that cannot be read at all.
    async fn parse(&self, message: &StoredMessage) -> anyhow::Result<Result<Mail, ParseError>> {
        let ctx = self.inboxes.get(&message.inbox_id).await?;
        let limits = ParseLimits {
            max_attachment_bytes: ctx.settings.max_attachment_bytes,
        };
        Ok(
            crate::mail::parse::parse(&message.raw, &limits).map(|parsed| Mail {
                keys: ThreadKeys::from(&parsed),
                parsed,
                ctx,
            }),
        )
    }

    async fn after_decided(&self, message: &StoredMessage) -> anyhow::Result<Next> {
        // A message left here by an earlier version, or by a crash: its
        // reply was queued in the transaction that moved it here. The outbox
        // may even have sent it already, without moving the message on.
        let items = self.store.outbox_for_message(&message.id).await?;
        let queued = Transition::new(MessageState::Decided, MessageState::Queued);
        if items.iter().any(|i| i.state == store::OutboxState::Sent) {
            return Ok(Next::Move(
                queued.then(Transition::new(MessageState::Queued, MessageState::Sent)),
            ));
        }
        Ok(Next::Move(queued))
    }

    async fn finish(&self, message: &StoredMessage) -> anyhow::Result<Next> {
        if let Some(conv) = &message.conversation_id {
            self.store.touch_conversation(conv, store::now_ms()).await?;
        }
        Ok(Next::Move(Transition::new(
            MessageState::Sent,
            MessageState::Done,
        )))
    }
}

/// What a hook's calls leave on record: every plugin answer or error.
fn decisions(message: &StoredMessage, records: &[HookRecord]) -> Vec<store::Decision> {
    records
        .iter()
        .map(|r| store::Decision {
            message_id: message.id.clone(),
            hook: r.hook.name().to_owned(),
            plugin_name: r.plugin.clone(),
            plugin_hash: r.hash.clone(),
            outcome: r.outcome.clone().unwrap_or(serde_json::Value::Null),
            error: r.error.as_ref().map(|e| e.to_string()),
            duration_us: r.duration.as_micros() as i64,
            at: store::now_ms(),
        })
        .collect()
}

/// `t` after the moves not yet committed.
fn chain(pending: Option<Transition>, t: Transition) -> Transition {
    match pending {
        Some(p) => p.then(t),
        None => t,
    }
}

/// States whose step reads the mail itself.
fn reads_mail(state: MessageState) -> bool {
    matches!(
        state,
        MessageState::Received
            | MessageState::Parsed
            | MessageState::Screened
            | MessageState::Routed
    )
}

/// States a worker carries on from at once, so a move there may wait for
/// the next commit.
fn can_wait(state: MessageState) -> bool {
    matches!(
        state,
        MessageState::Parsed | MessageState::Screened | MessageState::Routed
    )
}

fn is_conflict(e: &anyhow::Error) -> bool {
    matches!(
        e.downcast_ref::<StoreError>(),
        Some(StoreError::Conflict { .. })
    )
}
