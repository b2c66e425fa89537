//! Host bindings of the `mailbot:plugin` WIT package, generated exactly once.
//!
//! The rest of the host imports only what this module re-exports.

mod generated {
    wasmtime::component::bindgen!({
        world: "plugin",
        path: "../wit",
        imports: { default: trappable },
        additional_derives: [serde::Serialize],
    });
}

pub use generated::Plugin;
pub use generated::mailbot::plugin::knowledge::Passage;
pub use generated::mailbot::plugin::llm::{ChatMessage, ChatRole};
pub use generated::mailbot::plugin::log::Level as LogLevel;

/// The records that cross the plugin boundary (messages, conversations,
/// decisions), as generated from `wit/plugin.wit`.
pub mod types {
    pub use super::generated::mailbot::plugin::types::*;
}

/// Host-side traits of the imported interfaces, implemented in `state.rs`.
pub(crate) mod host {
    pub use super::generated::mailbot::plugin::{clock, config, knowledge, kv, llm, log, types};
}
