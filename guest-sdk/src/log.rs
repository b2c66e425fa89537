//! Structured logging through the host (`log` import), tagged by the host with
//! plugin, inbox and message. Lines are dropped silently when `log` is not
//! granted, so logging never fails.
//!
//! Natively the lines are kept in the [`testing`](crate::testing) double; read
//! them with [`testing::logs`](crate::testing::logs).

/// Severity of a log line.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Level {
    /// Very detailed tracing.
    Trace,
    /// Debugging detail.
    Debug,
    /// Normal operation.
    Info,
    /// Something looks wrong but the plugin carries on.
    Warn,
    /// Something failed.
    Error,
}

/// Writes one log line at `level`.
pub fn write(level: Level, message: &str) {
    #[cfg(target_arch = "wasm32")]
    {
        use crate::wit::mailbot::plugin::log as g;
        let level = match level {
            Level::Trace => g::Level::Trace,
            Level::Debug => g::Level::Debug,
            Level::Info => g::Level::Info,
            Level::Warn => g::Level::Warn,
            Level::Error => g::Level::Error,
        };
        g::write(level, message);
    }
    #[cfg(not(target_arch = "wasm32"))]
    crate::testing::double::log(level, message);
}

/// Writes a trace line.
pub fn trace(message: &str) {
    write(Level::Trace, message);
}

/// Writes a debug line.
pub fn debug(message: &str) {
    write(Level::Debug, message);
}

/// Writes an info line.
pub fn info(message: &str) {
    write(Level::Info, message);
}

/// Writes a warning line.
pub fn warn(message: &str) {
    write(Level::Warn, message);
}

/// Writes an error line.
pub fn error(message: &str) {
    write(Level::Error, message);
}
