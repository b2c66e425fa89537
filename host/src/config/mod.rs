//! Typed configuration: the TOML file (server settings plus the bots,
//! inboxes and channels upserted at start) with the Flametree channel's
//! environment variables as overrides. Unknown keys and every other problem
//! are collected and reported together; secrets are never printed.

mod env;
mod file;
mod inbox;

use std::path::{Path, PathBuf};
use std::time::Duration;

pub use env::EnvOverrides;
pub use inbox::{ContentType, Fallback, InboxSettings, PluginBindingSettings, ReplyCapsSettings};

use crate::plugins::EngineLimits;
use crate::transport::accounts::{MailAccount, MailAccountConfig, Secret, Security};
use file::FileConfig;

/// Everything `mailbot serve` needs, validated.
#[derive(Debug)]
pub struct Config {
    /// Database, raw mail, compile cache.
    pub data_dir: PathBuf,
    /// Concurrent pipeline workers.
    pub workers: usize,
    /// Where outbound mail goes when no SMTP server is configured for it.
    pub outbox_dir: PathBuf,
    /// The SMTP listener for generated addresses, if any.
    pub smtp_in: Option<SmtpInSettings>,
    /// Outbound relay for inboxes without an account SMTP server.
    pub relay: Option<RelaySettings>,
    /// Extra plugins folder, watched for changes.
    pub plugins_dir: Option<PathBuf>,
    /// Sandbox limits of plugin calls.
    pub plugin_limits: EngineLimits,
    /// Bots: (name, backstory).
    pub bots: Vec<(String, String)>,
    /// Inboxes, mailbox and generated.
    pub inboxes: Vec<InboxSettings>,
    /// IMAP/SMTP connections.
    pub channels: Vec<ChannelSettings>,
}

/// The SMTP listener for generated addresses.
#[derive(Debug, Clone)]
pub struct SmtpInSettings {
    /// Where to listen.
    pub listen: String,
    /// Domain of generated addresses.
    pub domain: String,
    /// Largest message accepted.
    pub max_message_bytes: usize,
    /// STARTTLS certificate and key (PEM), when both are set.
    pub tls: Option<(PathBuf, PathBuf)>,
}

/// An outbound SMTP relay.
#[derive(Debug, Clone)]
pub struct RelaySettings {
    /// Host name.
    pub host: String,
    /// Port.
    pub port: u16,
    /// Transport security.
    pub security: Security,
    /// Credentials, if the relay wants them.
    pub credentials: Option<(String, Secret)>,
}

/// One IMAP/SMTP connection and the mailboxes it serves.
#[derive(Debug, Clone)]
pub struct ChannelSettings {
    /// Unique name.
    pub name: String,
    /// The bot its inboxes use unless an `[[inboxes]]` entry says otherwise.
    pub bot: Option<String>,
    /// One account per mailbox address.
    pub accounts: Vec<MailAccount>,
    /// The fields as written (secrets stay wrapped), stored on the channel.
    pub raw: MailAccountConfig,
}

/// Every problem found in a configuration, reported together.
#[derive(Debug, thiserror::Error)]
#[error("{} problem(s) in {}:\n  - {}", .problems.len(), .file.display(), .problems.join("\n  - "))]
pub struct ConfigError {
    /// The file.
    pub file: PathBuf,
    /// One sentence per problem.
    pub problems: Vec<String>,
}

const DEFAULT_MAX_MESSAGE: usize = 25 << 20;

impl Config {
    /// Reads and validates `path` with `env` overrides. `None` reads no file:
    /// the built-in defaults (a generated inbox on 127.0.0.1:2525).
    pub fn load(path: Option<&Path>, env: &EnvOverrides) -> Result<Config, ConfigError> {
        let file_name = path
            .map(Path::to_owned)
            .unwrap_or_else(|| PathBuf::from("<defaults>"));
        let fail = |problems: Vec<String>| ConfigError {
            file: file_name.clone(),
            problems,
        };
        let text = match path {
            Some(path) => std::fs::read_to_string(path)
                .map_err(|e| fail(vec![format!("cannot read the file: {e}")]))?,
            None => DEFAULT_CONFIG.to_owned(),
        };
        let mut problems = Vec::new();
        let parsed = parse(&text, &mut problems).map_err(|e| fail(vec![e]))?;
        let config = resolve(parsed, env, &mut problems);
        if problems.is_empty() {
            Ok(config)
        } else {
            Err(fail(problems))
        }
    }
}

/// The configuration `mailbot serve` runs with when given no file.
pub const DEFAULT_CONFIG: &str = include_str!("../../mailbot.example.toml");

fn parse(text: &str, problems: &mut Vec<String>) -> Result<FileConfig, String> {
    let value: toml::Table = toml::from_str(text).map_err(|e| format!("not valid TOML: {e}"))?;
    check_channel_keys(&value, problems);
    let mut unknown = Vec::new();
    let parsed: FileConfig = serde_ignored::deserialize(toml::Value::Table(value), |path| {
        unknown.push(path.to_string())
    })
    .map_err(|e| format!("{e}"))?;
    problems.extend(
        unknown
            .into_iter()
            .map(|key| format!("unknown key `{key}`")),
    );
    Ok(parsed)
}

