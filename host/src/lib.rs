//! mailbot: the host that owns mail transports, sessions, storage and
//! delivery, and hands every per-inbox decision to WebAssembly plugins.
//!
//! Data flows one way: [`transport`] → [`store`] → [`pipeline`] →
//! `plugins` → `store` → `transport`. `mail` is pure mail logic.

pub mod cli;
pub mod config;
pub mod mail;
pub mod pipeline;
pub mod plugins;
pub mod server;
pub mod store;
pub mod transport;
