//! The per-language and per-client line patterns that mark quoted history
//! and signatures in plain text.
//!
//! Every pattern is compiled once. They are written for the general case:
//! the languages and clients listed are those whose wording is known, and
//! shape-based rules (a short line with a date and an address ending in a
//! colon) cover the rest.

mod closing;
mod history;

use regex::Regex;

pub(crate) use closing::{
    DashName, dash_name, is_contact_line, is_disclaimer_start, is_mobile_signature, is_sign_off,
    is_signature_delimiter, is_signature_rule,
};
pub(crate) use history::{
    Attribution, HeaderKey, attribution, attribution_inside, header_key,
    is_attribution_above_history, is_inline_header_block, is_quoted, is_rule_line, is_separator,
    is_short_rule, opens_attribution,
};

fn re(pattern: &str) -> Regex {
    // The patterns are constants checked by `tests.rs`; an invalid one
    // is a programming error caught by `all_patterns_compile`, never input.
    Regex::new(pattern).unwrap_or_else(|e| panic!("mail pattern {pattern:?}: {e}"))
}

#[cfg(test)]
mod tests;
