//! Conformance: contacts, blocks, plugin kv, config resources, channels,
//! decisions.

use std::collections::BTreeMap;

use super::*;

pub(crate) async fn contacts_merge_non_empty_fields_per_inbox(store: Arc<dyn Store>) {
    let inbox = new_inbox(&*store, "support@example.com").await;
    let other = new_inbox(&*store, "other@example.com").await;
    let fields = ContactFields {
        name: Some("Ann".into()),
        phone: Some("+1 555".into()),
        extra: BTreeMap::from([("plan".into(), "pro".into())]),
        ..Default::default()
    };
    let c = store
        .merge_contact(&inbox, "Ann@X.example", fields)
        .await
        .unwrap();
    assert_eq!(
        (c.email.as_str(), c.name.as_deref()),
        ("ann@x.example", Some("Ann"))
    );
    let update = ContactFields {
        name: Some("Ann Lee".into()),
        phone: Some("  ".into()),
        company: Some("Acme".into()),
        extra: BTreeMap::from([("plan".into(), "".into()), ("city".into(), "Oslo".into())]),
    };
    let merged = store
        .merge_contact(&inbox, "ann@x.example", update)
        .await
        .unwrap();
    assert_eq!(merged.id, c.id);
    assert_eq!(merged.name.as_deref(), Some("Ann Lee"));
    assert_eq!(
        merged.phone.as_deref(),
        Some("+1 555"),
        "empty values keep the old one"
    );
    assert_eq!(merged.company.as_deref(), Some("Acme"));
    assert_eq!(merged.extra.get("plan").map(String::as_str), Some("pro"));
    assert_eq!(merged.extra.get("city").map(String::as_str), Some("Oslo"));
    assert_eq!(
        store.contact(&inbox, "ANN@x.example").await.unwrap(),
        Some(merged)
    );
    assert_eq!(store.contact(&other, "ann@x.example").await.unwrap(), None);
    store
        .merge_contact(&inbox, "bob@x.example", ContactFields::default())
        .await
        .unwrap();
    let page = store
        .list_contacts(&inbox, PageRequest::first(1, Order::Asc))
        .await
        .unwrap();
    assert_eq!(page.items.len(), 1);
    let next = PageRequest {
        cursor: page.next_cursor,
        take: 5,
        order: Order::Asc,
    };
    assert_eq!(
        store.list_contacts(&inbox, next).await.unwrap().items.len(),
        1
    );
}

pub(crate) async fn blocks_and_undeliverable_are_per_inbox_and_case_insensitive(
    store: Arc<dyn Store>,
) {
    let inbox = new_inbox(&*store, "support@example.com").await;
    let other = new_inbox(&*store, "other@example.com").await;
    store
        .block_sender(&inbox, "Spam@Bad.example", Some("abuse".into()))
        .await
        .unwrap();
    assert!(store.is_blocked(&inbox, "spam@bad.example").await.unwrap());
    assert!(!store.is_blocked(&other, "spam@bad.example").await.unwrap());
    let list = store.blocked_senders(&inbox).await.unwrap();
    assert_eq!(
        (
            list.len(),
            list[0].email.as_str(),
            list[0].reason.as_deref()
        ),
        (1, "spam@bad.example", Some("abuse"))
    );
    assert!(
        store
            .unblock_sender(&inbox, "SPAM@bad.example")
            .await
            .unwrap()
    );
    assert!(
        !store
            .unblock_sender(&inbox, "spam@bad.example")
            .await
            .unwrap()
    );
    assert!(!store.is_blocked(&inbox, "spam@bad.example").await.unwrap());

    store
        .mark_undeliverable(&inbox, "Gone@x.example", "550 5.1.1 no such user")
        .await
        .unwrap();
    store
        .mark_undeliverable(&inbox, "gone@x.example", "again")
        .await
        .unwrap();
    assert!(
        store
            .is_undeliverable(&inbox, "GONE@x.example")
            .await
            .unwrap()
    );
    assert!(
        !store
            .is_undeliverable(&other, "gone@x.example")
            .await
            .unwrap()
    );
    assert!(
        !store
            .is_undeliverable(&inbox, "here@x.example")
            .await
            .unwrap()
    );
}

