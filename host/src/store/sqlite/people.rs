//! Contacts, blocked senders, undeliverable recipients, plugin decisions and
//! the plugins' key-value store.

use std::collections::BTreeMap;

use rusqlite::{Connection, OptionalExtension, Row, params};

use super::codec::{Keyset, json_column, to_json};
use crate::store::records::*;
use crate::store::{Millis, Result, StoreError, new_id, normalize_email};

const CONTACT_COLUMNS: &str = "id, inbox_id, email, name, phone, company, extra, updated_at";

fn contact_row(row: &Row<'_>) -> rusqlite::Result<Contact> {
    Ok(Contact {
        id: row.get(0)?,
        inbox_id: row.get(1)?,
        email: row.get(2)?,
        name: row.get(3)?,
        phone: row.get(4)?,
        company: row.get(5)?,
        extra: json_column(row, 6)?,
        updated_at: row.get(7)?,
    })
}

pub(super) fn contact(conn: &Connection, inbox_id: &str, email: &str) -> Result<Option<Contact>> {
    Ok(conn
        .prepare_cached(&format!(
            "SELECT {CONTACT_COLUMNS} FROM contacts WHERE inbox_id = ?1 AND email = ?2"
        ))?
        .query_row(params![inbox_id, normalize_email(email)], contact_row)
        .optional()?)
}

/// `new` when it has content, else `old`.
fn fill(old: Option<String>, new: &Option<String>) -> Option<String> {
    match new.as_deref().map(str::trim) {
        Some(v) if !v.is_empty() => Some(v.to_string()),
        _ => old,
    }
}

pub(super) fn merge_contact(
    conn: &Connection,
    inbox_id: &str,
    email: &str,
    f: &ContactFields,
    now: Millis,
) -> Result<Contact> {
    let email = normalize_email(email);
    if email.is_empty() {
        return Err(StoreError::Invalid {
            field: "email",
            reason: "empty".into(),
        });
    }
    let old = contact(conn, inbox_id, &email)?;
    let (id, name, phone, company, mut extra) = match old {
        Some(c) => (c.id, c.name, c.phone, c.company, c.extra),
        None => (new_id(), None, None, None, BTreeMap::new()),
    };
    for (k, v) in &f.extra {
        if !v.trim().is_empty() {
            extra.insert(k.clone(), v.trim().to_string());
        }
    }
    let merged = Contact {
        id,
        inbox_id: inbox_id.to_string(),
        email,
        name: fill(name, &f.name),
        phone: fill(phone, &f.phone),
        company: fill(company, &f.company),
        extra,
        updated_at: now,
    };
    conn.prepare_cached(
        "INSERT INTO contacts (id, inbox_id, email, name, phone, company, extra, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8)
         ON CONFLICT (inbox_id, email) DO UPDATE SET name = excluded.name,
             phone = excluded.phone, company = excluded.company, extra = excluded.extra,
             updated_at = excluded.updated_at",
    )?
    .execute(params![
        merged.id,
        merged.inbox_id,
        merged.email,
        merged.name,
        merged.phone,
        merged.company,
        to_json(&merged.extra)?,
        now
    ])?;
    Ok(merged)
}

pub(super) fn list_contacts(
    conn: &Connection,
    inbox_id: &str,
    page: &PageRequest,
) -> Result<Page<Contact>> {
    let k = Keyset::new(page)?;
    let sql = format!(
        "SELECT {CONTACT_COLUMNS}, created_at FROM contacts
         WHERE inbox_id = ?1 AND (created_at {cmp} ?2 OR (created_at = ?2 AND id {cmp} ?3))
         ORDER BY created_at {dir}, id {dir} LIMIT ?4",
        cmp = k.cmp,
        dir = k.dir
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(params![inbox_id, k.key, k.id, k.limit], |r| {
        Ok((contact_row(r)?, r.get::<_, Millis>(8)?))
    })?;
    let items = rows.collect::<rusqlite::Result<Vec<_>>>()?;
    let page = k.page(items, |(c, created)| (*created, c.id.as_str()));
    Ok(Page {
        items: page.items.into_iter().map(|(c, _)| c).collect(),
        next_cursor: page.next_cursor,
    })
}

pub(super) fn block(
    conn: &Connection,
    inbox_id: &str,
    email: &str,
    reason: Option<&str>,
    now: Millis,
) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO blocks (inbox_id, email, reason, at) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (inbox_id, email) DO UPDATE SET reason = excluded.reason, at = excluded.at",
    )?
    .execute(params![inbox_id, normalize_email(email), reason, now])?;
    Ok(())
}

