//! The shape of the TOML configuration file, as serde reads it.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::Deserialize;

use crate::transport::accounts::{MailAccountConfig, Secret};

/// The whole file. Every section is optional; see `mailbot.example.toml`.
#[derive(Debug, Default, Deserialize)]
pub struct FileConfig {
    #[serde(default)]
    pub server: ServerSection,
    pub smtp_in: Option<SmtpInSection>,
    pub relay: Option<RelaySection>,
    #[serde(default)]
    pub defaults: DefaultsSection,
    #[serde(default)]
    pub plugins: PluginsSection,
    #[serde(default)]
    pub bots: Vec<BotSection>,
    #[serde(default)]
    pub inboxes: Vec<InboxSection>,
    #[serde(default)]
    pub channels: Vec<ChannelSection>,
}

#[derive(Debug, Default, Deserialize)]
pub struct ServerSection {
    /// Where the database, raw mail and caches live.
    pub data_dir: Option<PathBuf>,
    /// Pipeline workers (concurrent messages).
    pub workers: Option<usize>,
    /// Where outbound mail is written when no relay or account SMTP is set.
    pub outbox_dir: Option<PathBuf>,
}

#[derive(Debug, Deserialize)]
pub struct SmtpInSection {
    /// Address to listen on, e.g. `0.0.0.0:25`.
    pub listen: String,
    /// The inbound domain of generated addresses (`<slug>@<domain>`).
    pub domain: String,
    /// Largest message accepted, in bytes.
    pub max_message_bytes: Option<usize>,
    /// PEM certificate and key for STARTTLS.
    pub tls_cert: Option<PathBuf>,
    pub tls_key: Option<PathBuf>,
}

#[derive(Debug, Deserialize)]
pub struct RelaySection {
    pub host: String,
    pub port: Option<u16>,
    /// `tls` | `starttls` | `plain`.
    pub security: Option<String>,
    pub username: Option<String>,
    pub password: Option<Secret>,
}

/// Mail defaults; the Flametree channel's environment variables override them.
#[derive(Debug, Default, Deserialize)]
pub struct DefaultsSection {
    pub check_interval: Option<u64>,
    pub imap_mailbox: Option<String>,
    pub email_name: Option<String>,
    pub message_content_type: Option<String>,
    pub smtp_signature: Option<String>,
    pub email_max_attachment_bytes: Option<u64>,
    pub session_duration: Option<u64>,
}

#[derive(Debug, Default, Deserialize)]
pub struct PluginsSection {
    /// Folder of extra plugins (`*.wasm`), watched for changes.
    pub dir: Option<PathBuf>,
    /// Wall-clock budget of one hook call, in milliseconds.
    pub deadline_ms: Option<u64>,
    /// Memory cap of one plugin instance, in MiB.
    pub max_memory_mib: Option<usize>,
}

#[derive(Debug, Deserialize)]
pub struct BotSection {
    pub name: String,
    #[serde(default)]
    pub backstory: String,
}

#[derive(Debug, Deserialize)]
pub struct InboxSection {
    pub name: String,
    /// The inbox's address (mailbox inboxes).
    pub address: Option<String>,
    /// The generated address's local part (generated inboxes).
    pub slug: Option<String>,
    pub bot: Option<String>,
    /// Seconds a session stays open after its last message.
    pub session_duration: Option<u64>,
    /// What to do when a plugin fails: `human` (default) or `skip`.
    pub fallback: Option<String>,
    /// Where escalations are forwarded (a support system or team inbox).
    pub escalation_address: Option<String>,
    pub email_name: Option<String>,
    pub message_content_type: Option<String>,
    pub smtp_signature: Option<String>,
    pub reply_caps: Option<CapsSection>,
    /// Policy plugins in order; the shipped defaults when absent.
    pub plugins: Option<Vec<PluginBindingSection>>,
}

#[derive(Debug, Deserialize)]
pub struct CapsSection {
    pub per_sender: Option<u32>,
    pub per_conversation: Option<u32>,
    pub window_secs: Option<u64>,
}

#[derive(Debug, Deserialize)]
pub struct PluginBindingSection {
    pub name: String,
    #[serde(default)]
    pub grants: Vec<String>,
    #[serde(default)]
    pub config: BTreeMap<String, toml::Value>,
}

/// An IMAP/SMTP connection: a name, the bot its inboxes use, and the
/// Flametree-style account fields (comma-separated for several mailboxes).
#[derive(Debug, Deserialize)]
pub struct ChannelSection {
    pub name: String,
    pub bot: Option<String>,
    #[serde(flatten)]
    pub account: MailAccountConfig,
}
