//! mailbot: the host that owns mail transports, sessions, storage and
//! delivery, and hands every per-inbox decision to WebAssembly plugins.

pub mod cli;
pub mod plugins;