pub(crate) async fn plugin_kv_is_scoped_to_plugin_and_inbox(store: Arc<dyn Store>) {
    let kv = store.plugin_kv();
    tokio::task::spawn_blocking(move || {
        kv.set("a", "inbox-1", "count", b"1").unwrap();
        assert_eq!(
            kv.get("a", "inbox-1", "count").unwrap(),
            Some(b"1".to_vec())
        );
        assert_eq!(
            kv.get("b", "inbox-1", "count").unwrap(),
            None,
            "other plugin"
        );
        assert_eq!(
            kv.get("a", "inbox-2", "count").unwrap(),
            None,
            "other inbox"
        );
        kv.set("b", "inbox-1", "count", b"9").unwrap();
        kv.set("a", "inbox-1", "count", b"2").unwrap();
        assert_eq!(
            kv.get("a", "inbox-1", "count").unwrap(),
            Some(b"2".to_vec())
        );
        assert_eq!(
            kv.get("b", "inbox-1", "count").unwrap(),
            Some(b"9".to_vec())
        );
        assert!(kv.delete("a", "inbox-1", "count").unwrap());
        assert!(!kv.delete("a", "inbox-1", "count").unwrap());
        assert_eq!(kv.get("a", "inbox-1", "count").unwrap(), None);
        assert_eq!(
            kv.get("b", "inbox-1", "count").unwrap(),
            Some(b"9".to_vec())
        );
    })
    .await
    .unwrap();
}

pub(crate) async fn config_upserts_keep_ids_and_deleted_inboxes_disappear(store: Arc<dyn Store>) {
    let bot = NewBot {
        name: "b".into(),
        backstory: "v1".into(),
        settings: json!({"x": 1}),
    };
    let id = store.upsert_bot_by_name(bot.clone()).await.unwrap();
    let v2 = NewBot {
        backstory: "v2".into(),
        ..bot
    };
    assert_eq!(store.upsert_bot_by_name(v2).await.unwrap(), id);
    assert_eq!(store.bot(&id).await.unwrap().backstory, "v2");
    assert_eq!(store.bots().await.unwrap().len(), 1);

    let generated = NewInbox {
        name: "Gen".into(),
        address: "Help-1@In.example".into(),
        kind: InboxKind::Generated,
        slug: Some("Help-1".into()),
        bot_id: Some(id.clone()),
        settings: json!({}),
    };
    let inbox = store
        .upsert_inbox_by_address(generated.clone())
        .await
        .unwrap();
    let renamed = NewInbox {
        name: "Renamed".into(),
        ..generated.clone()
    };
    assert_eq!(store.upsert_inbox_by_address(renamed).await.unwrap(), inbox);
    let found = store
        .inbox_by_address("help-1@in.example")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (found.id.as_str(), found.name.as_str()),
        (inbox.as_str(), "Renamed")
    );
    assert_eq!(
        store.inbox_by_slug("HELP-1").await.unwrap().map(|i| i.id),
        Some(inbox.clone())
    );
    let clash = NewInbox {
        address: "x@in.example".into(),
        ..generated.clone()
    };
    assert!(
        store
            .upsert_inbox_by_address(clash)
            .await
            .unwrap_err()
            .is_conflict()
    );

    store.delete_inbox(&inbox).await.unwrap();
    assert_eq!(
        store.inbox_by_address("help-1@in.example").await.unwrap(),
        None
    );
    assert_eq!(store.inbox_by_slug("help-1").await.unwrap(), None);
    assert!(store.inbox(&inbox).await.unwrap().deleted);
    assert!(store.inboxes().await.unwrap().is_empty());
    // The address and slug can be used again by a new inbox.
    let again = store.upsert_inbox_by_address(generated).await.unwrap();
    assert_ne!(again, inbox);
    assert!(
        store
            .delete_inbox("missing")
            .await
            .unwrap_err()
            .is_not_found()
    );
}

