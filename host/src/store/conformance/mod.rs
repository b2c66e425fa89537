//! Behaviour every [`Store`] backend must show, as backend-generic async
//! functions (one file per area, shared fixtures here). A backend's tests instantiate them all with
//! `store_conformance_tests!(make_store)`, where `make_store` is an async
//! expression giving `(Arc<dyn Store>, guard)`, the guard living as long as
//! the test (a temp dir, a database schema to drop).

use std::sync::Arc;

use serde_json::json;

use crate::store::*;

pub(crate) mod conversations;
pub(crate) mod messages;
pub(crate) mod outbox;
pub(crate) mod people;

/// Declares one `#[tokio::test]` per conformance function for a backend.
macro_rules! store_conformance_tests {
    (@in $module:ident: $make:expr; $($name:ident),+ $(,)?) => {$(
        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
        async fn $name() {
            let (store, _guard) = $make.await;
            crate::store::conformance::$module::$name(store).await;
        }
    )+};
    ($make:expr) => {
        crate::store::conformance::store_conformance_tests!(@in messages: $make;
            same_source_key_is_stored_once,
            same_bytes_from_the_same_source_are_stored_once,
            mail_for_an_unknown_inbox_is_refused,
            a_batch_is_stored_in_order_and_each_message_alone_may_fail,
            advance_is_a_compare_and_set_with_history,
            waiting_messages_come_oldest_first,
            messages_page_by_received_time,
        );
        crate::store::conformance::store_conformance_tests!(@in conversations: $make;
            a_session_is_reused_while_active_and_renewed_after,
            header_threading_finds_inbound_and_outbound_message_ids,
            conversation_updates_apply_only_given_fields,
            turns_interleave_customer_texts_and_sent_replies,
            conversations_page_without_gaps_or_repeats,
        );
        crate::store::conformance::store_conformance_tests!(@in people: $make;
            contacts_merge_non_empty_fields_per_inbox,
            blocks_and_undeliverable_are_per_inbox_and_case_insensitive,
            plugin_kv_is_scoped_to_plugin_and_inbox,
            config_upserts_keep_ids_and_deleted_inboxes_disappear,
            channel_status_cursor_and_bounded_log,
            decisions_are_recorded_with_their_transition_in_order,
        );
        crate::store::conformance::store_conformance_tests!(@in outbox: $make;
            queueing_a_reply_is_exactly_once_under_concurrent_callers,
            queueing_records_the_reason_and_fields_of_its_transition,
            enqueue_is_idempotent_per_cause_and_message_id,
            a_claim_is_a_compare_and_set_with_a_lease,
            claiming_due_items_takes_the_oldest_due_up_to_the_limit,
            sent_and_failed_items_settle_their_message,
            recovery_requeues_items_left_sending,
            reply_times_count_replies_per_recipient_and_conversation,
        );
    };
}
pub(crate) use store_conformance_tests;

/// A bot and a live inbox `support@example.com`; returns the inbox id.
pub(crate) async fn new_inbox(store: &dyn Store, address: &str) -> String {
    let bot = store
        .upsert_bot_by_name(NewBot {
            name: "helper".into(),
            backstory: "You help.".into(),
            settings: json!({}),
        })
        .await
        .unwrap();
    store
        .upsert_inbox_by_address(NewInbox {
            name: "Support".into(),
            address: address.into(),
            kind: InboxKind::Mailbox,
            slug: None,
            bot_id: Some(bot),
            settings: json!({"session_duration": 3600}),
        })
        .await
        .unwrap()
}

pub(crate) fn mail(inbox: &str, key: &str, raw: &str, at: Millis) -> NewMessage {
    NewMessage {
        inbox_id: inbox.into(),
        source_key: key.into(),
        source: "imap:chan:INBOX".into(),
        raw: raw.as_bytes().to_vec(),
        received_at: at,
    }
}

/// Inserts a message and returns its id.
pub(crate) async fn received(store: &dyn Store, inbox: &str, key: &str, at: Millis) -> String {
    let raw = format!("Subject: {key}\r\n\r\nbody of {key}\r\n");
    match store
        .insert_received(mail(inbox, key, &raw, at))
        .await
        .unwrap()
    {
        InsertOutcome::Inserted(id) => id,
        other => panic!("expected a new message, got {other:?}"),
    }
}

pub(crate) fn session(inbox: &str, email: &str, at: Millis) -> NewConversation {
    NewConversation {
        inbox_id: inbox.into(),
        customer_email: email.into(),
        customer_name: Some("Ann".into()),
        at,
    }
}

/// A reply item to `ann@x.example` with Message-ID `header`.
pub(crate) fn item(inbox: &str, conversation: Option<&str>, header: &str) -> NewOutboxItem {
    NewOutboxItem {
        message_id: None,
        conversation_id: conversation.map(str::to_string),
        inbox_id: inbox.into(),
        kind: OutboxKind::Reply,
        message_id_header: header.into(),
        envelope_from: "support@example.com".into(),
        recipients: vec!["Ann@X.example".into(), "ann@x.example".into()],
        raw: b"Subject: Re: hi\r\n\r\nreply text\r\n".to_vec(),
        text: "reply text".into(),
        next_attempt_at: 0,
    }
}
