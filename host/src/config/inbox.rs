//! Per-inbox settings: what the pipeline needs to answer an inbox's mail.
//! Stored as JSON on the inbox record, so inboxes created through the API
//! carry the same settings as those declared in the file.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::env::MailDefaults;
use super::file::{FileConfig, InboxSection, PluginBindingSection};
use super::{ChannelSettings, SmtpInSettings};
use crate::plugins::Grants;

/// Body type of outbound replies (`MESSAGE_CONTENT_TYPE`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum ContentType {
    /// `text/plain`.
    #[default]
    #[serde(rename = "text/plain")]
    Plain,
    /// `text/html` with a plain alternative.
    #[serde(rename = "text/html")]
    Html,
}

/// What happens when a plugin fails on a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Fallback {
    /// No automatic reply; the conversation is marked for a human.
    #[default]
    Human,
    /// No automatic reply; nothing else happens (the error is recorded).
    Skip,
}

/// Automatic replies allowed per sender and per conversation in a window.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReplyCapsSettings {
    /// Replies to one sender per window.
    pub per_sender: u32,
    /// Replies in one conversation per window.
    pub per_conversation: u32,
    /// The window, in seconds.
    pub window_secs: u64,
}

impl Default for ReplyCapsSettings {
    fn default() -> Self {
        ReplyCapsSettings {
            per_sender: 10,
            per_conversation: 20,
            window_secs: 3600,
        }
    }
}

/// One plugin in an inbox's chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PluginBindingSettings {
    /// Plugin name.
    pub name: String,
    /// Capability names granted.
    pub grants: Vec<String>,
    /// Settings served by the `config` import.
    pub config: BTreeMap<String, String>,
}

/// Everything the pipeline needs to know about an inbox.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InboxSettings {
    /// Human-readable name.
    pub name: String,
    /// The inbox's address (for generated inboxes `<slug>@<domain>`).
    pub address: String,
    /// Local part of a generated address; none for mailbox inboxes.
    pub slug: Option<String>,
    /// The bot that answers (by name).
    pub bot: Option<String>,
    /// The channel that reads this mailbox, for mailbox inboxes.
    pub channel: Option<String>,
    /// Seconds a session stays open after its last message.
    pub session_duration_secs: u64,
    /// What to do when a plugin fails.
    pub fallback: Fallback,
    /// Where escalations are forwarded; none keeps them in mailbot.
    pub escalation_address: Option<String>,
    /// Display name of replies (`EMAIL_NAME`).
    pub email_name: Option<String>,
    /// Body type of replies (`MESSAGE_CONTENT_TYPE`).
    pub content_type: ContentType,
    /// Inbound attachment limit in bytes; 0 = none.
    pub max_attachment_bytes: u64,
    /// Reply caps.
    pub caps: ReplyCapsSettings,
    /// Policy plugins in order.
    pub plugins: Vec<PluginBindingSettings>,
}

/// The grants the shipped default chain gets.
const DEFAULT_GRANTS: &[&str] = &["log", "config", "kv", "clock"];

/// The chain an inbox gets when its configuration names none: collect the
/// contact, decide on escalation, acknowledge with a template, sign. The
/// acknowledgement is told the inbox's name (its hook is not given the
/// inbox), so `{{ inbox_name }}` says what the signature says.
pub fn default_plugins(inbox_name: &str, signature: Option<&str>) -> Vec<PluginBindingSettings> {
    let binding = |name: &str, config: BTreeMap<String, String>| PluginBindingSettings {
        name: name.into(),
        grants: DEFAULT_GRANTS.iter().map(|g| g.to_string()).collect(),
        config,
    };
    let mut sig = BTreeMap::new();
    if let Some(template) = signature {
        sig.insert("text".to_owned(), template.to_owned());
    }
    vec![
        binding("contact-collector", BTreeMap::new()),
        binding("escalation-rules", BTreeMap::new()),
        binding(
            "template-reply",
            BTreeMap::from([("inbox-name".to_owned(), inbox_name.to_owned())]),
        ),
        binding("signature-template", sig),
    ]
}

fn plugin_bindings(
    inbox: &str,
    sections: &[PluginBindingSection],
    problems: &mut Vec<String>,
) -> Vec<PluginBindingSettings> {
    sections
        .iter()
        .map(|p| {
            if let Err(e) = Grants::parse(&p.grants) {
                problems.push(format!("inbox `{inbox}` plugin `{}`: {e}", p.name));
            }
            let config = p
                .config
                .iter()
                .map(|(k, v)| {
                    let text = match v {
                        toml::Value::String(s) => s.clone(),
                        other => other.to_string(),
                    };
                    (k.clone(), text)
                })
                .collect();
            PluginBindingSettings {
                name: p.name.clone(),
                grants: p.grants.clone(),
                config,
            }
        })
        .collect()
}

