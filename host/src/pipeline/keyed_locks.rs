//! One async lock per key, made when first asked for and forgotten when no
//! one holds or waits for it. The pipeline takes one per (inbox, customer)
//! so that a customer's messages are decided one after another: each sees
//! the ones before it as turns of the conversation, and two mails sent at
//! once cannot both be the "first" that gets an acknowledgement.
//!
//! Runs queue for their key in the order of their [`Ticket`]s, which the
//! dispatcher hands out in the order mail arrived, not in the order the
//! runs happen to finish parsing: of two mails a customer sent at once, the
//! first to arrive is decided first, even when it is the larger one.

use std::collections::{BTreeSet, HashMap};
use std::future::Future;
use std::pin::pin;
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::Poll;

use tokio::sync::{Notify, OwnedMutexGuard};

/// The locks, by key, and the order in which runs queue for them.
#[derive(Debug, Default)]
pub(crate) struct KeyedLocks {
    locks: Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>,
    order: Arc<Order>,
}

/// Holds the lock of one key until dropped.
pub(crate) struct KeyedGuard<'a> {
    locks: &'a KeyedLocks,
    key: String,
    guard: Option<OwnedMutexGuard<()>>,
}

/// A run's place in the order. It is passed when its run has queued for
/// its key, or when it is dropped (a run that needs no lock); a ticket
/// waits for every earlier one to be passed before it queues.
#[derive(Debug)]
pub(crate) struct Ticket {
    order: Arc<Order>,
    number: u64,
}

#[derive(Debug, Default)]
struct Order {
    state: Mutex<OrderState>,
    passed: Notify,
}

#[derive(Debug, Default)]
struct OrderState {
    issued: u64,
    /// The earliest ticket not yet passed.
    next: u64,
    /// Tickets after `next` already passed.
    passed: BTreeSet<u64>,
}

impl KeyedLocks {
    /// The next place in the order; hand them out in arrival order.
    pub(crate) fn ticket(&self) -> Ticket {
        let mut state = self.order.state();
        let number = state.issued;
        state.issued += 1;
        Ticket {
            order: self.order.clone(),
            number,
        }
    }

    /// Waits until every earlier ticket is passed, queues for the lock of
    /// `key` and waits for it; waiters get it in the order they queued.
    pub(crate) async fn lock(&self, ticket: Ticket, key: String) -> KeyedGuard<'_> {
        ticket.wait_for_turn().await;
        let lock = self.map().entry(key.clone()).or_default().clone();
        let mut acquire = pin!(lock.lock_owned());
        // Tokio's mutex is fair: a waiter takes its place in the queue when
        // it is first polled, so poll once before passing the ticket on.
        let first = std::future::poll_fn(|cx| Poll::Ready(acquire.as_mut().poll(cx))).await;
        drop(ticket);
        let guard = match first {
            Poll::Ready(guard) => guard,
            Poll::Pending => acquire.await,
        };
        KeyedGuard {
            locks: self,
            key,
            guard: Some(guard),
        }
    }

    fn map(&self) -> MutexGuard<'_, HashMap<String, Arc<tokio::sync::Mutex<()>>>> {
        self.locks.lock().unwrap_or_else(|p| p.into_inner())
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.map().len()
    }
}

impl Ticket {
    async fn wait_for_turn(&self) {
        loop {
            let passed = self.order.passed.notified();
            let mut passed = pin!(passed);
            // Registered before looking, so a pass in between is not missed.
            passed.as_mut().enable();
            if self.order.state().next == self.number {
                return;
            }
            passed.await;
        }
    }
}

impl Drop for Ticket {
    fn drop(&mut self) {
        let mut state = self.order.state();
        state.passed.insert(self.number);
        let mut moved = false;
        while state.passed.first() == Some(&state.next) {
            let next = state.next;
            state.passed.remove(&next);
            state.next += 1;
            moved = true;
        }
        drop(state);
        if moved {
            self.order.passed.notify_waiters();
        }
    }
}

impl Order {
    fn state(&self) -> MutexGuard<'_, OrderState> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }
}

impl Drop for KeyedGuard<'_> {
    fn drop(&mut self) {
        drop(self.guard.take());
        let mut map = self.locks.map();
        // Only the map's own handle left: nobody holds or waits for it.
        if map
            .get(&self.key)
            .is_some_and(|l| Arc::strong_count(l) == 1)
        {
            map.remove(&self.key);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[tokio::test]
    async fn a_key_is_held_by_one_at_a_time_and_other_keys_are_free() {
        let locks = Arc::new(KeyedLocks::default());
        let first = locks.lock(locks.ticket(), "a".into()).await;
        let other = tokio::time::timeout(
            Duration::from_millis(50),
            locks.lock(locks.ticket(), "b".into()),
        )
        .await;
        assert!(other.is_ok(), "another key is not held up");
        drop(other);
        let waiting = {
            let locks = locks.clone();
            let ticket = locks.ticket();
            tokio::spawn(async move {
                let _second = locks.lock(ticket, "a".into()).await;
            })
        };
        tokio::time::sleep(Duration::from_millis(50)).await;
        assert!(!waiting.is_finished(), "the same key waits");
        drop(first);
        waiting.await.unwrap();
        assert_eq!(locks.len(), 0, "unused locks are forgotten");
    }

    #[tokio::test]
    async fn runs_queue_for_a_key_in_ticket_order_whatever_order_they_ask_in() {
        let locks = Arc::new(KeyedLocks::default());
        let (first, second) = (locks.ticket(), locks.ticket());
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
        let later = {
            let (locks, tx) = (locks.clone(), tx.clone());
            tokio::spawn(async move {
                let _guard = locks.lock(second, "a".into()).await;
                tx.send("second").unwrap();
            })
        };
        tokio::time::sleep(Duration::from_millis(50)).await;
        assert!(
            rx.try_recv().is_err(),
            "the later ticket waits for the earlier one to queue"
        );
        let guard = locks.lock(first, "a".into()).await;
        tx.send("first").unwrap();
        tokio::time::sleep(Duration::from_millis(50)).await;
        drop(guard);
        later.await.unwrap();
        assert_eq!(rx.recv().await, Some("first"));
        assert_eq!(rx.recv().await, Some("second"));
    }

    #[tokio::test]
    async fn a_ticket_dropped_unused_lets_the_later_ones_through() {
        let locks = KeyedLocks::default();
        let (unused, next) = (locks.ticket(), locks.ticket());
        let later = locks.ticket();
        drop(later);
        drop(unused);
        let guard = tokio::time::timeout(Duration::from_millis(500), locks.lock(next, "a".into()))
            .await
            .expect("not held up by tickets no one uses");
        drop(guard);
        let fresh = tokio::time::timeout(
            Duration::from_millis(500),
            locks.lock(locks.ticket(), "a".into()),
        )
        .await;
        assert!(fresh.is_ok(), "tickets passed out of order are counted");
    }
}
