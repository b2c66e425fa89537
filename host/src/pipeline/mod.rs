//! The durable per-message state machine that takes stored mail to a sent
//! reply: `received → parsed → screened → routed → decided → queued → sent
//! → done`, or `skipped` / `escalated` / `failed` with a reason. Every step
//! is a compare-and-set on the stored state, so a restart resumes each
//! message from its last committed state and no step is applied twice; the
//! reply, the move to `queued` and the plugin decisions behind them are one
//! transaction, so no mail is answered twice. Steps a worker runs back to
//! back commit together (see `steps`), and the outbox records `sent` and
//! `done` in the commit that marks the reply sent, so an answered mail costs
//! a handful of commits, not one per state.

mod dispatch;
mod inboxes;
mod intake;
mod keyed_locks;
mod outbox;
pub mod records;
mod steps;

pub use dispatch::Pipeline;
pub use inboxes::{InboxContext, InboxDirectory};
pub use intake::Intake;
pub use outbox::{OutboxWorker, Senders};
