//! Transactions and savepoints opened and closed with cached statements.
//!
//! rusqlite's own `transaction()` and `savepoint()` hand their `BEGIN`,
//! `SAVEPOINT`, `RELEASE` and `COMMIT` to `sqlite3_exec`, which parses the
//! SQL anew each time; the store opens several of these per mail (a read
//! snapshot per read, a savepoint per call of a group commit, one per
//! message of an intake batch). These scopes run them from each
//! connection's statement cache instead.

use rusqlite::Connection;

/// Runs one of the fixed statements below from the connection's cache.
fn run(conn: &Connection, sql: &'static str) -> rusqlite::Result<()> {
    conn.prepare_cached(sql)?.execute([]).map(drop)
}

/// A savepoint: [`Savepoint::keep`] releases it with its changes;
/// [`Savepoint::undo`], or dropping it (a panic on the way), rolls them
/// back. Savepoints nest; each undoes only what was done inside it.
pub(super) struct Savepoint<'c> {
    conn: &'c Connection,
    open: bool,
}

impl<'c> Savepoint<'c> {
    pub(super) fn open(conn: &'c Connection) -> rusqlite::Result<Self> {
        run(conn, "SAVEPOINT scope")?;
        Ok(Savepoint { conn, open: true })
    }

    /// Keeps the changes made since [`Savepoint::open`].
    pub(super) fn keep(mut self) -> rusqlite::Result<()> {
        self.open = false;
        run(self.conn, "RELEASE scope")
    }

    /// Rolls back the changes made since [`Savepoint::open`].
    pub(super) fn undo(mut self) -> rusqlite::Result<()> {
        self.open = false;
        rollback(self.conn)
    }
}

fn rollback(conn: &Connection) -> rusqlite::Result<()> {
    run(conn, "ROLLBACK TO scope")?;
    run(conn, "RELEASE scope")
}

impl Drop for Savepoint<'_> {
    fn drop(&mut self) {
        if self.open
            && let Err(e) = rollback(self.conn)
        {
            tracing::error!(error = %e, "rolling back a store savepoint");
        }
    }
}

/// A transaction for several reads that must see one snapshot; it ends
/// (nothing to keep) when dropped.
pub(super) struct ReadSnapshot<'c> {
    conn: &'c Connection,
}

impl<'c> ReadSnapshot<'c> {
    pub(super) fn begin(conn: &'c Connection) -> rusqlite::Result<Self> {
        run(conn, "BEGIN DEFERRED")?;
        Ok(ReadSnapshot { conn })
    }

    pub(super) fn conn(&self) -> &'c Connection {
        self.conn
    }
}

impl Drop for ReadSnapshot<'_> {
    fn drop(&mut self) {
        // A read-only transaction has nothing to commit; ending it lets the
        // WAL be checkpointed past its snapshot.
        if let Err(e) = run(self.conn, "COMMIT") {
            tracing::error!(error = %e, "ending a store read snapshot");
        }
    }
}

/// The group commit's transaction: `BEGIN IMMEDIATE` (the write lock at
/// once, so a busy database is waited for here and not halfway through)
/// and an explicit [`GroupTransaction::commit`]; dropped uncommitted, it
/// rolls back.
pub(super) struct GroupTransaction<'c> {
    conn: &'c Connection,
    open: bool,
}

impl<'c> GroupTransaction<'c> {
    pub(super) fn begin(conn: &'c Connection) -> rusqlite::Result<Self> {
        run(conn, "BEGIN IMMEDIATE")?;
        Ok(GroupTransaction { conn, open: true })
    }

    pub(super) fn conn(&self) -> &'c Connection {
        self.conn
    }

    pub(super) fn commit(mut self) -> rusqlite::Result<()> {
        self.open = false;
        if let Err(e) = run(self.conn, "COMMIT") {
            // A failed COMMIT may leave the transaction open: end it.
            if !self.conn.is_autocommit() {
                let _ = run(self.conn, "ROLLBACK");
            }
            return Err(e);
        }
        Ok(())
    }
}

impl Drop for GroupTransaction<'_> {
    fn drop(&mut self) {
        if self.open
            && !self.conn.is_autocommit()
            && let Err(e) = run(self.conn, "ROLLBACK")
        {
            tracing::error!(error = %e, "rolling back a store transaction");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> Connection {
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch("CREATE TABLE t (v INTEGER)").unwrap();
        conn
    }

    fn values(conn: &Connection) -> Vec<i64> {
        let mut stmt = conn.prepare("SELECT v FROM t ORDER BY v").unwrap();
        stmt.query_map([], |r| r.get(0))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap()
    }

    fn insert(conn: &Connection, v: i64) {
        conn.execute("INSERT INTO t (v) VALUES (?1)", [v]).unwrap();
    }

    #[test]
    fn nested_savepoints_keep_or_undo_only_their_own_changes() {
        let conn = table();
        let tx = GroupTransaction::begin(&conn).unwrap();
        let outer = Savepoint::open(tx.conn()).unwrap();
        insert(&conn, 1);
        let kept = Savepoint::open(&conn).unwrap();
        insert(&conn, 2);
        kept.keep().unwrap();
        let undone = Savepoint::open(&conn).unwrap();
        insert(&conn, 3);
        undone.undo().unwrap();
        {
            let _dropped = Savepoint::open(&conn).unwrap();
            insert(&conn, 4);
        }
        outer.keep().unwrap();
        tx.commit().unwrap();
        assert_eq!(values(&conn), [1, 2]);
        assert!(conn.is_autocommit());
    }

    #[test]
    fn a_transaction_dropped_uncommitted_leaves_nothing() {
        let conn = table();
        {
            let _tx = GroupTransaction::begin(&conn).unwrap();
            insert(&conn, 1);
        }
        assert!(values(&conn).is_empty());
        assert!(conn.is_autocommit());
        let snapshot = ReadSnapshot::begin(&conn).unwrap();
        assert!(values(snapshot.conn()).is_empty());
        assert!(!conn.is_autocommit());
        drop(snapshot);
        assert!(conn.is_autocommit());
    }
}
