//! The durable per-message state machine that takes stored mail to a sent
//! reply: `received → parsed → screened → routed → decided → queued → sent
//! → done`, or `skipped` / `escalated` / `failed` with a reason. Every step
//! is a compare-and-set on the stored state, so a restart resumes each
//! message from its last state and no step is applied twice; the reply and
//! the move to `decided` are one transaction, so no mail is answered twice.

mod dispatch;
mod inboxes;
mod intake;
mod outbox;
pub mod records;
mod steps;

pub use dispatch::Pipeline;
pub use inboxes::{InboxContext, InboxDirectory};
pub use intake::Intake;
pub use outbox::{OutboxWorker, Senders};
