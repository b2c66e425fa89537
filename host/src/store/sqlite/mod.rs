//! The embedded SQLite backend: one file in the data directory, WAL mode,
//! schema migrations applied at open.
//!
//! rusqlite is synchronous, so no call blocks the async runtime:
//! - Writes go to one writer thread that owns the writer connection (SQLite
//!   allows one writer at a time anyway). It commits in groups: the calls
//!   waiting when it becomes free run in one `BEGIN IMMEDIATE` transaction,
//!   each inside its own savepoint (a failing call rolls back only itself),
//!   and every caller is answered only after the group's commit. Each call
//!   is thus still one atomic step, but N concurrent calls share one fsync.
//! - Reads run on tokio's blocking pool over a few reader connections,
//!   which WAL lets run beside the writer.
//!
//! Durability: `synchronous = FULL` for every commit, so whatever a call
//! returned survives a process crash, an OS crash and a power cut. Group
//! commit is what makes this affordable: an fsync costs about a millisecond
//! here, and ~10 state writes per mail at 300 mails/s would not fit one
//! fsync each on one writer.

mod codec;
mod conversations;
mod messages;
mod migrations;
mod outbox;
mod people;
mod resources;
mod scopes;
mod store_impl;

mod writer;

use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use rusqlite::config::DbConfig;
use rusqlite::{Connection, OpenFlags};

use crate::store::{Result, StoreError};
use writer::Writer;

/// Reader connections of a file-backed store (2 cores here; more readers
/// than cores only adds contention).
const READERS: usize = 2;
/// How long a connection waits for a lock held by another process.
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);
/// Page cache of the writer connection, in KiB (SQLite's default is
/// 2 MiB): the working set of a busy inbox (open conversations, waiting
/// messages, the indexes over them) stays in memory.
const WRITER_CACHE_KIB: i64 = 32 * 1024;
/// Page cache of each reader connection, in KiB: SQLite's default. A
/// reader drops its whole cache whenever another connection has committed
/// since its last read, which under load is before nearly every read, and
/// dropping costs time in proportion to the pages cached: a large reader
/// cache only made each drop dearer.
const READER_CACHE_KIB: i64 = 2 * 1024;
/// Prepared statements kept per connection.
const STATEMENT_CACHE: usize = 128;

/// The SQLite implementation of [`crate::store::Store`]. Cheap to clone;
/// the writer thread stops when the last clone is dropped.
#[derive(Clone)]
pub struct SqliteStore {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for SqliteStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqliteStore")
            .field("readers", &self.inner.readers.len())
            .finish()
    }
}

struct Inner {
    writer: Writer,
    /// Empty for in-memory stores, whose data only the writer connection
    /// sees; their reads go through the writer.
    readers: Vec<Mutex<Connection>>,
    /// Round-robin start for picking a reader.
    next_reader: AtomicUsize,
}

impl SqliteStore {
    /// Opens (creating it and its parent directory if needed) the database
    /// file at `path` and applies pending migrations.
    pub fn open(path: impl AsRef<Path>) -> Result<Self> {
        let path = path.as_ref();
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent)
                .map_err(|e| StoreError::backend(format!("creating {}: {e}", parent.display())))?;
        }
        let mut conn = Connection::open(path)?;
        configure(&conn, WRITER_CACHE_KIB)?;
        let mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(StoreError::backend(format!(
                "{}: cannot use WAL journal (got {mode})",
                path.display()
            )));
        }
        migrations::apply(&mut conn)?;
        let readers = (0..READERS)
            .map(|_| {
                let flags = OpenFlags::SQLITE_OPEN_READ_ONLY
                    | OpenFlags::SQLITE_OPEN_NO_MUTEX
                    | OpenFlags::SQLITE_OPEN_URI;
                let reader = Connection::open_with_flags(path, flags)?;
                configure(&reader, READER_CACHE_KIB)?;
                Ok(Mutex::new(reader))
            })
            .collect::<Result<Vec<_>>>()?;
        Self::from_parts(conn, readers)
    }

    /// A private in-memory database, for tests.
    pub fn open_in_memory() -> Result<Self> {
        let mut conn = Connection::open_in_memory()?;
        configure(&conn, WRITER_CACHE_KIB)?;
        migrations::apply(&mut conn)?;
        Self::from_parts(conn, Vec::new())
    }

    fn from_parts(conn: Connection, readers: Vec<Mutex<Connection>>) -> Result<Self> {
        Ok(Self {
            inner: Arc::new(Inner {
                writer: Writer::start(conn)?,
                readers,
                next_reader: AtomicUsize::new(0),
            }),
        })
    }

    /// The applied schema versions, oldest first. Blocking.
    pub fn schema_versions(&self) -> Result<Vec<i64>> {
        self.inner.read(migrations::applied)
    }

    /// Runs `f` as one atomic step of the next group commit.
    async fn write<T, F>(&self, f: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> Result<T> + Send + 'static,
    {
        self.inner.writer.call(f).await
    }

    /// Runs `f` in a read transaction on the blocking pool.
    async fn read<T, F>(&self, f: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> Result<T> + Send + 'static,
    {
        if self.inner.readers.is_empty() {
            return self.write(f).await;
        }
        let inner = Arc::clone(&self.inner);
        tokio::task::spawn_blocking(move || inner.read(f))
            .await
            .map_err(|e| StoreError::backend(format!("store read task: {e}")))?
    }
}

impl Inner {
    /// A read on the calling thread (which may block).
    fn read<T>(&self, f: impl FnOnce(&Connection) -> Result<T> + Send + 'static) -> Result<T>
    where
        T: Send + 'static,
    {
        if self.readers.is_empty() {
            return self.writer.call_blocking(f);
        }
        let n = self.readers.len();
        let start = self.next_reader.fetch_add(1, Ordering::Relaxed) % n;
        let conn = (0..n)
            .find_map(|i| self.readers[(start + i) % n].try_lock().ok())
            .unwrap_or_else(|| lock(&self.readers[start]));
        // One snapshot for reads made of several statements.
        let snapshot = scopes::Scope::read(&conn)?;
        f(snapshot.conn())
    }
}

/// Locks a mutex, recovering from poisoning: a panic inside a transaction
/// rolled it back when the transaction was dropped, so the connection is
/// still sound.
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn configure(conn: &Connection, cache_kib: i64) -> Result<()> {
    conn.busy_timeout(BUSY_TIMEOUT)?;
    conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
    // The query planner's stability guarantee: plans never depend on the
    // values bound. Without it SQLite marks a statement whose plan could
    // (an indexed column compared with a parameter) to be prepared again
    // whenever its parameters change, and the statement cache clears every
    // statement's parameters when it is handed back: each cached statement
    // was compiled anew on nearly every use.
    conn.set_db_config(DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG, true)?;
    // `temp_store = MEMORY`: temporary storage, above all the statement
    // journal of the savepoint each call of a group commit runs in, stays
    // in memory; in a temp file every page a call changed was written twice
    // more.
    conn.execute_batch(&format!(
        "PRAGMA foreign_keys = ON; PRAGMA synchronous = FULL; PRAGMA cache_size = -{cache_kib};
         PRAGMA temp_store = MEMORY"
    ))?;
    Ok(())
}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        StoreError::Backend(Box::new(e))
    }
}

/// True when `e` is a UNIQUE or PRIMARY KEY violation.
fn is_unique_violation(e: &rusqlite::Error) -> bool {
    matches!(
        e,
        rusqlite::Error::SqliteFailure(err, _)
            if err.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE
                || err.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_PRIMARYKEY
    )
}

#[cfg(test)]
mod tests;
