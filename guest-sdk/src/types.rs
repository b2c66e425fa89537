//! What the host hands to a plugin: the message, the conversation it belongs
//! to, the inbox and the bot.
//!
//! Every type is an owned, plain Rust value with `Default`, so tests can build
//! one with struct-update syntax:
//!
//! ```
//! use mailbot_guest::{Address, Message};
//!
//! let msg = Message {
//!     from: Address::named("Jane Doe", "jane@example.com"),
//!     subject: "Order 1234".into(),
//!     new_text: "Where is my parcel?".into(),
//!     ..Message::default()
//! };
//! assert_eq!(msg.from.domain(), "example.com");
//! ```

use std::fmt;
use std::str::FromStr;

/// A mailbox with an optional display name.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Address {
    /// Display name as written in the header, decoded; `None` when absent.
    pub name: Option<String>,
    /// The address itself, e.g. `jane@example.com`, with a lower-cased domain.
    pub email: String,
}

impl Address {
    /// An address without a display name.
    pub fn new(email: impl Into<String>) -> Self {
        Self {
            name: None,
            email: email.into(),
        }
    }

    /// An address with a display name.
    pub fn named(name: impl Into<String>, email: impl Into<String>) -> Self {
        Self {
            name: Some(name.into()),
            email: email.into(),
        }
    }

    /// The part after the last `@`, lower-cased; empty when there is none.
    pub fn domain(&self) -> String {
        self.email
            .rsplit_once('@')
            .map(|(_, domain)| domain.to_ascii_lowercase())
            .unwrap_or_default()
    }

    /// The part before the last `@` (the whole address when there is no `@`).
    pub fn local_part(&self) -> &str {
        self.email
            .rsplit_once('@')
            .map_or(self.email.as_str(), |(local, _)| local)
    }
}

/// One header field, decoded to UTF-8, as it appeared in the message.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Header {
    /// Field name as written (case preserved), e.g. `Auto-Submitted`.
    pub name: String,
    /// Field value with encoded words decoded and folding removed.
    pub value: String,
}

/// A file attached to an inbound message.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Attachment {
    /// File name as given by the sender; empty when none was given.
    pub filename: String,
    /// MIME type, e.g. `application/pdf`.
    pub content_type: String,
    /// Decoded size in bytes.
    pub size: u64,
    /// True when the host skipped the file (over the inbox's size limit);
    /// `content` is then always `None`.
    pub skipped: bool,
    /// The bytes, only when the inbox allows plugins to see attachments.
    pub content: Option<Vec<u8>>,
}

/// An inbound email as the host understood it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Message {
    /// The host's own id for this message (stable, unique per host).
    pub id: String,
    /// The `Message-ID` header without angle brackets; `None` when absent.
    pub message_id: Option<String>,
    /// The `In-Reply-To` id without angle brackets; `None` when absent.
    pub in_reply_to: Option<String>,
    /// The `References` ids, oldest first, without angle brackets.
    pub references: Vec<String>,
    /// The `From` mailbox.
    pub from: Address,
    /// The `Reply-To` mailbox when present.
    pub reply_to: Option<Address>,
    /// `To` recipients.
    pub to: Vec<Address>,
    /// `Cc` recipients.
    pub cc: Vec<Address>,
    /// The address of this inbox the message was delivered to.
    pub delivered_to: String,
    /// Subject as written (decoded), including any `Re:` prefixes.
    pub subject: String,
    /// Subject with reply/forward prefixes and list tags removed.
    pub normalized_subject: String,
    /// Only what the sender newly wrote: quoted history and signature removed.
    pub new_text: String,
    /// The quoted or forwarded history that was separated from the new text.
    pub quoted_text: String,
    /// The sender's signature block that was separated from the new text.
    pub signature_text: String,
    /// The whole plain-text body (HTML-only mail converted to text).
    pub full_text: String,
    /// The HTML body when the message had one.
    pub html: Option<String>,
    /// Selected headers (loop, list, auto-reply and client headers).
    pub headers: Vec<Header>,
    /// Attachments of the new text; those of quoted history are not passed on.
    pub attachments: Vec<Attachment>,
    /// When the host received the message, milliseconds since the Unix epoch.
    pub received_at: u64,
}

impl Message {
    /// The value of the first header called `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|h| h.name.eq_ignore_ascii_case(name))
            .map(|h| h.value.as_str())
    }

    /// Where a reply goes: `Reply-To` when present, otherwise `From`.
    pub fn reply_address(&self) -> &Address {
        self.reply_to.as_ref().unwrap_or(&self.from)
    }
}

