//! What mailbot sees in one message, for `mailbot inspect FILE.eml
//! [--json]`: parse, new text, screening and threading keys in one
//! serializable [`Inspection`] with a human-readable `Display`.

use std::fmt;

use serde::Serialize;

use crate::mail::parse::{ParseError, ParseLimits, parse};
use crate::mail::screen::{Bounce, SkipReason, Verdict, screen};
use crate::mail::thread::ThreadKeys;

/// The sender as `{"name", "email"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Sender {
    /// Display name, if any.
    pub name: Option<String>,
    /// Address; empty when the message has no From.
    pub email: String,
}

/// An attachment without its bytes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AttachmentInfo {
    /// File name.
    pub filename: String,
    /// `type/subtype`.
    pub content_type: String,
    /// Decoded size in bytes.
    pub size: u64,
    /// Dropped for exceeding the inbound limit.
    pub skipped: bool,
}

/// `{"verdict": "reply"|"skip", "reason": null|"…"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ScreenInfo {
    /// `reply` or `skip`.
    pub verdict: &'static str,
    /// The skip reason, `null` for replies.
    pub reason: Option<SkipReason>,
}

/// Everything `mailbot inspect` prints.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Inspection {
    /// Message-ID without angle brackets.
    pub message_id: Option<String>,
    /// The From address.
    pub from: Sender,
    /// Decoded subject.
    pub subject: String,
    /// What the customer newly wrote.
    pub new_text: String,
    /// Quoted or forwarded history.
    pub quoted_text: String,
    /// The signature.
    pub signature: String,
    /// Attachments of the customer's own message.
    pub attachments: Vec<AttachmentInfo>,
    /// The screening verdict.
    pub screen: ScreenInfo,
    /// Failed recipients for bounces, `null` otherwise.
    pub bounce: Option<Bounce>,
    /// Threading keys.
    pub thread: ThreadKeys,
}

/// Inspects raw message bytes as an inbox with no own addresses would.
pub fn inspect(raw: &[u8], limits: &ParseLimits) -> Result<Inspection, ParseError> {
    inspect_for(raw, limits, &[])
}

/// Inspects raw message bytes for an inbox with these own addresses.
pub fn inspect_for(
    raw: &[u8],
    limits: &ParseLimits,
    own_addresses: &[String],
) -> Result<Inspection, ParseError> {
    let mail = parse(raw, limits)?;
    let screening = screen(&mail, own_addresses);
    let thread = ThreadKeys::from(&mail);
    let from = mail
        .from
        .clone()
        .map(|m| Sender {
            name: m.name,
            email: m.email,
        })
        .unwrap_or(Sender {
            name: None,
            email: String::new(),
        });
    let attachments = mail
        .attachments
        .iter()
        .map(|a| AttachmentInfo {
            filename: a.filename.clone(),
            content_type: a.content_type.clone(),
            size: a.size,
            skipped: a.skipped,
        })
        .collect();
    let screen = match screening.verdict {
        Verdict::Reply => ScreenInfo {
            verdict: "reply",
            reason: None,
        },
        Verdict::Skip(reason) => ScreenInfo {
            verdict: "skip",
            reason: Some(reason),
        },
    };
    Ok(Inspection {
        message_id: mail.message_id,
        from,
        subject: mail.subject,
        new_text: mail.body.new_text,
        quoted_text: mail.body.quoted_text,
        signature: mail.body.signature,
        attachments,
        screen,
        bounce: screening.bounce,
        thread,
    })
}

fn indented(f: &mut fmt::Formatter<'_>, title: &str, text: &str) -> fmt::Result {
    if text.trim().is_empty() {
        return writeln!(f, "{title}: (none)");
    }
    writeln!(f, "{title}:")?;
    for line in text.lines() {
        writeln!(f, "  | {line}")?;
    }
    Ok(())
}

