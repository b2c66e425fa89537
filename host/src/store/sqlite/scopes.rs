//! Transactions and savepoints opened and closed with cached statements.
//!
//! rusqlite's own `transaction()` and `savepoint()` hand their `BEGIN`,
//! `SAVEPOINT`, `RELEASE` and `COMMIT` to `sqlite3_exec`, which parses the
//! SQL anew each time; the store opens several of these per mail (a read
//! snapshot per read, a savepoint per call of a group commit, one per
//! message of an intake batch). These scopes run them from each
//! connection's statement cache instead.

use rusqlite::Connection;

/// The kinds of scope, and the statements that open and end each.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// A transaction for several reads that must see one snapshot.
    Read,
    /// The group commit's transaction: `BEGIN IMMEDIATE` takes the write
    /// lock at once, so a busy database is waited for here and not
    /// halfway through.
    Write,
    /// A savepoint; savepoints nest, each undoing only what was done in it.
    Savepoint,
}

impl Kind {
    fn begin(self) -> &'static str {
        match self {
            Kind::Read => "BEGIN DEFERRED",
            Kind::Write => "BEGIN IMMEDIATE",
            Kind::Savepoint => "SAVEPOINT scope",
        }
    }

    fn keep(self) -> &'static [&'static str] {
        match self {
            Kind::Read | Kind::Write => &["COMMIT"],
            Kind::Savepoint => &["RELEASE scope"],
        }
    }

    fn undo(self) -> &'static [&'static str] {
        match self {
            Kind::Read | Kind::Write => &["ROLLBACK"],
            Kind::Savepoint => &["ROLLBACK TO scope", "RELEASE scope"],
        }
    }
}

/// An open transaction or savepoint. [`Scope::keep`] ends it with its
/// changes, [`Scope::undo`] without them. Dropped while open, a read
/// snapshot simply ends (it has nothing to keep) and the others roll back,
/// so a panic on the way loses only what its scope did.
pub(super) struct Scope<'c> {
    conn: &'c Connection,
    kind: Kind,
    open: bool,
}

impl<'c> Scope<'c> {
    /// Reads that see one snapshot until the scope is dropped.
    pub(super) fn read(conn: &'c Connection) -> rusqlite::Result<Self> {
        Self::open(conn, Kind::Read)
    }

    /// The group commit's transaction.
    pub(super) fn write(conn: &'c Connection) -> rusqlite::Result<Self> {
        Self::open(conn, Kind::Write)
    }

    /// A savepoint inside the transaction already open (or its own).
    pub(super) fn savepoint(conn: &'c Connection) -> rusqlite::Result<Self> {
        Self::open(conn, Kind::Savepoint)
    }

    fn open(conn: &'c Connection, kind: Kind) -> rusqlite::Result<Self> {
        run(conn, &[kind.begin()])?;
        Ok(Scope {
            conn,
            kind,
            open: true,
        })
    }

    pub(super) fn conn(&self) -> &'c Connection {
        self.conn
    }

    /// Ends the scope keeping its changes. A transaction whose `COMMIT`
    /// failed is rolled back rather than left open.
    pub(super) fn keep(mut self) -> rusqlite::Result<()> {
        self.open = false;
        let kept = run(self.conn, self.kind.keep());
        if kept.is_err() && self.kind != Kind::Savepoint && !self.conn.is_autocommit() {
            let _ = run(self.conn, self.kind.undo());
        }
        kept
    }

    /// Ends the scope rolling its changes back.
    pub(super) fn undo(mut self) -> rusqlite::Result<()> {
        self.open = false;
        run(self.conn, self.kind.undo())
    }
}

impl Drop for Scope<'_> {
    fn drop(&mut self) {
        // Nothing is open any more when the connection is back in
        // autocommit mode (a failed statement may have ended it).
        if !self.open || self.conn.is_autocommit() {
            return;
        }
        let end = match self.kind {
            Kind::Read => self.kind.keep(),
            Kind::Write | Kind::Savepoint => self.kind.undo(),
        };
        if let Err(e) = run(self.conn, end) {
            tracing::error!(error = %e, kind = ?self.kind, "ending a store transaction");
        }
    }
}

/// Runs fixed statements, in order, from the connection's cache.
fn run(conn: &Connection, statements: &[&'static str]) -> rusqlite::Result<()> {
    for sql in statements {
        conn.prepare_cached(sql)?.execute([])?;
    }
    Ok(())
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
        let tx = Scope::write(&conn).unwrap();
        let outer = Scope::savepoint(tx.conn()).unwrap();
        insert(&conn, 1);
        let kept = Scope::savepoint(&conn).unwrap();
        insert(&conn, 2);
        kept.keep().unwrap();
        let undone = Scope::savepoint(&conn).unwrap();
        insert(&conn, 3);
        undone.undo().unwrap();
        {
            let _dropped = Scope::savepoint(&conn).unwrap();
            insert(&conn, 4);
        }
        outer.keep().unwrap();
        tx.keep().unwrap();
        assert_eq!(values(&conn), [1, 2]);
        assert!(conn.is_autocommit());
    }

    #[test]
    fn a_transaction_dropped_uncommitted_leaves_nothing() {
        let conn = table();
        {
            let _tx = Scope::write(&conn).unwrap();
            insert(&conn, 1);
        }
        assert!(values(&conn).is_empty());
        assert!(conn.is_autocommit());
        let snapshot = Scope::read(&conn).unwrap();
        assert!(values(snapshot.conn()).is_empty());
        assert!(!conn.is_autocommit());
        drop(snapshot);
        assert!(conn.is_autocommit());
    }
}
