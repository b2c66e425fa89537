//! Conformance: storing received mail, state changes, waiting lists.

use super::*;

pub(crate) async fn same_source_key_is_stored_once(store: Arc<dyn Store>) {
    let inbox = new_inbox(&*store, "support@example.com").await;
    let first = store
        .insert_received(mail(&inbox, "imap:INBOX:7:1", "a", 1))
        .await
        .unwrap();
    // Same key, other bytes (a re-fetch after the server rewrote headers).
    let again = store
        .insert_received(mail(&inbox, "imap:INBOX:7:1", "a'", 2))
        .await
        .unwrap();
    assert!(matches!(first, InsertOutcome::Inserted(_)));
    assert_eq!(again, InsertOutcome::Duplicate(first.id().to_string()));
    let m = store.message(first.id()).await.unwrap();
    assert_eq!(
        (m.raw.as_slice(), m.state),
        (&b"a"[..], MessageState::Received)
    );
    assert_eq!(m.content_hash, content_hash(b"a"));
    assert_eq!(store.message_history(first.id()).await.unwrap().len(), 1);
}

pub(crate) async fn same_bytes_from_the_same_source_are_stored_once(store: Arc<dyn Store>) {
    let inbox = new_inbox(&*store, "support@example.com").await;
    let other_inbox = new_inbox(&*store, "sales@example.com").await;
    let first = store
        .insert_received(mail(&inbox, "imap:INBOX:7:1", "same", 1))
        .await
        .unwrap();
    let refetched = store
        .insert_received(mail(&inbox, "imap:INBOX:8:1", "same", 2))
        .await
        .unwrap();
    assert_eq!(refetched, InsertOutcome::Duplicate(first.id().to_string()));

    let mut elsewhere = mail(&inbox, "smtp:1", "same", 3);
    elsewhere.source = "smtp".into();
    assert!(matches!(
        store.insert_received(elsewhere).await.unwrap(),
        InsertOutcome::Inserted(_)
    ));
    let other = store
        .insert_received(mail(&other_inbox, "imap:INBOX:7:1", "same", 4))
        .await;
    assert!(matches!(other.unwrap(), InsertOutcome::Inserted(_)));
}

pub(crate) async fn mail_for_an_unknown_inbox_is_refused(store: Arc<dyn Store>) {
    let err = store
        .insert_received(mail("nope", "k", "x", 1))
        .await
        .unwrap_err();
    assert!(err.is_not_found(), "{err}");
}

pub(crate) async fn a_batch_is_stored_in_order_and_each_message_alone_may_fail(
    store: Arc<dyn Store>,
) {
    let inbox = new_inbox(&*store, "support@example.com").await;
    let earlier = received(&*store, &inbox, "imap:INBOX:7:1", 5).await;
    // One received time for the whole batch, as a transport stamps it.
    let batch = vec![
        mail(&inbox, "imap:INBOX:7:3", "third", 9),
        mail(&inbox, "imap:INBOX:7:1", "again", 9),
        mail("gone", "imap:INBOX:7:4", "orphan", 9),
        mail(&inbox, "imap:INBOX:7:2", "second", 9),
        mail(&inbox, "imap:INBOX:7:5", "third", 9),
    ];
    let outcomes = store.insert_received_all(batch).await.unwrap();
    assert_eq!(outcomes.len(), 5);
    let third = match &outcomes[0] {
        Ok(InsertOutcome::Inserted(id)) => id.clone(),
        other => panic!("the first new message is stored: {other:?}"),
    };
    assert_eq!(
        outcomes[1].as_ref().ok(),
        Some(&InsertOutcome::Duplicate(earlier.clone()))
    );
    assert!(
        matches!(&outcomes[2], Err(e) if e.is_not_found()),
        "{:?}",
        outcomes[2]
    );
    let second = outcomes[3].as_ref().unwrap().id().to_string();
    // Same bytes from the same source within the batch: stored once.
    assert_eq!(
        outcomes[4].as_ref().ok(),
        Some(&InsertOutcome::Duplicate(third.clone()))
    );

    let waiting = store
        .message_ids_in_states(&[MessageState::Received], 10)
        .await
        .unwrap();
    assert_eq!(waiting, [earlier, third, second.clone()]);
    assert_eq!(store.message_history(&second).await.unwrap().len(), 1);
    assert!(
        store
            .insert_received_all(Vec::new())
            .await
            .unwrap()
            .is_empty()
    );
}

