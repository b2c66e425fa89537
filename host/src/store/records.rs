//! The records the store keeps and the inputs that create or change them.
//! Plain owned data with serde, independent of any engine.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::Millis;

/// Defines a fieldless enum stored and serialised as snake_case strings,
/// with `as_str`, `ALL`, `Display` and `FromStr` kept in one place.
macro_rules! string_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident => $s:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($(#[$vmeta])* $variant),+ }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The stored (and serialised) form.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $s),+ }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl std::str::FromStr for $name {
            type Err = String;
            fn from_str(s: &str) -> Result<Self, String> {
                match s {
                    $($s => Ok($name::$variant),)+
                    other => Err(format!("unknown {} {other:?}", stringify!($name))),
                }
            }
        }
    };
}

string_enum!(
    /// Where an inbox's mail comes from.
    InboxKind {
        /// An existing mailbox read over IMAP.
        Mailbox => "mailbox",
        /// `<slug>@<inbound domain>`, received by the host's own SMTP server.
        Generated => "generated",
    }
);

string_enum!(
    /// Lifecycle of a channel (a transport connection).
    ChannelStatus {
        Starting => "starting",
        Running => "running",
        Error => "error",
        Stopped => "stopped",
    }
);

string_enum!(
    /// The persisted pipeline state of an inbound message (DESIGN.md,
    /// "The pipeline").
    MessageState {
        /// Raw bytes stored and fsynced.
        Received => "received",
        Parsed => "parsed",
        /// Guard verdict taken.
        Screened => "screened",
        Routed => "routed",
        /// Hook results recorded.
        Decided => "decided",
        /// The reply is in the outbox.
        Queued => "queued",
        /// The SMTP server accepted the reply.
        Sent => "sent",
        Done => "done",
        Skipped => "skipped",
        Escalated => "escalated",
        Failed => "failed",
    }
);

impl MessageState {
    /// True when the pipeline has nothing more to do with the message.
    pub fn is_terminal(self) -> bool {
        matches!(
            self,
            Self::Done | Self::Skipped | Self::Escalated | Self::Failed
        )
    }
}

string_enum!(
    /// Where a conversation stands for the humans.
    ConvStatus {
        Open => "open",
        Assigned => "assigned",
        NeedMoreInfo => "need_more_info",
        Resolved => "resolved",
        Closed => "closed",
    }
);

string_enum!(
    /// Conversation priority.
    Priority {
        Low => "low",
        Normal => "normal",
        High => "high",
        Urgent => "urgent",
    }
);

string_enum!(
    /// Who said a turn of a conversation.
    Role {
        Customer => "customer",
        /// The bot's automatic reply.
        Agent => "agent",
        /// A person replying through the API.
        Human => "human",
    }
);

string_enum!(
    /// Why an outbox item is sent.
    OutboxKind {
        /// The bot's reply to the customer.
        Reply => "reply",
        /// Transcript and summary to the support system.
        Escalation => "escalation",
        /// A person's reply through the API.
        Human => "human",
        /// A route decision that forwards the mail elsewhere.
        Forward => "forward",
    }
);

string_enum!(
    /// Delivery state of an outbox item.
    OutboxState {
        Queued => "queued",
        /// Claimed by a sender; see [`crate::store::Store::claim_outbox`].
        Sending => "sending",
        Sent => "sent",
        Failed => "failed",
    }
);

string_enum!(
    /// Sort direction of a paginated list.
    Order {
        Asc => "asc",
        Desc => "desc",
    }
);

/// A bot: instructions and settings an inbox can be linked to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Bot {
    pub id: String,
    /// Unique; config-declared bots are upserted by name.
    pub name: String,
    pub backstory: String,
    /// Model, knowledge and plugin settings, as configured.
    pub settings: serde_json::Value,
}

/// Input of [`crate::store::Store::upsert_bot_by_name`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewBot {
    pub name: String,
    pub backstory: String,
    pub settings: serde_json::Value,
}

/// An inbox: one address the bot answers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Inbox {
    pub id: String,
    pub name: String,
    /// Normalised address; unique among inboxes that are not deleted.
    pub address: String,
    pub kind: InboxKind,
    /// Local part of a generated address; unique among live inboxes.
    pub slug: Option<String>,
    pub bot_id: Option<String>,
    /// Per-inbox settings (session duration, caps, fallback, ...).
    pub settings: serde_json::Value,
    /// Soft delete: a deleted generated inbox rejects mail, its history stays.
    pub deleted: bool,
}