/// Channels flatten the account fields, which serde cannot police, so
/// their keys are checked by name.
fn check_channel_keys(value: &toml::Table, problems: &mut Vec<String>) {
    const KNOWN: &[&str] = &[
        "name",
        "bot",
        "address",
        "password",
        "imap_server",
        "imap_port",
        "imap_security",
        "smtp_server",
        "smtp_port",
        "smtp_security",
        "imap_mailbox",
        "check_interval",
        "oauth_client_id",
        "oauth_client_secret",
        "oauth_refresh_token",
        "oauth_token_uri",
        "tls_ca_file",
    ];
    let Some(toml::Value::Array(channels)) = value.get("channels") else {
        return;
    };
    for (i, channel) in channels.iter().enumerate() {
        if let toml::Value::Table(table) = channel {
            for key in table.keys().filter(|k| !KNOWN.contains(&k.as_str())) {
                problems.push(format!("unknown key `channels.{i}.{key}`"));
            }
        }
    }
}

fn resolve(file: FileConfig, env: &EnvOverrides, problems: &mut Vec<String>) -> Config {
    let data_dir = file
        .server
        .data_dir
        .clone()
        .unwrap_or_else(|| PathBuf::from("mailbot-data"));
    let defaults = env.apply(&file.defaults, problems);
    let smtp_in = file.smtp_in.as_ref().map(|s| SmtpInSettings {
        listen: s.listen.clone(),
        domain: s.domain.trim().to_lowercase(),
        max_message_bytes: s.max_message_bytes.unwrap_or(DEFAULT_MAX_MESSAGE),
        tls: match (&s.tls_cert, &s.tls_key) {
            (Some(cert), Some(key)) => Some((cert.clone(), key.clone())),
            (None, None) => None,
            _ => {
                problems.push("smtp_in: tls_cert and tls_key go together".into());
                None
            }
        },
    });
    if let Some(s) = &smtp_in {
        if s.listen.parse::<std::net::SocketAddr>().is_err() {
            problems.push(format!(
                "smtp_in.listen `{}` is not an address like 127.0.0.1:2525",
                s.listen
            ));
        }
        if s.domain.is_empty() || s.domain.contains('@') {
            problems.push(format!("smtp_in.domain `{}` is not a domain", s.domain));
        }
    }
    let relay = file.relay.as_ref().and_then(|r| {
        let security = match r.security.as_deref().unwrap_or("starttls") {
            "tls" => Security::Tls,
            "starttls" => Security::StartTls,
            "plain" => Security::Plain,
            other => {
                problems.push(format!(
                    "relay.security `{other}` must be tls, starttls or plain"
                ));
                return None;
            }
        };
        let port = r.port.unwrap_or_else(|| security.default_smtp_port());
        let credentials = match (&r.username, &r.password) {
            (Some(u), Some(p)) => Some((u.clone(), p.clone())),
            (None, None) => None,
            _ => {
                problems.push("relay: username and password go together".into());
                None
            }
        };
        Some(RelaySettings {
            host: r.host.clone(),
            port,
            security,
            credentials,
        })
    });

    let bots: Vec<(String, String)> = file
        .bots
        .iter()
        .map(|b| (b.name.clone(), b.backstory.clone()))
        .collect();
    let bot_names: Vec<&str> = bots.iter().map(|(n, _)| n.as_str()).collect();
    check_unique("bot", bot_names.iter().copied(), problems);

    let mut channels = Vec::new();
    for channel in &file.channels {
        if let Some(bot) = &channel.bot
            && !bot_names.contains(&bot.as_str())
        {
            problems.push(format!(
                "channel `{}` names unknown bot `{bot}`",
                channel.name
            ));
        }
        let mut account = channel.account.clone();
        account.imap_mailbox = account
            .imap_mailbox
            .or_else(|| Some(defaults.imap_mailbox.clone()));
        account.check_interval = account.check_interval.or(Some(defaults.check_interval));
        match crate::transport::accounts::expand(&account) {
            Ok(accounts) => channels.push(ChannelSettings {
                name: channel.name.clone(),
                bot: channel.bot.clone(),
                accounts,
                raw: account,
            }),
            Err(e) => problems.push(format!("channel `{}`: {e}", channel.name)),
        }
    }
    check_unique(
        "channel",
        channels.iter().map(|c| c.name.as_str()),
        problems,
    );

    let inboxes = inbox::resolve_inboxes(
        &file,
        &defaults,
        smtp_in.as_ref(),
        &channels,
        &bot_names,
        problems,
    );

    let limits = EngineLimits {
        deadline: Duration::from_millis(file.plugins.deadline_ms.unwrap_or(5_000)),
        max_memory: file.plugins.max_memory_mib.unwrap_or(64) << 20,
        ..EngineLimits::default()
    };
    Config {
        outbox_dir: file
            .server
            .outbox_dir
            .clone()
            .unwrap_or_else(|| data_dir.join("outbox")),
        workers: file.server.workers.unwrap_or(8).max(1),
        data_dir,
        smtp_in,
        relay,
        plugins_dir: file.plugins.dir.clone(),
        plugin_limits: limits,
        bots,
        inboxes,
        channels,
    }
}

fn check_unique<'a>(what: &str, names: impl Iterator<Item = &'a str>, problems: &mut Vec<String>) {
    let mut seen = std::collections::BTreeSet::new();
    for name in names {
        if !seen.insert(name.to_lowercase()) {
            problems.push(format!("{what} `{name}` is declared twice"));
        }
    }
}

#[cfg(test)]
mod tests;
