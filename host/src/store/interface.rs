//! The store interface the pipeline, transports and API are written against.

use std::sync::Arc;

use async_trait::async_trait;

use super::records::*;
use super::{Millis, Result};

/// Everything the host persists. Object-safe: hold it as `Arc<dyn Store>`.
///
/// Each method is one short transaction. Methods that take a `from` state
/// are compare-and-set: they fail with [`super::StoreError::Conflict`] and
/// change nothing when the record has moved on, so racing workers and
/// restarted workers never apply a step twice. A call whose future is
/// dropped may still complete: check the state again rather than assume it
/// did not happen.
#[async_trait]
pub trait Store: Send + Sync {
    // ---- bots, inboxes, channels -------------------------------------

    /// Creates the bot `name` or replaces its fields; returns its id.
    async fn upsert_bot_by_name(&self, bot: NewBot) -> Result<String>;
    async fn bot(&self, id: &str) -> Result<Bot>;
    async fn bots(&self) -> Result<Vec<Bot>>;

    /// Creates the live inbox with this address or replaces its fields;
    /// returns its id. Fails with `Conflict` when the slug is taken by
    /// another live inbox.
    async fn upsert_inbox_by_address(&self, inbox: NewInbox) -> Result<String>;
    /// The inbox, deleted or not.
    async fn inbox(&self, id: &str) -> Result<Inbox>;
    /// Live inboxes only.
    async fn inboxes(&self) -> Result<Vec<Inbox>>;
    /// The live inbox with this address (compared normalised).
    async fn inbox_by_address(&self, address: &str) -> Result<Option<Inbox>>;
    /// The live generated inbox with this slug (case-insensitive).
    async fn inbox_by_slug(&self, slug: &str) -> Result<Option<Inbox>>;
    /// Soft-deletes the inbox: lookups stop finding it, its mail stays.
    async fn delete_inbox(&self, id: &str) -> Result<()>;

    /// Creates the channel `name` or replaces its kind and config (keeping
    /// its status); returns its id.
    async fn upsert_channel_by_name(&self, channel: NewChannel) -> Result<String>;
    async fn channel(&self, id: &str) -> Result<Channel>;
    async fn channels(&self) -> Result<Vec<Channel>>;
    async fn set_channel_status(
        &self,
        id: &str,
        status: ChannelStatus,
        last_error: Option<String>,
    ) -> Result<()>;
    /// Appends a line; only the newest lines per channel are kept
    /// (`SqliteStore` keeps 1,000).
    async fn append_channel_log(
        &self,
        channel_id: &str,
        level: &str,
        line: &str,
        at: Millis,
    ) -> Result<()>;
    /// The newest `limit` lines, oldest first.
    async fn channel_log(&self, channel_id: &str, limit: u32) -> Result<Vec<ChannelLogLine>>;
    async fn imap_cursor(&self, channel_id: &str, mailbox: &str) -> Result<Option<ImapCursor>>;
    async fn set_imap_cursor(
        &self,
        channel_id: &str,
        mailbox: &str,
        cursor: ImapCursor,
    ) -> Result<()>;

    // ---- messages ------------------------------------------------------

    /// Stores a received message in state `Received`, or finds it already
    /// stored under the same (inbox, source_key) or the same bytes from the
    /// same (inbox, source). Returns only once the row is committed and
    /// fsynced: a transport may acknowledge the mail (`\Seen`, `250`) then.
    async fn insert_received(&self, message: NewMessage) -> Result<InsertOutcome>;
    /// [`Store::insert_received`] for each of `messages`, in one commit and
    /// in the given order (a batch a transport fetched together is stored,
    /// and later worked on, in its order); one result per message, in
    /// order. A message that cannot be stored (its inbox is gone) fails
    /// alone; an error of the call itself means none was stored.
    async fn insert_received_all(
        &self,
        messages: Vec<NewMessage>,
    ) -> Result<Vec<Result<InsertOutcome>>>;
    /// In one transaction: moves the message from `transition.from` to
    /// `transition.to` (compare-and-set), sets the patch's fields, appends
    /// every state passed (`through`, then `to`) with its reason to the
    /// state history, and records the transition's decisions.
    async fn advance(&self, id: &str, transition: Transition) -> Result<()>;
    async fn message(&self, id: &str) -> Result<StoredMessage>;
    /// Ids of the messages in any of `states`, oldest received first (in
    /// insertion order among equal times): what workers move forward, and
    /// resume after a restart.
    async fn message_ids_in_states(
        &self,
        states: &[MessageState],
        limit: u32,
    ) -> Result<Vec<String>>;
    /// The conversation's inbound messages, oldest first.
    async fn messages_of_conversation(&self, conversation_id: &str) -> Result<Vec<StoredMessage>>;
    /// An inbox's messages, by received time, for the API.
    async fn list_messages(&self, inbox_id: &str, page: PageRequest)
    -> Result<Page<StoredMessage>>;
    /// The state history, oldest first (`Received` is its first entry).
    async fn message_history(&self, id: &str) -> Result<Vec<StateChange>>;