pub(super) fn unblock(conn: &Connection, inbox_id: &str, email: &str) -> Result<bool> {
    let n = conn
        .prepare_cached("DELETE FROM blocks WHERE inbox_id = ?1 AND email = ?2")?
        .execute(params![inbox_id, normalize_email(email)])?;
    Ok(n > 0)
}

pub(super) fn is_blocked(conn: &Connection, inbox_id: &str, email: &str) -> Result<bool> {
    Ok(conn
        .prepare_cached("SELECT 1 FROM blocks WHERE inbox_id = ?1 AND email = ?2")?
        .query_row(params![inbox_id, normalize_email(email)], |_| Ok(()))
        .optional()?
        .is_some())
}

pub(super) fn is_undeliverable(conn: &Connection, inbox_id: &str, email: &str) -> Result<bool> {
    Ok(conn
        .prepare_cached("SELECT 1 FROM undeliverable WHERE inbox_id = ?1 AND email = ?2")?
        .query_row(params![inbox_id, normalize_email(email)], |_| Ok(()))
        .optional()?
        .is_some())
}

pub(super) fn blocked_senders(conn: &Connection, inbox_id: &str) -> Result<Vec<Block>> {
    let mut stmt = conn.prepare_cached(
        "SELECT inbox_id, email, reason, at FROM blocks WHERE inbox_id = ?1 ORDER BY at, email",
    )?;
    let rows = stmt.query_map([inbox_id], |r| {
        Ok(Block {
            inbox_id: r.get(0)?,
            email: r.get(1)?,
            reason: r.get(2)?,
            at: r.get(3)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub(super) fn mark_undeliverable(
    conn: &Connection,
    inbox_id: &str,
    email: &str,
    reason: &str,
    now: Millis,
) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO undeliverable (inbox_id, email, reason, at) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (inbox_id, email) DO UPDATE SET reason = excluded.reason, at = excluded.at",
    )?
    .execute(params![inbox_id, normalize_email(email), reason, now])?;
    Ok(())
}

pub(super) fn record_decision(conn: &Connection, d: &Decision) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO decisions (message_id, hook, plugin_name, plugin_hash, outcome, error,
             duration_us, at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?
    .execute(params![
        d.message_id,
        d.hook,
        d.plugin_name,
        d.plugin_hash,
        to_json(&d.outcome)?,
        d.error,
        d.duration_us,
        d.at
    ])
    .map_err(|e| match e {
        rusqlite::Error::SqliteFailure(err, _)
            if err.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_FOREIGNKEY =>
        {
            StoreError::not_found("message", &d.message_id)
        }
        e => e.into(),
    })?;
    Ok(())
}

pub(super) fn decisions(conn: &Connection, message_id: &str) -> Result<Vec<Decision>> {
    let mut stmt = conn.prepare_cached(
        "SELECT message_id, hook, plugin_name, plugin_hash, outcome, error, duration_us, at
         FROM decisions WHERE message_id = ?1 ORDER BY seq",
    )?;
    let rows = stmt.query_map([message_id], |r| {
        Ok(Decision {
            message_id: r.get(0)?,
            hook: r.get(1)?,
            plugin_name: r.get(2)?,
            plugin_hash: r.get(3)?,
            outcome: json_column(r, 4)?,
            error: r.get(5)?,
            duration_us: r.get(6)?,
            at: r.get(7)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub(super) fn kv_get(
    conn: &Connection,
    plugin: &str,
    inbox_id: &str,
    key: &str,
) -> Result<Option<Vec<u8>>> {
    Ok(conn
        .prepare_cached(
            "SELECT value FROM plugin_kv WHERE plugin = ?1 AND inbox_id = ?2 AND key = ?3",
        )?
        .query_row([plugin, inbox_id, key], |r| r.get(0))
        .optional()?)
}

pub(super) fn kv_set(
    conn: &Connection,
    plugin: &str,
    inbox_id: &str,
    key: &str,
    value: &[u8],
    now: Millis,
) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO plugin_kv (plugin, inbox_id, key, value, updated_at) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (plugin, inbox_id, key) DO UPDATE SET value = excluded.value,
             updated_at = excluded.updated_at",
    )?
    .execute(params![plugin, inbox_id, key, value, now])?;
    Ok(())
}

pub(super) fn kv_delete(
    conn: &Connection,
    plugin: &str,
    inbox_id: &str,
    key: &str,
) -> Result<bool> {
    let n = conn
        .prepare_cached("DELETE FROM plugin_kv WHERE plugin = ?1 AND inbox_id = ?2 AND key = ?3")?
        .execute([plugin, inbox_id, key])?;
    Ok(n > 0)
}
