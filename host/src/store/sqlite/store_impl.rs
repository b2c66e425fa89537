//! [`Store`] and [`PluginKv`] for [`SqliteStore`]: each method moves its
//! arguments onto the blocking pool and runs one transaction there.

use std::sync::Arc;

use async_trait::async_trait;

use super::{Inner, SqliteStore, conversations, messages, outbox, people, resources};
use crate::store::records::*;
use crate::store::{Millis, PluginKv, Result, Store, now_ms};

#[async_trait]
impl Store for SqliteStore {
    async fn upsert_bot_by_name(&self, bot: NewBot) -> Result<String> {
        self.write(move |c| resources::upsert_bot(c, &bot)).await
    }

    async fn bot(&self, id: &str) -> Result<Bot> {
        let id = id.to_string();
        self.read(move |c| resources::bot(c, &id)).await
    }

    async fn bots(&self) -> Result<Vec<Bot>> {
        self.read(resources::bots).await
    }

    async fn upsert_inbox_by_address(&self, inbox: NewInbox) -> Result<String> {
        self.write(move |c| resources::upsert_inbox(c, &inbox))
            .await
    }

    async fn inbox(&self, id: &str) -> Result<Inbox> {
        let id = id.to_string();
        self.read(move |c| resources::inbox(c, &id)).await
    }

    async fn inboxes(&self) -> Result<Vec<Inbox>> {
        self.read(resources::inboxes).await
    }

    async fn inbox_by_address(&self, address: &str) -> Result<Option<Inbox>> {
        let address = address.to_string();
        self.read(move |c| resources::inbox_by_address(c, &address))
            .await
    }

    async fn inbox_by_slug(&self, slug: &str) -> Result<Option<Inbox>> {
        let slug = slug.to_string();
        self.read(move |c| resources::inbox_by_slug(c, &slug)).await
    }

    async fn delete_inbox(&self, id: &str) -> Result<()> {
        let id = id.to_string();
        self.write(move |c| resources::delete_inbox(c, &id)).await
    }

    async fn upsert_channel_by_name(&self, channel: NewChannel) -> Result<String> {
        self.write(move |c| resources::upsert_channel(c, &channel))
            .await
    }

    async fn channel(&self, id: &str) -> Result<Channel> {
        let id = id.to_string();
        self.read(move |c| resources::channel(c, &id)).await
    }

    async fn channels(&self) -> Result<Vec<Channel>> {
        self.read(resources::channels).await
    }

    async fn set_channel_status(
        &self,
        id: &str,
        status: ChannelStatus,
        last_error: Option<String>,
    ) -> Result<()> {
        let id = id.to_string();
        self.write(move |c| resources::set_channel_status(c, &id, status, last_error.as_deref()))
            .await
    }

    async fn append_channel_log(
        &self,
        channel_id: &str,
        level: &str,
        line: &str,
        at: Millis,
    ) -> Result<()> {
        let (channel_id, level, line) =
            (channel_id.to_string(), level.to_string(), line.to_string());
        self.write(move |c| resources::append_channel_log(c, &channel_id, &level, &line, at))
            .await
    }

    async fn channel_log(&self, channel_id: &str, limit: u32) -> Result<Vec<ChannelLogLine>> {
        let channel_id = channel_id.to_string();
        self.read(move |c| resources::channel_log(c, &channel_id, limit))
            .await
    }

    async fn imap_cursor(&self, channel_id: &str, mailbox: &str) -> Result<Option<ImapCursor>> {
        let (channel_id, mailbox) = (channel_id.to_string(), mailbox.to_string());
        self.read(move |c| resources::imap_cursor(c, &channel_id, &mailbox))
            .await
    }

    async fn set_imap_cursor(
        &self,
        channel_id: &str,
        mailbox: &str,
        cursor: ImapCursor,
    ) -> Result<()> {
        let (channel_id, mailbox) = (channel_id.to_string(), mailbox.to_string());
        self.write(move |c| resources::set_imap_cursor(c, &channel_id, &mailbox, cursor))
            .await
    }

