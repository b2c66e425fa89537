//! Schema migrations: `.sql` files embedded in the binary and applied in
//! order at open, each in its own transaction, recorded in
//! `schema_migrations` so reopening applies only what is new.

use rusqlite::{Connection, OptionalExtension, TransactionBehavior};

use crate::store::{Result, StoreError, now_ms};

/// (version, name, SQL), in ascending version order. Never edit a shipped
/// migration: add a new one.
const MIGRATIONS: &[(i64, &str, &str)] = &[
    (1, "initial", include_str!("migrations/0001_initial.sql")),
    (
        2,
        "message_raw_apart",
        include_str!("migrations/0002_message_raw_apart.sql"),
    ),
];

/// Applies every migration newer than the database's schema.
pub(super) fn apply(conn: &mut Connection) -> Result<()> {
    conn.execute_batch(
        "CREATE TABLE IF NOT EXISTS schema_migrations (
            version    INTEGER PRIMARY KEY,
            name       TEXT NOT NULL,
            applied_at INTEGER NOT NULL
        )",
    )?;
    for &(version, name, sql) in MIGRATIONS {
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let done: Option<i64> = tx
            .query_row(
                "SELECT version FROM schema_migrations WHERE version = ?1",
                [version],
                |r| r.get(0),
            )
            .optional()?;
        if done.is_some() {
            continue;
        }
        tx.execute_batch(sql).map_err(|e| {
            StoreError::backend(format!("migration {version} ({name}) failed: {e}"))
        })?;
        tx.execute(
            "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?1, ?2, ?3)",
            (version, name, now_ms()),
        )?;
        tx.commit()?;
        tracing::info!(version, name, "applied store migration");
    }
    let newest: Option<i64> =
        conn.query_row("SELECT max(version) FROM schema_migrations", [], |r| {
            r.get(0)
        })?;
    let known = MIGRATIONS.last().map(|m| m.0);
    if newest > known {
        return Err(StoreError::backend(format!(
            "database schema version {newest:?} is newer than this mailbot ({known:?})"
        )));
    }
    Ok(())
}

/// The applied versions, oldest first.
pub(super) fn applied(conn: &Connection) -> Result<Vec<i64>> {
    let mut stmt = conn.prepare_cached("SELECT version FROM schema_migrations ORDER BY version")?;
    let rows = stmt.query_map([], |r| r.get(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
