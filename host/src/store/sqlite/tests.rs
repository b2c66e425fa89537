//! SQLite backend tests: the shared conformance suite against a real file
//! (and in memory), plus what only a file shows: reopening keeps
//! everything, migrations are applied once, pragmas are in force.

use std::sync::Arc;

use serde_json::json;

use super::SqliteStore;
use crate::store::conformance::{item, mail, new_inbox, received, store_conformance_tests};
use crate::store::*;

/// A store in a fresh temp dir; the dir lives as long as the guard.
async fn file_store() -> (Arc<dyn Store>, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(dir.path().join("data/mailbot.db")).unwrap();
    (Arc::new(store), dir)
}

async fn memory_store() -> (Arc<dyn Store>, ()) {
    (Arc::new(SqliteStore::open_in_memory().unwrap()), ())
}

mod on_file {
    use super::*;
    store_conformance_tests!(file_store());
}

mod in_memory {
    use super::*;
    store_conformance_tests!(memory_store());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reopening_the_file_keeps_everything() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("mailbot.db");
    let (inbox_id, message, conv, outbox_id) = {
        let store = SqliteStore::open(&path).unwrap();
        let inbox_id = new_inbox(&store, "support@example.com").await;
        let message = received(&store, &inbox_id, "imap:INBOX:1:1", 5).await;
        let conv = store
            .create_conversation(NewConversation {
                inbox_id: inbox_id.clone(),
                customer_email: "ann@x.example".into(),
                customer_name: None,
                at: 5,
            })
            .await
            .unwrap();
        let patch = MessagePatch {
            conversation_id: Some(conv.id.clone()),
            ..Default::default()
        };
        store
            .advance(
                &message,
                Transition::new(MessageState::Received, MessageState::Decided).with(patch),
            )
            .await
            .unwrap();
        let outbox_id = store
            .queue_and_advance(
                &message,
                Transition::new(MessageState::Decided, MessageState::Queued),
                item(&inbox_id, Some(&conv.id), "<r@example.com>"),
            )
            .await
            .unwrap();
        store
            .claim_outbox(&outbox_id, 0, 60_000)
            .await
            .unwrap()
            .unwrap();
        let kv = store.plugin_kv();
        tokio::task::spawn_blocking(move || kv.set("p", "i", "k", b"v").unwrap())
            .await
            .unwrap();
        (inbox_id, message, conv.id, outbox_id)
        // The store is dropped here like a process that stops.
    };

    let store = SqliteStore::open(&path).unwrap();
    let m = store.message(&message).await.unwrap();
    assert_eq!(
        (m.state, m.conversation_id.as_deref()),
        (MessageState::Queued, Some(conv.as_str()))
    );
    assert_eq!(store.message_history(&message).await.unwrap().len(), 3);
    assert_eq!(
        store.inbox(&inbox_id).await.unwrap().address,
        "support@example.com"
    );
    // The dead sender's claim is given back at start.
    assert_eq!(
        store.outbox_item(&outbox_id).await.unwrap().state,
        OutboxState::Sending
    );
    assert_eq!(store.recover_outbox(1).await.unwrap(), 1);
    assert_eq!(store.due_outbox(1, 10).await.unwrap()[0].id, outbox_id);
    let duplicate = store
        .insert_received(mail(&inbox_id, "imap:INBOX:1:1", "x", 9))
        .await
        .unwrap();
    assert_eq!(duplicate, InsertOutcome::Duplicate(message));
    let kv = store.plugin_kv();
    let value = tokio::task::spawn_blocking(move || kv.get("p", "i", "k").unwrap())
        .await
        .unwrap();
    assert_eq!(value, Some(b"v".to_vec()));
}

#[tokio::test]
async fn migrations_are_applied_once_across_reopens() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("mailbot.db");
    let first = SqliteStore::open(&path).unwrap();
    first
        .upsert_bot_by_name(NewBot {
            name: "b".into(),
            backstory: String::new(),
            settings: json!(null),
        })
        .await
        .unwrap();
    assert_eq!(first.schema_versions().unwrap(), [1, 2]);
    drop(first);
    let again = SqliteStore::open(&path).unwrap();
    assert_eq!(again.schema_versions().unwrap(), [1, 2]);
    assert_eq!(again.bots().await.unwrap().len(), 1);
}