    async fn insert_received(&self, message: NewMessage) -> Result<InsertOutcome> {
        self.write(move |c| messages::insert_received(c, &message, now_ms()))
            .await
    }

    async fn insert_received_all(
        &self,
        messages: Vec<NewMessage>,
    ) -> Result<Vec<Result<InsertOutcome>>> {
        self.write(move |c| messages::insert_received_each(c, &messages, now_ms()))
            .await
    }

    async fn advance(&self, id: &str, transition: Transition) -> Result<()> {
        let id = id.to_string();
        self.write(move |c| messages::advance(c, &id, &transition, now_ms()))
            .await
    }

    async fn message(&self, id: &str) -> Result<StoredMessage> {
        let id = id.to_string();
        self.read(move |c| messages::message(c, &id)).await
    }

    async fn message_ids_in_states(
        &self,
        states: &[MessageState],
        limit: u32,
    ) -> Result<Vec<String>> {
        let states = states.to_vec();
        self.read(move |c| messages::message_ids_in_states(c, &states, limit))
            .await
    }

    async fn messages_of_conversation(&self, conversation_id: &str) -> Result<Vec<StoredMessage>> {
        let id = conversation_id.to_string();
        self.read(move |c| messages::messages_of_conversation(c, &id))
            .await
    }

    async fn list_messages(
        &self,
        inbox_id: &str,
        page: PageRequest,
    ) -> Result<Page<StoredMessage>> {
        let inbox_id = inbox_id.to_string();
        self.read(move |c| messages::list_messages(c, &inbox_id, &page))
            .await
    }

    async fn message_history(&self, id: &str) -> Result<Vec<StateChange>> {
        let id = id.to_string();
        self.read(move |c| messages::message_history(c, &id)).await
    }

    async fn create_conversation(&self, conversation: NewConversation) -> Result<Conversation> {
        self.write(move |c| conversations::create(c, &conversation))
            .await
    }

    async fn open_session(
        &self,
        conversation: NewConversation,
        active_since: Millis,
    ) -> Result<(Conversation, bool)> {
        self.write(move |c| conversations::open_session(c, &conversation, active_since))
            .await
    }

    async fn conversation(&self, id: &str) -> Result<Conversation> {
        let id = id.to_string();
        self.read(move |c| conversations::get(c, &id)).await
    }

    async fn update_conversation(
        &self,
        id: &str,
        update: ConversationUpdate,
    ) -> Result<Conversation> {
        let id = id.to_string();
        self.write(move |c| conversations::update(c, &id, &update))
            .await
    }

    async fn touch_conversation(&self, id: &str, at: Millis) -> Result<()> {
        let id = id.to_string();
        self.write(move |c| conversations::touch(c, &id, at)).await
    }

    async fn sessions_for_customer(
        &self,
        inbox_id: &str,
        email: &str,
    ) -> Result<Vec<Conversation>> {
        let (inbox_id, email) = (inbox_id.to_string(), email.to_string());
        self.read(move |c| conversations::sessions_for_customer(c, &inbox_id, &email))
            .await
    }

    async fn conversation_by_message_id_header(
        &self,
        inbox_id: &str,
        ids: &[String],
    ) -> Result<Option<Conversation>> {
        let (inbox_id, ids) = (inbox_id.to_string(), ids.to_vec());
        self.read(move |c| conversations::by_message_id_header(c, &inbox_id, &ids))
            .await
    }

    async fn list_conversations(
        &self,
        filter: ConversationFilter,
        page: PageRequest,
    ) -> Result<Page<Conversation>> {
        self.read(move |c| conversations::list(c, &filter, &page))
            .await
    }

