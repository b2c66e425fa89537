//! Outbound messages, built with lettre's message builder: the bot's reply,
//! the escalation to a support address and a human's reply sent through the
//! API.
//!
//! Every message is from the inbox address (display name `EMAIL_NAME`),
//! carries a Message-ID on the inbox's domain (or the one the outbox fixed
//! at queue time), a Date, `X-Auto-Response-Suppress: All`, and for replies
//! `In-Reply-To`, `References` and a subject with exactly one `Re:`.
//! Automatic messages also carry `Auto-Submitted` (RFC 3834).

use std::time::SystemTime;

use lettre::Message;
use lettre::message::header::{ContentType, HeaderName, HeaderValue};
use lettre::message::{Attachment, Mailbox as LettreMailbox, MultiPart, SinglePart};
use time::OffsetDateTime;

use crate::mail::new_text::html;
use crate::mail::parse::{Mailbox, ParsedMail, strip_angles};
use crate::mail::thread::strip_reply_prefixes;

/// Most ids kept in `References`: the first (thread root) and the latest.
const MAX_REFERENCES: usize = 20;

/// Why a message could not be composed.
#[derive(Debug, thiserror::Error)]
pub enum ComposeError {
    /// An address lettre cannot put in a header.
    #[error("invalid {role} address {address:?}: {source}")]
    Address {
        /// Which header (from, to, reply-to).
        role: &'static str,
        /// The address as given.
        address: String,
        /// lettre's reason.
        source: lettre::address::AddressError,
    },
    /// An attachment content type that does not parse.
    #[error("attachment {filename:?}: invalid content type {content_type:?}")]
    ContentType {
        /// The attachment's file name.
        filename: String,
        /// The content type as given.
        content_type: String,
    },
    /// lettre refused to build the message.
    #[error("building the message failed: {0}")]
    Build(#[from] lettre::error::Error),
}

/// The inbox a message is sent from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Inbox {
    /// The inbox address; its domain names new Message-IDs.
    pub address: String,
    /// Display name (`EMAIL_NAME`).
    pub name: Option<String>,
}

/// Body format (`MESSAGE_CONTENT_TYPE`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum BodyFormat {
    /// text/plain.
    #[default]
    Plain,
    /// text/html with a text/plain alternative.
    Html,
}

/// A file to attach.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboundAttachment {
    /// File name shown to the recipient.
    pub filename: String,
    /// `type/subtype`.
    pub content_type: String,
    /// The bytes.
    pub content: Vec<u8>,
}

/// What the bot (or a human) wants to say.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ReplyDraft {
    /// Body text, or HTML when `format` is [`BodyFormat::Html`].
    pub body: String,
    /// Format of `body`.
    pub format: BodyFormat,
    /// Plain-text signature appended under a `-- ` delimiter.
    pub signature: Option<String>,
    /// Files to attach.
    pub attachments: Vec<OutboundAttachment>,
    /// A Message-ID fixed by the outbox at queue time (with or without
    /// angle brackets); a new one on the inbox's domain when `None`.
    pub message_id: Option<String>,
}

/// The message being answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReplyParent {
    /// The customer: Reply-To over From.
    pub customer: Mailbox,
    /// The parent's subject.
    pub subject: String,
    /// The parent's Message-ID.
    pub message_id: Option<String>,
    /// The parent's References.
    pub references: Vec<String>,
}

impl ReplyParent {
    /// The parent as seen in a parsed message; `None` without any sender.
    pub fn from_mail(mail: &ParsedMail) -> Option<Self> {
        let customer = mail.reply_to.clone().or_else(|| mail.from.clone())?;
        Some(Self {
            customer,
            subject: mail.subject.clone(),
            message_id: mail.message_id.clone(),
            references: mail.references.clone(),
        })
    }
}

/// A composed message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Composed {
    /// Message-ID without angle brackets.
    pub message_id: String,
    /// The full RFC 5322 message.
    pub bytes: Vec<u8>,
}

