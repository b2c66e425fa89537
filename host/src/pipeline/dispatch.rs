//! Feeds stored messages that still have work to workers: at start (resume
//! after a crash), when intake wakes it, and periodically as a safety net.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::{Notify, mpsc};
use tokio_util::sync::CancellationToken;

use super::inboxes::InboxDirectory;
use super::keyed_locks::Ticket;
use super::steps::Steps;
use crate::store::{MessageState, Store};

/// States a worker moves forward (`queued` waits for the outbox).
const ACTIVE: &[MessageState] = &[
    MessageState::Received,
    MessageState::Parsed,
    MessageState::Screened,
    MessageState::Routed,
    MessageState::Decided,
    MessageState::Sent,
];

/// Errors (other than lost races) a message may hit before it is failed.
const MAX_ERRORS: u32 = 5;

/// The pipeline: a dispatcher and `workers` workers.
pub struct Pipeline {
    store: Arc<dyn Store>,
    steps: Arc<Steps>,
    wake: Arc<Notify>,
    workers: usize,
}

impl std::fmt::Debug for Pipeline {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pipeline")
            .field("workers", &self.workers)
            .finish_non_exhaustive()
    }
}

impl Pipeline {
    /// A pipeline over `store`; `wake` is notified by intake, `outbox_wake`
    /// is notified when a reply was queued.
    pub fn new(
        store: Arc<dyn Store>,
        inboxes: Arc<InboxDirectory>,
        wake: Arc<Notify>,
        outbox_wake: Arc<Notify>,
        workers: usize,
    ) -> Self {
        let steps = Arc::new(Steps::new(store.clone(), inboxes, outbox_wake));
        Pipeline {
            store,
            steps,
            wake,
            workers: workers.max(1),
        }
    }

    /// Runs until `shutdown`; in-flight messages finish their current step.
    pub async fn run(self, shutdown: CancellationToken) {
        let (tx, rx) = mpsc::channel::<(String, Ticket)>(self.workers * 2);
        let rx = Arc::new(tokio::sync::Mutex::new(rx));
        let in_flight: Arc<Mutex<HashSet<String>>> = Arc::default();
        let finished = Arc::new(Notify::new());
        let mut handles = Vec::new();
        for _ in 0..self.workers {
            let (rx, store, steps, in_flight, finished) = (
                rx.clone(),
                self.store.clone(),
                self.steps.clone(),
                in_flight.clone(),
                finished.clone(),
            );
            handles.push(tokio::spawn(async move {
                let mut errors: HashMap<String, u32> = HashMap::new();
                loop {
                    let next = rx.lock().await.recv().await;
                    let Some((id, ticket)) = next else { break };
                    let run = match store.message(&id).await {
                        Ok(message) => steps.run(message, ticket).await,
                        Err(e) => Err(e.into()),
                    };
                    if let Err(e) = run {
                        let count = errors.entry(id.clone()).or_insert(0);
                        *count += 1;
                        tracing::warn!(message = %id, error = %format!("{e:#}"), attempt = *count, "pipeline step failed");
                        if *count >= MAX_ERRORS {
                            steps.fail(&id, &format!("{e:#}")).await;
                            errors.remove(&id);
                        }
                    } else {
                        errors.remove(&id);
                    }
                    in_flight.lock().unwrap_or_else(|p| p.into_inner()).remove(&id);
                    finished.notify_one();
                }
            }));
        }

        loop {
            let busy = in_flight.lock().unwrap_or_else(|p| p.into_inner()).len();
            let mut dispatched = 0;
            if busy < self.workers {
                let limit = (self.workers * 3) as u32;
                match self.store.message_ids_in_states(ACTIVE, limit).await {
                    Ok(batch) => {
                        for id in batch {
                            let fresh = in_flight
                                .lock()
                                .unwrap_or_else(|p| p.into_inner())
                                .insert(id.clone());
                            if fresh {
                                dispatched += 1;
                                // Listed in arrival order, so the tickets are too.
                                if tx.send((id, self.steps.ticket())).await.is_err() {
                                    return;
                                }
                            }
                        }
                    }
                    Err(e) => tracing::error!(error = %e, "listing messages to work on"),
                }
            }
            if dispatched > 0 && busy + dispatched < self.workers {
                continue;
            }
            tokio::select! {
                _ = shutdown.cancelled() => break,
                _ = self.wake.notified() => {}
                _ = finished.notified() => {}
                _ = tokio::time::sleep(Duration::from_secs(1)) => {}
            }
        }
        drop(tx);
        for handle in handles {
            let _ = handle.await;
        }
    }
}