pub(crate) async fn advance_is_a_compare_and_set_with_history(store: Arc<dyn Store>) {
    let inbox = new_inbox(&*store, "support@example.com").await;
    let id = received(&*store, &inbox, "k1", 10).await;
    let patch = MessagePatch {
        message_id_header: Some("<abc@customer>".into()),
        from_email: Some("Ann@Customer.example".into()),
        subject: Some("Help".into()),
        new_text: Some("Where is my order?".into()),
        ..Default::default()
    };
    store
        .advance(
            &id,
            Transition::new(MessageState::Received, MessageState::Parsed).with(patch),
        )
        .await
        .unwrap();
    let err = store
        .advance(
            &id,
            Transition::new(MessageState::Received, MessageState::Parsed),
        )
        .await
        .unwrap_err();
    assert!(err.is_conflict(), "{err}");
    store
        .advance(
            &id,
            Transition::new(MessageState::Parsed, MessageState::Skipped).because("auto-submitted"),
        )
        .await
        .unwrap();
    let err = store
        .advance(
            "missing",
            Transition::new(MessageState::Received, MessageState::Parsed),
        )
        .await
        .unwrap_err();
    assert!(err.is_not_found(), "{err}");

    let m = store.message(&id).await.unwrap();
    assert_eq!(m.state, MessageState::Skipped);
    assert_eq!(m.reason.as_deref(), Some("auto-submitted"));
    assert_eq!(m.message_id_header.as_deref(), Some("abc@customer"));
    assert_eq!(m.from_email.as_deref(), Some("ann@customer.example"));
    assert_eq!(m.new_text.as_deref(), Some("Where is my order?"));
    let history = store.message_history(&id).await.unwrap();
    let states: Vec<_> = history.iter().map(|h| h.state).collect();
    assert_eq!(
        states,
        [
            MessageState::Received,
            MessageState::Parsed,
            MessageState::Skipped
        ]
    );
    assert_eq!(history[2].reason.as_deref(), Some("auto-submitted"));
}

pub(crate) async fn waiting_messages_come_oldest_first(store: Arc<dyn Store>) {
    let inbox = new_inbox(&*store, "support@example.com").await;
    let late = received(&*store, &inbox, "late", 30).await;
    let early = received(&*store, &inbox, "early", 10).await;
    let parsed = received(&*store, &inbox, "parsed", 20).await;
    store
        .advance(
            &parsed,
            Transition::new(MessageState::Received, MessageState::Parsed),
        )
        .await
        .unwrap();
    let waiting = [MessageState::Received, MessageState::Parsed];
    assert_eq!(
        store.message_ids_in_states(&waiting, 10).await.unwrap(),
        [early.clone(), parsed.clone(), late.clone()]
    );
    assert_eq!(
        store.message_ids_in_states(&waiting, 1).await.unwrap(),
        [early]
    );
    let only = store
        .message_ids_in_states(&[MessageState::Parsed], 10)
        .await
        .unwrap();
    assert_eq!(only, [parsed]);
    assert!(
        store
            .message_ids_in_states(&[], 10)
            .await
            .unwrap()
            .is_empty()
    );
}

pub(crate) async fn messages_page_by_received_time(store: Arc<dyn Store>) {
    let inbox = new_inbox(&*store, "support@example.com").await;
    for i in 0..5 {
        received(&*store, &inbox, &format!("k{i}"), 50 - i).await;
    }
    let first = store
        .list_messages(&inbox, PageRequest::first(2, Order::Desc))
        .await
        .unwrap();
    let times: Vec<_> = first.items.iter().map(|m| m.received_at).collect();
    assert_eq!(times, [50, 49]);
    let rest = PageRequest {
        cursor: first.next_cursor,
        take: 10,
        order: Order::Desc,
    };
    let rest = store.list_messages(&inbox, rest).await.unwrap();
    let times: Vec<_> = rest.items.iter().map(|m| m.received_at).collect();
    assert_eq!((times, rest.next_cursor), (vec![48, 47, 46], None));
}
