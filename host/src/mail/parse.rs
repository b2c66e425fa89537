//! Raw RFC 5322 bytes to an owned [`ParsedMail`], on top of mail-parser.
//!
//! Owns: charset and transfer decoding (mail-parser), the choice of the body
//! text (text/plain first, HTML converted to text otherwise), the attachment
//! list with the inbound size limit, the MIME facts screening needs
//! ([`ReportParts`]) and the new-text split ([`crate::mail::new_text`]).
//! Never panics: a message mail-parser cannot read at all is a [`ParseError`].

use mail_parser::{
    Address, HeaderValue, Message, MessageParser, MessagePart, MimeHeaders, PartType,
};
use serde::Serialize;
use time::OffsetDateTime;

use crate::mail::new_text::{self, NewText};

/// How many top-level headers are kept verbatim (a bound against hostile input).
const MAX_KEPT_HEADERS: usize = 256;
/// How many bytes of one header value are kept.
const MAX_HEADER_VALUE: usize = 4096;
/// How many bytes of a report part (delivery-status, feedback report, returned headers) are kept.
const MAX_REPORT_PART: usize = 64 * 1024;

/// Limits applied while parsing inbound mail.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ParseLimits {
    /// Attachments larger than this are listed but their bytes dropped
    /// (`EMAIL_MAX_ATTACHMENT_BYTES`); 0 means no limit.
    pub max_attachment_bytes: u64,
}

impl Default for ParseLimits {
    fn default() -> Self {
        Self {
            max_attachment_bytes: 10 * 1024 * 1024,
        }
    }
}

/// Why a message could not be parsed.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ParseError {
    /// Nothing at all was given.
    #[error("message is empty")]
    Empty,
    /// mail-parser found no header or body it could read.
    #[error("not an RFC 5322 message ({len} bytes): no header or body could be read")]
    Unreadable {
        /// Size of the input, for the log line.
        len: usize,
    },
}

/// A name and address, as in `"Alex" <alex@example.com>`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct Mailbox {
    /// Display name, decoded; `None` when absent or empty.
    pub name: Option<String>,
    /// The address as written (case kept; compare lower-cased).
    pub email: String,
}

/// One inbound attachment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attachment {
    /// File name from Content-Disposition / Content-Type, or a generated one.
    pub filename: String,
    /// `type/subtype`, lower-cased.
    pub content_type: String,
    /// Decoded size in bytes (also for skipped attachments).
    pub size: u64,
    /// True when the attachment exceeded the inbound limit and was dropped.
    pub skipped: bool,
    /// Decoded bytes; empty when `skipped`.
    pub content: Vec<u8>,
    /// Content-ID without angle brackets, used to tell inline images of the
    /// quoted history from the customer's own.
    pub content_id: Option<String>,
}

/// MIME-level facts about reports (DSN, ARF) that screening reads.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ReportParts {
    /// Top-level `type/subtype`, lower-cased (e.g. `multipart/report`).
    pub content_type: String,
    /// The `report-type` parameter of a multipart/report, lower-cased.
    pub report_type: Option<String>,
    /// Text of `message/delivery-status` (or global-delivery-status) parts.
    pub delivery_status: Option<String>,
    /// Text of a `message/feedback-report` part (ARF).
    pub feedback_report: Option<String>,
    /// A `message/disposition-notification` part (a read receipt, RFC 8098).
    pub disposition_notification: bool,
    /// Headers of the returned original (`text/rfc822-headers` or the header
    /// block of a `message/rfc822` part), when the message carries one.
    pub returned_headers: Option<String>,
}

