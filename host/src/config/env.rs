//! The Flametree channel's environment variables, which override the
//! `[defaults]` section of the file.

use super::file::DefaultsSection;

/// The environment variables mailbot reads, captured once.
#[derive(Debug, Clone, Default)]
pub struct EnvOverrides {
    vars: Vec<(String, String)>,
}

/// Mail defaults after the environment has had its say.
#[derive(Debug, Clone)]
pub struct MailDefaults {
    /// `CHECK_INTERVAL`: seconds between mailbox checks.
    pub check_interval: u64,
    /// `IMAP_MAILBOX`: the folder watched.
    pub imap_mailbox: String,
    /// `EMAIL_NAME`: display name of replies.
    pub email_name: Option<String>,
    /// `MESSAGE_CONTENT_TYPE`: `text/plain` or `text/html`.
    pub message_content_type: String,
    /// `SMTP_SIGNATURE`: signature template.
    pub smtp_signature: Option<String>,
    /// `EMAIL_MAX_ATTACHMENT_BYTES`: inbound attachment limit (0 = none).
    pub max_attachment_bytes: u64,
    /// Seconds a session stays open after its last message.
    pub session_duration: u64,
}

const NAMES: &[&str] = &[
    "CHECK_INTERVAL",
    "IMAP_MAILBOX",
    "EMAIL_NAME",
    "MESSAGE_CONTENT_TYPE",
    "SMTP_SIGNATURE",
    "EMAIL_MAX_ATTACHMENT_BYTES",
];

impl EnvOverrides {
    /// Captures the variables from the process environment.
    pub fn from_process() -> Self {
        EnvOverrides {
            vars: NAMES
                .iter()
                .filter_map(|name| std::env::var(name).ok().map(|v| (name.to_string(), v)))
                .collect(),
        }
    }

    /// Overrides given explicitly (tests).
    pub fn from_pairs(pairs: &[(&str, &str)]) -> Self {
        EnvOverrides {
            vars: pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        }
    }

    fn get(&self, name: &str) -> Option<&str> {
        self.vars
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    fn number(&self, name: &str, problems: &mut Vec<String>) -> Option<u64> {
        let value = self.get(name)?;
        match value.trim().parse() {
            Ok(n) => Some(n),
            Err(_) => {
                problems.push(format!(
                    "environment {name}=`{value}` is not a whole number"
                ));
                None
            }
        }
    }

    /// The defaults section with the environment applied.
    pub fn apply(&self, file: &DefaultsSection, problems: &mut Vec<String>) -> MailDefaults {
        let check_interval = self
            .number("CHECK_INTERVAL", problems)
            .or(file.check_interval)
            .unwrap_or(15);
        if check_interval == 0 {
            problems.push("CHECK_INTERVAL must be at least 1 second".into());
        }
        let content_type = self
            .get("MESSAGE_CONTENT_TYPE")
            .map(str::to_owned)
            .or_else(|| file.message_content_type.clone())
            .unwrap_or_else(|| "text/plain".into());
        if !matches!(content_type.as_str(), "text/plain" | "text/html") {
            problems.push(format!(
                "MESSAGE_CONTENT_TYPE `{content_type}` must be text/plain or text/html"
            ));
        }
        MailDefaults {
            check_interval,
            imap_mailbox: self
                .get("IMAP_MAILBOX")
                .map(str::to_owned)
                .or_else(|| file.imap_mailbox.clone())
                .unwrap_or_else(|| "INBOX".into()),
            email_name: self
                .get("EMAIL_NAME")
                .map(str::to_owned)
                .or_else(|| file.email_name.clone()),
            message_content_type: content_type,
            smtp_signature: self
                .get("SMTP_SIGNATURE")
                .map(str::to_owned)
                .or_else(|| file.smtp_signature.clone()),
            max_attachment_bytes: self
                .number("EMAIL_MAX_ATTACHMENT_BYTES", problems)
                .or(file.email_max_attachment_bytes)
                .unwrap_or(10 << 20),
            session_duration: file.session_duration.unwrap_or(3600),
        }
    }
}
