//! Outbox behaviour every [`Store`] backend must show: exactly-once
//! queueing, claims, delivery outcomes and reply-cap history.

use super::*;

/// A message in `Decided`, ready to be queued.
async fn decided(store: &dyn Store, inbox: &str, key: &str) -> String {
    let id = received(store, inbox, key, 1).await;
    for (from, to) in [
        (MessageState::Received, MessageState::Parsed),
        (MessageState::Parsed, MessageState::Decided),
    ] {
        store.advance(&id, Transition::new(from, to)).await.unwrap();
    }
    id
}

pub(crate) async fn queueing_a_reply_is_exactly_once_under_concurrent_callers(
    store: Arc<dyn Store>,
) {
    let inbox = new_inbox(&*store, "support@example.com").await;
    let message = decided(&*store, &inbox, "k").await;
    let tasks: Vec<_> = (0..8)
        .map(|i| {
            let (store, inbox, message) = (Arc::clone(&store), inbox.clone(), message.clone());
            tokio::spawn(async move {
                // Each caller generated its own reply with its own Message-ID.
                let item = item(&inbox, None, &format!("<reply-{i}@example.com>"));
                store
                    .queue_and_advance(
                        &message,
                        Transition::new(MessageState::Decided, MessageState::Queued),
                        item,
                    )
                    .await
            })
        })
        .collect();
    let mut won = Vec::new();
    for task in tasks {
        match task.await.unwrap() {
            Ok(id) => won.push(id),
            Err(e) => assert!(e.is_conflict(), "{e}"),
        }
    }
    assert_eq!(won.len(), 1, "exactly one caller queues");
    let items = store.outbox_for_message(&message).await.unwrap();
    assert_eq!(items.iter().map(|i| i.id.clone()).collect::<Vec<_>>(), won);
    assert_eq!(items[0].message_id.as_deref(), Some(message.as_str()));
    assert_eq!(
        items[0].recipients,
        ["ann@x.example"],
        "recipients normalised and deduplicated"
    );
    assert_eq!(
        store.message(&message).await.unwrap().state,
        MessageState::Queued
    );
    // A restarted pipeline repeating the step is refused and queues nothing.
    let again = item(&inbox, None, "<reply-again@example.com>");
    let err = store
        .queue_and_advance(
            &message,
            Transition::new(MessageState::Decided, MessageState::Queued),
            again,
        )
        .await
        .unwrap_err();
    assert!(err.is_conflict());
    assert_eq!(store.outbox_for_message(&message).await.unwrap().len(), 1);
}

pub(crate) async fn queueing_records_the_reason_and_fields_of_its_transition(
    store: Arc<dyn Store>,
) {
    let inbox = new_inbox(&*store, "support@example.com").await;
    let message = decided(&*store, &inbox, "k").await;
    let patch = MessagePatch {
        subject: Some("Forwarded".into()),
        ..MessagePatch::default()
    };
    let forwarded = Transition::new(MessageState::Decided, MessageState::Queued)
        .because("forwarded to desk@example.com")
        .with(patch);
    store
        .queue_and_advance(&message, forwarded, item(&inbox, None, "<fwd@example.com>"))
        .await
        .unwrap();
    let stored = store.message(&message).await.unwrap();
    assert_eq!(stored.state, MessageState::Queued);
    assert_eq!(stored.subject.as_deref(), Some("Forwarded"));
    let last = store
        .message_history(&message)
        .await
        .unwrap()
        .pop()
        .unwrap();
    assert_eq!(last.state, MessageState::Queued);
    assert_eq!(
        last.reason.as_deref(),
        Some("forwarded to desk@example.com")
    );
}

pub(crate) async fn enqueue_is_idempotent_per_cause_and_message_id(store: Arc<dyn Store>) {
    let inbox = new_inbox(&*store, "support@example.com").await;
    let message = decided(&*store, &inbox, "k").await;
    let mut reply = item(&inbox, None, "<a@example.com>");
    reply.message_id = Some(message.clone());
    let first = store.enqueue(reply.clone()).await.unwrap();
    assert!(matches!(first, EnqueueOutcome::Inserted(_)));
    let other_header = NewOutboxItem {
        message_id_header: "<b@example.com>".into(),
        ..reply.clone()
    };
    assert_eq!(
        store.enqueue(other_header).await.unwrap(),
        EnqueueOutcome::Existing(first.id().into())
    );
    let no_cause = NewOutboxItem {
        message_id: None,
        ..reply.clone()
    };
    assert_eq!(
        store.enqueue(no_cause).await.unwrap(),
        EnqueueOutcome::Existing(first.id().into())
    );
    let escalation = NewOutboxItem {
        kind: OutboxKind::Escalation,
        message_id_header: "<c@example.com>".into(),
        ..reply
    };
    assert!(matches!(
        store.enqueue(escalation).await.unwrap(),
        EnqueueOutcome::Inserted(_)
    ));
    let found = store
        .outbox_by_message_id_header("a@example.com")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (found.id.as_str(), found.message_id_header.as_str()),
        (first.id(), "a@example.com")
    );
    assert_eq!(
        store.outbox_by_message_id_header("<zzz@x>").await.unwrap(),
        None
    );
    let bad = NewOutboxItem {
        recipients: vec![],
        ..item(&inbox, None, "<d@x>")
    };
    assert!(matches!(
        store.enqueue(bad).await.unwrap_err(),
        StoreError::Invalid { .. }
    ));
}

