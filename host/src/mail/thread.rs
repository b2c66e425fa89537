//! Threading keys of a message and the choice of the session it belongs to.
//!
//! The session model (DESIGN.md): one session per customer address per
//! inbox, continued while its last message is within `session_duration`; a
//! header match (In-Reply-To / References naming a message of a session of
//! this inbox) takes precedence. [`choose_session`] decides that as a pure
//! function over (existing sessions, message keys, now).

use serde::Serialize;
use time::{Duration, OffsetDateTime};

use crate::mail::parse::ParsedMail;

/// Reply and forward prefixes stripped from subjects, lower-case, without
/// the colon: English and the translations mail clients use.
const PREFIXES: &[&str] = &[
    "re",
    "fw",
    "fwd",
    "aw",
    "wg",
    "sv",
    "vs",
    "vl",
    "antw",
    "doorst",
    "tr",
    "réf",
    "ref",
    "rv",
    "enc",
    "res",
    "rif",
    "i",
    "r",
    "odp",
    "pd",
    "fs",
    "ynt",
    "ilt",
    "πλθ",
    "απ",
    "σχετ",
    "отв",
    "ответ",
    "пересл",
    "回复",
    "答复",
    "转发",
    "回覆",
    "轉寄",
    "返信",
    "転送",
    "회신",
    "전달",
    "trs",
    "wtr",
    "fyi",
];

/// What a message contributes to threading.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct ThreadKeys {
    /// Message-ID without angle brackets.
    pub message_id: Option<String>,
    /// In-Reply-To without angle brackets.
    pub in_reply_to: Option<String>,
    /// References, oldest first.
    pub references: Vec<String>,
    /// Subject without reply/forward prefixes and `[tags]`, lower-cased,
    /// white space folded.
    pub normalized_subject: String,
    /// Reply-To over From, lower-cased; `None` when the message has neither.
    pub customer: Option<String>,
}

impl From<&ParsedMail> for ThreadKeys {
    fn from(mail: &ParsedMail) -> Self {
        Self {
            message_id: mail.message_id.clone(),
            in_reply_to: mail.in_reply_to.clone(),
            references: mail.references.clone(),
            normalized_subject: normalize_subject(&mail.subject),
            customer: mail
                .reply_to
                .as_ref()
                .or(mail.from.as_ref())
                .map(|m| m.email.trim().to_lowercase())
                .filter(|e| !e.is_empty()),
        }
    }
}

/// Strips `Re:`, `AW:`, `SV:`, `Fwd:`, counters (`Re[2]:`) and `[tags]`
/// from the front of a subject, repeatedly, and folds case and spaces: the
/// key threading compares.
pub fn normalize_subject(subject: &str) -> String {
    bare_subject(subject).to_lowercase()
}

/// The subject as the customer wrote it, without the prefixes and tags
/// [`normalize_subject`] strips; case kept, spaces collapsed. What plugins
/// see and templates quote.
pub fn bare_subject(subject: &str) -> String {
    let mut rest = subject.trim();
    loop {
        let before = rest;
        if let Some(after_tag) = strip_tag(rest) {
            rest = after_tag;
        }
        if let Some(after_prefix) = strip_prefix(rest) {
            rest = after_prefix;
        }
        if rest == before {
            break;
        }
    }
    rest.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Strips reply prefixes only (not `Fwd:` or tags): what a reply subject
/// builds on.
pub(crate) fn strip_reply_prefixes(subject: &str) -> &str {
    let mut rest = subject.trim();
    while let Some(after) = strip_prefix(rest) {
        let word = rest[..rest.len() - after.len()].to_lowercase();
        let is_reply = [
            "re",
            "aw",
            "sv",
            "vs",
            "antw",
            "odp",
            "ynt",
            "rv",
            "res",
            "r",
            "réf",
            "ref",
            "απ",
            "σχετ",
            "отв",
            "ответ",
            "回复",
            "答复",
            "回覆",
            "返信",
            "회신",
        ]
        .iter()
        .any(|p| word.trim_start().starts_with(p));
        if !is_reply {
            break;
        }
        rest = after;
    }
    rest
}

fn strip_tag(s: &str) -> Option<&str> {
    let s = s.trim_start();
    if !s.starts_with('[') {
        return None;
    }
    let end = s.find(']')?;
    // A tag is short; a bracketed sentence is part of the subject.
    (end <= 40).then(|| s[end + 1..].trim_start())
}

fn strip_prefix(s: &str) -> Option<&str> {
    let s = s.trim_start();
    let colon = s.find([':', '：'])?;
    let head = &s[..colon];
    let word = head.trim();
    // Counters: "Re[2]", "Re(3)", "RE^2".
    let word = word.trim_end_matches(|c: char| {
        c.is_ascii_digit() || matches!(c, '[' | ']' | '(' | ')' | '^' | ' ')
    });
    if word.is_empty() || word.chars().count() > 8 {
        return None;
    }
    let lower = word.to_lowercase();
    if !PREFIXES.contains(&lower.as_str()) {
        return None;
    }
    let colon_len = s[colon..].chars().next().map_or(1, char::len_utf8);
    Some(s[colon + colon_len..].trim_start())
}

/// A session of this inbox the message could continue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionCandidate<Id> {
    /// The session's id in the store.
    pub id: Id,
    /// The session's customer address, lower-cased.
    pub customer: String,
    /// Message-IDs of the messages in this session (inbound and outbound).
    pub message_ids: Vec<String>,
    /// When the session's last message was received or sent.
    pub last_message_at: OffsetDateTime,
}