/// Input of [`crate::store::Store::upsert_inbox_by_address`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewInbox {
    pub name: String,
    pub address: String,
    pub kind: InboxKind,
    pub slug: Option<String>,
    pub bot_id: Option<String>,
    pub settings: serde_json::Value,
}

/// A transport connection (IMAP account, SMTP listener, ...).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Channel {
    pub id: String,
    /// Unique; config-declared channels are upserted by name.
    pub name: String,
    /// Transport kind, e.g. `"imap"` or `"smtp_in"`; owned by `transport/`.
    pub kind: String,
    pub config: serde_json::Value,
    pub status: ChannelStatus,
    pub last_error: Option<String>,
}

/// Input of [`crate::store::Store::upsert_channel_by_name`]; a new channel
/// starts as [`ChannelStatus::Stopped`], an existing one keeps its status.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewChannel {
    pub name: String,
    pub kind: String,
    pub config: serde_json::Value,
}

/// One line of a channel's log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChannelLogLine {
    pub at: Millis,
    /// `"info"`, `"warn"`, `"error"`, ... as the transport logs it.
    pub level: String,
    pub line: String,
}

/// Where a transport left off in an IMAP mailbox.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImapCursor {
    pub uidvalidity: u32,
    pub last_uid: u32,
}

/// A received message, as handed over by a transport.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewMessage {
    pub inbox_id: String,
    /// Unique within the inbox: `imap:<mailbox>:<uidvalidity>:<uid>` or
    /// `smtp:<uuid>`.
    pub source_key: String,
    /// The mailbox the mail was fetched from (`imap:<channel>:<mailbox>`,
    /// `smtp`): identical bytes from the same source are one message.
    pub source: String,
    pub raw: Vec<u8>,
    pub received_at: Millis,
}

/// What [`crate::store::Store::insert_received`] did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum InsertOutcome {
    /// Stored now, with this id.
    Inserted(String),
    /// Already stored (same source key, or same bytes from the same
    /// source) under this id; nothing was written.
    Duplicate(String),
}

impl InsertOutcome {
    /// The message id either way.
    pub fn id(&self) -> &str {
        match self {
            Self::Inserted(id) | Self::Duplicate(id) => id,
        }
    }
}

/// An inbound message with its pipeline state.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredMessage {
    pub id: String,
    pub inbox_id: String,
    pub source_key: String,
    pub source: String,
    /// [`crate::store::content_hash`] of `raw`.
    pub content_hash: String,
    pub raw: Vec<u8>,
    pub state: MessageState,
    /// Why it reached its state (skip reason, failure, ...).
    pub reason: Option<String>,
    pub conversation_id: Option<String>,
    /// Normalised Message-ID header, set once parsed; used for threading.
    pub message_id_header: Option<String>,
    /// Sender address, set once parsed (normalised).
    pub from_email: Option<String>,
    pub subject: Option<String>,
    /// The customer's new text without quoted history; becomes a turn.
    pub new_text: Option<String>,
    pub received_at: Millis,
    pub updated_at: Millis,
}

/// Fields [`crate::store::Store::advance`] sets alongside a state change;
/// `None` leaves a field as it is.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct MessagePatch {
    pub conversation_id: Option<String>,
    pub message_id_header: Option<String>,
    pub from_email: Option<String>,
    pub subject: Option<String>,
    pub new_text: Option<String>,
}

/// A compare-and-set move of a message's state, committed as one
/// transaction: the states it passes on the way (each gets its own history
/// entry), the reason of the last one, the fields set alongside and the
/// plugin decisions that led to it.
///
/// Recording a step's decisions in the commit of the state change that
/// follows them means a step re-run after a crash never records them twice,
/// and a worker that takes a message through several steps in one go can
/// commit them together with [`Transition::then`].
#[derive(Debug, Clone, PartialEq)]
pub struct Transition {
    pub from: MessageState,
    /// States passed between `from` and `to`, oldest first, with the reason
    /// each history entry records.
    pub through: Vec<(MessageState, Option<String>)>,
    pub to: MessageState,
    pub reason: Option<String>,
    pub patch: MessagePatch,
    /// Plugin decisions recorded in the same commit, in order.
    pub decisions: Vec<Decision>,
}