fn settings_for(
    section: Option<&InboxSection>,
    name: String,
    address: String,
    defaults: &MailDefaults,
    problems: &mut Vec<String>,
) -> InboxSettings {
    let content_type = section
        .and_then(|s| s.message_content_type.as_deref())
        .unwrap_or(&defaults.message_content_type);
    let content_type = match content_type {
        "text/html" => ContentType::Html,
        "text/plain" => ContentType::Plain,
        other => {
            problems.push(format!(
                "inbox `{name}`: message_content_type `{other}` must be text/plain or text/html"
            ));
            ContentType::Plain
        }
    };
    let fallback = match section
        .and_then(|s| s.fallback.as_deref())
        .unwrap_or("human")
    {
        "human" => Fallback::Human,
        "skip" => Fallback::Skip,
        other => {
            problems.push(format!(
                "inbox `{name}`: fallback `{other}` must be human or skip"
            ));
            Fallback::Human
        }
    };
    let signature = section
        .and_then(|s| s.smtp_signature.clone())
        .or_else(|| defaults.smtp_signature.clone());
    let plugins = match section.and_then(|s| s.plugins.as_ref()) {
        Some(list) => plugin_bindings(&name, list, problems),
        None => default_plugins(&name, signature.as_deref()),
    };
    let caps = section.and_then(|s| s.reply_caps.as_ref());
    let base = ReplyCapsSettings::default();
    InboxSettings {
        slug: None,
        bot: section.and_then(|s| s.bot.clone()),
        channel: None,
        session_duration_secs: section
            .and_then(|s| s.session_duration)
            .unwrap_or(defaults.session_duration),
        fallback,
        escalation_address: section.and_then(|s| s.escalation_address.clone()),
        email_name: section
            .and_then(|s| s.email_name.clone())
            .or_else(|| defaults.email_name.clone()),
        content_type,
        max_attachment_bytes: defaults.max_attachment_bytes,
        caps: ReplyCapsSettings {
            per_sender: caps.and_then(|c| c.per_sender).unwrap_or(base.per_sender),
            per_conversation: caps
                .and_then(|c| c.per_conversation)
                .unwrap_or(base.per_conversation),
            window_secs: caps.and_then(|c| c.window_secs).unwrap_or(base.window_secs),
        },
        plugins,
        name,
        address,
    }
}

/// Resolves the declared inboxes and the implicit ones of channel accounts.
pub(super) fn resolve_inboxes(
    file: &FileConfig,
    defaults: &MailDefaults,
    smtp_in: Option<&SmtpInSettings>,
    channels: &[ChannelSettings],
    bots: &[&str],
    problems: &mut Vec<String>,
) -> Vec<InboxSettings> {
    let mut inboxes: Vec<InboxSettings> = Vec::new();
    for section in &file.inboxes {
        if let Some(bot) = &section.bot
            && !bots.contains(&bot.as_str())
        {
            problems.push(format!(
                "inbox `{}` names unknown bot `{bot}`",
                section.name
            ));
        }
        let address = match (&section.address, &section.slug) {
            (Some(address), None) => address.trim().to_lowercase(),
            (None, Some(slug)) => match smtp_in {
                Some(smtp_in) => format!("{}@{}", slug.trim().to_lowercase(), smtp_in.domain),
                None => {
                    problems.push(format!(
                        "inbox `{}` has a generated address (slug) but there is no [smtp_in] section",
                        section.name
                    ));
                    continue;
                }
            },
            _ => {
                problems.push(format!(
                    "inbox `{}` needs exactly one of `address` (a mailbox) or `slug` (a generated address)",
                    section.name
                ));
                continue;
            }
        };
        let mut settings = settings_for(
            Some(section),
            section.name.clone(),
            address,
            defaults,
            problems,
        );
        settings.slug = section.slug.as_ref().map(|s| s.trim().to_lowercase());
        inboxes.push(settings);
    }
    for channel in channels {
        for account in &channel.accounts {
            let address = account.address.trim().to_lowercase();
            match inboxes.iter_mut().find(|i| i.address == address) {
                Some(inbox) => {
                    inbox.channel = Some(channel.name.clone());
                    if inbox.bot.is_none() {
                        inbox.bot.clone_from(&channel.bot);
                    }
                }
                None => {
                    let mut settings =
                        settings_for(None, address.clone(), address, defaults, problems);
                    settings.channel = Some(channel.name.clone());
                    settings.bot.clone_from(&channel.bot);
                    inboxes.push(settings);
                }
            }
        }
    }
    let mut seen = std::collections::BTreeSet::new();
    for inbox in &inboxes {
        if !seen.insert(inbox.address.clone()) {
            problems.push(format!(
                "address `{}` belongs to two inboxes",
                inbox.address
            ));
        }
    }
    inboxes
}
