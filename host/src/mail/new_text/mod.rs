//! Separates what the customer newly wrote from quoted history and from the
//! signature, so only the new text reaches the bot.
//!
//! - [`patterns`]: per-language and per-client line patterns.
//! - [`lines`]: the plain-text rules (where history starts).
//! - [`signature`]: the signature at the end of the new text.
//! - [`author`]: the sender's name, where they sign with it.
//! - [`html`]: quote containers in HTML, then the text rules.

mod author;
mod decorator;
pub mod html;
mod lines;
mod patterns;
mod signature;

use serde::Serialize;

pub use author::Author;
pub use html::HtmlSplit;

/// A body split in three. `new_text` followed by `signature` is the text the
/// customer wrote in this message (the new text ends with a line break when
/// a signature follows); `quoted_text` is the history they quoted or
/// forwarded.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct NewText {
    /// What the customer newly wrote.
    pub new_text: String,
    /// Quoted or forwarded history.
    pub quoted_text: String,
    /// Signature, device line or sign-off block (with its `-- ` delimiter).
    pub signature: String,
}

/// Splits a plain-text body. `author`, the sender's name, marks a signature
/// that has no delimiter or sign-off.
pub fn split_text(text: &str, author: Option<&Author>) -> NewText {
    lines::split(text, author)
}

/// Splits an HTML body: quote containers are cut in the DOM before the
/// remaining HTML is converted to text and split like plain text.
pub fn split_html(html: &str, author: Option<&Author>) -> HtmlSplit {
    html::split(html, author)
}

#[cfg(test)]
mod corpus_tests;
#[cfg(test)]
mod tests;
