//! Conformance: sessions, threading, updates, turns, pagination.

use super::*;

pub(crate) async fn a_session_is_reused_while_active_and_renewed_after(store: Arc<dyn Store>) {
    let inbox = new_inbox(&*store, "support@example.com").await;
    let (first, created) = store
        .open_session(session(&inbox, "Ann@x.example", 1_000), 0)
        .await
        .unwrap();
    assert!(created);
    assert_eq!(first.customer_email, "ann@x.example");
    let (again, created) = store
        .open_session(session(&inbox, "ann@x.example", 2_000), 500)
        .await
        .unwrap();
    assert!(!created);
    assert_eq!(
        (again.id.as_str(), again.last_message_at),
        (first.id.as_str(), 2_000)
    );
    // Expired: the last message is older than the window.
    let (later, created) = store
        .open_session(session(&inbox, "ann@x.example", 9_000), 5_000)
        .await
        .unwrap();
    assert!(created);
    assert_ne!(later.id, first.id);
    // Resolved conversations are not resumed.
    let resolved = ConversationUpdate {
        status: Some(ConvStatus::Resolved),
        ..Default::default()
    };
    store
        .update_conversation(&later.id, resolved)
        .await
        .unwrap();
    let (fresh, created) = store
        .open_session(session(&inbox, "ann@x.example", 9_100), 5_000)
        .await
        .unwrap();
    assert!(created && fresh.id != later.id);
    let all = store
        .sessions_for_customer(&inbox, "ANN@x.example")
        .await
        .unwrap();
    let ids: Vec<_> = all.iter().map(|c| c.id.clone()).collect();
    assert_eq!(ids, [fresh.id, later.id, first.id]);
}

pub(crate) async fn header_threading_finds_inbound_and_outbound_message_ids(store: Arc<dyn Store>) {
    let inbox = new_inbox(&*store, "support@example.com").await;
    let other = new_inbox(&*store, "other@example.com").await;
    let conv = store
        .create_conversation(session(&inbox, "ann@x.example", 1))
        .await
        .unwrap();
    let m = received(&*store, &inbox, "k", 1).await;
    let patch = MessagePatch {
        conversation_id: Some(conv.id.clone()),
        message_id_header: Some("<in-1@customer>".into()),
        ..Default::default()
    };
    store
        .advance(
            &m,
            Transition::new(MessageState::Received, MessageState::Parsed).with(patch),
        )
        .await
        .unwrap();
    let mut reply = item(&inbox, Some(&conv.id), "<out-1@example.com>");
    reply.kind = OutboxKind::Human;
    store.enqueue(reply).await.unwrap();

    let find = |inbox: String, ids: &[&str]| {
        let store = Arc::clone(&store);
        let ids: Vec<String> = ids.iter().map(|s| s.to_string()).collect();
        async move {
            store
                .conversation_by_message_id_header(&inbox, &ids)
                .await
                .unwrap()
        }
    };
    assert_eq!(
        find(inbox.clone(), &["<in-1@customer>"])
            .await
            .map(|c| c.id),
        Some(conv.id.clone())
    );
    assert_eq!(
        find(inbox.clone(), &["nope@x", "out-1@example.com"])
            .await
            .map(|c| c.id),
        Some(conv.id)
    );
    assert_eq!(find(inbox.clone(), &["nope@x", ""]).await, None);
    assert_eq!(
        find(other, &["in-1@customer"]).await,
        None,
        "threads never cross inboxes"
    );
}

pub(crate) async fn conversation_updates_apply_only_given_fields(store: Arc<dyn Store>) {
    let inbox = new_inbox(&*store, "support@example.com").await;
    let conv = store
        .create_conversation(session(&inbox, "ann@x.example", 100))
        .await
        .unwrap();
    assert_eq!(
        (conv.status, conv.priority, conv.bot_paused),
        (ConvStatus::Open, Priority::Normal, false)
    );
    let pause = ConversationUpdate {
        bot_paused: Some(true),
        paused_reason: Some("bounce".into()),
        priority: Some(Priority::Urgent),
        ..Default::default()
    };
    let c = store.update_conversation(&conv.id, pause).await.unwrap();
    assert_eq!(
        (c.status, c.priority, c.bot_paused),
        (ConvStatus::Open, Priority::Urgent, true)
    );
    assert_eq!(c.paused_reason.as_deref(), Some("bounce"));
    let status = ConversationUpdate {
        status: Some(ConvStatus::NeedMoreInfo),
        ..Default::default()
    };
    let c = store.update_conversation(&conv.id, status).await.unwrap();
    assert_eq!(
        (c.status, c.bot_paused, c.paused_reason.as_deref()),
        (ConvStatus::NeedMoreInfo, true, Some("bounce"))
    );
    let resume = ConversationUpdate {
        bot_paused: Some(false),
        ..Default::default()
    };
    let c = store.update_conversation(&conv.id, resume).await.unwrap();
    assert_eq!((c.bot_paused, c.paused_reason), (false, None));

    store.touch_conversation(&conv.id, 500).await.unwrap();
    store.touch_conversation(&conv.id, 300).await.unwrap();
    assert_eq!(
        store.conversation(&conv.id).await.unwrap().last_message_at,
        500
    );
    assert!(
        store
            .touch_conversation("missing", 1)
            .await
            .unwrap_err()
            .is_not_found()
    );
    let err = store
        .update_conversation("missing", ConversationUpdate::default())
        .await
        .unwrap_err();
    assert!(err.is_not_found());
}