impl fmt::Display for Inspection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let none = "(none)";
        writeln!(
            f,
            "Message-ID:  {}",
            self.message_id.as_deref().unwrap_or(none)
        )?;
        match &self.from.name {
            Some(name) => writeln!(f, "From:        {name} <{}>", self.from.email)?,
            None => writeln!(
                f,
                "From:        {}",
                if self.from.email.is_empty() {
                    none
                } else {
                    &self.from.email
                }
            )?,
        }
        writeln!(f, "Subject:     {}", self.subject)?;
        match self.screen.reason {
            Some(reason) => writeln!(f, "Screen:      skip ({reason})")?,
            None => writeln!(f, "Screen:      reply")?,
        }
        if let Some(b) = &self.bounce {
            writeln!(
                f,
                "Bounce:      {} {} [{}]",
                if b.permanent { "failed" } else { "delayed" },
                b.status.as_deref().unwrap_or("no status"),
                b.recipients.join(", ")
            )?;
        }
        writeln!(
            f,
            "Customer:    {}",
            self.thread.customer.as_deref().unwrap_or(none)
        )?;
        writeln!(
            f,
            "In-Reply-To: {}",
            self.thread.in_reply_to.as_deref().unwrap_or(none)
        )?;
        writeln!(
            f,
            "References:  {}",
            if self.thread.references.is_empty() {
                none.to_string()
            } else {
                self.thread.references.join(" ")
            }
        )?;
        writeln!(f, "Thread subj: {}", self.thread.normalized_subject)?;
        if self.attachments.is_empty() {
            writeln!(f, "Attachments: (none)")?;
        } else {
            writeln!(f, "Attachments:")?;
            for a in &self.attachments {
                let note = if a.skipped {
                    " (skipped: over size limit)"
                } else {
                    ""
                };
                writeln!(
                    f,
                    "  - {} ({}, {} bytes){note}",
                    a.filename, a.content_type, a.size
                )?;
            }
        }
        indented(f, "New text", &self.new_text)?;
        indented(f, "Signature", &self.signature)?;
        indented(f, "Quoted", &self.quoted_text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const RAW: &str = "From: Alex <alex@customer.example>\r\nTo: support@shop.example\r\nSubject: Re: Order\r\nMessage-ID: <m1@customer.example>\r\nIn-Reply-To: <r1@shop.example>\r\n\r\nWhere is it?\r\n\r\nOn Mon, Apr 2, 2012 at 6:26 PM, Shop <support@shop.example> wrote:\r\n> It ships soon.\r\n";

    #[test]
    fn json_has_the_documented_shape() {
        let inspection =
            inspect(RAW.as_bytes(), &ParseLimits::default()).unwrap_or_else(|e| panic!("{e}"));
        let json = serde_json::to_value(&inspection).unwrap_or_default();
        for key in [
            "message_id",
            "from",
            "subject",
            "new_text",
            "quoted_text",
            "signature",
            "attachments",
            "screen",
            "bounce",
            "thread",
        ] {
            assert!(json.get(key).is_some(), "missing {key}: {json}");
        }
        assert_eq!(json["from"]["email"], "alex@customer.example");
        assert_eq!(json["from"]["name"], "Alex");
        assert_eq!(json["screen"]["verdict"], "reply");
        assert!(json["screen"]["reason"].is_null());
        assert!(json["bounce"].is_null());
        assert_eq!(json["new_text"], "Where is it?");
        assert_eq!(json["thread"]["in_reply_to"], "r1@shop.example");
        assert_eq!(json["thread"]["normalized_subject"], "order");
        assert_eq!(json["thread"]["customer"], "alex@customer.example");
    }

    #[test]
    fn skip_reason_is_a_snake_case_string() {
        let raw = RAW.replace(
            "Subject: Re: Order",
            "Subject: Re: Order\r\nPrecedence: bulk",
        );
        let inspection =
            inspect(raw.as_bytes(), &ParseLimits::default()).unwrap_or_else(|e| panic!("{e}"));
        let json = serde_json::to_value(&inspection).unwrap_or_default();
        assert_eq!(json["screen"]["verdict"], "skip");
        assert_eq!(json["screen"]["reason"], "precedence_bulk");
    }

    #[test]
    fn display_is_readable() {
        let inspection =
            inspect(RAW.as_bytes(), &ParseLimits::default()).unwrap_or_else(|e| panic!("{e}"));
        let text = inspection.to_string();
        assert!(text.contains("Screen:      reply"), "{text}");
        assert!(text.contains("  | Where is it?"), "{text}");
    }

    #[test]
    fn unreadable_input_is_an_error() {
        assert!(inspect(b"", &ParseLimits::default()).is_err());
    }
}
