//! Everything mailbot must get right about email itself, as pure code: no
//! sockets, no database, no clock of its own.
//!
//! - [`parse`] turns raw RFC 5322 bytes into an owned [`parse::ParsedMail`].
//! - [`new_text`] separates what the customer newly wrote from quoted
//!   history and signature.
//! - [`screen`] decides whether the bot may answer at all (loops, bounces,
//!   lists, auto-replies) and finds the failed recipients of a bounce.
//! - [`caps`] is the per-sender / per-conversation reply-cap policy.
//! - [`thread`] derives threading keys and picks the session a message
//!   belongs to.
//! - [`compose`] builds outbound replies, escalations and human replies.
//! - [`inspect`] gathers all of the above for `mailbot inspect`.

pub mod caps;
pub mod compose;
pub mod inspect;
pub mod new_text;
pub mod parse;
pub mod screen;
pub mod thread;

#[cfg(test)]
mod corpus;
