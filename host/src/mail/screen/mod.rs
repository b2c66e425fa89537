//! Screening: may the bot answer this message at all?
//!
//! One call, [`screen`], gives a [`Verdict`] with a machine-readable
//! [`SkipReason`] and, for bounces, the failed recipients ([`Bounce`]).
//! The rules are the host's, not a plugin's (DESIGN.md "Mail rules the host
//! enforces"): never answer machines, lists, bounces, feedback reports,
//! out-of-office notices or ourselves.
//!
//! - [`auto`]: header and subject signals of machine-sent mail.
//! - [`bounce`]: delivery status notifications and their recipients.

mod auto;
mod bounce;

use serde::Serialize;

use crate::mail::parse::ParsedMail;

/// Why the bot must not answer a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SkipReason {
    /// From (or Reply-To) is one of the inbox's own addresses.
    OwnAddress,
    /// A bounce or delay notice (RFC 3464 or an MTA's own format).
    DeliveryStatusNotification,
    /// An abuse feedback report (RFC 5965 ARF, or a mailbox provider's own
    /// complaint format such as Microsoft's JMRP).
    FeedbackReport,
    /// A read receipt (RFC 8098 message disposition notification).
    ReadReceipt,
    /// A vacation / out-of-office notice.
    OutOfOffice,
    /// An auto-responder header (X-Autoreply, X-Autorespond, Microsoft's).
    AutoReply,
    /// `Auto-Submitted` with a value other than `no` (RFC 3834).
    AutoSubmitted,
    /// `Precedence: bulk`.
    PrecedenceBulk,
    /// `Precedence: list`.
    PrecedenceList,
    /// `Precedence: junk`.
    PrecedenceJunk,
    /// `List-Id`, `List-Unsubscribe` or another mailing-list header.
    MailingList,
    /// Empty return path or no usable From address.
    NullSender,
    /// MAILER-DAEMON, postmaster, no-reply and similar senders.
    SystemSender,
    /// The sender is on the inbox's block list (decided by the pipeline,
    /// recorded with the same vocabulary).
    BlockedSender,
}

impl SkipReason {
    /// The snake_case name used in logs, JSON and the database.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::OwnAddress => "own_address",
            Self::DeliveryStatusNotification => "delivery_status_notification",
            Self::FeedbackReport => "feedback_report",
            Self::ReadReceipt => "read_receipt",
            Self::OutOfOffice => "out_of_office",
            Self::AutoReply => "auto_reply",
            Self::AutoSubmitted => "auto_submitted",
            Self::PrecedenceBulk => "precedence_bulk",
            Self::PrecedenceList => "precedence_list",
            Self::PrecedenceJunk => "precedence_junk",
            Self::MailingList => "mailing_list",
            Self::NullSender => "null_sender",
            Self::SystemSender => "system_sender",
            Self::BlockedSender => "blocked_sender",
        }
    }
}

impl std::fmt::Display for SkipReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Whether the bot may answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// A person wrote this: answer it.
    Reply,
    /// Do not answer; record the reason.
    Skip(SkipReason),
}

/// The failed recipients of a bounce.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct Bounce {
    /// Lower-cased addresses the report says could not be reached.
    pub recipients: Vec<String>,
    /// Enhanced status code (`5.1.1`) when the report names one.
    pub status: Option<String>,
    /// True for a failure, false for a delay notice (the pipeline marks
    /// recipients undeliverable only for permanent ones).
    pub permanent: bool,
}

/// The outcome of screening one message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Screening {
    /// Reply or skip, with the reason.
    pub verdict: Verdict,
    /// Set for bounces and delay notices.
    pub bounce: Option<Bounce>,
}

/// Screens a parsed message. `own_addresses` are the inbox's addresses
/// (compared case-insensitively).
pub fn screen(mail: &ParsedMail, own_addresses: &[String]) -> Screening {
    let own: Vec<String> = own_addresses
        .iter()
        .map(|a| a.trim().to_lowercase())
        .collect();
    let skip = |reason| Screening {
        verdict: Verdict::Skip(reason),
        bounce: None,
    };

    let from_own = [mail.from.as_ref(), mail.reply_to.as_ref()]
        .into_iter()
        .flatten()
        .any(|m| own.contains(&m.email.trim().to_lowercase()));
    if from_own {
        return skip(SkipReason::OwnAddress);
    }

    let s = auto::signals(mail);
    if bounce::is_bounce(mail, s.system_sender, s.null_sender, s.auto_submitted) {
        let mut exclude = own.clone();
        exclude.extend(mail.to.iter().map(|m| m.email.to_lowercase()));
        return Screening {
            verdict: Verdict::Skip(SkipReason::DeliveryStatusNotification),
            bounce: Some(bounce::details(mail, &exclude)),
        };
    }
    if auto::is_feedback_report(mail) {
        return skip(SkipReason::FeedbackReport);
    }
    if auto::is_read_receipt(mail) {
        return skip(SkipReason::ReadReceipt);
    }
    if s.ooo_subject
        && (s.auto_submitted
            || s.auto_reply_header
            || s.null_sender
            || !is_reply_subject(&mail.subject)
            || mail.in_reply_to.is_none())
    {
        return skip(SkipReason::OutOfOffice);
    }
    if s.auto_reply_header {
        return skip(SkipReason::AutoReply);
    }
    if s.auto_submitted {
        return skip(SkipReason::AutoSubmitted);
    }
    match s.precedence.as_deref() {
        Some("bulk") => return skip(SkipReason::PrecedenceBulk),
        Some("list") => return skip(SkipReason::PrecedenceList),
        Some("junk") => return skip(SkipReason::PrecedenceJunk),
        Some(_) => return skip(SkipReason::AutoReply),
        None => {}
    }
    if s.list {
        return skip(SkipReason::MailingList);
    }
    if s.null_sender {
        return skip(SkipReason::NullSender);
    }
    if s.system_sender {
        return skip(SkipReason::SystemSender);
    }
    Screening {
        verdict: Verdict::Reply,
        bounce: None,
    }
}

/// True for subjects a person's reply carries ("Re: …", "AW: …").
fn is_reply_subject(subject: &str) -> bool {
    let lower = subject.trim_start().to_lowercase();
    [
        "re:", "aw:", "sv:", "vs:", "odp:", "ynt:", "antw:", "réf:", "ref:", "回复:", "答复:",
    ]
    .iter()
    .any(|p| lower.starts_with(p))
}

#[cfg(test)]
mod corpus_tests;
#[cfg(test)]
mod tests;