pub(crate) async fn turns_interleave_customer_texts_and_sent_replies(store: Arc<dyn Store>) {
    let inbox = new_inbox(&*store, "support@example.com").await;
    let conv = store
        .create_conversation(session(&inbox, "ann@x.example", 1))
        .await
        .unwrap();
    for (key, at, text) in [
        ("a", 10, Some("first question")),
        ("b", 30, Some("second")),
        ("c", 40, None),
    ] {
        let id = received(&*store, &inbox, key, at).await;
        let patch = MessagePatch {
            conversation_id: Some(conv.id.clone()),
            new_text: text.map(str::to_string),
            ..Default::default()
        };
        store
            .advance(
                &id,
                Transition::new(MessageState::Received, MessageState::Parsed).with(patch),
            )
            .await
            .unwrap();
    }
    let sent = item(&inbox, Some(&conv.id), "r1@example.com");
    let id = store.enqueue(sent).await.unwrap().id().to_string();
    store.claim_outbox(&id, 0, 1_000).await.unwrap().unwrap();
    store.mark_sent(&id, "250 ok", 20).await.unwrap();
    let unsent = item(&inbox, Some(&conv.id), "r2@example.com");
    store.enqueue(unsent).await.unwrap();

    let turns = store.turns(&conv.id).await.unwrap();
    let got: Vec<_> = turns
        .iter()
        .map(|t| (t.role, t.text.as_str(), t.at))
        .collect();
    assert_eq!(
        got,
        [
            (Role::Customer, "first question", 10),
            (Role::Agent, "reply text", 20),
            (Role::Customer, "second", 30),
        ]
    );
    assert_eq!(
        store
            .messages_of_conversation(&conv.id)
            .await
            .unwrap()
            .len(),
        3
    );
}

pub(crate) async fn conversations_page_without_gaps_or_repeats(store: Arc<dyn Store>) {
    let inbox = new_inbox(&*store, "support@example.com").await;
    let mut made = Vec::new();
    // Equal creation times exercise the id tie-break.
    for i in 0..7 {
        let c = store
            .create_conversation(session(&inbox, &format!("c{i}@x.example"), 100 + i / 2))
            .await
            .unwrap();
        made.push((c.created_at, c.id));
    }
    made.sort();
    let expected: Vec<String> = made.into_iter().map(|(_, id)| id).collect();
    for order in [Order::Asc, Order::Desc] {
        let mut seen = Vec::new();
        let mut page = PageRequest::first(3, order);
        let mut sizes = Vec::new();
        loop {
            let got = store
                .list_conversations(ConversationFilter::default(), page.clone())
                .await
                .unwrap();
            sizes.push(got.items.len());
            seen.extend(got.items.into_iter().map(|c| c.id));
            match got.next_cursor {
                Some(cursor) => page.cursor = Some(cursor),
                None => break,
            }
        }
        let mut want = expected.clone();
        if order == Order::Desc {
            want.reverse();
        }
        assert_eq!(seen, want, "{order}");
        assert_eq!(sizes, [3, 3, 1]);
    }
    let filter = ConversationFilter {
        customer_email: Some("C3@x.example".into()),
        ..Default::default()
    };
    let one = store
        .list_conversations(filter, PageRequest::first(10, Order::Asc))
        .await
        .unwrap();
    assert_eq!((one.items.len(), one.next_cursor), (1, None));
    let bad = PageRequest {
        cursor: Some("garbage".into()),
        take: 3,
        order: Order::Asc,
    };
    let err = store
        .list_conversations(ConversationFilter::default(), bad)
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            StoreError::Invalid {
                field: "cursor",
                ..
            }
        ),
        "{err}"
    );
}
