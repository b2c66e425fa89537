//! The outbox: idempotent queueing (alone or together with the message's
//! state change), claims with a lease, and delivery outcomes.

use rusqlite::{Connection, OptionalExtension, Row, params};

use super::codec::{json_column, to_json};
use super::messages;
use crate::store::records::*;
use crate::store::{Millis, Result, StoreError, new_id, normalize_email, normalize_message_id};

const OUTBOX_COLUMNS: &str = "id, message_id, conversation_id, inbox_id, kind, \
     message_id_header, envelope_from, recipients, raw, text, state, attempts, \
     next_attempt_at, last_error, smtp_response, created_at, sent_at";

fn outbox_row(row: &Row<'_>) -> rusqlite::Result<OutboxItem> {
    Ok(OutboxItem {
        id: row.get(0)?,
        message_id: row.get(1)?,
        conversation_id: row.get(2)?,
        inbox_id: row.get(3)?,
        kind: row.get(4)?,
        message_id_header: row.get(5)?,
        envelope_from: row.get(6)?,
        recipients: json_column(row, 7)?,
        raw: row.get(8)?,
        text: row.get(9)?,
        state: row.get(10)?,
        attempts: row.get(11)?,
        next_attempt_at: row.get(12)?,
        last_error: row.get(13)?,
        smtp_response: row.get(14)?,
        created_at: row.get(15)?,
        sent_at: row.get(16)?,
    })
}

pub(super) fn enqueue(
    conn: &Connection,
    item: &NewOutboxItem,
    now: Millis,
) -> Result<EnqueueOutcome> {
    let header = normalize_message_id(&item.message_id_header);
    if header.is_empty() {
        return Err(StoreError::Invalid {
            field: "message_id_header",
            reason: "an outbox item needs its Message-ID".into(),
        });
    }
    if item.recipients.is_empty() {
        return Err(StoreError::Invalid {
            field: "recipients",
            reason: "an outbox item needs at least one recipient".into(),
        });
    }
    let existing: Option<String> = conn
        .prepare_cached(
            "SELECT id FROM outbox WHERE message_id_header = ?1
             UNION ALL
             SELECT id FROM outbox WHERE message_id = ?2 AND kind = ?3
             LIMIT 1",
        )?
        .query_row(params![header, item.message_id, item.kind], |r| r.get(0))
        .optional()?;
    if let Some(id) = existing {
        return Ok(EnqueueOutcome::Existing(id));
    }
    let id = new_id();
    let mut seen = std::collections::HashSet::new();
    let recipients: Vec<String> = item
        .recipients
        .iter()
        .map(|r| normalize_email(r))
        .filter(|r| seen.insert(r.clone()))
        .collect();
    conn.prepare_cached(&format!(
        "INSERT INTO outbox ({OUTBOX_COLUMNS})
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, 0, ?12, NULL, NULL, ?13, NULL)"
    ))?
    .execute(params![
        id,
        item.message_id,
        item.conversation_id,
        item.inbox_id,
        item.kind,
        header,
        item.envelope_from,
        to_json(&recipients)?,
        item.raw,
        item.text,
        OutboxState::Queued,
        item.next_attempt_at,
        now
    ])?;
    let mut add = conn.prepare_cached(
        "INSERT OR IGNORE INTO outbox_recipients (outbox_id, email) VALUES (?1, ?2)",
    )?;
    for email in &recipients {
        add.execute(params![id, email])?;
    }
    Ok(EnqueueOutcome::Inserted(id))
}

pub(super) fn queue_and_advance(
    conn: &Connection,
    message_id: &str,
    transition: &Transition,
    mut item: NewOutboxItem,
    now: Millis,
) -> Result<String> {
    // The CAS comes first: a caller that lost the race stops here, and the
    // whole transaction (state change and item) commits or rolls back as one.
    messages::advance(conn, message_id, transition, now)?;
    item.message_id = Some(message_id.to_string());
    match enqueue(conn, &item, now)? {
        EnqueueOutcome::Inserted(id) => Ok(id),
        EnqueueOutcome::Existing(id) => Err(StoreError::conflict(
            "outbox",
            id,
            format!(
                "message {message_id} already has a {} item or the Message-ID is taken",
                item.kind
            ),
        )),
    }
}

