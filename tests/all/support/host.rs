//! [`Host`]: mailbot itself, started in-process from a configuration file
//! written to a temp dir, exactly as `mailbot serve --config FILE` starts
//! it, and stopped or restarted on the same data directory.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use mailbot::config::{Config, EnvOverrides};
use mailbot::server::RunningServer;
use mailbot::store::{Inbox, MessageState, Order, PageRequest, Store, StoredMessage};
use mailbot::transport::Security;
use mailbot::transport::smtp_out::{RelayConfig, SmtpSender};
use tempfile::TempDir;

/// A running (or stopped) mailbot with its own data directory.
pub struct Host {
    dir: TempDir,
    config_path: PathBuf,
    server: Option<RunningServer>,
    store: Arc<dyn Store>,
}

/// `[server]` for a data directory in `dir`, followed by `body`. Four
/// pipeline workers, or `MAILBOT_TEST_WORKERS` (the benches compare counts).
pub fn config_text(dir: &Path, body: &str) -> String {
    let data = dir.join("data");
    let workers = std::env::var("MAILBOT_TEST_WORKERS")
        .ok()
        .and_then(|w| w.parse::<usize>().ok())
        .unwrap_or(4);
    format!(
        "[server]\ndata_dir = \"{}\"\nworkers = {workers}\n\n{body}",
        data.display()
    )
}

/// The head of a configuration for generated addresses: the host takes
/// mail for `<slug>@in.example` over SMTP on `listen` and relays replies
/// to the SMTP server on `relay_port`, with one bot, `support`. The caller
/// appends its `[[inboxes]]`.
pub fn generated_addresses_config(listen: &str, relay_port: u16) -> String {
    format!(
        r#"
[smtp_in]
listen = "{listen}"
domain = "in.example"

[relay]
host = "127.0.0.1"
port = {relay_port}
security = "plain"

[[bots]]
name = "support"
"#
    )
}

/// A channel reading the Dovecot mailbox of `address` (password
/// `bot-secret`) over plain IMAP (IDLE when offered, polling every second
/// the fallback) and replying through the SMTP server on `smtp_port`, with
/// one bot, `support`, and the shipped default plugin chain.
pub fn mailbox_channel_config(address: &str, imap_port: u16, smtp_port: u16) -> String {
    format!(
        r#"
[[bots]]
name = "support"

[[channels]]
name = "acme"
bot = "support"
address = "{address}"
password = "bot-secret"
imap_server = "127.0.0.1"
imap_port = "{imap_port}"
imap_security = "plain"
smtp_server = "127.0.0.1"
smtp_port = "{smtp_port}"
smtp_security = "plain"
check_interval = 1
"#
    )
}

impl Host {
    /// Writes the configuration (`[server]` is added) and starts mailbot.
    pub async fn start(body: &str) -> Host {
        let dir = tempfile::tempdir().expect("tempdir");
        let config_path = dir.path().join("mailbot.toml");
        std::fs::write(&config_path, config_text(dir.path(), body)).expect("write config");
        let server = launch(&config_path).await;
        let store = server.store.clone();
        Host {
            dir,
            config_path,
            server: Some(server),
            store,
        }
    }

    /// The temp dir holding the configuration and the data directory.
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// The store of the running (or last running) server.
    pub fn store(&self) -> Arc<dyn Store> {
        self.store.clone()
    }

    /// The port SMTP in listens on.
    pub fn smtp_in_port(&self) -> u16 {
        self.server
            .as_ref()
            .and_then(|s| s.smtp_in_addr)
            .expect("the configuration has [smtp_in] and the host runs")
            .port()
    }

    /// An SMTP client of the host's own listener, as a sending MTA is.
    pub fn smtp_in_client(&self) -> SmtpSender {
        let relay = RelayConfig::new("127.0.0.1", self.smtp_in_port(), Security::Plain);
        SmtpSender::new(relay).expect("smtp client")
    }

    /// Stops gracefully, as on SIGTERM.
    pub async fn stop(&mut self) {
        if let Some(server) = self.server.take() {
            server.stop().await;
        }
    }

    /// Starts again on the same configuration and data.
    pub async fn start_again(&mut self) {
        assert!(self.server.is_none(), "stop the host first");
        let server = launch(&self.config_path).await;
        self.store = server.store.clone();
        self.server = Some(server);
    }

    /// The inbox with `address`.
    pub async fn inbox(&self, address: &str) -> Inbox {
        self.store
            .inbox_by_address(address)
            .await
            .expect("store")
            .unwrap_or_else(|| panic!("no inbox {address}"))
    }

    /// Every stored message of the inbox, oldest first.
    pub async fn messages(&self, address: &str) -> Vec<StoredMessage> {
        let inbox = self.inbox(address).await;
        let page = PageRequest::first(1000, Order::Asc);
        self.store
            .list_messages(&inbox.id, page)
            .await
            .expect("store")
            .items
    }

    /// Waits until the inbox holds `n` messages that all reached a final
    /// state, and returns them.
    pub async fn wait_settled(&self, address: &str, n: usize) -> Vec<StoredMessage> {
        let deadline = std::time::Instant::now() + super::WAIT;
        loop {
            let messages = self.messages(address).await;
            if messages.len() >= n && messages.iter().all(|m| m.state.is_terminal()) {
                return messages;
            }
            if std::time::Instant::now() > deadline {
                let states: Vec<(MessageState, Option<String>)> =
                    messages.into_iter().map(|m| (m.state, m.reason)).collect();
                panic!("{address}: wanted {n} settled messages, have {states:?}");
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
    }
}

async fn launch(config_path: &Path) -> RunningServer {
    let config = Config::load(Some(config_path), &EnvOverrides::from_pairs(&[]))
        .unwrap_or_else(|e| panic!("{e}"));
    mailbot::server::start(config)
        .await
        .unwrap_or_else(|e| panic!("mailbot did not start: {e:#}"))
}