/// Who wrote a turn of a conversation.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Role {
    /// The customer who wrote to the inbox.
    #[default]
    Customer,
    /// An automatic reply sent by mailbot.
    Agent,
    /// A reply written by a human through the API.
    Human,
}

/// One message of a conversation.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Turn {
    /// Who wrote it.
    pub role: Role,
    /// Its new text (for customer turns) or the text sent (agent/human).
    pub text: String,
    /// When it was received or sent, milliseconds since the Unix epoch.
    pub at: u64,
}

impl Turn {
    /// A turn by `role` with `text`, at time zero.
    pub fn new(role: Role, text: impl Into<String>) -> Self {
        Self {
            role,
            text: text.into(),
            at: 0,
        }
    }
}

/// Where a conversation stands in the humans' workflow.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Status {
    /// Waiting for an answer (the bot answers while open).
    #[default]
    Open,
    /// A human has taken it; the bot does not answer.
    Assigned,
    /// Waiting for the customer to provide something.
    NeedMoreInfo,
    /// Answered; a new customer message reopens it.
    Resolved,
    /// Closed by a human.
    Closed,
}

/// How urgently a human should look at a conversation. Ordered from
/// [`Priority::Low`] to [`Priority::Urgent`], so `max` picks the more urgent.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Priority {
    /// Can wait.
    Low,
    /// The default.
    #[default]
    Normal,
    /// Look soon.
    High,
    /// Look now.
    Urgent,
}

impl Priority {
    /// The lower-case name used in configuration: `low`, `normal`, `high`, `urgent`.
    pub fn as_str(self) -> &'static str {
        match self {
            Priority::Low => "low",
            Priority::Normal => "normal",
            Priority::High => "high",
            Priority::Urgent => "urgent",
        }
    }
}

impl fmt::Display for Priority {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Priority {
    type Err = String;

    /// Parses `low`, `normal`, `high` or `urgent` (case-insensitive).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "low" => Ok(Priority::Low),
            "normal" => Ok(Priority::Normal),
            "high" => Ok(Priority::High),
            "urgent" => Ok(Priority::Urgent),
            other => Err(format!(
                "unknown priority `{other}` (expected low, normal, high or urgent)"
            )),
        }
    }
}

/// What is known about the customer. Every field is optional; plugins fill
/// what they find and the host merges the answers.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Contact {
    /// Full name.
    pub name: Option<String>,
    /// Email address.
    pub email: Option<String>,
    /// Phone number as written.
    pub phone: Option<String>,
    /// Company or organisation.
    pub company: Option<String>,
    /// Any further fields as (key, value) pairs.
    pub extra: Vec<(String, String)>,
}

impl Contact {
    /// True when no field is set.
    pub fn is_empty(&self) -> bool {
        self.name.is_none()
            && self.email.is_none()
            && self.phone.is_none()
            && self.company.is_none()
            && self.extra.is_empty()
    }
}

/// The session a message belongs to (one per customer per inbox).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Conversation {
    /// The host's id for this conversation.
    pub id: String,
    /// The customer's address (Reply-To over From of the first message).
    pub customer: Address,
    /// Earlier turns, oldest first; the current message is not included.
    pub turns: Vec<Turn>,
    /// Current status.
    pub status: Status,
    /// Current priority.
    pub priority: Priority,
    /// What is known about the customer so far.
    pub contact: Contact,
}

impl Conversation {
    /// How many earlier turns were written by `role`.
    pub fn count_turns(&self, role: Role) -> usize {
        self.turns.iter().filter(|t| t.role == role).count()
    }

    /// The best known name of the customer: the collected contact name, else
    /// the display name of the customer address.
    pub fn customer_name(&self) -> Option<&str> {
        self.contact
            .name
            .as_deref()
            .or(self.customer.name.as_deref())
            .map(str::trim)
            .filter(|n| !n.is_empty())
    }
}

/// The inbox the message arrived at.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Inbox {
    /// The host's id for this inbox.
    pub id: String,
    /// Human-readable name, e.g. `ACME Support`.
    pub name: String,
    /// The inbox's address.
    pub address: String,
}

/// The bot that answers for the inbox.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Bot {
    /// The host's id for this bot.
    pub id: String,
    /// Its name.
    pub name: String,
    /// Backstory / instructions given to the model.
    pub backstory: String,
}