    async fn turns(&self, conversation_id: &str) -> Result<Vec<Turn>> {
        let id = conversation_id.to_string();
        self.read(move |c| conversations::turns(c, &id)).await
    }

    async fn merge_contact(
        &self,
        inbox_id: &str,
        email: &str,
        fields: ContactFields,
    ) -> Result<Contact> {
        let (inbox_id, email) = (inbox_id.to_string(), email.to_string());
        self.write(move |c| people::merge_contact(c, &inbox_id, &email, &fields, now_ms()))
            .await
    }

    async fn contact(&self, inbox_id: &str, email: &str) -> Result<Option<Contact>> {
        let (inbox_id, email) = (inbox_id.to_string(), email.to_string());
        self.read(move |c| people::contact(c, &inbox_id, &email))
            .await
    }

    async fn list_contacts(&self, inbox_id: &str, page: PageRequest) -> Result<Page<Contact>> {
        let inbox_id = inbox_id.to_string();
        self.read(move |c| people::list_contacts(c, &inbox_id, &page))
            .await
    }

    async fn block_sender(
        &self,
        inbox_id: &str,
        email: &str,
        reason: Option<String>,
    ) -> Result<()> {
        let (inbox_id, email) = (inbox_id.to_string(), email.to_string());
        self.write(move |c| people::block(c, &inbox_id, &email, reason.as_deref(), now_ms()))
            .await
    }

    async fn unblock_sender(&self, inbox_id: &str, email: &str) -> Result<bool> {
        let (inbox_id, email) = (inbox_id.to_string(), email.to_string());
        self.write(move |c| people::unblock(c, &inbox_id, &email))
            .await
    }

    async fn is_blocked(&self, inbox_id: &str, email: &str) -> Result<bool> {
        let (inbox_id, email) = (inbox_id.to_string(), email.to_string());
        self.read(move |c| people::is_blocked(c, &inbox_id, &email))
            .await
    }

    async fn blocked_senders(&self, inbox_id: &str) -> Result<Vec<Block>> {
        let inbox_id = inbox_id.to_string();
        self.read(move |c| people::blocked_senders(c, &inbox_id))
            .await
    }

    async fn mark_undeliverable(&self, inbox_id: &str, email: &str, reason: &str) -> Result<()> {
        let (inbox_id, email, reason) =
            (inbox_id.to_string(), email.to_string(), reason.to_string());
        self.write(move |c| people::mark_undeliverable(c, &inbox_id, &email, &reason, now_ms()))
            .await
    }

    async fn is_undeliverable(&self, inbox_id: &str, email: &str) -> Result<bool> {
        let (inbox_id, email) = (inbox_id.to_string(), email.to_string());
        self.read(move |c| people::is_undeliverable(c, &inbox_id, &email))
            .await
    }

    async fn enqueue(&self, item: NewOutboxItem) -> Result<EnqueueOutcome> {
        self.write(move |c| outbox::enqueue(c, &item, now_ms()))
            .await
    }

    async fn queue_and_advance(
        &self,
        message_id: &str,
        transition: Transition,
        item: NewOutboxItem,
    ) -> Result<String> {
        let message_id = message_id.to_string();
        self.write(move |c| outbox::queue_and_advance(c, &message_id, &transition, item, now_ms()))
            .await
    }

    async fn due_outbox(&self, now: Millis, limit: u32) -> Result<Vec<OutboxItem>> {
        self.read(move |c| outbox::due(c, now, limit)).await
    }

    async fn claim_outbox(
        &self,
        id: &str,
        now: Millis,
        lease_ms: i64,
    ) -> Result<Option<OutboxItem>> {
        let id = id.to_string();
        self.write(move |c| outbox::claim(c, &id, now, lease_ms))
            .await
    }

    async fn claim_due_outbox(
        &self,
        now: Millis,
        lease_ms: i64,
        limit: u32,
    ) -> Result<Vec<OutboxItem>> {
        self.write(move |c| outbox::claim_due(c, now, lease_ms, limit))
            .await
    }

