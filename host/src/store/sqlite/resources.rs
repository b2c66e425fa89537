//! Bots, inboxes and channels (with their logs and IMAP cursors): the
//! resources declared in configuration and upserted at start.

use rusqlite::{Connection, OptionalExtension, Row, params};

use super::codec::{json_column, to_json};
use super::is_unique_violation;
use crate::store::records::*;
use crate::store::{Millis, Result, StoreError, new_id, normalize_email, now_ms};

/// Lines of log kept per channel; older ones are dropped on append.
pub(super) const CHANNEL_LOG_KEEP: i64 = 1000;

const BOT_COLUMNS: &str = "id, name, backstory, settings";

fn bot_row(row: &Row<'_>) -> rusqlite::Result<Bot> {
    Ok(Bot {
        id: row.get(0)?,
        name: row.get(1)?,
        backstory: row.get(2)?,
        settings: json_column(row, 3)?,
    })
}

pub(super) fn upsert_bot(conn: &Connection, bot: &NewBot) -> Result<String> {
    let now = now_ms();
    let id: String = conn
        .prepare_cached(
            "INSERT INTO bots (id, name, backstory, settings, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?5)
             ON CONFLICT (name) DO UPDATE SET backstory = excluded.backstory,
                 settings = excluded.settings, updated_at = excluded.updated_at
             RETURNING id",
        )?
        .query_row(
            params![
                new_id(),
                bot.name,
                bot.backstory,
                to_json(&bot.settings)?,
                now
            ],
            |r| r.get(0),
        )?;
    Ok(id)
}

pub(super) fn bot(conn: &Connection, id: &str) -> Result<Bot> {
    conn.prepare_cached(&format!("SELECT {BOT_COLUMNS} FROM bots WHERE id = ?1"))?
        .query_row([id], bot_row)
        .optional()?
        .ok_or_else(|| StoreError::not_found("bot", id))
}

