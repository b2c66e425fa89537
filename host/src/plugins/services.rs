//! What the host imports are served by: the plugin key-value store, the
//! bot's knowledge and the bot's model. Each is a small synchronous trait,
//! because plugins call them from inside a wasm call on a blocking thread.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use super::bindings::{ChatMessage, Passage};

/// Why a service could not do what a plugin asked; shown to the guest as
/// the matching `host-error` case.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ServiceError {
    /// Not set up here (no knowledge base, no model).
    #[error("unavailable: {0}")]
    Unavailable(String),
    /// The request itself was invalid.
    #[error("invalid: {0}")]
    Invalid(String),
    /// The host tried and failed.
    #[error("failed: {0}")]
    Failed(String),
}

/// Persistent key-value storage scoped to (plugin, inbox).
pub trait KvBackend: Send + Sync {
    /// Returns the value of `key`, or none.
    fn get(&self, plugin: &str, inbox: &str, key: &str) -> Result<Option<Vec<u8>>, ServiceError>;
    /// Sets `key` to `value`.
    fn set(&self, plugin: &str, inbox: &str, key: &str, value: &[u8]) -> Result<(), ServiceError>;
    /// Removes `key` (missing keys are not an error).
    fn delete(&self, plugin: &str, inbox: &str, key: &str) -> Result<(), ServiceError>;
}

/// Searches a bot's knowledge.
pub trait KnowledgeSearch: Send + Sync {
    /// Returns at most `limit` passages for `query`, best first.
    fn search(&self, bot: &str, query: &str, limit: u32) -> Result<Vec<Passage>, ServiceError>;
}

/// Completes a chat with a bot's model.
pub trait LlmComplete: Send + Sync {
    /// Returns the model's answer.
    fn complete(
        &self,
        bot: &str,
        messages: &[ChatMessage],
        max_tokens: u32,
    ) -> Result<String, ServiceError>;
}

/// A key-value store in memory, for `mailbot policy run` and tests.
#[derive(Debug, Default)]
pub struct MemoryKv {
    // (plugin, inbox, key) -> value
    entries: Mutex<HashMap<(String, String, String), Vec<u8>>>,
}

impl KvBackend for MemoryKv {
    fn get(&self, plugin: &str, inbox: &str, key: &str) -> Result<Option<Vec<u8>>, ServiceError> {
        let entries = self.entries.lock().map_err(|_| poisoned())?;
        Ok(entries
            .get(&(plugin.to_owned(), inbox.to_owned(), key.to_owned()))
            .cloned())
    }

    fn set(&self, plugin: &str, inbox: &str, key: &str, value: &[u8]) -> Result<(), ServiceError> {
        let mut entries = self.entries.lock().map_err(|_| poisoned())?;
        entries.insert(
            (plugin.to_owned(), inbox.to_owned(), key.to_owned()),
            value.to_vec(),
        );
        Ok(())
    }

    fn delete(&self, plugin: &str, inbox: &str, key: &str) -> Result<(), ServiceError> {
        let mut entries = self.entries.lock().map_err(|_| poisoned())?;
        entries.remove(&(plugin.to_owned(), inbox.to_owned(), key.to_owned()));
        Ok(())
    }
}

fn poisoned() -> ServiceError {
    ServiceError::Failed("key-value store lock poisoned".into())
}

/// Knowledge search for bots without a knowledge base.
#[derive(Debug, Default)]
pub struct NoKnowledge;

impl KnowledgeSearch for NoKnowledge {
    fn search(&self, bot: &str, _query: &str, _limit: u32) -> Result<Vec<Passage>, ServiceError> {
        Err(ServiceError::Unavailable(format!(
            "bot `{bot}` has no knowledge base"
        )))
    }
}

/// Chat completion for bots without a model.
#[derive(Debug, Default)]
pub struct NoLlm;

impl LlmComplete for NoLlm {
    fn complete(
        &self,
        bot: &str,
        _messages: &[ChatMessage],
        _max_tokens: u32,
    ) -> Result<String, ServiceError> {
        Err(ServiceError::Unavailable(format!(
            "bot `{bot}` has no model configured"
        )))
    }
}

/// The services behind the host imports, shared by every call.
#[derive(Clone)]
pub struct HostServices {
    /// Serves `kv`.
    pub kv: Arc<dyn KvBackend>,
    /// Serves `knowledge.search`.
    pub knowledge: Arc<dyn KnowledgeSearch>,
    /// Serves `llm.complete`.
    pub llm: Arc<dyn LlmComplete>,
}

impl std::fmt::Debug for HostServices {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HostServices").finish_non_exhaustive()
    }
}

impl HostServices {
    /// In-memory kv, no knowledge, no model: for the CLI and tests.
    pub fn in_memory() -> Self {
        HostServices {
            kv: Arc::new(MemoryKv::default()),
            knowledge: Arc::new(NoKnowledge),
            llm: Arc::new(NoLlm),
        }
    }
}
