//! Postfix's `smtp-sink`: a fast, real SMTP receiver for outbound tests.
//!
//! Started as `smtp-sink [-u postfix] -d <dir>/msg. 127.0.0.1:<port> 128`, it
//! writes each transaction to a file whose first lines are its own
//! `X-Client-Addr`, `X-Helo-Args`, `X-Mail-Args`, `X-Rcpt-Args` ... headers
//! and a `Received:` header, followed by the message; [`SinkMessage`] splits
//! those apart. [`SmtpSink::start_rejecting_rcpt`] answers every RCPT with
//! `550 5.1.1` (`-f rcpt -B ...`). [`SmtpSink::stop`] / [`SmtpSink::start_again`]
//! simulate the server being down.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use super::{chown, free_port, is_root, require_binary, user_ids, wait_for_port};

/// One message as smtp-sink stored it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SinkMessage {
    /// MAIL FROM address, without brackets.
    pub mail_from: String,
    /// RCPT TO addresses, without brackets.
    pub rcpt_to: Vec<String>,
    /// The message as sent (without smtp-sink's own headers; smtp-sink keeps
    /// LF line ends, turned back into CRLF here).
    pub raw: Vec<u8>,
}

impl SinkMessage {
    fn parse(file: &[u8]) -> Self {
        let mut mail_from = String::new();
        let mut rcpt_to = Vec::new();
        let mut rest = file;
        let mut in_received = false;
        loop {
            let end = rest
                .iter()
                .position(|&b| b == b'\n')
                .map_or(rest.len(), |p| p + 1);
            let line = String::from_utf8_lossy(&rest[..end]).into_owned();
            let arg = |prefix: &str| {
                line[prefix.len()..]
                    .trim()
                    .trim_start_matches('<')
                    .trim_end_matches('>')
                    .to_owned()
            };
            if line.starts_with("X-Mail-Args:") {
                mail_from = arg("X-Mail-Args:");
            } else if line.starts_with("X-Rcpt-Args:") {
                rcpt_to.push(arg("X-Rcpt-Args:"));
            } else if line.starts_with("X-Client-") || line.starts_with("X-Helo-Args:") {
            } else if line.starts_with("Received: from") && !in_received {
                in_received = true;
            } else if in_received && line.starts_with(['\t', ' ']) {
            } else {
                break;
            }
            rest = &rest[end..];
        }
        // smtp-sink stores lines with LF and adds one empty line at the end.
        let body = rest.strip_suffix(b"\n").unwrap_or(rest);
        let mut raw = Vec::with_capacity(body.len() + body.len() / 32);
        for &b in body {
            if b == b'\n' {
                raw.push(b'\r');
            }
            raw.push(b);
        }
        Self {
            mail_from,
            rcpt_to,
            raw,
        }
    }
}

/// A running (or stopped) smtp-sink.
pub struct SmtpSink {
    /// Holds the message files.
    dir: tempfile::TempDir,
    /// Listening port on 127.0.0.1.
    port: u16,
    /// Extra arguments (rejection mode).
    extra_args: Vec<String>,
    /// The process; `None` while stopped.
    child: Option<Child>,
}

impl SmtpSink {
    /// A sink that accepts everything.
    pub fn start() -> Self {
        Self::launch(Vec::new())
    }

    /// A sink that answers every RCPT TO with `550 5.1.1 no such user`.
    pub fn start_rejecting_rcpt() -> Self {
        Self::launch(vec![
            "-f".into(),
            "rcpt".into(),
            "-B".into(),
            "550 5.1.1 no such user".into(),
        ])
    }

    fn launch(extra_args: Vec<String>) -> Self {
        require_binary("smtp-sink");
        let dir = tempfile::Builder::new()
            .prefix("mailbot-smtp-sink-")
            .tempdir()
            .expect("temp dir");
        if is_root() {
            let (uid, gid) = user_ids("postfix");
            chown(dir.path(), uid, gid);
        }
        let mut sink = Self {
            dir,
            port: 0,
            extra_args,
            child: None,
        };
        for _ in 0..5 {
            sink.port = free_port();
            if sink.try_start() {
                return sink;
            }
        }
        panic!("smtp-sink did not start");
    }

    fn try_start(&mut self) -> bool {
        let mut command = Command::new(require_binary("smtp-sink"));
        if is_root() {
            command.args(["-u", "postfix"]);
        }
        let mut child = command
            .args(&self.extra_args)
            .arg("-d")
            .arg(format!("{}/msg.", self.dir.path().display()))
            .arg(format!("127.0.0.1:{}", self.port))
            .arg("128")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn smtp-sink");
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = child.try_wait() {
                return false;
            }
            if wait_for_port(self.port, Duration::from_millis(50)) {
                self.child = Some(child);
                return true;
            }
        }
        child.kill().ok();
        child.wait().ok();
        false
    }

    /// Listening port on 127.0.0.1.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Stops the sink; connections are refused until [`SmtpSink::start_again`].
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            child.kill().ok();
            child.wait().ok();
        }
    }

    /// Starts again on the same port.
    pub fn start_again(&mut self) {
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if self.try_start() {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        panic!("smtp-sink did not restart on port {}", self.port);
    }

    fn files(&self) -> Vec<PathBuf> {
        let mut files: Vec<(std::time::SystemTime, PathBuf)> = std::fs::read_dir(self.dir.path())
            .map(|entries| {
                entries
                    .filter_map(Result::ok)
                    .filter(|e| e.file_name().to_string_lossy().starts_with("msg."))
                    .map(|e| {
                        let modified = e.metadata().and_then(|m| m.modified()).ok();
                        (modified.unwrap_or(std::time::UNIX_EPOCH), e.path())
                    })
                    .collect()
            })
            .unwrap_or_default();
        files.sort();
        files.into_iter().map(|(_, p)| p).collect()
    }

    /// Every message received so far, with envelopes, oldest first.
    pub fn received(&self) -> Vec<SinkMessage> {
        self.files()
            .iter()
            .filter_map(|p| std::fs::read(p).ok())
            .map(|bytes| SinkMessage::parse(&bytes))
            .collect()
    }

    /// The raw messages received so far, oldest first.
    pub fn messages(&self) -> Vec<Vec<u8>> {
        self.received().into_iter().map(|m| m.raw).collect()
    }

    /// Waits until at least `n` messages arrived; returns them.
    pub async fn wait_for(&self, n: usize, timeout: Duration) -> Vec<SinkMessage> {
        self.wait_for_count(n, timeout).await;
        // smtp-sink writes while receiving; let the last one finish.
        tokio::time::sleep(Duration::from_millis(50)).await;
        self.received()
    }

    /// Waits until at least `n` messages arrived, without reading them: a
    /// cheap poll (names only) for benches that count thousands.
    pub async fn wait_for_count(&self, n: usize, timeout: Duration) {
        let deadline = Instant::now() + timeout;
        loop {
            let count = self.count();
            if count >= n {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "smtp-sink got {count} message(s), expected {n} within {timeout:?}",
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// How many messages arrived (their files exist).
    fn count(&self) -> usize {
        std::fs::read_dir(self.dir.path())
            .map(|entries| {
                entries
                    .filter_map(Result::ok)
                    .filter(|e| e.file_name().as_encoded_bytes().starts_with(b"msg."))
                    .count()
            })
            .unwrap_or(0)
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        self.stop();
    }
}