pub(crate) async fn claiming_due_items_takes_the_oldest_due_up_to_the_limit(store: Arc<dyn Store>) {
    let inbox = new_inbox(&*store, "support@example.com").await;
    let mut ids = Vec::new();
    for (n, due_at) in [(1, 30), (2, 10), (3, 20), (4, 500)] {
        let mut queued = item(&inbox, None, &format!("<{n}@example.com>"));
        queued.next_attempt_at = due_at;
        ids.push(store.enqueue(queued).await.unwrap().id().to_string());
    }
    let first = store.claim_due_outbox(100, 1_000, 2).await.unwrap();
    let first_ids: Vec<&str> = first.iter().map(|i| i.id.as_str()).collect();
    assert_eq!(
        first_ids,
        [ids[1].as_str(), ids[2].as_str()],
        "oldest due first"
    );
    assert!(
        first
            .iter()
            .all(|i| (i.state, i.attempts, i.next_attempt_at) == (OutboxState::Sending, 1, 1_100))
    );
    let rest = store.claim_due_outbox(100, 1_000, 10).await.unwrap();
    let rest_ids: Vec<&str> = rest.iter().map(|i| i.id.as_str()).collect();
    assert_eq!(
        rest_ids,
        [ids[0].as_str()],
        "claimed items and items not due stay"
    );
    assert!(
        store
            .claim_due_outbox(100, 1_000, 10)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        store
            .claim_due_outbox(100, 1_000, 0)
            .await
            .unwrap()
            .is_empty()
    );
}

pub(crate) async fn a_claim_is_a_compare_and_set_with_a_lease(store: Arc<dyn Store>) {
    let inbox = new_inbox(&*store, "support@example.com").await;
    let mut queued = item(&inbox, None, "<a@example.com>");
    queued.next_attempt_at = 100;
    let id = store.enqueue(queued).await.unwrap().id().to_string();
    assert!(store.due_outbox(99, 10).await.unwrap().is_empty());
    assert!(
        store.claim_outbox(&id, 99, 1_000).await.unwrap().is_none(),
        "not due yet"
    );
    assert_eq!(store.due_outbox(100, 10).await.unwrap().len(), 1);

    let claimed = store.claim_outbox(&id, 100, 1_000).await.unwrap().unwrap();
    assert_eq!(
        (claimed.state, claimed.attempts, claimed.next_attempt_at),
        (OutboxState::Sending, 1, 1_100)
    );
    assert!(
        store.claim_outbox(&id, 100, 1_000).await.unwrap().is_none(),
        "already claimed"
    );
    assert!(
        store.due_outbox(500, 10).await.unwrap().is_empty(),
        "leased"
    );
    // The sender died: once the lease ends the item is due and claimable again.
    assert_eq!(store.due_outbox(1_100, 10).await.unwrap().len(), 1);
    let again = store
        .claim_outbox(&id, 1_100, 1_000)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(again.attempts, 2);

    store.mark_retry(&id, "421 try later", 5_000).await.unwrap();
    let retry = store.outbox_item(&id).await.unwrap();
    assert_eq!(
        (retry.state, retry.last_error.as_deref()),
        (OutboxState::Queued, Some("421 try later"))
    );
    assert!(
        store
            .mark_retry(&id, "x", 0)
            .await
            .unwrap_err()
            .is_conflict(),
        "not sending"
    );
    assert!(
        store
            .mark_sent(&id, "250", 1)
            .await
            .unwrap_err()
            .is_conflict(),
        "not sending"
    );
    assert!(
        store
            .claim_outbox(&id, 4_999, 1_000)
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        store
            .claim_outbox(&id, 5_000, 1_000)
            .await
            .unwrap()
            .is_some()
    );
    assert!(
        store
            .mark_sent("missing", "250", 1)
            .await
            .unwrap_err()
            .is_not_found()
    );
}

