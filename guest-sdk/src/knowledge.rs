//! Search over the bot's knowledge (`knowledge` import). Returns
//! [`HostError::Unavailable`] when the bot has no knowledge base, and
//! [`HostError::Denied`] when the plugin was not granted it: treat both as
//! "carry on without" ([`HostError::is_not_available`]).
//!
//! Natively the search is unavailable until
//! [`testing::set_knowledge`](crate::testing::set_knowledge) gives passages.

use crate::HostError;

/// A passage found in the bot's knowledge.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Passage {
    /// The passage text.
    pub text: String,
    /// Where it came from (document title or URL).
    pub source: String,
    /// Relevance; higher is better, comparable within one answer only.
    pub score: f32,
}

/// Returns at most `limit` passages for `query`, best first.
pub fn search(query: &str, limit: u32) -> Result<Vec<Passage>, HostError> {
    #[cfg(target_arch = "wasm32")]
    return crate::wit::mailbot::plugin::knowledge::search(query, limit)
        .map(|found| {
            found
                .into_iter()
                .map(|p| Passage {
                    text: p.text,
                    source: p.source,
                    score: p.score,
                })
                .collect()
        })
        .map_err(HostError::from);
    #[cfg(not(target_arch = "wasm32"))]
    crate::testing::double::search(query, limit)
}