/// A parsed inbound message that owns all its data.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ParsedMail {
    /// Message-ID without angle brackets.
    pub message_id: Option<String>,
    /// First id of In-Reply-To, without angle brackets.
    pub in_reply_to: Option<String>,
    /// References, oldest first, without angle brackets.
    pub references: Vec<String>,
    /// First From address.
    pub from: Option<Mailbox>,
    /// First Reply-To address.
    pub reply_to: Option<Mailbox>,
    /// To addresses.
    pub to: Vec<Mailbox>,
    /// Cc addresses.
    pub cc: Vec<Mailbox>,
    /// Decoded subject; empty when absent.
    pub subject: String,
    /// Date header, when it parses.
    pub date: Option<OffsetDateTime>,
    /// Whole body as text (HTML-only mail converted to readable text).
    pub text: String,
    /// HTML body, when there is one.
    pub html: Option<String>,
    /// Top-level headers, unfolded, in order (bounded in count and length).
    pub headers: Vec<(String, String)>,
    /// Attachments of the customer's own message (not of quoted history).
    pub attachments: Vec<Attachment>,
    /// The body split into new text, quoted history and signature.
    pub body: NewText,
    /// Report parts for bounce / feedback detection.
    pub report: ReportParts,
}

impl ParsedMail {
    /// First value of a header, case-insensitive name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// All values of a header, case-insensitive name.
    pub fn header_all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.headers
            .iter()
            .filter(move |(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// Parses raw message bytes. Never panics.
pub fn parse(raw: &[u8], limits: &ParseLimits) -> Result<ParsedMail, ParseError> {
    if raw.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(ParseError::Empty);
    }
    let raw = &*repair::repaired(raw);
    let message = MessageParser::default()
        .parse(raw)
        .ok_or(ParseError::Unreadable { len: raw.len() })?;
    if message.headers().is_empty() && message.parts.iter().all(|p| p.contents().is_empty()) {
        return Err(ParseError::Unreadable { len: raw.len() });
    }

    let from = message.from().and_then(first_mailbox);
    let author = from
        .as_ref()
        .and_then(|m| m.name.as_deref())
        .and_then(new_text::Author::from_display_name);
    let html = body_html(&message);
    let text_plain = body_text(&message).or_else(|| {
        // A multipart whose boundary never appears (seen in real bounces):
        // mail-parser finds no part, so read the body as plain text.
        (html.is_none()).then(|| {
            let start = repair::header_section_end(raw);
            String::from_utf8_lossy(raw.get(start..).unwrap_or_default())
                .trim()
                .to_string()
        })
    });
    let (body, text, quoted_cids) = match (&text_plain, &html) {
        (Some(text), _) if !text.trim().is_empty() => (
            new_text::split_text(text, author.as_ref()),
            text.clone(),
            Vec::new(),
        ),
        (_, Some(html)) => {
            let split = new_text::split_html(html, author.as_ref());
            (split.parts, split.full_text, split.quoted_cids)
        }
        (Some(text), None) => (
            new_text::split_text(text, author.as_ref()),
            text.clone(),
            Vec::new(),
        ),
        (None, None) => (NewText::default(), String::new(), Vec::new()),
    };
    let cid_in_new = html.as_deref().map(cids_referenced).unwrap_or_default();

    let attachments = message
        .attachments()
        .enumerate()
        .filter_map(|(n, part)| attachment(part, n, limits))
        .filter(|a| {
            // An inline image only the quoted history shows belongs to that history.
            a.content_id.as_ref().is_none_or(|cid| {
                !quoted_cids.iter().any(|q| q.eq_ignore_ascii_case(cid))
                    || cid_in_new_text(&cid_in_new, &quoted_cids, cid)
            })
        })
        .collect();

    Ok(ParsedMail {
        message_id: message.message_id().map(strip_angles),
        in_reply_to: ids(message.in_reply_to()).into_iter().next(),
        references: ids(message.references()),
        from,
        reply_to: message.reply_to().and_then(first_mailbox),
        to: message.to().map(all_mailboxes).unwrap_or_default(),
        cc: message.cc().map(all_mailboxes).unwrap_or_default(),
        subject: message.subject().unwrap_or_default().trim().to_string(),
        date: message
            .date()
            .and_then(|d| OffsetDateTime::from_unix_timestamp(d.to_timestamp()).ok()),
        text,
        html,
        headers: kept_headers(&message),
        attachments,
        body,
        report: report_parts(&message),
    })
}

/// True when `cid` is referenced by the new part of the HTML as well (the
/// set of all references minus the quoted ones still holds it).
fn cid_in_new_text(all: &[String], quoted: &[String], cid: &str) -> bool {
    let total = all.iter().filter(|c| c.eq_ignore_ascii_case(cid)).count();
    let in_quote = quoted
        .iter()
        .filter(|c| c.eq_ignore_ascii_case(cid))
        .count();
    total > in_quote
}

/// `cid:` references in an HTML fragment, without the scheme.
pub(crate) fn cids_referenced(html: &str) -> Vec<String> {
    let lower = html.to_ascii_lowercase();
    let mut out = Vec::new();
    let mut rest = lower.as_str();
    while let Some(pos) = rest.find("cid:") {
        rest = &rest[pos + 4..];
        let end = rest
            .find(|c: char| c == '"' || c == '\'' || c == '>' || c.is_whitespace() || c == ')')
            .unwrap_or(rest.len());
        out.push(rest[..end].to_string());
        rest = &rest[end..];
    }
    out
}

fn body_text(message: &Message<'_>) -> Option<String> {
    let parts: Vec<String> = message
        .text_body
        .iter()
        .filter_map(|id| message.parts.get(*id as usize))
        .filter(|p| !is_report_part(p))
        .filter_map(|p| match &p.body {
            PartType::Text(t) => Some(t.to_string()),
            _ => None,
        })
        .collect();
    (!parts.is_empty()).then(|| parts.join("\n"))
}

fn body_html(message: &Message<'_>) -> Option<String> {
    let parts: Vec<String> = message
        .html_body
        .iter()
        .filter_map(|id| message.parts.get(*id as usize))
        .filter_map(|p| match &p.body {
            PartType::Html(t) => Some(t.to_string()),
            _ => None,
        })
        .collect();
    (!parts.is_empty()).then(|| parts.join("\n"))
}

fn mime_type(part: &MessagePart<'_>) -> String {
    match part.content_type() {
        Some(ct) => match ct.subtype() {
            Some(sub) => format!("{}/{}", ct.ctype(), sub).to_ascii_lowercase(),
            None => ct.ctype().to_ascii_lowercase(),
        },
        None => "text/plain".to_string(),
    }
}

fn is_report_part(part: &MessagePart<'_>) -> bool {
    let t = mime_type(part);
    t.starts_with("message/") || t == "text/rfc822-headers"
}

fn attachment(part: &MessagePart<'_>, n: usize, limits: &ParseLimits) -> Option<Attachment> {
    let content_type = mime_type(part);
    if content_type.starts_with("multipart/") {
        return None;
    }
    let bytes = part.contents();
    let size = bytes.len() as u64;
    let skipped = limits.max_attachment_bytes != 0 && size > limits.max_attachment_bytes;
    let filename = part
        .attachment_name()
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .or_else(|| {
            part.message()
                .and_then(|m| m.subject())
                .map(|s| format!("{}.eml", sanitize_filename(s)))
        })
        .unwrap_or_else(|| format!("attachment-{}{}", n + 1, extension_for(&content_type)));
    Some(Attachment {
        filename,
        content_type,
        size,
        skipped,
        content: if skipped { Vec::new() } else { bytes.to_vec() },
        content_id: part.content_id().map(strip_angles),
    })
}

fn sanitize_filename(s: &str) -> String {
    let cleaned: String = s
        .chars()
        .map(|c| {
            if c.is_control() || "/\\:*?\"<>|".contains(c) {
                '_'
            } else {
                c
            }
        })
        .take(80)
        .collect();
    let cleaned = cleaned.trim().to_string();
    if cleaned.is_empty() {
        "message".to_string()
    } else {
        cleaned
    }
}

fn extension_for(content_type: &str) -> &'static str {
    match content_type {
        "message/rfc822" => ".eml",
        "text/plain" => ".txt",
        "text/html" => ".html",
        "image/png" => ".png",
        "image/jpeg" => ".jpg",
        "image/gif" => ".gif",
        "application/pdf" => ".pdf",
        _ => ".bin",
    }
}

/// Strips surrounding white space and angle brackets from a message id.
pub(crate) fn strip_angles(id: &str) -> String {
    id.trim()
        .trim_start_matches('<')
        .trim_end_matches('>')
        .trim()
        .to_string()
}

fn ids(value: &HeaderValue<'_>) -> Vec<String> {
    let raw: Vec<String> = match value {
        HeaderValue::Text(t) => vec![t.to_string()],
        HeaderValue::TextList(list) => list.iter().map(|t| t.to_string()).collect(),
        _ => Vec::new(),
    };
    raw.iter()
        .flat_map(|s| s.split_whitespace().map(strip_angles).collect::<Vec<_>>())
        .filter(|s| !s.is_empty())
        .collect()
}

fn to_mailbox(addr: &mail_parser::Addr<'_>) -> Option<Mailbox> {
    let email = addr
        .address
        .as_deref()
        .unwrap_or_default()
        .trim()
        .to_string();
    if email.is_empty() {
        return None;
    }
    let name = addr
        .name
        .as_deref()
        .map(|n| n.trim().trim_matches('"').trim().to_string())
        .filter(|n| !n.is_empty());
    Some(Mailbox { name, email })
}

fn first_mailbox(address: &Address<'_>) -> Option<Mailbox> {
    address.iter().find_map(to_mailbox)
}

fn all_mailboxes(address: &Address<'_>) -> Vec<Mailbox> {
    address.iter().filter_map(to_mailbox).collect()
}

/// Unfolds a raw header value: folded lines joined by one space.
fn unfold(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    for (i, line) in raw.split('\n').enumerate() {
        let line = line.trim_end_matches('\r');
        if i > 0 {
            out.push(' ');
        }
        out.push_str(line.trim());
    }
    out.trim().to_string()
}

fn kept_headers(message: &Message<'_>) -> Vec<(String, String)> {
    message
        .headers_raw()
        .take(MAX_KEPT_HEADERS)
        .map(|(name, value)| {
            (
                name.trim().to_string(),
                unfold(&value[..value.floor_char_boundary(MAX_HEADER_VALUE)]),
            )
        })
        .collect()
}

fn report_parts(message: &Message<'_>) -> ReportParts {
    let root = message.root_part();
    let mut report = ReportParts {
        content_type: mime_type(root),
        report_type: root
            .content_type()
            .and_then(|ct| ct.attribute("report-type"))
            .map(|s| s.trim().to_ascii_lowercase()),
        ..ReportParts::default()
    };
    for part in message.parts.iter().skip(1) {
        let t = mime_type(part);
        let text = || report_text(part.contents());
        match t.as_str() {
            "message/delivery-status" | "message/global-delivery-status" => {
                append(&mut report.delivery_status, text());
            }
            "message/feedback-report" => append(&mut report.feedback_report, text()),
            "message/disposition-notification" | "message/global-disposition-notification" => {
                report.disposition_notification = true;
            }
            "text/rfc822-headers" | "message/rfc822-headers" | "message/global-headers"
                if report.returned_headers.is_none() =>
            {
                report.returned_headers = Some(text());
            }
            "message/rfc822" | "message/global" if report.returned_headers.is_none() => {
                if let Some(nested) = part.message() {
                    // A report that declares itself one but wraps the real
                    // multipart/report in an attached message (seen from
                    // some gateways): its delivery status is the report's.
                    if report.report_type.as_deref() == Some("delivery-status")
                        && report.delivery_status.is_none()
                    {
                        report.delivery_status = nested
                            .parts
                            .iter()
                            .find(|p| mime_type(p) == "message/delivery-status")
                            .map(|p| report_text(p.contents()));
                    }
                    let raw = nested.raw_message();
                    let end = repair::header_section_end(raw);
                    report.returned_headers = Some(report_text(&raw[..end]));
                }
            }
            _ => {}
        }
    }
    report
}

fn append(slot: &mut Option<String>, text: String) {
    match slot {
        Some(existing) => {
            existing.push('\n');
            existing.push_str(&text);
        }
        None => *slot = Some(text),
    }
}

/// The text of a report part, cut at [`MAX_REPORT_PART`].
fn report_text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(&bytes[..bytes.len().min(MAX_REPORT_PART)]).into_owned()
}

mod repair;
#[cfg(test)]
mod tests;