/// The oldest items due at `?1`, at most `?2`: queued ones whose time has
/// come and claimed ones whose lease ran out.
const DUE: &str = "FROM outbox
     WHERE state IN ('queued', 'sending') AND next_attempt_at <= ?1
     ORDER BY next_attempt_at, created_at LIMIT ?2";

pub(super) fn due(conn: &Connection, now: Millis, limit: u32) -> Result<Vec<OutboxItem>> {
    let mut stmt = conn.prepare_cached(&format!("SELECT {OUTBOX_COLUMNS} {DUE}"))?;
    let rows = stmt.query_map(params![now, limit], outbox_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub(super) fn claim(
    conn: &Connection,
    id: &str,
    now: Millis,
    lease_ms: i64,
) -> Result<Option<OutboxItem>> {
    Ok(conn
        .prepare_cached(&format!(
            "UPDATE outbox SET state = 'sending', attempts = attempts + 1,
                 next_attempt_at = ?2 + ?3
             WHERE id = ?1 AND state IN ('queued', 'sending') AND next_attempt_at <= ?2
             RETURNING {OUTBOX_COLUMNS}"
        ))?
        .query_row(params![id, now, lease_ms.max(0)], outbox_row)
        .optional()?)
}

/// Claims the oldest due items, up to `limit`.
pub(super) fn claim_due(
    conn: &Connection,
    now: Millis,
    lease_ms: i64,
    limit: u32,
) -> Result<Vec<OutboxItem>> {
    // Only the ids: each claim returns its whole row (the reply's bytes
    // included), read once.
    let ids: Vec<String> = conn
        .prepare_cached(&format!("SELECT id {DUE}"))?
        .query_map(params![now, limit], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let mut claimed = Vec::with_capacity(ids.len());
    for id in ids {
        claimed.extend(claim(conn, &id, now, lease_ms)?);
    }
    Ok(claimed)
}

/// Explains why a conditional outbox update matched no row.
fn miss(conn: &Connection, id: &str, expected: &str) -> Result<StoreError> {
    let state: Option<OutboxState> = conn
        .prepare_cached("SELECT state FROM outbox WHERE id = ?1")?
        .query_row([id], |r| r.get(0))
        .optional()?;
    Ok(match state {
        None => StoreError::not_found("outbox item", id),
        Some(s) => StoreError::conflict(
            "outbox item",
            id,
            format!("state is {s}, expected {expected}"),
        ),
    })
}

/// Moves the causing message on from `Queued` as `transition` says (which
/// starts at `Queued`), leaving other states alone; returns whether it
/// moved.
fn settle_cause(
    conn: &Connection,
    message_id: Option<String>,
    transition: Transition,
    now: Millis,
) -> Result<bool> {
    let Some(message_id) = message_id else {
        return Ok(false);
    };
    match messages::advance(conn, &message_id, &transition, now) {
        Ok(()) => Ok(true),
        Err(StoreError::Conflict { .. }) => Ok(false),
        Err(e) => Err(e),
    }
}

pub(super) fn mark_sent(
    conn: &Connection,
    id: &str,
    smtp_response: &str,
    at: Millis,
) -> Result<()> {
    let sent: Option<(Option<String>, Option<String>)> = conn
        .prepare_cached(
            "UPDATE outbox SET state = 'sent', smtp_response = ?2, sent_at = ?3
             WHERE id = ?1 AND state = 'sending' RETURNING message_id, conversation_id",
        )?
        .query_row(params![id, smtp_response, at], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .optional()?;
    let Some((cause, conversation)) = sent else {
        return Err(miss(conn, id, "sending")?);
    };
    // A sent reply is the end of its message's way: `sent` and `done` are
    // recorded together, and the reply counts as the conversation's latest
    // activity (it keeps the session alive).
    let finished = Transition::new(MessageState::Queued, MessageState::Sent)
        .then(Transition::new(MessageState::Sent, MessageState::Done));
    if settle_cause(conn, cause, finished, at)?
        && let Some(conversation) = conversation
    {
        super::conversations::touch(conn, &conversation, at)?;
    }
    Ok(())
}

pub(super) fn mark_retry(
    conn: &Connection,
    id: &str,
    error: &str,
    next_attempt_at: Millis,
) -> Result<()> {
    let n = conn
        .prepare_cached(
            "UPDATE outbox SET state = 'queued', last_error = ?2, next_attempt_at = ?3
             WHERE id = ?1 AND state = 'sending'",
        )?
        .execute(params![id, error, next_attempt_at])?;
    if n == 0 {
        return Err(miss(conn, id, "sending")?);
    }
    Ok(())
}

pub(super) fn mark_failed(conn: &Connection, id: &str, error: &str, now: Millis) -> Result<()> {
    let cause: Option<Option<String>> = conn
        .prepare_cached(
            "UPDATE outbox SET state = 'failed', last_error = ?2
             WHERE id = ?1 AND state IN ('queued', 'sending') RETURNING message_id",
        )?
        .query_row(params![id, error], |r| r.get(0))
        .optional()?;
    let Some(cause) = cause else {
        return Err(miss(conn, id, "queued or sending")?);
    };
    let failed = Transition::new(MessageState::Queued, MessageState::Failed)
        .because(format!("delivery failed: {error}"));
    settle_cause(conn, cause, failed, now)?;
    Ok(())
}

pub(super) fn recover(conn: &Connection, now: Millis) -> Result<u64> {
    let n = conn
        .prepare_cached(
            "UPDATE outbox SET state = 'queued', next_attempt_at = ?1 WHERE state = 'sending'",
        )?
        .execute([now])?;
    Ok(n as u64)
}

pub(super) fn item(conn: &Connection, id: &str) -> Result<OutboxItem> {
    conn.prepare_cached(&format!(
        "SELECT {OUTBOX_COLUMNS} FROM outbox WHERE id = ?1"
    ))?
    .query_row([id], outbox_row)
    .optional()?
    .ok_or_else(|| StoreError::not_found("outbox item", id))
}

pub(super) fn by_message_id_header(conn: &Connection, header: &str) -> Result<Option<OutboxItem>> {
    Ok(conn
        .prepare_cached(&format!(
            "SELECT {OUTBOX_COLUMNS} FROM outbox WHERE message_id_header = ?1"
        ))?
        .query_row([normalize_message_id(header)], outbox_row)
        .optional()?)
}

pub(super) fn for_message(conn: &Connection, message_id: &str) -> Result<Vec<OutboxItem>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {OUTBOX_COLUMNS} FROM outbox WHERE message_id = ?1 ORDER BY created_at, rowid"
    ))?;
    let rows = stmt.query_map([message_id], outbox_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub(super) fn reply_times_to(
    conn: &Connection,
    inbox_id: &str,
    email: &str,
    since: Millis,
) -> Result<Vec<Millis>> {
    let mut stmt = conn.prepare_cached(
        "SELECT o.created_at FROM outbox_recipients r JOIN outbox o ON o.id = r.outbox_id
         WHERE r.email = ?2 AND o.inbox_id = ?1 AND o.kind = 'reply' AND o.state != 'failed'
           AND o.created_at >= ?3
         ORDER BY o.created_at",
    )?;
    let rows = stmt.query_map(params![inbox_id, normalize_email(email), since], |r| {
        r.get(0)
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub(super) fn reply_times_in(
    conn: &Connection,
    conversation_id: &str,
    since: Millis,
) -> Result<Vec<Millis>> {
    let mut stmt = conn.prepare_cached(
        "SELECT created_at FROM outbox
         WHERE conversation_id = ?1 AND kind = 'reply' AND state != 'failed' AND created_at >= ?2
         ORDER BY created_at",
    )?;
    let rows = stmt.query_map(params![conversation_id, since], |r| r.get(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
