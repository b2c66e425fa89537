//! The writer thread: owns the writer connection and commits the calls
//! that queue up while it is busy as one group (see the module doc of
//! `sqlite`).

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::mpsc;

use rusqlite::Connection;
use tokio::sync::oneshot;

use super::scopes::Scope;
use crate::store::{Result, StoreError};

/// Most calls committed together; bounds the latency a group adds.
const MAX_GROUP: usize = 256;

/// Delivers a call's result once its group's commit is known.
type Reply = Box<dyn FnOnce(std::result::Result<(), String>) + Send>;
/// One queued call: runs in its savepoint, says whether it succeeded (keep
/// its changes) and how to answer its caller.
type Job = Box<dyn FnOnce(&Connection) -> (bool, Reply) + Send>;

/// Handle to the writer thread; dropping it stops the thread.
pub(super) struct Writer {
    jobs: mpsc::Sender<Job>,
}

impl Writer {
    pub(super) fn start(conn: Connection) -> Result<Self> {
        let (jobs, queue) = mpsc::channel::<Job>();
        std::thread::Builder::new()
            .name("store-writer".into())
            .spawn(move || run(conn, queue))
            .map_err(|e| StoreError::backend(format!("starting the store writer: {e}")))?;
        Ok(Self { jobs })
    }

    /// Queues `f` and waits (asynchronously) until its group is committed.
    pub(super) async fn call<T, F>(&self, f: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> Result<T> + Send + 'static,
    {
        let (tx, rx) = oneshot::channel();
        self.submit(f, tx)?;
        rx.await.map_err(|_| gone())?
    }

    /// Like [`Writer::call`], blocking the calling thread; never call it on
    /// an async worker thread.
    pub(super) fn call_blocking<T, F>(&self, f: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> Result<T> + Send + 'static,
    {
        let (tx, rx) = oneshot::channel();
        self.submit(f, tx)?;
        rx.blocking_recv().map_err(|_| gone())?
    }

    fn submit<T, F>(&self, f: F, tx: oneshot::Sender<Result<T>>) -> Result<()>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> Result<T> + Send + 'static,
    {
        let job: Job = Box::new(move |conn| {
            let out = f(conn);
            let ok = out.is_ok();
            let reply: Reply = Box::new(move |commit| {
                let result = match commit {
                    Ok(()) => out,
                    Err(e) => Err(StoreError::backend(e)),
                };
                // The caller may have gone away (a cancelled future); the
                // change is committed either way.
                let _ = tx.send(result);
            });
            (ok, reply)
        });
        self.jobs.send(job).map_err(|_| gone())
    }
}

fn gone() -> StoreError {
    StoreError::backend("the store writer stopped (a call panicked or the store was dropped)")
}

/// The thread body: group, run, commit, answer; until every handle is gone.
fn run(conn: Connection, queue: mpsc::Receiver<Job>) {
    while let Ok(first) = queue.recv() {
        let mut group = vec![first];
        while group.len() < MAX_GROUP {
            match queue.try_recv() {
                Ok(job) => group.push(job),
                Err(_) => break,
            }
        }
        commit_group(&conn, group);
    }
}

fn commit_group(conn: &Connection, group: Vec<Job>) {
    let tx = match Scope::write(conn) {
        Ok(tx) => tx,
        Err(e) => {
            // Dropping the jobs answers their callers with `gone()`.
            tracing::error!(error = %e, calls = group.len(), "store writer cannot begin a transaction");
            return;
        }
    };
    let mut replies = Vec::with_capacity(group.len());
    for job in group {
        let sp = match Scope::savepoint(tx.conn()) {
            Ok(sp) => sp,
            Err(e) => {
                tracing::error!(error = %e, "store writer cannot open a savepoint");
                continue;
            }
        };
        // A panicking call loses only itself: its savepoint rolls back when
        // dropped and its caller sees `gone()`.
        match catch_unwind(AssertUnwindSafe(|| job(tx.conn()))) {
            Ok((true, reply)) => match sp.keep() {
                Ok(()) => replies.push(reply),
                Err(e) => reply(Err(format!("releasing savepoint: {e}"))),
            },
            Ok((false, reply)) => {
                if let Err(e) = sp.undo() {
                    tracing::error!(error = %e, "store writer cannot roll a call back");
                }
                replies.push(reply);
            }
            Err(_) => tracing::error!("a store call panicked; its changes were rolled back"),
        }
    }
    let commit = tx.keep().map_err(|e| format!("commit failed: {e}"));
    if let Err(e) = &commit {
        tracing::error!(error = %e, calls = replies.len(), "store group commit failed");
    }
    for reply in replies {
        reply(commit.clone());
    }
}
