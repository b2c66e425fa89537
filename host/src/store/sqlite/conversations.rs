//! Conversations (sessions), their threading lookups and turns.

use rusqlite::{Connection, OptionalExtension, Row, params};

use super::codec::Keyset;
use crate::store::records::*;
use crate::store::{Millis, Result, StoreError, new_id, normalize_email, normalize_message_id};

const CONVERSATION_COLUMNS: &str = "id, inbox_id, customer_email, customer_name, status, \
     priority, bot_paused, paused_reason, created_at, last_message_at";

fn conversation_row(row: &Row<'_>) -> rusqlite::Result<Conversation> {
    Ok(Conversation {
        id: row.get(0)?,
        inbox_id: row.get(1)?,
        customer_email: row.get(2)?,
        customer_name: row.get(3)?,
        status: row.get(4)?,
        priority: row.get(5)?,
        bot_paused: row.get(6)?,
        paused_reason: row.get(7)?,
        created_at: row.get(8)?,
        last_message_at: row.get(9)?,
    })
}

pub(super) fn create(conn: &Connection, c: &NewConversation) -> Result<Conversation> {
    let conversation = Conversation {
        id: new_id(),
        inbox_id: c.inbox_id.clone(),
        customer_email: normalize_email(&c.customer_email),
        customer_name: c.customer_name.clone().filter(|n| !n.trim().is_empty()),
        status: ConvStatus::Open,
        priority: Priority::Normal,
        bot_paused: false,
        paused_reason: None,
        created_at: c.at,
        last_message_at: c.at,
    };
    conn.prepare_cached(&format!(
        "INSERT INTO conversations ({CONVERSATION_COLUMNS})
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)"
    ))?
    .execute(params![
        conversation.id,
        conversation.inbox_id,
        conversation.customer_email,
        conversation.customer_name,
        conversation.status,
        conversation.priority,
        conversation.bot_paused,
        conversation.paused_reason,
        conversation.created_at,
        conversation.last_message_at
    ])
    .map_err(|e| match e {
        rusqlite::Error::SqliteFailure(err, _)
            if err.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_FOREIGNKEY =>
        {
            StoreError::not_found("inbox", &c.inbox_id)
        }
        e => e.into(),
    })?;
    Ok(conversation)
}

pub(super) fn open_session(
    conn: &Connection,
    c: &NewConversation,
    active_since: Millis,
) -> Result<(Conversation, bool)> {
    let found: Option<String> = conn
        .prepare_cached(
            "SELECT id FROM conversations
             WHERE inbox_id = ?1 AND customer_email = ?2 AND last_message_at >= ?3
               AND status NOT IN ('resolved', 'closed')
             ORDER BY last_message_at DESC, created_at DESC LIMIT 1",
        )?
        .query_row(
            params![c.inbox_id, normalize_email(&c.customer_email), active_since],
            |r| r.get(0),
        )
        .optional()?;
    match found {
        Some(id) => {
            touch(conn, &id, c.at)?;
            Ok((get(conn, &id)?, false))
        }
        None => Ok((create(conn, c)?, true)),
    }
}

pub(super) fn get(conn: &Connection, id: &str) -> Result<Conversation> {
    conn.prepare_cached(&format!(
        "SELECT {CONVERSATION_COLUMNS} FROM conversations WHERE id = ?1"
    ))?
    .query_row([id], conversation_row)
    .optional()?
    .ok_or_else(|| StoreError::not_found("conversation", id))
}

pub(super) fn update(conn: &Connection, id: &str, u: &ConversationUpdate) -> Result<Conversation> {
    // The pause reason follows the pause flag: set with it, cleared on resume.
    let reason_given = u.bot_paused.is_some();
    let reason = match u.bot_paused {
        Some(true) => u.paused_reason.clone(),
        _ => None,
    };
    let n = conn
        .prepare_cached(
            "UPDATE conversations SET
                 status = COALESCE(?2, status),
                 priority = COALESCE(?3, priority),
                 bot_paused = COALESCE(?4, bot_paused),
                 paused_reason = CASE WHEN ?5 THEN ?6 ELSE paused_reason END,
                 customer_name = COALESCE(?7, customer_name)
             WHERE id = ?1",
        )?
        .execute(params![
            id,
            u.status,
            u.priority,
            u.bot_paused,
            reason_given,
            reason,
            u.customer_name
        ])?;
    if n == 0 {
        return Err(StoreError::not_found("conversation", id));
    }
    get(conn, id)
}