#[tokio::test]
async fn mail_stored_before_the_bytes_moved_apart_keeps_its_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("mailbot.db");
    {
        // A database as the first schema left it, holding one message.
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.execute_batch(include_str!("migrations/0001_initial.sql"))
            .unwrap();
        conn.execute_batch(
            "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL,
                 applied_at INTEGER NOT NULL);
             INSERT INTO schema_migrations VALUES (1, 'initial', 0);
             INSERT INTO inboxes (id, name, address, kind, settings, created_at, updated_at)
                 VALUES ('in1', 'Support', 'support@example.com', 'imap', '{}', 0, 0);
             INSERT INTO messages (id, inbox_id, source_key, source, content_hash, raw, state,
                 received_at, updated_at)
                 VALUES ('m1', 'in1', 'imap:INBOX:1:1', 'imap', 'h', X'53756267', 'received', 5, 5);",
        )
        .unwrap();
    }
    let store = SqliteStore::open(&path).unwrap();
    assert_eq!(store.schema_versions().unwrap(), [1, 2]);
    let message = store.message("m1").await.unwrap();
    assert_eq!(
        (message.raw.as_slice(), message.state),
        (&b"Subg"[..], MessageState::Received)
    );
}

#[test]
fn a_database_from_a_newer_mailbot_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("mailbot.db");
    drop(SqliteStore::open(&path).unwrap());
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute(
        "INSERT INTO schema_migrations VALUES (999, 'future', 0)",
        [],
    )
    .unwrap();
    drop(conn);
    let err = SqliteStore::open(&path).unwrap_err();
    assert!(err.to_string().contains("newer"), "{err}");
}

#[tokio::test]
async fn the_file_runs_in_wal_with_foreign_keys_and_full_sync() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nested/dir/mailbot.db");
    let store = SqliteStore::open(&path).unwrap();
    assert!(path.exists(), "parent directories are created");
    let pragmas = store
        .write(|c| {
            let int = |name: &str| -> rusqlite::Result<i64> {
                c.query_row(&format!("PRAGMA {name}"), [], |r| r.get(0))
            };
            let mode: String = c.query_row("PRAGMA journal_mode", [], |r| r.get(0))?;
            Ok((int("foreign_keys")?, int("synchronous")?, mode))
        })
        .await
        .unwrap();
    assert_eq!(pragmas, (1, 2, "wal".to_string()), "synchronous 2 is FULL");
}

#[tokio::test]
async fn cached_statements_are_not_compiled_again_when_their_parameters_change() {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(dir.path().join("mailbot.db")).unwrap();
    // An indexed column compared with a parameter: the kind of statement
    // SQLite would otherwise compile again after every change of value.
    let sql = "SELECT created_at FROM outbox WHERE message_id = ?1 ORDER BY created_at, rowid";
    let reprepared = store
        .inner
        .read(move |c| {
            for n in 0..5 {
                let mut stmt = c.prepare_cached(sql)?;
                let rows: Vec<i64> = stmt
                    .query_map([format!("message-{n}")], |r| r.get(0))?
                    .collect::<rusqlite::Result<_>>()?;
                assert!(rows.is_empty());
            }
            let stmt = c.prepare_cached(sql)?;
            Ok(stmt.get_status(rusqlite::StatementStatus::RePrepare))
        })
        .unwrap();
    assert_eq!(reprepared, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_call_in_a_commit_group_rolls_back_only_itself() {
    let dir = tempfile::tempdir().unwrap();
    let sqlite = SqliteStore::open(dir.path().join("mailbot.db")).unwrap();
    let bot = |name: &str| NewBot {
        name: name.into(),
        backstory: String::new(),
        settings: json!({}),
    };
    let calls: Vec<_> = (0..20)
        .map(|i| {
            let (store, new) = (sqlite.clone(), bot(&format!("bot-{i}")));
            tokio::spawn(async move {
                store
                    .write(move |c| {
                        super::resources::upsert_bot(c, &new)?;
                        if i % 2 == 1 {
                            return Err(StoreError::conflict("bot", new.name, "odd"));
                        }
                        Ok(())
                    })
                    .await
            })
        })
        .collect();
    for (i, call) in calls.into_iter().enumerate() {
        assert_eq!(call.await.unwrap().is_ok(), i % 2 == 0);
    }
    let mut names: Vec<_> = sqlite
        .bots()
        .await
        .unwrap()
        .into_iter()
        .map(|b| b.name)
        .collect();
    names.sort();
    let mut want: Vec<_> = (0..20).step_by(2).map(|i| format!("bot-{i}")).collect();
    want.sort();
    assert_eq!(names, want);
}

#[tokio::test]
async fn a_panicking_call_does_not_stop_the_writer() {
    let store = SqliteStore::open_in_memory().unwrap();
    let err = store
        .write(|c| -> Result<()> {
            c.execute("INSERT INTO bots VALUES ('x', 'x', '', '{}', 0, 0)", [])?;
            panic!("bug in a store call")
        })
        .await
        .unwrap_err();
    assert!(err.to_string().contains("stopped"), "{err}");
    assert!(
        store.bots().await.unwrap().is_empty(),
        "its insert was rolled back"
    );
    new_inbox(&store, "support@example.com").await;
}