pub(super) fn bots(conn: &Connection) -> Result<Vec<Bot>> {
    let mut stmt = conn.prepare_cached(&format!("SELECT {BOT_COLUMNS} FROM bots ORDER BY name"))?;
    let rows = stmt.query_map([], bot_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

const INBOX_COLUMNS: &str = "id, name, address, kind, slug, bot_id, settings, deleted";

fn inbox_row(row: &Row<'_>) -> rusqlite::Result<Inbox> {
    Ok(Inbox {
        id: row.get(0)?,
        name: row.get(1)?,
        address: row.get(2)?,
        kind: row.get(3)?,
        slug: row.get(4)?,
        bot_id: row.get(5)?,
        settings: json_column(row, 6)?,
        deleted: row.get(7)?,
    })
}

pub(super) fn upsert_inbox(conn: &Connection, inbox: &NewInbox) -> Result<String> {
    let now = now_ms();
    let address = normalize_email(&inbox.address);
    let slug = inbox.slug.as_deref().map(normalize_email);
    let settings = to_json(&inbox.settings)?;
    let existing: Option<String> = conn
        .prepare_cached("SELECT id FROM inboxes WHERE address = ?1 AND deleted = 0")?
        .query_row([&address], |r| r.get(0))
        .optional()?;
    let result = match &existing {
        Some(id) => conn
            .prepare_cached(
                "UPDATE inboxes SET name = ?2, kind = ?3, slug = ?4, bot_id = ?5,
                     settings = ?6, updated_at = ?7 WHERE id = ?1",
            )?
            .execute(params![
                id,
                inbox.name,
                inbox.kind,
                slug,
                inbox.bot_id,
                settings,
                now
            ]),
        None => conn
            .prepare_cached(
                "INSERT INTO inboxes (id, name, address, kind, slug, bot_id, settings,
                     deleted, created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 0, ?8, ?8)",
            )?
            .execute(params![
                new_id(),
                inbox.name,
                address,
                inbox.kind,
                slug,
                inbox.bot_id,
                settings,
                now
            ]),
    };
    match result {
        Err(e) if is_unique_violation(&e) => Err(StoreError::conflict(
            "inbox",
            &address,
            format!("slug {slug:?} is used by another inbox"),
        )),
        Err(e) => Err(e.into()),
        Ok(_) => match existing {
            Some(id) => Ok(id),
            None => Ok(conn
                .prepare_cached("SELECT id FROM inboxes WHERE address = ?1 AND deleted = 0")?
                .query_row([&address], |r| r.get(0))?),
        },
    }
}

pub(super) fn inbox(conn: &Connection, id: &str) -> Result<Inbox> {
    conn.prepare_cached(&format!(
        "SELECT {INBOX_COLUMNS} FROM inboxes WHERE id = ?1"
    ))?
    .query_row([id], inbox_row)
    .optional()?
    .ok_or_else(|| StoreError::not_found("inbox", id))
}

pub(super) fn inboxes(conn: &Connection) -> Result<Vec<Inbox>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {INBOX_COLUMNS} FROM inboxes WHERE deleted = 0 ORDER BY created_at, id"
    ))?;
    let rows = stmt.query_map([], inbox_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub(super) fn inbox_by_address(conn: &Connection, address: &str) -> Result<Option<Inbox>> {
    let sql = format!("SELECT {INBOX_COLUMNS} FROM inboxes WHERE address = ?1 AND deleted = 0");
    Ok(conn
        .prepare_cached(&sql)?
        .query_row([normalize_email(address)], inbox_row)
        .optional()?)
}

pub(super) fn inbox_by_slug(conn: &Connection, slug: &str) -> Result<Option<Inbox>> {
    let sql = format!(
        "SELECT {INBOX_COLUMNS} FROM inboxes
         WHERE slug = ?1 AND deleted = 0 AND kind = 'generated'"
    );
    Ok(conn
        .prepare_cached(&sql)?
        .query_row([normalize_email(slug)], inbox_row)
        .optional()?)
}

pub(super) fn delete_inbox(conn: &Connection, id: &str) -> Result<()> {
    let n = conn
        .prepare_cached("UPDATE inboxes SET deleted = 1, updated_at = ?2 WHERE id = ?1")?
        .execute(params![id, now_ms()])?;
    if n == 0 {
        return Err(StoreError::not_found("inbox", id));
    }
    Ok(())
}

const CHANNEL_COLUMNS: &str = "id, name, kind, config, status, last_error";

fn channel_row(row: &Row<'_>) -> rusqlite::Result<Channel> {
    Ok(Channel {
        id: row.get(0)?,
        name: row.get(1)?,
        kind: row.get(2)?,
        config: json_column(row, 3)?,
        status: row.get(4)?,
        last_error: row.get(5)?,
    })
}

pub(super) fn upsert_channel(conn: &Connection, channel: &NewChannel) -> Result<String> {
    let id: String = conn
        .prepare_cached(
            "INSERT INTO channels (id, name, kind, config, status, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)
             ON CONFLICT (name) DO UPDATE SET kind = excluded.kind,
                 config = excluded.config, updated_at = excluded.updated_at
             RETURNING id",
        )?
        .query_row(
            params![
                new_id(),
                channel.name,
                channel.kind,
                to_json(&channel.config)?,
                ChannelStatus::Stopped,
                now_ms()
            ],
            |r| r.get(0),
        )?;
    Ok(id)
}

pub(super) fn channel(conn: &Connection, id: &str) -> Result<Channel> {
    conn.prepare_cached(&format!(
        "SELECT {CHANNEL_COLUMNS} FROM channels WHERE id = ?1"
    ))?
    .query_row([id], channel_row)
    .optional()?
    .ok_or_else(|| StoreError::not_found("channel", id))
}

pub(super) fn channels(conn: &Connection) -> Result<Vec<Channel>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {CHANNEL_COLUMNS} FROM channels ORDER BY name"
    ))?;
    let rows = stmt.query_map([], channel_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub(super) fn set_channel_status(
    conn: &Connection,
    id: &str,
    status: ChannelStatus,
    last_error: Option<&str>,
) -> Result<()> {
    let n = conn
        .prepare_cached(
            "UPDATE channels SET status = ?2, last_error = ?3, updated_at = ?4 WHERE id = ?1",
        )?
        .execute(params![id, status, last_error, now_ms()])?;
    if n == 0 {
        return Err(StoreError::not_found("channel", id));
    }
    Ok(())
}

pub(super) fn append_channel_log(
    conn: &Connection,
    channel_id: &str,
    level: &str,
    line: &str,
    at: Millis,
) -> Result<()> {
    let seq = conn
        .prepare_cached(
            "INSERT INTO channel_logs (channel_id, at, level, line) VALUES (?1, ?2, ?3, ?4)",
        )?
        .insert(params![channel_id, at, level, line])
        .map_err(|e| match e {
            rusqlite::Error::SqliteFailure(err, _)
                if err.code == rusqlite::ErrorCode::ConstraintViolation =>
            {
                StoreError::not_found("channel", channel_id)
            }
            e => e.into(),
        })?;
    // Cheap exact bound: only when the line CHANNEL_LOG_KEEP back exists is
    // anything older than it dropped (an index seek on (channel_id, seq)).
    conn.prepare_cached(
        "DELETE FROM channel_logs WHERE channel_id = ?1 AND seq <= (
             SELECT seq FROM channel_logs WHERE channel_id = ?1 AND seq < ?2
             ORDER BY seq DESC LIMIT 1 OFFSET ?3)",
    )?
    .execute(params![channel_id, seq, CHANNEL_LOG_KEEP - 1])?;
    Ok(())
}

pub(super) fn channel_log(
    conn: &Connection,
    channel_id: &str,
    limit: u32,
) -> Result<Vec<ChannelLogLine>> {
    let mut stmt = conn.prepare_cached(
        "SELECT at, level, line FROM (
             SELECT seq, at, level, line FROM channel_logs WHERE channel_id = ?1
             ORDER BY seq DESC LIMIT ?2
         ) ORDER BY seq",
    )?;
    let rows = stmt.query_map(params![channel_id, limit], |r| {
        Ok(ChannelLogLine {
            at: r.get(0)?,
            level: r.get(1)?,
            line: r.get(2)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub(super) fn imap_cursor(
    conn: &Connection,
    channel_id: &str,
    mailbox: &str,
) -> Result<Option<ImapCursor>> {
    Ok(conn
        .prepare_cached(
            "SELECT uidvalidity, last_uid FROM imap_cursors WHERE channel_id = ?1 AND mailbox = ?2",
        )?
        .query_row([channel_id, mailbox], |r| {
            Ok(ImapCursor {
                uidvalidity: r.get(0)?,
                last_uid: r.get(1)?,
            })
        })
        .optional()?)
}

pub(super) fn set_imap_cursor(
    conn: &Connection,
    channel_id: &str,
    mailbox: &str,
    cursor: ImapCursor,
) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO imap_cursors (channel_id, mailbox, uidvalidity, last_uid)
         VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (channel_id, mailbox) DO UPDATE SET
             uidvalidity = excluded.uidvalidity, last_uid = excluded.last_uid",
    )?
    .execute(params![
        channel_id,
        mailbox,
        cursor.uidvalidity,
        cursor.last_uid
    ])?;
    Ok(())
}