    // ---- conversations ---------------------------------------------------

    async fn create_conversation(&self, conversation: NewConversation) -> Result<Conversation>;
    /// Atomically finds the customer's newest conversation in the inbox
    /// that is neither resolved nor closed and had a message at or after
    /// `active_since`, touching it to `conversation.at`; or creates one.
    /// Returns it and whether it was created. Concurrent mails of one
    /// customer therefore land in one session.
    async fn open_session(
        &self,
        conversation: NewConversation,
        active_since: Millis,
    ) -> Result<(Conversation, bool)>;
    async fn conversation(&self, id: &str) -> Result<Conversation>;
    /// Applies the fields that are set; returns the updated conversation.
    async fn update_conversation(
        &self,
        id: &str,
        update: ConversationUpdate,
    ) -> Result<Conversation>;
    /// Moves `last_message_at` forward to `at` (never backwards).
    async fn touch_conversation(&self, id: &str, at: Millis) -> Result<()>;
    /// The customer's conversations in the inbox, newest activity first.
    async fn sessions_for_customer(&self, inbox_id: &str, email: &str)
    -> Result<Vec<Conversation>>;
    /// The conversation holding an inbound message or an outbox item whose
    /// Message-ID is one of `ids`. Ids are tried in order: pass
    /// `In-Reply-To` first, then `References` newest first.
    async fn conversation_by_message_id_header(
        &self,
        inbox_id: &str,
        ids: &[String],
    ) -> Result<Option<Conversation>>;
    /// Keyset pagination by creation time.
    async fn list_conversations(
        &self,
        filter: ConversationFilter,
        page: PageRequest,
    ) -> Result<Page<Conversation>>;
    /// Inbound new texts (customer) and sent replies (agent, human), oldest
    /// first; messages without new text and unsent replies are left out.
    async fn turns(&self, conversation_id: &str) -> Result<Vec<Turn>>;

    // ---- contacts, blocks, undeliverable ----------------------------------

    /// Creates the contact or overwrites the fields given non-empty;
    /// `extra` keys are merged the same way.
    async fn merge_contact(
        &self,
        inbox_id: &str,
        email: &str,
        fields: ContactFields,
    ) -> Result<Contact>;
    async fn contact(&self, inbox_id: &str, email: &str) -> Result<Option<Contact>>;
    async fn list_contacts(&self, inbox_id: &str, page: PageRequest) -> Result<Page<Contact>>;
    /// Blocks (or re-blocks with a new reason) a sender.
    async fn block_sender(&self, inbox_id: &str, email: &str, reason: Option<String>)
    -> Result<()>;
    /// Returns whether the sender was blocked.
    async fn unblock_sender(&self, inbox_id: &str, email: &str) -> Result<bool>;
    async fn is_blocked(&self, inbox_id: &str, email: &str) -> Result<bool>;
    async fn blocked_senders(&self, inbox_id: &str) -> Result<Vec<Block>>;
    async fn mark_undeliverable(&self, inbox_id: &str, email: &str, reason: &str) -> Result<()>;
    async fn is_undeliverable(&self, inbox_id: &str, email: &str) -> Result<bool>;

    // ---- outbox -------------------------------------------------------------

