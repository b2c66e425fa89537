//! [`RecordingEvents`]: a `ChannelEvents` that keeps everything for asserts.

use std::sync::Mutex;

use mailbot::transport::lifecycle::{ChannelEvents, ChannelStatus, LogLevel};

/// Records statuses, log lines and rotated refresh tokens.
#[derive(Default)]
pub struct RecordingEvents {
    /// (account, status, detail) in order.
    pub statuses: Mutex<Vec<(String, ChannelStatus, Option<String>)>>,
    /// (account, level, line) in order.
    pub logs: Mutex<Vec<(String, LogLevel, String)>>,
    /// (account, new refresh token) in order.
    pub rotated: Mutex<Vec<(String, String)>>,
}

impl RecordingEvents {
    /// Just the statuses, in order.
    pub fn status_list(&self) -> Vec<ChannelStatus> {
        self.statuses.lock().unwrap().iter().map(|s| s.1).collect()
    }

    /// The latest status, if any.
    pub fn last_status(&self) -> Option<ChannelStatus> {
        self.status_list().last().copied()
    }

    /// Log lines at `level`.
    pub fn lines(&self, level: LogLevel) -> Vec<String> {
        self.logs
            .lock()
            .unwrap()
            .iter()
            .filter(|l| l.1 == level)
            .map(|l| l.2.clone())
            .collect()
    }
}

impl ChannelEvents for RecordingEvents {
    fn status(&self, account: &str, status: ChannelStatus, detail: Option<&str>) {
        self.statuses
            .lock()
            .unwrap()
            .push((account.to_owned(), status, detail.map(str::to_owned)));
    }

    fn log(&self, account: &str, level: LogLevel, line: &str) {
        self.logs
            .lock()
            .unwrap()
            .push((account.to_owned(), level, line.to_owned()));
    }

    fn refresh_token_rotated(&self, account: &str, new_token: &str) {
        self.rotated
            .lock()
            .unwrap()
            .push((account.to_owned(), new_token.to_owned()));
    }
}
