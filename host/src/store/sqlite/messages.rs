//! Inbound messages: idempotent insert, compare-and-set state changes with
//! history, and the reads workers and the API need.

use rusqlite::{Connection, OptionalExtension, Row, params, params_from_iter};

use super::codec::Keyset;
use super::scopes::Scope;
use crate::store::records::*;
use crate::store::{
    Millis, Result, StoreError, content_hash, new_id, normalize_email, normalize_message_id,
};

/// The columns [`message_row`] reads, from `messages` (the raw bytes from
/// `message_raw`, where they live apart from the row).
pub(super) const MESSAGE_COLUMNS: &str = "id, inbox_id, source_key, source, content_hash, \
     (SELECT raw FROM message_raw WHERE message_id = messages.id), \
     state, reason, conversation_id, message_id_header, from_email, subject, new_text, \
     received_at, updated_at";

pub(super) fn message_row(row: &Row<'_>) -> rusqlite::Result<StoredMessage> {
    Ok(StoredMessage {
        id: row.get(0)?,
        inbox_id: row.get(1)?,
        source_key: row.get(2)?,
        source: row.get(3)?,
        content_hash: row.get(4)?,
        raw: row.get(5)?,
        state: row.get(6)?,
        reason: row.get(7)?,
        conversation_id: row.get(8)?,
        message_id_header: row.get(9)?,
        from_email: row.get(10)?,
        subject: row.get(11)?,
        new_text: row.get(12)?,
        received_at: row.get(13)?,
        updated_at: row.get(14)?,
    })
}

pub(super) fn insert_received(
    conn: &Connection,
    m: &NewMessage,
    now: Millis,
) -> Result<InsertOutcome> {
    let hash = content_hash(&m.raw);
    let existing: Option<String> = conn
        .prepare_cached(
            "SELECT id FROM messages WHERE inbox_id = ?1 AND source_key = ?2
             UNION ALL
             SELECT id FROM messages WHERE inbox_id = ?1 AND source = ?3 AND content_hash = ?4
             LIMIT 1",
        )?
        .query_row(params![m.inbox_id, m.source_key, m.source, hash], |r| {
            r.get(0)
        })
        .optional()?;
    if let Some(id) = existing {
        return Ok(InsertOutcome::Duplicate(id));
    }
    let id = new_id();
    conn.prepare_cached(
        "INSERT INTO messages (id, inbox_id, source_key, source, content_hash, state,
             received_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?
    .execute(params![
        id,
        m.inbox_id,
        m.source_key,
        m.source,
        hash,
        MessageState::Received,
        m.received_at,
        now
    ])
    .map_err(|e| match e {
        rusqlite::Error::SqliteFailure(err, _)
            if err.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_FOREIGNKEY =>
        {
            StoreError::not_found("inbox", &m.inbox_id)
        }
        e => e.into(),
    })?;
    conn.prepare_cached("INSERT INTO message_raw (message_id, raw) VALUES (?1, ?2)")?
        .execute(params![id, m.raw])?;
    push_history(conn, &id, MessageState::Received, None, now)?;
    Ok(InsertOutcome::Inserted(id))
}

/// [`insert_received`] for each message in its own savepoint, so one that
/// fails leaves nothing behind and the others are kept.
pub(super) fn insert_received_each(
    conn: &Connection,
    messages: &[NewMessage],
    now: Millis,
) -> Result<Vec<Result<InsertOutcome>>> {
    let mut outcomes = Vec::with_capacity(messages.len());
    for m in messages {
        let savepoint = Scope::savepoint(conn)?;
        let outcome = insert_received(conn, m, now);
        if outcome.is_ok() {
            savepoint.keep()?;
        } else {
            savepoint.undo()?;
        }
        outcomes.push(outcome);
    }
    Ok(outcomes)
}

pub(super) fn push_history(
    conn: &Connection,
    id: &str,
    state: MessageState,
    reason: Option<&str>,
    at: Millis,
) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO message_state_history (message_id, state, reason, at) VALUES (?1, ?2, ?3, ?4)",
    )?
    .execute(params![id, state, reason, at])?;
    Ok(())
}