pub(super) fn touch(conn: &Connection, id: &str, at: Millis) -> Result<()> {
    let n = conn
        .prepare_cached(
            "UPDATE conversations SET last_message_at = max(last_message_at, ?2) WHERE id = ?1",
        )?
        .execute(params![id, at])?;
    if n == 0 {
        return Err(StoreError::not_found("conversation", id));
    }
    Ok(())
}

pub(super) fn sessions_for_customer(
    conn: &Connection,
    inbox_id: &str,
    email: &str,
) -> Result<Vec<Conversation>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {CONVERSATION_COLUMNS} FROM conversations
         WHERE inbox_id = ?1 AND customer_email = ?2
         ORDER BY last_message_at DESC, created_at DESC"
    ))?;
    let rows = stmt.query_map(params![inbox_id, normalize_email(email)], conversation_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub(super) fn by_message_id_header(
    conn: &Connection,
    inbox_id: &str,
    ids: &[String],
) -> Result<Option<Conversation>> {
    let mut stmt = conn.prepare_cached(
        "SELECT conversation_id FROM messages
         WHERE inbox_id = ?1 AND message_id_header = ?2 AND conversation_id IS NOT NULL
         UNION ALL
         SELECT conversation_id FROM outbox
         WHERE message_id_header = ?2 AND inbox_id = ?1 AND conversation_id IS NOT NULL
         LIMIT 1",
    )?;
    for id in ids {
        let id = normalize_message_id(id);
        if id.is_empty() {
            continue;
        }
        let found: Option<String> = stmt
            .query_row(params![inbox_id, id], |r| r.get(0))
            .optional()?;
        if let Some(conversation_id) = found {
            return get(conn, &conversation_id).map(Some);
        }
    }
    Ok(None)
}

pub(super) fn list(
    conn: &Connection,
    f: &ConversationFilter,
    page: &PageRequest,
) -> Result<Page<Conversation>> {
    let k = Keyset::new(page)?;
    let sql = format!(
        "SELECT {CONVERSATION_COLUMNS} FROM conversations
         WHERE (?1 IS NULL OR inbox_id = ?1) AND (?2 IS NULL OR status = ?2)
           AND (?3 IS NULL OR customer_email = ?3)
           AND (created_at {cmp} ?4 OR (created_at = ?4 AND id {cmp} ?5))
         ORDER BY created_at {dir}, id {dir} LIMIT ?6",
        cmp = k.cmp,
        dir = k.dir
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let email = f.customer_email.as_deref().map(normalize_email);
    let rows = stmt.query_map(
        params![f.inbox_id, f.status, email, k.key, k.id, k.limit],
        conversation_row,
    )?;
    let items = rows.collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(k.page(items, |c| (c.created_at, c.id.as_str())))
}

pub(super) fn turns(conn: &Connection, conversation_id: &str) -> Result<Vec<Turn>> {
    let mut stmt = conn.prepare_cached(
        "SELECT role, text, at FROM (
             SELECT 'customer' AS role, new_text AS text, received_at AS at, 0 AS src, rowid AS n
             FROM messages WHERE conversation_id = ?1 AND new_text IS NOT NULL
             UNION ALL
             SELECT CASE kind WHEN 'human' THEN 'human' ELSE 'agent' END, text, sent_at, 1, rowid
             FROM outbox
             WHERE conversation_id = ?1 AND state = 'sent' AND kind IN ('reply', 'human')
         ) ORDER BY at, src, n",
    )?;
    let rows = stmt.query_map([conversation_id], |r| {
        Ok(Turn {
            role: r.get(0)?,
            text: r.get(1)?,
            at: r.get(2)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