impl Transition {
    /// `from` → `to` with no reason and no fields set.
    pub fn new(from: MessageState, to: MessageState) -> Self {
        Transition {
            from,
            through: Vec::new(),
            to,
            reason: None,
            patch: MessagePatch::default(),
            decisions: Vec::new(),
        }
    }

    /// The same move, recording `reason` in the history.
    pub fn because(mut self, reason: impl Into<String>) -> Self {
        self.reason = Some(reason.into());
        self
    }

    /// The same move (from the same state, with the same reason, fields and
    /// decisions) ending at `to` instead: for a step that gathers what it
    /// records before it knows where the message goes.
    pub fn towards(mut self, to: MessageState) -> Self {
        self.to = to;
        self
    }

    /// The same move, setting `patch`'s fields alongside (over any set
    /// before).
    pub fn with(mut self, patch: MessagePatch) -> Self {
        self.patch.merge(patch);
        self
    }

    /// The same move, recording `decisions` after those it already carries.
    pub fn recording(mut self, decisions: impl IntoIterator<Item = Decision>) -> Self {
        self.decisions.extend(decisions);
        self
    }

    /// This move followed by `next` (which starts where this one ends) as
    /// one move: this one's target becomes a state passed through, patches
    /// and decisions add up.
    pub fn then(mut self, next: Transition) -> Self {
        debug_assert_eq!(self.to, next.from, "transitions must chain");
        self.through.push((self.to, self.reason.take()));
        self.through.extend(next.through);
        self.to = next.to;
        self.reason = next.reason;
        self.patch.merge(next.patch);
        self.decisions.extend(next.decisions);
        self
    }
}

impl MessagePatch {
    /// Takes every field `other` sets.
    pub fn merge(&mut self, other: MessagePatch) {
        let MessagePatch {
            conversation_id,
            message_id_header,
            from_email,
            subject,
            new_text,
        } = other;
        self.conversation_id = conversation_id.or(self.conversation_id.take());
        self.message_id_header = message_id_header.or(self.message_id_header.take());
        self.from_email = from_email.or(self.from_email.take());
        self.subject = subject.or(self.subject.take());
        self.new_text = new_text.or(self.new_text.take());
    }
}

impl StoredMessage {
    /// The row as the store holds it once `transition` has committed (but
    /// `updated_at`, which is the store's clock): what a worker carries on
    /// with instead of reading the row back.
    pub fn apply(&mut self, transition: &Transition) {
        let patch = &transition.patch;
        self.state = transition.to;
        self.reason.clone_from(&transition.reason);
        if let Some(v) = &patch.conversation_id {
            self.conversation_id = Some(v.clone());
        }
        if let Some(v) = &patch.message_id_header {
            self.message_id_header = Some(super::normalize_message_id(v));
        }
        if let Some(v) = &patch.from_email {
            self.from_email = Some(super::normalize_email(v));
        }
        if let Some(v) = &patch.subject {
            self.subject = Some(v.clone());
        }
        if let Some(v) = &patch.new_text {
            self.new_text = Some(v.clone());
        }
    }
}

/// One entry of a message's state history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StateChange {
    pub state: MessageState,
    pub reason: Option<String>,
    pub at: Millis,
}

/// A session: one customer of one inbox over a stretch of time.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Conversation {
    pub id: String,
    pub inbox_id: String,
    /// Normalised address of the customer.
    pub customer_email: String,
    pub customer_name: Option<String>,
    pub status: ConvStatus,
    pub priority: Priority,
    /// No automatic replies while set (bounce, human takeover).
    pub bot_paused: bool,
    pub paused_reason: Option<String>,
    pub created_at: Millis,
    /// Time of the newest message; sessions expire from it.
    pub last_message_at: Millis,
}

/// Input of [`crate::store::Store::create_conversation`] and
/// [`crate::store::Store::open_session`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewConversation {
    pub inbox_id: String,
    pub customer_email: String,
    pub customer_name: Option<String>,
    /// Creation time, also the first `last_message_at`.
    pub at: Millis,
}

/// Changes to a conversation; `None` leaves a field as it is.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ConversationUpdate {
    pub status: Option<ConvStatus>,
    pub priority: Option<Priority>,
    /// `Some(true)` pauses the bot, `Some(false)` resumes it.
    pub bot_paused: Option<bool>,
    /// Replaces the pause reason when `bot_paused` is set.
    pub paused_reason: Option<String>,
    pub customer_name: Option<String>,
}