pub(crate) async fn sent_and_failed_items_settle_their_message(store: Arc<dyn Store>) {
    let inbox = new_inbox(&*store, "support@example.com").await;
    let ok = decided(&*store, &inbox, "ok").await;
    let bad = decided(&*store, &inbox, "bad").await;
    let (q, d) = (MessageState::Queued, MessageState::Decided);
    let ok_item = store
        .queue_and_advance(&ok, Transition::new(d, q), item(&inbox, None, "<ok@x>"))
        .await
        .unwrap();
    let bad_item = store
        .queue_and_advance(&bad, Transition::new(d, q), item(&inbox, None, "<bad@x>"))
        .await
        .unwrap();

    store
        .claim_outbox(&ok_item, 0, 60_000)
        .await
        .unwrap()
        .unwrap();
    store
        .mark_sent(&ok_item, "250 2.0.0 queued as X", 77)
        .await
        .unwrap();
    let sent = store.outbox_item(&ok_item).await.unwrap();
    assert_eq!(
        (sent.state, sent.sent_at, sent.smtp_response.as_deref()),
        (OutboxState::Sent, Some(77), Some("250 2.0.0 queued as X"))
    );
    assert_eq!(store.message(&ok).await.unwrap().state, MessageState::Done);
    let history: Vec<_> = store
        .message_history(&ok)
        .await
        .unwrap()
        .into_iter()
        .map(|h| (h.state, h.at))
        .collect();
    assert_eq!(
        history[history.len() - 2..],
        [(MessageState::Sent, 77), (MessageState::Done, 77)],
        "a sent reply records `sent` and `done` at the time the server accepted it"
    );
    assert!(
        store
            .mark_sent(&ok_item, "250", 78)
            .await
            .unwrap_err()
            .is_conflict(),
        "sent once"
    );
    assert!(
        store
            .due_outbox(i64::MAX, 10)
            .await
            .unwrap()
            .iter()
            .all(|i| i.id != ok_item)
    );

    store
        .mark_failed(&bad_item, "550 5.1.1 unknown user")
        .await
        .unwrap();
    let failed = store.message(&bad).await.unwrap();
    assert_eq!(failed.state, MessageState::Failed);
    assert!(failed.reason.unwrap().contains("550 5.1.1"));
    assert_eq!(
        store.outbox_item(&bad_item).await.unwrap().state,
        OutboxState::Failed
    );
    assert!(
        store
            .mark_failed(&bad_item, "again")
            .await
            .unwrap_err()
            .is_conflict()
    );
}

pub(crate) async fn recovery_requeues_items_left_sending(store: Arc<dyn Store>) {
    let inbox = new_inbox(&*store, "support@example.com").await;
    let a = store
        .enqueue(item(&inbox, None, "<a@x>"))
        .await
        .unwrap()
        .id()
        .to_string();
    let b = store
        .enqueue(item(&inbox, None, "<b@x>"))
        .await
        .unwrap()
        .id()
        .to_string();
    store.claim_outbox(&a, 0, 3_600_000).await.unwrap().unwrap();
    assert_eq!(store.recover_outbox(10).await.unwrap(), 1);
    let a_item = store.outbox_item(&a).await.unwrap();
    assert_eq!(
        (a_item.state, a_item.next_attempt_at, a_item.attempts),
        (OutboxState::Queued, 10, 1)
    );
    let due: Vec<_> = store
        .due_outbox(10, 10)
        .await
        .unwrap()
        .into_iter()
        .map(|i| i.id)
        .collect();
    assert!(due.contains(&a) && due.contains(&b));
    assert_eq!(store.recover_outbox(10).await.unwrap(), 0);
}

pub(crate) async fn reply_times_count_replies_per_recipient_and_conversation(
    store: Arc<dyn Store>,
) {
    let inbox = new_inbox(&*store, "support@example.com").await;
    let conv = store
        .create_conversation(session(&inbox, "ann@x.example", 0))
        .await
        .unwrap();
    let r1 = store
        .enqueue(item(&inbox, Some(&conv.id), "<1@x>"))
        .await
        .unwrap();
    store.enqueue(item(&inbox, None, "<2@x>")).await.unwrap();
    let failed = store
        .enqueue(item(&inbox, Some(&conv.id), "<3@x>"))
        .await
        .unwrap();
    store.mark_failed(failed.id(), "550").await.unwrap();
    let human = NewOutboxItem {
        kind: OutboxKind::Human,
        ..item(&inbox, Some(&conv.id), "<4@x>")
    };
    store.enqueue(human).await.unwrap();

    let to_ann = store
        .sent_reply_times(&inbox, "ANN@x.example", 0)
        .await
        .unwrap();
    assert_eq!(
        to_ann.len(),
        2,
        "queued replies count; failed and human ones do not"
    );
    assert!(
        store
            .sent_reply_times(&inbox, "bob@x.example", 0)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        store
            .sent_reply_times(&inbox, "ann@x.example", i64::MAX)
            .await
            .unwrap()
            .is_empty()
    );
    let in_conv = store
        .sent_reply_times_for_conversation(&conv.id, 0)
        .await
        .unwrap();
    assert_eq!(
        in_conv,
        [store.outbox_item(r1.id()).await.unwrap().created_at]
    );
}