    async fn mark_sent(&self, id: &str, smtp_response: &str, at: Millis) -> Result<()> {
        let (id, response) = (id.to_string(), smtp_response.to_string());
        self.write(move |c| outbox::mark_sent(c, &id, &response, at))
            .await
    }

    async fn mark_retry(&self, id: &str, error: &str, next_attempt_at: Millis) -> Result<()> {
        let (id, error) = (id.to_string(), error.to_string());
        self.write(move |c| outbox::mark_retry(c, &id, &error, next_attempt_at))
            .await
    }

    async fn mark_failed(&self, id: &str, error: &str) -> Result<()> {
        let (id, error) = (id.to_string(), error.to_string());
        self.write(move |c| outbox::mark_failed(c, &id, &error, now_ms()))
            .await
    }

    async fn recover_outbox(&self, now: Millis) -> Result<u64> {
        self.write(move |c| outbox::recover(c, now)).await
    }

    async fn outbox_item(&self, id: &str) -> Result<OutboxItem> {
        let id = id.to_string();
        self.read(move |c| outbox::item(c, &id)).await
    }

    async fn outbox_by_message_id_header(&self, message_id: &str) -> Result<Option<OutboxItem>> {
        let header = message_id.to_string();
        self.read(move |c| outbox::by_message_id_header(c, &header))
            .await
    }

    async fn outbox_for_message(&self, message_id: &str) -> Result<Vec<OutboxItem>> {
        let message_id = message_id.to_string();
        self.read(move |c| outbox::for_message(c, &message_id))
            .await
    }

    async fn sent_reply_times(
        &self,
        inbox_id: &str,
        to_email: &str,
        since: Millis,
    ) -> Result<Vec<Millis>> {
        let (inbox_id, email) = (inbox_id.to_string(), to_email.to_string());
        self.read(move |c| outbox::reply_times_to(c, &inbox_id, &email, since))
            .await
    }

    async fn sent_reply_times_for_conversation(
        &self,
        conversation_id: &str,
        since: Millis,
    ) -> Result<Vec<Millis>> {
        let id = conversation_id.to_string();
        self.read(move |c| outbox::reply_times_in(c, &id, since))
            .await
    }

    async fn decisions(&self, message_id: &str) -> Result<Vec<Decision>> {
        let message_id = message_id.to_string();
        self.read(move |c| people::decisions(c, &message_id)).await
    }

    fn plugin_kv(&self) -> Arc<dyn PluginKv> {
        Arc::new(SqliteKv(Arc::clone(&self.inner)))
    }
}

/// The plugin key-value store over the same connections; blocks the
/// calling thread until the read or the group commit is done.
struct SqliteKv(Arc<Inner>);

impl PluginKv for SqliteKv {
    fn get(&self, plugin: &str, inbox_id: &str, key: &str) -> Result<Option<Vec<u8>>> {
        let (plugin, inbox_id, key) = (plugin.to_string(), inbox_id.to_string(), key.to_string());
        self.0
            .read(move |c| people::kv_get(c, &plugin, &inbox_id, &key))
    }

    fn set(&self, plugin: &str, inbox_id: &str, key: &str, value: &[u8]) -> Result<()> {
        let (plugin, inbox_id, key) = (plugin.to_string(), inbox_id.to_string(), key.to_string());
        let value = value.to_vec();
        self.0
            .writer
            .call_blocking(move |c| people::kv_set(c, &plugin, &inbox_id, &key, &value, now_ms()))
    }

    fn delete(&self, plugin: &str, inbox_id: &str, key: &str) -> Result<bool> {
        let (plugin, inbox_id, key) = (plugin.to_string(), inbox_id.to_string(), key.to_string());
        self.0
            .writer
            .call_blocking(move |c| people::kv_delete(c, &plugin, &inbox_id, &key))
    }
}