    /// Queues an item unless one exists for the same (message_id, kind) or
    /// Message-ID. Idempotent: a retried call returns `Existing`.
    async fn enqueue(&self, item: NewOutboxItem) -> Result<EnqueueOutcome>;
    /// In ONE transaction: moves message `message_id` as `transition` says
    /// (e.g. `Routed` → `Queued` through `Decided`, with the decisions that
    /// led to the reply; `Escalated` for an escalation, with its reason and
    /// fields) and queues `item` as caused by that message (its
    /// `message_id` is set to it).
    /// Exactly-once: of concurrent or repeated callers only one succeeds,
    /// the others get `Conflict` (state moved) and nothing is queued.
    /// Returns the outbox item id.
    async fn queue_and_advance(
        &self,
        message_id: &str,
        transition: Transition,
        item: NewOutboxItem,
    ) -> Result<String>;
    /// Items ready to send at `now`, oldest due first: queued items whose
    /// `next_attempt_at` has come, and items left `Sending` whose claim
    /// lease has expired (the sender crashed).
    async fn due_outbox(&self, now: Millis, limit: u32) -> Result<Vec<OutboxItem>>;
    /// Claims a due item for one delivery attempt: `Queued` (or `Sending`
    /// with an expired lease) → `Sending`, attempts + 1, lease until
    /// `now + lease_ms`. Returns `None` when another sender has it or it is
    /// not due.
    ///
    /// Delivery is at-least-once at one edge: if the host dies after the
    /// SMTP server accepted the mail but before [`Store::mark_sent`], the
    /// item is claimed again and resent. The resend carries the same
    /// Message-ID (fixed at queue time), so receivers and threading see it
    /// as the same mail.
    async fn claim_outbox(
        &self,
        id: &str,
        now: Millis,
        lease_ms: i64,
    ) -> Result<Option<OutboxItem>>;
    /// [`Store::claim_outbox`] for the oldest due items, up to `limit`, in
    /// one commit: what a sender with `limit` free slots sends next.
    async fn claim_due_outbox(
        &self,
        now: Millis,
        lease_ms: i64,
        limit: u32,
    ) -> Result<Vec<OutboxItem>>;
    /// `Sending` → `Sent` with the server's response; in the same
    /// transaction the causing message, if still `Queued`, moves through
    /// `Sent` to `Done` and the item's conversation counts `at` as its
    /// latest activity.
    async fn mark_sent(&self, id: &str, smtp_response: &str, at: Millis) -> Result<()>;
    /// `Sending` → `Queued` for another attempt at `next_attempt_at`.
    async fn mark_retry(&self, id: &str, error: &str, next_attempt_at: Millis) -> Result<()>;
    /// `Queued`/`Sending` → `Failed` (permanent); the causing message, if
    /// still `Queued`, moves to `Failed` with the error in the same
    /// transaction.
    async fn mark_failed(&self, id: &str, error: &str) -> Result<()>;
    /// Single-host recovery at start: every `Sending` item (its sender died
    /// with the previous process) becomes `Queued`, due at `now`. Returns
    /// how many. A clustered backend relies on lease expiry instead.
    async fn recover_outbox(&self, now: Millis) -> Result<u64>;
    async fn outbox_item(&self, id: &str) -> Result<OutboxItem>;
    async fn outbox_by_message_id_header(&self, message_id: &str) -> Result<Option<OutboxItem>>;
    async fn outbox_for_message(&self, message_id: &str) -> Result<Vec<OutboxItem>>;
    /// When automatic replies (kind `Reply`, not failed) to `to_email` from
    /// this inbox were queued, at or after `since`; for reply caps. Counts
    /// queued replies too, so a burst cannot pass the cap before any is sent.
    async fn sent_reply_times(
        &self,
        inbox_id: &str,
        to_email: &str,
        since: Millis,
    ) -> Result<Vec<Millis>>;
    /// Same, for replies in one conversation.
    async fn sent_reply_times_for_conversation(
        &self,
        conversation_id: &str,
        since: Millis,
    ) -> Result<Vec<Millis>>;

    // ---- plugins --------------------------------------------------------------

    /// The message's plugin decisions in the order they were recorded (each
    /// with the [`Transition`] that followed it).
    async fn decisions(&self, message_id: &str) -> Result<Vec<Decision>>;
    /// The plugins' key-value store, callable from blocking threads.
    fn plugin_kv(&self) -> Arc<dyn PluginKv>;
}

/// Key-value storage of plugins, scoped to (plugin, inbox): a plugin never
/// sees another plugin's keys nor its own keys of another inbox.
///
/// Synchronous on purpose: plugins call it from inside a wasm call that
/// already runs on a blocking thread. Do not call it on an async worker.
pub trait PluginKv: Send + Sync {
    /// The value, or `None` when the key does not exist.
    fn get(&self, plugin: &str, inbox_id: &str, key: &str) -> Result<Option<Vec<u8>>>;
    /// Creates or replaces the value.
    fn set(&self, plugin: &str, inbox_id: &str, key: &str, value: &[u8]) -> Result<()>;
    /// Removes the key; returns whether it existed.
    fn delete(&self, plugin: &str, inbox_id: &str, key: &str) -> Result<bool>;
}