/// Where a message goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SessionChoice<Id> {
    /// Continue this session.
    Continue(Id),
    /// Open a new session.
    New,
}

/// Picks the session a message belongs to: a header match wins (the
/// In-Reply-To match first, then References, most recent session on ties),
/// else the customer's session whose last message is within
/// `session_duration` of `now`, else a new one.
pub fn choose_session<Id: Clone>(
    existing: &[SessionCandidate<Id>],
    keys: &ThreadKeys,
    now: OffsetDateTime,
    session_duration: Duration,
) -> SessionChoice<Id> {
    let knows = |s: &SessionCandidate<Id>, id: &str| s.message_ids.iter().any(|m| m == id);
    let most_recent = |matches: Vec<&SessionCandidate<Id>>| {
        matches
            .into_iter()
            .max_by_key(|s| s.last_message_at)
            .map(|s| s.id.clone())
    };
    if let Some(parent) = &keys.in_reply_to {
        let hits: Vec<_> = existing.iter().filter(|s| knows(s, parent)).collect();
        if let Some(id) = most_recent(hits) {
            return SessionChoice::Continue(id);
        }
    }
    let hits: Vec<_> = existing
        .iter()
        .filter(|s| keys.references.iter().any(|r| knows(s, r)))
        .collect();
    if let Some(id) = most_recent(hits) {
        return SessionChoice::Continue(id);
    }
    if let Some(customer) = &keys.customer {
        let hits: Vec<_> = existing
            .iter()
            .filter(|s| s.customer.eq_ignore_ascii_case(customer))
            .filter(|s| now - s.last_message_at <= session_duration)
            .collect();
        if let Some(id) = most_recent(hits) {
            return SessionChoice::Continue(id);
        }
    }
    SessionChoice::New
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn subjects_lose_prefixes_in_many_languages() {
        let cases = [
            ("Re: Order 42", "order 42"),
            ("RE: RE: Order 42", "order 42"),
            ("AW: WG: Bestellung", "bestellung"),
            ("SV: Vs: Tilaus", "tilaus"),
            ("Fwd: [Support] Re: Help", "help"),
            ("Re[2]: Help", "help"),
            ("回复：订单", "订单"),
            ("Réf : Commande", "commande"),
            ("Invoice: March", "invoice: march"),
            ("", ""),
        ];
        for (subject, want) in cases {
            assert_eq!(normalize_subject(subject), want, "{subject}");
        }
    }

    #[test]
    fn reply_prefixes_only_are_stripped_for_reply_subjects() {
        assert_eq!(strip_reply_prefixes("Re: RE: Aw: Hello"), "Hello");
        assert_eq!(strip_reply_prefixes("Fwd: Hello"), "Fwd: Hello");
    }

    fn session(
        id: u32,
        customer: &str,
        ids: &[&str],
        last: OffsetDateTime,
    ) -> SessionCandidate<u32> {
        SessionCandidate {
            id,
            customer: customer.into(),
            message_ids: ids.iter().map(|s| s.to_string()).collect(),
            last_message_at: last,
        }
    }

    #[test]
    fn header_match_wins_over_customer_and_age() {
        let now = datetime!(2025-01-10 12:00 UTC);
        let sessions = [
            session(1, "a@x.org", &["old@x"], datetime!(2024-01-01 0:00 UTC)),
            session(2, "a@x.org", &["new@x"], datetime!(2025-01-10 11:00 UTC)),
        ];
        let keys = ThreadKeys {
            in_reply_to: Some("old@x".into()),
            customer: Some("a@x.org".into()),
            ..ThreadKeys::default()
        };
        assert_eq!(
            choose_session(&sessions, &keys, now, Duration::days(1)),
            SessionChoice::Continue(1)
        );
    }

    #[test]
    fn same_customer_continues_only_within_the_duration() {
        let now = datetime!(2025-01-10 12:00 UTC);
        let sessions = [session(7, "a@x.org", &[], datetime!(2025-01-10 10:00 UTC))];
        let keys = ThreadKeys {
            customer: Some("a@x.org".into()),
            ..ThreadKeys::default()
        };
        assert_eq!(
            choose_session(&sessions, &keys, now, Duration::hours(3)),
            SessionChoice::Continue(7)
        );
        assert_eq!(
            choose_session(&sessions, &keys, now, Duration::hours(1)),
            SessionChoice::New
        );
    }

    #[test]
    fn unknown_customer_opens_a_new_session() {
        let now = datetime!(2025-01-10 12:00 UTC);
        let sessions = [session(7, "a@x.org", &["m@x"], now)];
        let keys = ThreadKeys {
            customer: Some("b@x.org".into()),
            references: vec!["unknown@x".into()],
            ..ThreadKeys::default()
        };
        assert_eq!(
            choose_session(&sessions, &keys, now, Duration::hours(3)),
            SessionChoice::New
        );
    }
}