/// The compare-and-set step shared by `advance` and the outbox calls: the
/// state and fields change, every state passed gets its history entry and
/// the decisions are recorded, in the caller's transaction.
pub(super) fn advance(conn: &Connection, id: &str, t: &Transition, now: Millis) -> Result<()> {
    let patch = &t.patch;
    let n = conn
        .prepare_cached(
            "UPDATE messages SET state = ?3, reason = ?4,
                 conversation_id = COALESCE(?5, conversation_id),
                 message_id_header = COALESCE(?6, message_id_header),
                 from_email = COALESCE(?7, from_email),
                 subject = COALESCE(?8, subject),
                 new_text = COALESCE(?9, new_text),
                 updated_at = ?10
             WHERE id = ?1 AND state = ?2",
        )?
        .execute(params![
            id,
            t.from,
            t.to,
            t.reason,
            patch.conversation_id,
            patch.message_id_header.as_deref().map(normalize_message_id),
            patch.from_email.as_deref().map(normalize_email),
            patch.subject,
            patch.new_text,
            now
        ])?;
    if n == 0 {
        let current: Option<MessageState> = conn
            .prepare_cached("SELECT state FROM messages WHERE id = ?1")?
            .query_row([id], |r| r.get(0))
            .optional()?;
        return Err(match current {
            None => StoreError::not_found("message", id),
            Some(state) => StoreError::conflict(
                "message",
                id,
                format!("state is {state}, expected {}", t.from),
            ),
        });
    }
    for (state, reason) in &t.through {
        push_history(conn, id, *state, reason.as_deref(), now)?;
    }
    push_history(conn, id, t.to, t.reason.as_deref(), now)?;
    for decision in &t.decisions {
        super::people::record_decision(conn, decision)?;
    }
    Ok(())
}

pub(super) fn message(conn: &Connection, id: &str) -> Result<StoredMessage> {
    conn.prepare_cached(&format!(
        "SELECT {MESSAGE_COLUMNS} FROM messages WHERE id = ?1"
    ))?
    .query_row([id], message_row)
    .optional()?
    .ok_or_else(|| StoreError::not_found("message", id))
}

pub(super) fn message_ids_in_states(
    conn: &Connection,
    states: &[MessageState],
    limit: u32,
) -> Result<Vec<String>> {
    if states.is_empty() {
        return Ok(Vec::new());
    }
    let marks = vec!["?"; states.len()].join(", ");
    let sql = format!(
        "SELECT id FROM messages WHERE state IN ({marks})
         ORDER BY received_at, rowid LIMIT {limit}"
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(params_from_iter(states), |r| r.get(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub(super) fn messages_of_conversation(
    conn: &Connection,
    conversation_id: &str,
) -> Result<Vec<StoredMessage>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {MESSAGE_COLUMNS} FROM messages WHERE conversation_id = ?1
         ORDER BY received_at, rowid"
    ))?;
    let rows = stmt.query_map([conversation_id], message_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub(super) fn list_messages(
    conn: &Connection,
    inbox_id: &str,
    page: &PageRequest,
) -> Result<Page<StoredMessage>> {
    let k = Keyset::new(page)?;
    let sql = format!(
        "SELECT {MESSAGE_COLUMNS} FROM messages
         WHERE inbox_id = ?1 AND (received_at {cmp} ?2 OR (received_at = ?2 AND id {cmp} ?3))
         ORDER BY received_at {dir}, id {dir} LIMIT ?4",
        cmp = k.cmp,
        dir = k.dir
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(params![inbox_id, k.key, k.id, k.limit], message_row)?;
    let items = rows.collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(k.page(items, |m| (m.received_at, m.id.as_str())))
}

pub(super) fn message_history(conn: &Connection, id: &str) -> Result<Vec<StateChange>> {
    let mut stmt = conn.prepare_cached(
        "SELECT state, reason, at FROM message_state_history WHERE message_id = ?1 ORDER BY seq",
    )?;
    let rows = stmt.query_map([id], |r| {
        Ok(StateChange {
            state: r.get(0)?,
            reason: r.get(1)?,
            at: r.get(2)?,
        })
    })?;
    let history = rows.collect::<rusqlite::Result<Vec<_>>>()?;
    if history.is_empty() {
        return Err(StoreError::not_found("message", id));
    }
    Ok(history)
}
