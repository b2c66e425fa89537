//! Real servers on loopback for integration tests.
//!
//! - [`Dovecot`]: IMAP (plain, optionally TLS) and LMTP in a temp dir, with
//!   helpers to add users, deliver "customer" mail and read mailboxes back;
//!   [`LmtpSession`] delivers many messages over one LMTP connection.
//! - [`SmtpSink`]: Postfix's `smtp-sink`, a fast real SMTP receiver that
//!   writes every message to a file; can be told to reject RCPT with a 5xx
//!   and can be stopped and started again on the same port.
//! - [`MailRelay`]: an SMTP server that delivers every message into Dovecot
//!   over LMTP, for tests where a reply must land in a customer's mailbox.
//! - [`RecordingEvents`]: a channel-events sink that keeps everything.
//! - [`TokenEndpoint`]: a one-route HTTP server answering OAuth token requests.
//! - [`Host`]: mailbot itself, in-process, on a config file in a temp dir.
//! - [`header`], [`customer_mail`], [`follow_up`]: raw mail in assertions.
//! - [`self_signed_cert`]: a certificate for `localhost` made with `openssl`.
//!
//! Servers bind free ports picked by [`free_port`]. Missing binaries fail with
//! a message saying to run `scripts/install-test-deps`.

#![allow(dead_code)] // each test module uses a different part of the harness

mod dovecot;
mod events;
mod host;
mod mail;
mod relay;
mod smtp_sink;
mod token_endpoint;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

pub use dovecot::Dovecot;
#[allow(unused_imports)] // the pipeline bench delivers over it; the tests do not
pub use dovecot::LmtpSession;
pub use events::RecordingEvents;
pub use host::{Host, config_text, generated_addresses_config, mailbox_channel_config};
pub use mail::{customer_mail, follow_up, header};
pub use relay::MailRelay;
pub use smtp_sink::{SinkMessage, SmtpSink};
pub use token_endpoint::TokenEndpoint;

/// How long end-to-end waits last before a test fails.
pub const WAIT: Duration = Duration::from_secs(60);

/// A port that was free a moment ago on 127.0.0.1. Servers started on it
/// retry with another port if someone took it meanwhile.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("bind 127.0.0.1:0")
}

/// The path of a server binary, or a panic telling how to install it.
pub fn require_binary(name: &str) -> PathBuf {
    for dir in [
        "/usr/sbin",
        "/usr/bin",
        "/sbin",
        "/bin",
        "/usr/local/sbin",
        "/usr/local/bin",
    ] {
        let path = Path::new(dir).join(name);
        if path.exists() {
            return path;
        }
    }
    panic!(
        "`{name}` is not installed; run `scripts/install-test-deps` (as root) \
         to install Dovecot and Postfix's smtp-sink, then run the tests again"
    );
}

/// The numeric uid and gid of a system user (`id -u NAME`, `id -g NAME`).
pub fn user_ids(user: &str) -> (u32, u32) {
    let id = |flag: &str| -> u32 {
        let out = Command::new("id")
            .args([flag, user])
            .output()
            .expect("run id");
        assert!(
            out.status.success(),
            "system user {user} missing; run scripts/install-test-deps"
        );
        String::from_utf8_lossy(&out.stdout)
            .trim()
            .parse()
            .expect("numeric id")
    };
    (id("-u"), id("-g"))
}

/// Whether the tests run as root (Dovecot and smtp-sink then drop privileges).
pub fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}

/// Changes a path's owner (`chown -R uid:gid`).
pub fn chown(path: &Path, uid: u32, gid: u32) {
    let status = Command::new("chown")
        .arg("-R")
        .arg(format!("{uid}:{gid}"))
        .arg(path)
        .status()
        .expect("run chown");
    assert!(status.success(), "chown {}", path.display());
}

/// Sends SIGTERM to a process (`kill -TERM`); the workspace forbids `unsafe`.
pub fn terminate(pid: u32) {
    // Already gone is fine: stopping is idempotent.
    Command::new("kill")
        .args(["-TERM", &pid.to_string()])
        .stderr(std::process::Stdio::null())
        .status()
        .ok();
}

/// Waits until something listens on `127.0.0.1:port`.
pub fn wait_for_port(port: u16, timeout: Duration) -> bool {
    let deadline = Instant::now() + timeout;
    while Instant::now() < deadline {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    false
}

/// Polls `check` every 20 ms until it returns `Some` or `timeout` passes.
pub async fn eventually<T, F, Fut>(timeout: Duration, mut check: F) -> Option<T>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    let deadline = Instant::now() + timeout;
    loop {
        if let Some(value) = check().await {
            return Some(value);
        }
        if Instant::now() >= deadline {
            return None;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// A self-signed certificate and key for `localhost` / 127.0.0.1 in `dir`
/// (PEM files `cert.pem`, `key.pem`), made with the `openssl` command.
pub fn self_signed_cert(dir: &Path) -> (PathBuf, PathBuf) {
    let cert = dir.join("cert.pem");
    let key = dir.join("key.pem");
    let status = Command::new(require_binary("openssl"))
        .args([
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
        ])
        .args(["-nodes", "-days", "2", "-subj", "/CN=localhost"])
        .args(["-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"])
        .args(["-addext", "basicConstraints=critical,CA:FALSE"])
        .args(["-addext", "extendedKeyUsage=serverAuth"])
        .arg("-keyout")
        .arg(&key)
        .arg("-out")
        .arg(&cert)
        .stderr(std::process::Stdio::null())
        .status()
        .expect("run openssl");
    assert!(status.success(), "openssl could not make a certificate");
    (cert, key)
}

/// Normalises line ends to CRLF and dot-stuffs, for SMTP/LMTP DATA.
pub fn dot_stuff(raw: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(raw.len() + 64);
    if raw.is_empty() {
        return out;
    }
    let raw = raw.strip_suffix(b"\n").unwrap_or(raw);
    for line in raw.split(|&b| b == b'\n') {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if line.starts_with(b".") {
            out.push(b'.');
        }
        out.extend_from_slice(line);
        out.extend_from_slice(b"\r\n");
    }
    out
}
