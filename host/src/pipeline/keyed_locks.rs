//! One async lock per key, made when first asked for and forgotten when no
//! one holds or waits for it. The pipeline takes one per (inbox, customer)
//! so that a customer's messages are decided one after another: each sees
//! the ones before it as turns of the conversation, and two mails sent at
//! once cannot both be the "first" that gets an acknowledgement.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use tokio::sync::OwnedMutexGuard;

/// The locks, by key.
#[derive(Debug, Default)]
pub(crate) struct KeyedLocks {
    locks: Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>,
}

/// Holds the lock of one key until dropped.
pub(crate) struct KeyedGuard<'a> {
    locks: &'a KeyedLocks,
    key: String,
    guard: Option<OwnedMutexGuard<()>>,
}

impl KeyedLocks {
    /// Waits for the lock of `key`; waiters get it in the order they asked.
    pub(crate) async fn lock(&self, key: String) -> KeyedGuard<'_> {
        let lock = self.map().entry(key.clone()).or_default().clone();
        let guard = lock.lock_owned().await;
        KeyedGuard {
            locks: self,
            key,
            guard: Some(guard),
        }
    }

    fn map(&self) -> std::sync::MutexGuard<'_, HashMap<String, Arc<tokio::sync::Mutex<()>>>> {
        self.locks.lock().unwrap_or_else(|p| p.into_inner())
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.map().len()
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
        let first = locks.lock("a".into()).await;
        let other = tokio::time::timeout(Duration::from_millis(50), locks.lock("b".into())).await;
        assert!(other.is_ok(), "another key is not held up");
        drop(other);
        let waiting = {
            let locks = locks.clone();
            tokio::spawn(async move {
                let _second = locks.lock("a".into()).await;
            })
        };
        tokio::time::sleep(Duration::from_millis(50)).await;
        assert!(!waiting.is_finished(), "the same key waits");
        drop(first);
        waiting.await.unwrap();
        assert_eq!(locks.len(), 0, "unused locks are forgotten");
    }
}
