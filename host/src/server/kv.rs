//! The plugins' `kv` import served by the store.

use std::sync::Arc;

use crate::plugins::{KvBackend, ServiceError};
use crate::store::PluginKv;

/// [`KvBackend`] over the store's plugin key-value table.
pub struct StoreKv(Arc<dyn PluginKv>);

impl StoreKv {
    /// Serves `kv` from `kv`.
    pub fn new(kv: Arc<dyn PluginKv>) -> Self {
        StoreKv(kv)
    }
}

fn failed(e: crate::store::StoreError) -> ServiceError {
    ServiceError::Failed(e.to_string())
}

impl KvBackend for StoreKv {
    fn get(&self, plugin: &str, inbox: &str, key: &str) -> Result<Option<Vec<u8>>, ServiceError> {
        self.0.get(plugin, inbox, key).map_err(failed)
    }

    fn set(&self, plugin: &str, inbox: &str, key: &str, value: &[u8]) -> Result<(), ServiceError> {
        self.0.set(plugin, inbox, key, value).map_err(failed)
    }

    fn delete(&self, plugin: &str, inbox: &str, key: &str) -> Result<(), ServiceError> {
        self.0
            .delete(plugin, inbox, key)
            .map(|_| ())
            .map_err(failed)
    }
}