/// The bot's automatic reply to `parent`.
pub fn compose_reply(
    inbox: &Inbox,
    parent: &ReplyParent,
    draft: &ReplyDraft,
    now: OffsetDateTime,
) -> Result<Composed, ComposeError> {
    reply(inbox, parent, draft, now, Some("auto-replied"))
}

/// A human's reply sent through the API: threaded like the bot's, without
/// `Auto-Submitted` (a person wrote it).
pub fn compose_human_reply(
    inbox: &Inbox,
    parent: &ReplyParent,
    draft: &ReplyDraft,
    now: OffsetDateTime,
) -> Result<Composed, ComposeError> {
    reply(inbox, parent, draft, now, None)
}

/// An escalation to `support`: the summary, then the transcript; Reply-To
/// the customer so support answers them directly.
pub fn compose_escalation(
    inbox: &Inbox,
    support: &Mailbox,
    parent: &ReplyParent,
    summary: &str,
    transcript: &str,
    message_id: Option<&str>,
    now: OffsetDateTime,
) -> Result<Composed, ComposeError> {
    let subject = format!(
        "[Escalation] {}",
        clean_header(strip_reply_prefixes(&parent.subject))
    );
    let body = format!(
        "{}\n\n---------- Transcript ----------\n\n{}\n",
        summary.trim(),
        transcript.trim()
    );
    let id = new_message_id(inbox, message_id);
    let builder = base(inbox, &id, subject.trim(), now)?
        .to(mailbox("to", support)?)
        .reply_to(mailbox("reply-to", &parent.customer)?)
        .raw_header(raw("Auto-Submitted", "auto-generated"));
    let message = builder.singlepart(SinglePart::plain(body))?;
    Ok(Composed {
        message_id: id,
        bytes: message.formatted(),
    })
}

fn reply(
    inbox: &Inbox,
    parent: &ReplyParent,
    draft: &ReplyDraft,
    now: OffsetDateTime,
    auto_submitted: Option<&str>,
) -> Result<Composed, ComposeError> {
    let id = new_message_id(inbox, draft.message_id.as_deref());
    let mut builder = base(inbox, &id, &reply_subject(&parent.subject), now)?
        .to(mailbox("to", &parent.customer)?);
    if let Some(parent_id) = parent
        .message_id
        .as_deref()
        .map(strip_angles)
        .filter(|p| valid_id(p))
    {
        builder = builder
            .in_reply_to(format!("<{parent_id}>"))
            .references(references(&parent.references, &parent_id));
    }
    if let Some(value) = auto_submitted {
        builder = builder.raw_header(raw("Auto-Submitted", value));
    }
    let message = match body_parts(draft)? {
        Body::Single(part) => builder.singlepart(part)?,
        Body::Multi(part) => builder.multipart(part)?,
    };
    Ok(Composed {
        message_id: id,
        bytes: message.formatted(),
    })
}

fn base(
    inbox: &Inbox,
    id: &str,
    subject: &str,
    now: OffsetDateTime,
) -> Result<lettre::message::MessageBuilder, ComposeError> {
    let from = mailbox(
        "from",
        &Mailbox {
            name: inbox.name.clone(),
            email: inbox.address.clone(),
        },
    )?;
    Ok(Message::builder()
        .from(from)
        .subject(subject)
        .date(SystemTime::from(now))
        .message_id(Some(format!("<{id}>")))
        .raw_header(raw("X-Auto-Response-Suppress", "All")))
}

/// `Re: ` once, in front of the parent's subject without its reply prefixes.
pub fn reply_subject(parent_subject: &str) -> String {
    let cleaned = clean_header(parent_subject);
    // Runs of whitespace collapse: encoded words do not keep them anyway.
    let rest = strip_reply_prefixes(&cleaned)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    if rest.is_empty() {
        "Re:".to_string()
    } else {
        format!("Re: {rest}")
    }
}

