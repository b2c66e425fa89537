//! Conversions from what the host stores and parses to the records that
//! cross the plugin boundary, and back for the answers worth storing.

use crate::mail::parse::{Mailbox, ParsedMail};
use crate::plugins::types as wit;
use crate::store;

/// Headers passed to plugins (loop, list, auto-reply and client headers).
const SELECTED_HEADERS: &[&str] = &[
    "auto-submitted",
    "precedence",
    "list-id",
    "list-unsubscribe",
    "x-mailer",
    "user-agent",
    "x-priority",
    "importance",
    "x-auto-response-suppress",
    "content-language",
    "organization",
    "date",
];

fn address(mailbox: &Mailbox) -> wit::Address {
    wit::Address {
        name: mailbox.name.clone(),
        email: mailbox.email.clone(),
    }
}

/// The plugin's view of a parsed inbound message.
pub fn message(
    id: &str,
    mail: &ParsedMail,
    delivered_to: &str,
    received_at: i64,
    with_attachment_bytes: bool,
) -> wit::Message {
    wit::Message {
        id: id.to_owned(),
        message_id: mail.message_id.clone(),
        in_reply_to: mail.in_reply_to.clone(),
        references: mail.references.clone(),
        from: mail.from.as_ref().map(address).unwrap_or(wit::Address {
            name: None,
            email: String::new(),
        }),
        reply_to: mail.reply_to.as_ref().map(address),
        to: mail.to.iter().map(address).collect(),
        cc: mail.cc.iter().map(address).collect(),
        delivered_to: delivered_to.to_owned(),
        subject: mail.subject.clone(),
        normalized_subject: crate::mail::thread::bare_subject(&mail.subject),
        new_text: mail.body.new_text.clone(),
        quoted_text: mail.body.quoted_text.clone(),
        signature_text: mail.body.signature.clone(),
        full_text: mail.text.clone(),
        html: mail.html.clone(),
        headers: mail
            .headers
            .iter()
            .filter(|(name, _)| SELECTED_HEADERS.contains(&name.to_ascii_lowercase().as_str()))
            .map(|(name, value)| wit::Header {
                name: name.clone(),
                value: value.clone(),
            })
            .collect(),
        attachments: mail
            .attachments
            .iter()
            .map(|a| wit::Attachment {
                filename: a.filename.clone(),
                content_type: a.content_type.clone(),
                size: a.size,
                skipped: a.skipped,
                content: (with_attachment_bytes && !a.skipped).then(|| a.content.clone()),
            })
            .collect(),
        received_at: received_at.max(0) as u64,
    }
}

/// The plugin's view of a conversation.
pub fn conversation(
    conv: &store::Conversation,
    turns: &[store::Turn],
    contact: Option<&store::Contact>,
) -> wit::Conversation {
    wit::Conversation {
        id: conv.id.clone(),
        customer: wit::Address {
            name: conv.customer_name.clone(),
            email: conv.customer_email.clone(),
        },
        turns: turns
            .iter()
            .map(|t| wit::Turn {
                role: match t.role {
                    store::Role::Customer => wit::Role::Customer,
                    store::Role::Agent => wit::Role::Agent,
                    store::Role::Human => wit::Role::Human,
                },
                text: t.text.clone(),
                at: t.at.max(0) as u64,
            })
            .collect(),
        status: match conv.status {
            store::ConvStatus::Open => wit::Status::Open,
            store::ConvStatus::Assigned => wit::Status::Assigned,
            store::ConvStatus::NeedMoreInfo => wit::Status::NeedMoreInfo,
            store::ConvStatus::Resolved => wit::Status::Resolved,
            store::ConvStatus::Closed => wit::Status::Closed,
        },
        priority: priority_to_wit(conv.priority),
        contact: wit::Contact {
            name: contact.and_then(|c| c.name.clone()),
            email: contact.map(|c| c.email.clone()),
            phone: contact.and_then(|c| c.phone.clone()),
            company: contact.and_then(|c| c.company.clone()),
            extra: contact
                .map(|c| {
                    c.extra
                        .iter()
                        .map(|(k, v)| (k.clone(), v.clone()))
                        .collect()
                })
                .unwrap_or_default(),
        },
    }
}

fn priority_to_wit(p: store::Priority) -> wit::Priority {
    match p {
        store::Priority::Low => wit::Priority::Low,
        store::Priority::Normal => wit::Priority::Normal,
        store::Priority::High => wit::Priority::High,
        store::Priority::Urgent => wit::Priority::Urgent,
    }
}

/// The store's priority for a plugin's.
pub fn priority_from_wit(p: wit::Priority) -> store::Priority {
    match p {
        wit::Priority::Low => store::Priority::Low,
        wit::Priority::Normal => store::Priority::Normal,
        wit::Priority::High => store::Priority::High,
        wit::Priority::Urgent => store::Priority::Urgent,
    }
}

/// The plugin's view of an inbox.
pub fn inbox(inbox: &store::Inbox) -> wit::Inbox {
    wit::Inbox {
        id: inbox.id.clone(),
        name: inbox.name.clone(),
        address: inbox.address.clone(),
    }
}

/// The plugin's view of a bot.
pub fn bot(bot: Option<&store::Bot>) -> wit::Bot {
    match bot {
        Some(b) => wit::Bot {
            id: b.id.clone(),
            name: b.name.clone(),
            backstory: b.backstory.clone(),
        },
        None => wit::Bot {
            id: String::new(),
            name: String::new(),
            backstory: String::new(),
        },
    }
}

/// What a plugin found about the contact, as the store merges it.
pub fn contact_fields(c: &wit::Contact) -> store::ContactFields {
    store::ContactFields {
        name: c.name.clone(),
        phone: c.phone.clone(),
        company: c.company.clone(),
        extra: c.extra.iter().cloned().collect(),
    }
}