pub(crate) async fn channel_status_cursor_and_bounded_log(store: Arc<dyn Store>) {
    let new = NewChannel {
        name: "gmail".into(),
        kind: "imap".into(),
        config: json!({"host": "a"}),
    };
    let id = store.upsert_channel_by_name(new.clone()).await.unwrap();
    store
        .set_channel_status(&id, ChannelStatus::Error, Some("login failed".into()))
        .await
        .unwrap();
    let changed = NewChannel {
        config: json!({"host": "b"}),
        ..new
    };
    assert_eq!(store.upsert_channel_by_name(changed).await.unwrap(), id);
    let c = store.channel(&id).await.unwrap();
    assert_eq!(
        (c.status, c.last_error.as_deref(), c.config["host"].as_str()),
        (ChannelStatus::Error, Some("login failed"), Some("b"))
    );
    assert_eq!(store.channels().await.unwrap().len(), 1);

    assert_eq!(store.imap_cursor(&id, "INBOX").await.unwrap(), None);
    let cursor = ImapCursor {
        uidvalidity: u32::MAX,
        last_uid: 42,
    };
    store.set_imap_cursor(&id, "INBOX", cursor).await.unwrap();
    assert_eq!(store.imap_cursor(&id, "INBOX").await.unwrap(), Some(cursor));

    for i in 0..1_005 {
        store
            .append_channel_log(&id, "info", &format!("line {i}"), i)
            .await
            .unwrap();
    }
    let all = store.channel_log(&id, 5_000).await.unwrap();
    assert_eq!(all.len(), 1_000);
    assert_eq!(
        (all[0].line.as_str(), all[999].line.as_str()),
        ("line 5", "line 1004")
    );
    let tail = store.channel_log(&id, 2).await.unwrap();
    assert_eq!(tail.iter().map(|l| l.at).collect::<Vec<_>>(), [1003, 1004]);
    assert!(
        store
            .append_channel_log("missing", "info", "x", 0)
            .await
            .unwrap_err()
            .is_not_found()
    );
}

pub(crate) async fn decisions_are_recorded_with_their_transition_in_order(store: Arc<dyn Store>) {
    let inbox = new_inbox(&*store, "support@example.com").await;
    let m = received(&*store, &inbox, "k", 1).await;
    let decision = |hook: &str, error: Option<&str>| Decision {
        message_id: m.clone(),
        hook: hook.into(),
        plugin_name: "p".into(),
        plugin_hash: "h1".into(),
        outcome: json!({"hook": hook}),
        error: error.map(str::to_owned),
        duration_us: 120,
        at: 5,
    };
    let routed = Transition::new(MessageState::Received, MessageState::Parsed)
        .then(Transition::new(MessageState::Parsed, MessageState::Routed))
        .recording([decision("route", None)]);
    store.advance(&m, routed).await.unwrap();
    let again = Transition::new(MessageState::Received, MessageState::Parsed)
        .recording([decision("route", None)]);
    assert!(store.advance(&m, again).await.unwrap_err().is_conflict());
    let skipped = Transition::new(MessageState::Routed, MessageState::Skipped)
        .recording([decision("generate-reply", Some("timeout"))]);
    store.advance(&m, skipped).await.unwrap();

    let got = store.decisions(&m).await.unwrap();
    assert_eq!(
        got.iter().map(|d| d.hook.as_str()).collect::<Vec<_>>(),
        ["route", "generate-reply"],
        "the transition that lost its race recorded nothing"
    );
    assert_eq!(got[1].error.as_deref(), Some("timeout"));
    assert_eq!(got[0].outcome, json!({"hook": "route"}));
    let states: Vec<_> = store
        .message_history(&m)
        .await
        .unwrap()
        .into_iter()
        .map(|h| h.state)
        .collect();
    assert_eq!(
        states,
        [
            MessageState::Received,
            MessageState::Parsed,
            MessageState::Routed,
            MessageState::Skipped
        ]
    );
}