/// Parent's references plus the parent id, trimmed to [`MAX_REFERENCES`]
/// keeping the first (the thread root) and the most recent.
pub fn references(parent_refs: &[String], parent_id: &str) -> String {
    let mut ids: Vec<String> = parent_refs
        .iter()
        .map(|r| strip_angles(r))
        .filter(|r| valid_id(r) && r != parent_id)
        .collect();
    ids.push(parent_id.to_string());
    if ids.len() > MAX_REFERENCES {
        let tail = ids.split_off(ids.len() - (MAX_REFERENCES - 1));
        ids.truncate(1);
        ids.extend(tail);
    }
    ids.iter()
        .map(|i| format!("<{i}>"))
        .collect::<Vec<_>>()
        .join(" ")
}

/// A Message-ID: the fixed one, or a UUID on the inbox's domain.
fn new_message_id(inbox: &Inbox, fixed: Option<&str>) -> String {
    if let Some(id) = fixed.map(strip_angles).filter(|i| valid_id(i)) {
        return id;
    }
    let domain = inbox
        .address
        .rsplit_once('@')
        .map(|(_, d)| d.trim().trim_end_matches('>'))
        .filter(|d| !d.is_empty())
        .unwrap_or("mailbot.invalid");
    format!("{}@{}", uuid::Uuid::new_v4(), domain)
}

/// A message id that can stand in a header as `<id>`: printable ASCII
/// without brackets or spaces (anything else from a hostile parent is
/// dropped rather than encoded).
fn valid_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 250
        && id
            .bytes()
            .all(|b| b.is_ascii_graphic() && b != b'<' && b != b'>')
}

/// Header text without control characters (no header injection through a
/// decoded subject or name).
fn clean_header(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

fn raw(name: &'static str, value: &str) -> HeaderValue {
    HeaderValue::new(HeaderName::new_from_ascii_str(name), value.to_string())
}

fn mailbox(role: &'static str, m: &Mailbox) -> Result<LettreMailbox, ComposeError> {
    let address = m
        .email
        .trim()
        .parse()
        .map_err(|source| ComposeError::Address {
            role,
            address: m.email.clone(),
            source,
        })?;
    let name = m
        .name
        .as_deref()
        .map(clean_header)
        .map(|n| n.trim().to_string())
        .filter(|n| !n.is_empty());
    Ok(LettreMailbox::new(name, address))
}

/// The body: one text part, a plain/HTML alternative, or either inside a
/// multipart/mixed with the attachments.
enum Body {
    Single(SinglePart),
    Multi(MultiPart),
}

fn body_parts(draft: &ReplyDraft) -> Result<Body, ComposeError> {
    let signature = draft
        .signature
        .as_deref()
        .map(str::trim_end)
        .filter(|s| !s.trim().is_empty());
    let text = match draft.format {
        BodyFormat::Plain => {
            let mut text = draft.body.trim_end().to_string();
            if let Some(sig) = signature {
                text.push_str("\n\n-- \n");
                text.push_str(sig);
            }
            text.push('\n');
            Body::Single(SinglePart::plain(text))
        }
        BodyFormat::Html => {
            let mut html_body = draft.body.clone();
            let mut plain = html::to_text(&draft.body).trim_end().to_string();
            if let Some(sig) = signature {
                html_body.push_str("<br><br><div class=\"mailbot-signature\">-- <br>");
                html_body.push_str(&escape_html(sig).replace('\n', "<br>"));
                html_body.push_str("</div>");
                plain.push_str("\n\n-- \n");
                plain.push_str(sig);
            }
            plain.push('\n');
            Body::Multi(MultiPart::alternative_plain_html(plain, html_body))
        }
    };
    if draft.attachments.is_empty() {
        return Ok(text);
    }
    let mut mixed = match text {
        Body::Single(part) => MultiPart::mixed().singlepart(part),
        Body::Multi(part) => MultiPart::mixed().multipart(part),
    };
    for a in &draft.attachments {
        let content_type =
            ContentType::parse(&a.content_type).map_err(|_| ComposeError::ContentType {
                filename: a.filename.clone(),
                content_type: a.content_type.clone(),
            })?;
        mixed = mixed
            .singlepart(Attachment::new(a.filename.clone()).body(a.content.clone(), content_type));
    }
    Ok(Body::Multi(mixed))
}

fn escape_html(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[cfg(test)]
mod tests;
