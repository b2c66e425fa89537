//! The plugin host: one wasmtime engine, the bindings of the
//! `mailbot:plugin` contract (generated once), the host imports and the
//! capabilities that guard them, sandbox limits, the registry of loaded
//! plugins, hot reload of the plugins folder, and the chain that asks the
//! configured plugins of an inbox for each hook's decision.
//!
//! Nothing here knows about IMAP, SMTP or the store's tables: the pipeline
//! hands in WIT records and gets typed decisions back.

mod bindings;
mod cache;
mod capability;
mod chain;
mod engine;
mod error;
mod exports;
mod invoke;
mod loaded;
mod registry;
mod reload;
mod services;
mod shipped;
mod state;

pub use bindings::types;
pub use bindings::{ChatMessage, ChatRole, LogLevel, Passage};
pub use capability::{Capability, Grants};
pub use chain::{CallScope, ChainOutcome, ContactOutcome, HookRecord, PluginBinding, PolicyChain};
pub use engine::{CONTRACT_VERSION, EngineLimits, PluginEngine, default_cache_dir};
pub use error::{PluginError, PluginErrorKind};
pub use invoke::CallContext;
pub use loaded::{Hook, LoadedPlugin};
pub use registry::{LoadError, PluginRegistry};
pub use reload::{PluginWatcher, ReloadEvent, watch_plugins_dir};
pub use services::{
    HostServices, KnowledgeSearch, KvBackend, LlmComplete, MemoryKv, NoKnowledge, NoLlm,
    ServiceError,
};
pub use shipped::{SHIPPED_PLUGINS, load_shipped};
