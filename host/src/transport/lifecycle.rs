//! Channel lifecycle: the status a channel reports and the sink it reports to.
//!
//! Transports never store anything themselves; they call [`ChannelEvents`],
//! which the host implements to persist status history, per-channel logs and
//! rotated OAuth refresh tokens. [`TracingEvents`] is a sink that only logs.

use std::fmt;

/// Where a channel is in its life: `Starting` → `Running` ⇄ `Error` → `Stopped`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ChannelStatus {
    /// Connecting and signing in for the first time.
    Starting,
    /// Signed in and watching for mail.
    Running,
    /// Lost or could not make a connection; retrying with backoff.
    Error,
    /// Shut down on request.
    Stopped,
}

impl ChannelStatus {
    /// Lower-case name, as stored and shown (`"running"`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Starting => "starting",
            Self::Running => "running",
            Self::Error => "error",
            Self::Stopped => "stopped",
        }
    }
}

impl fmt::Display for ChannelStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Severity of a per-channel log line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum LogLevel {
    /// Normal operation worth keeping (connected, token refreshed).
    Info,
    /// Something the user should look at soon (token about to expire).
    Warn,
    /// An operation failed (connection lost, login refused).
    Error,
}

impl LogLevel {
    /// Lower-case name (`"warn"`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Info => "info",
            Self::Warn => "warn",
            Self::Error => "error",
        }
    }
}

impl fmt::Display for LogLevel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Receives what a channel wants recorded. Calls are synchronous and must
/// be quick (queue the write if it is slow); `account` is the mailbox address.
pub trait ChannelEvents: Send + Sync {
    /// The channel for `account` changed status; `detail` says why (errors).
    fn status(&self, account: &str, status: ChannelStatus, detail: Option<&str>);
    /// A line for the channel's log.
    fn log(&self, account: &str, level: LogLevel, line: &str);
    /// The OAuth server issued a new refresh token; store it in place of the
    /// configured one, or the account stops working once the old one expires.
    fn refresh_token_rotated(&self, account: &str, new_token: &str);
}

/// A [`ChannelEvents`] that writes everything to `tracing` and keeps nothing.
#[derive(Debug, Default, Clone, Copy)]
pub struct TracingEvents;

impl ChannelEvents for TracingEvents {
    fn status(&self, account: &str, status: ChannelStatus, detail: Option<&str>) {
        tracing::info!(account, %status, detail, "channel status");
    }

    fn log(&self, account: &str, level: LogLevel, line: &str) {
        match level {
            LogLevel::Info => tracing::info!(account, "{line}"),
            LogLevel::Warn => tracing::warn!(account, "{line}"),
            LogLevel::Error => tracing::error!(account, "{line}"),
        }
    }

    fn refresh_token_rotated(&self, account: &str, _new_token: &str) {
        tracing::warn!(
            account,
            "refresh token rotated but not stored; update the configuration"
        );
    }
}