/// Filter of [`crate::store::Store::list_conversations`].
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ConversationFilter {
    pub inbox_id: Option<String>,
    pub status: Option<ConvStatus>,
    pub customer_email: Option<String>,
}

/// One turn of a conversation, as plugins see it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Turn {
    pub role: Role,
    pub text: String,
    pub at: Millis,
}

/// A page request: `take` items after the opaque `cursor` of a previous page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PageRequest {
    pub cursor: Option<String>,
    pub take: u32,
    pub order: Order,
}

impl PageRequest {
    /// The first page of `take` items in `order`.
    pub fn first(take: u32, order: Order) -> Self {
        Self {
            cursor: None,
            take,
            order,
        }
    }
}

/// One page of a list; `next_cursor` is `None` on the last page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next_cursor: Option<String>,
}

/// A person the bot talked to, collected per inbox (tenants never share
/// contacts).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Contact {
    pub id: String,
    pub inbox_id: String,
    /// Normalised; unique within the inbox.
    pub email: String,
    pub name: Option<String>,
    pub phone: Option<String>,
    pub company: Option<String>,
    /// Any other fields plugins collected.
    pub extra: BTreeMap<String, String>,
    pub updated_at: Millis,
}

/// Fields to merge into a contact; empty or `None` values change nothing.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ContactFields {
    pub name: Option<String>,
    pub phone: Option<String>,
    pub company: Option<String>,
    pub extra: BTreeMap<String, String>,
}

/// A blocked sender of an inbox.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Block {
    pub inbox_id: String,
    pub email: String,
    pub reason: Option<String>,
    pub at: Millis,
}

/// A mail to send, before it is queued.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewOutboxItem {
    /// The inbound message that caused it; at most one item per
    /// (message, kind) is ever queued.
    pub message_id: Option<String>,
    pub conversation_id: Option<String>,
    pub inbox_id: String,
    pub kind: OutboxKind,
    /// The Message-ID of the mail in `raw`, fixed now so a resend after a
    /// crash is recognisable; unique across the outbox.
    pub message_id_header: String,
    pub envelope_from: String,
    pub recipients: Vec<String>,
    /// The complete RFC 5322 message to send.
    pub raw: Vec<u8>,
    /// Plain text of the reply, for turns and the API.
    pub text: String,
    /// Earliest send time (usually now).
    pub next_attempt_at: Millis,
}

/// What [`crate::store::Store::enqueue`] did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum EnqueueOutcome {
    /// Queued now, with this id.
    Inserted(String),
    /// An item for the same (message, kind) or Message-ID was already
    /// queued under this id; nothing was written.
    Existing(String),
}

impl EnqueueOutcome {
    /// The outbox item id either way.
    pub fn id(&self) -> &str {
        match self {
            Self::Inserted(id) | Self::Existing(id) => id,
        }
    }
}

/// A mail in the outbox.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OutboxItem {
    pub id: String,
    pub message_id: Option<String>,
    pub conversation_id: Option<String>,
    pub inbox_id: String,
    pub kind: OutboxKind,
    pub message_id_header: String,
    pub envelope_from: String,
    /// Normalised addresses.
    pub recipients: Vec<String>,
    pub raw: Vec<u8>,
    pub text: String,
    pub state: OutboxState,
    /// Number of claims so far (each claim is one delivery attempt).
    pub attempts: u32,
    /// Queued: earliest next attempt. Sending: when the claim's lease ends.
    pub next_attempt_at: Millis,
    pub last_error: Option<String>,
    /// The server's reply to the accepted DATA.
    pub smtp_response: Option<String>,
    pub created_at: Millis,
    pub sent_at: Option<Millis>,
}

/// One plugin answer to one hook for one message.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Decision {
    pub message_id: String,
    /// Hook name as in the WIT contract (`route`, `generate-reply`, ...).
    pub hook: String,
    pub plugin_name: String,
    /// Content hash of the plugin version that answered.
    pub plugin_hash: String,
    pub outcome: serde_json::Value,
    /// Trap, timeout or limit hit, when the call failed.
    pub error: Option<String>,
    pub duration_us: i64,
    pub at: Millis,
}
