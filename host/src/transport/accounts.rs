//! Mail account settings as users write them, and their expansion into one
//! [`MailAccount`] per address.
//!
//! A channel may serve several mailboxes with one block of settings: every
//! string field may hold comma-separated values, one per address, and a field
//! with fewer values than there are addresses repeats its last value. So
//! `address = "a@x.com, b@x.com"` with `imap_server = "imap.x.com"` gives two
//! accounts on the same server. Secrets (`password`, OAuth client secret and
//! refresh token) are only split when several addresses are given, so a single
//! account's password may contain commas.

use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use serde::{Deserialize, Deserializer};

use super::oauth::{OAuthConfig, TokenSource};

/// Google's OAuth 2.0 token endpoint, the default `oauth_token_uri`.
pub const GOOGLE_TOKEN_URI: &str = "https://oauth2.googleapis.com/token";

/// Default seconds between mailbox checks (`CHECK_INTERVAL`).
pub const DEFAULT_CHECK_INTERVAL: u64 = 15;

/// A string that must never be printed: `Debug` and `Display` show `***`.
#[derive(Clone, PartialEq, Eq, Default, Deserialize)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret value.
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The secret itself, for the one place that must send it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

/// How a connection is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Security {
    /// Implicit TLS from the first byte (IMAP 993, SMTP 465).
    Tls,
    /// Plain connection upgraded with STARTTLS (IMAP 143, SMTP 587).
    StartTls,
    /// No encryption; for servers on the same machine or in tests.
    Plain,
}

impl Security {
    fn parse(value: &str) -> Option<Self> {
        match value.to_ascii_lowercase().as_str() {
            "tls" | "ssl" => Some(Self::Tls),
            "starttls" => Some(Self::StartTls),
            "plain" | "none" => Some(Self::Plain),
            _ => None,
        }
    }

    /// The usual IMAP port for this security mode.
    pub fn default_imap_port(self) -> u16 {
        match self {
            Self::Tls => 993,
            Self::StartTls | Self::Plain => 143,
        }
    }

    /// The usual SMTP submission port for this security mode.
    pub fn default_smtp_port(self) -> u16 {
        match self {
            Self::Tls => 465,
            Self::StartTls => 587,
            Self::Plain => 25,
        }
    }
}

/// Where a server is and how to reach it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    /// Host name (also the name the TLS certificate must carry).
    pub host: String,
    /// TCP port.
    pub port: u16,
    /// TLS mode.
    pub security: Security,
}

impl fmt::Display for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.host, self.port)
    }
}

/// How an account signs in.
#[derive(Debug, Clone)]
pub enum AccountAuth {
    /// IMAP LOGIN / SMTP AUTH PLAIN with the account's password.
    Password(Secret),
    /// SASL XOAUTH2 with access tokens from a refresh token. Shared (`Arc`)
    /// so IMAP and SMTP of one account use one token cache.
    OAuth2(Arc<TokenSource>),
}

/// One mailbox, fully resolved: what the IMAP watcher and SMTP sender need.
#[derive(Debug, Clone)]
pub struct MailAccount {
    /// The mailbox address; also the login name.
    pub address: String,
    /// Credentials.
    pub auth: AccountAuth,
    /// IMAP server.
    pub imap: Endpoint,
    /// SMTP submission server; `None` when the account has no `smtp_server`.
    pub smtp: Option<Endpoint>,
    /// Mailbox watched for new mail (`IMAP_MAILBOX`).
    pub mailbox: String,
    /// Poll period, and the IDLE safety-net period (`CHECK_INTERVAL`).
    pub check_interval: Duration,
    /// Extra PEM root certificate(s) to trust, for self-hosted servers.
    pub tls_ca_file: Option<PathBuf>,
}

/// Account settings as written in the config file (or the environment).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MailAccountConfig {
    /// Comma-separated mailbox addresses.
    pub address: String,
    /// Comma-separated passwords (absent with OAuth).
    #[serde(default)]
    pub password: Option<Secret>,
    /// Comma-separated IMAP hosts.
    pub imap_server: String,
    /// Comma-separated IMAP ports (number or string); default from security.
    #[serde(default, deserialize_with = "string_or_number")]
    pub imap_port: Option<String>,
    /// Comma-separated `tls` | `starttls` | `plain`; default `tls`.
    #[serde(default)]
    pub imap_security: Option<String>,
    /// Comma-separated SMTP hosts; absent means no SMTP for these accounts.
    #[serde(default)]
    pub smtp_server: Option<String>,
    /// Comma-separated SMTP ports; default from security.
    #[serde(default, deserialize_with = "string_or_number")]
    pub smtp_port: Option<String>,
    /// Comma-separated `tls` | `starttls` | `plain`; default `starttls`.
    #[serde(default)]
    pub smtp_security: Option<String>,
    /// Mailbox to watch; default `INBOX`.
    #[serde(default)]
    pub imap_mailbox: Option<String>,
    /// Seconds between checks; default 15.
    #[serde(default)]
    pub check_interval: Option<u64>,
    /// Comma-separated OAuth client ids.
    #[serde(default)]
    pub oauth_client_id: Option<String>,
    /// Comma-separated OAuth client secrets.
    #[serde(default)]
    pub oauth_client_secret: Option<Secret>,
    /// Comma-separated OAuth refresh tokens.
    #[serde(default)]
    pub oauth_refresh_token: Option<Secret>,
    /// Comma-separated token endpoints; default Google's.
    #[serde(default)]
    pub oauth_token_uri: Option<String>,
    /// PEM file with extra root certificates to trust (self-signed servers).
    #[serde(default)]
    pub tls_ca_file: Option<PathBuf>,
}

/// Every problem found in one account block, reported together.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", .problems.join("; "))]
pub struct AccountError {
    /// One line per problem, each naming the field.
    pub problems: Vec<String>,
}

/// Accepts `993`, `"993"` or `"993, 143"`.
fn string_or_number<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Raw {
        Num(u64),
        Str(String),
    }
    Ok(Option::<Raw>::deserialize(d)?.map(|raw| match raw {
        Raw::Num(n) => n.to_string(),
        Raw::Str(s) => s,
    }))
}

/// Splits a comma-separated field into trimmed values (empty field: none).
fn split(value: &str) -> Vec<String> {
    if value.trim().is_empty() {
        return Vec::new();
    }
    value.split(',').map(|v| v.trim().to_owned()).collect()
}

/// The values of one field stretched to `n` accounts, or a problem.
fn stretch(field: &str, values: Vec<String>, n: usize, problems: &mut Vec<String>) -> Vec<String> {
    if values.len() > n {
        problems.push(format!(
            "{field}: {} values but {n} address(es)",
            values.len()
        ));
    }
    if values.iter().any(String::is_empty) {
        problems.push(format!("{field}: empty value in comma-separated list"));
    }
    let last = values.last().cloned();
    (0..n)
        .map(|i| {
            values
                .get(i)
                .cloned()
                .or_else(|| last.clone())
                .unwrap_or_default()
        })
        .collect()
}

/// An optional field stretched to `n` accounts (`None` when absent).
fn stretch_opt(
    field: &str,
    value: Option<&str>,
    n: usize,
    problems: &mut Vec<String>,
) -> Vec<Option<String>> {
    match value.map(split) {
        Some(values) if !values.is_empty() => stretch(field, values, n, problems)
            .into_iter()
            .map(Some)
            .collect(),
        _ => vec![None; n],
    }
}

/// A secret stretched to `n` accounts; split on commas only when `n > 1`.
fn stretch_secret(
    field: &str,
    value: Option<&Secret>,
    n: usize,
    problems: &mut Vec<String>,
) -> Vec<Option<Secret>> {
    match value {
        None => vec![None; n],
        Some(s) if n == 1 => vec![Some(s.clone())],
        Some(s) => stretch_opt(field, Some(s.expose()), n, problems)
            .into_iter()
            .map(|v| v.map(Secret))
            .collect(),
    }
}

fn parse_security(
    field: &str,
    value: Option<String>,
    default: Security,
) -> Result<Security, String> {
    match value {
        None => Ok(default),
        Some(v) => Security::parse(&v)
            .ok_or_else(|| format!("{field}: {v:?} is not one of tls, starttls, plain")),
    }
}

fn parse_port(field: &str, value: Option<String>, default: u16) -> Result<u16, String> {
    match value {
        None => Ok(default),
        Some(v) => match v.parse::<u16>() {
            Ok(p) if p > 0 => Ok(p),
            _ => Err(format!("{field}: {v:?} is not a port number")),
        },
    }
}

/// The value, or `fallback` after noting the problem.
fn noted<T>(r: Result<T, String>, fallback: T, address: &str, problems: &mut Vec<String>) -> T {
    r.unwrap_or_else(|e| {
        problems.push(format!("{address}: {e}"));
        fallback
    })
}

/// Expands one account block into one [`MailAccount`] per address, or
/// reports every problem found.
pub fn expand(cfg: &MailAccountConfig) -> Result<Vec<MailAccount>, AccountError> {
    let mut problems = Vec::new();
    let addresses = split(&cfg.address);
    if addresses.is_empty() {
        problems.push("address: missing".to_owned());
    }
    for a in &addresses {
        if !a.contains('@') {
            problems.push(format!("address: {a:?} is not an email address"));
        }
    }
    let n = addresses.len().max(1);
    let p = &mut problems;
    let imap_servers = stretch("imap_server", split(&cfg.imap_server), n, p);
    if cfg.imap_server.trim().is_empty() {
        p.push("imap_server: missing".to_owned());
    }
    let imap_ports = stretch_opt("imap_port", cfg.imap_port.as_deref(), n, p);
    let imap_sec = stretch_opt("imap_security", cfg.imap_security.as_deref(), n, p);
    let smtp_servers = stretch_opt("smtp_server", cfg.smtp_server.as_deref(), n, p);
    let smtp_ports = stretch_opt("smtp_port", cfg.smtp_port.as_deref(), n, p);
    let smtp_sec = stretch_opt("smtp_security", cfg.smtp_security.as_deref(), n, p);
    let passwords = stretch_secret("password", cfg.password.as_ref(), n, p);
    let client_ids = stretch_opt("oauth_client_id", cfg.oauth_client_id.as_deref(), n, p);
    let client_secrets = stretch_secret(
        "oauth_client_secret",
        cfg.oauth_client_secret.as_ref(),
        n,
        p,
    );
    let refresh = stretch_secret(
        "oauth_refresh_token",
        cfg.oauth_refresh_token.as_ref(),
        n,
        p,
    );
    let token_uris = stretch_opt("oauth_token_uri", cfg.oauth_token_uri.as_deref(), n, p);
    let mailbox = cfg
        .imap_mailbox
        .clone()
        .filter(|m| !m.trim().is_empty())
        .unwrap_or_else(|| "INBOX".to_owned());
    let check_interval = cfg.check_interval.unwrap_or(DEFAULT_CHECK_INTERVAL);
    if check_interval == 0 {
        problems.push("check_interval: must be at least 1 second".to_owned());
    }

    let mut accounts = Vec::with_capacity(addresses.len());
    for (i, address) in addresses.iter().enumerate() {
        let imap_security = noted(
            parse_security("imap_security", imap_sec[i].clone(), Security::Tls),
            Security::Tls,
            address,
            &mut problems,
        );
        let imap_port = noted(
            parse_port(
                "imap_port",
                imap_ports[i].clone(),
                imap_security.default_imap_port(),
            ),
            0,
            address,
            &mut problems,
        );
        let smtp = match &smtp_servers[i] {
            None => None,
            Some(host) => {
                let security = noted(
                    parse_security("smtp_security", smtp_sec[i].clone(), Security::StartTls),
                    Security::StartTls,
                    address,
                    &mut problems,
                );
                let port = noted(
                    parse_port(
                        "smtp_port",
                        smtp_ports[i].clone(),
                        security.default_smtp_port(),
                    ),
                    0,
                    address,
                    &mut problems,
                );
                Some(Endpoint {
                    host: host.clone(),
                    port,
                    security,
                })
            }
        };
        let auth = match (&passwords[i], &refresh[i]) {
            (_, Some(refresh_token)) => {
                let (Some(client_id), Some(client_secret)) = (&client_ids[i], &client_secrets[i])
                else {
                    problems.push(format!(
                        "{address}: oauth_refresh_token needs oauth_client_id and oauth_client_secret"
                    ));
                    continue;
                };
                AccountAuth::OAuth2(Arc::new(TokenSource::new(OAuthConfig {
                    client_id: client_id.clone(),
                    client_secret: client_secret.clone(),
                    refresh_token: refresh_token.clone(),
                    token_uri: token_uris[i]
                        .clone()
                        .unwrap_or_else(|| GOOGLE_TOKEN_URI.to_owned()),
                })))
            }
            (Some(password), None) => AccountAuth::Password(password.clone()),
            (None, None) => {
                problems.push(format!(
                    "{address}: needs a password or oauth_refresh_token"
                ));
                continue;
            }
        };
        accounts.push(MailAccount {
            address: address.clone(),
            auth,
            imap: Endpoint {
                host: imap_servers[i].clone(),
                port: imap_port,
                security: imap_security,
            },
            smtp,
            mailbox: mailbox.clone(),
            check_interval: Duration::from_secs(check_interval.max(1)),
            tls_ca_file: cfg.tls_ca_file.clone(),
        });
    }
    if problems.is_empty() {
        Ok(accounts)
    } else {
        Err(AccountError { problems })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg(address: &str, imap_server: &str) -> MailAccountConfig {
        MailAccountConfig {
            address: address.into(),
            imap_server: imap_server.into(),
            password: Some(Secret::new("pw")),
            ..Default::default()
        }
    }

    #[test]
    fn fields_with_fewer_values_repeat_their_last_one() {
        // (address, imap_server, imap_port) → [(address, server, port)]
        type Case<'a> = (
            &'a str,
            &'a str,
            Option<&'a str>,
            &'a [(&'a str, &'a str, u16)],
        );
        let table: &[Case<'_>] = &[
            (
                "a@x.com",
                "imap.x.com",
                None,
                &[("a@x.com", "imap.x.com", 993)],
            ),
            (
                "a@x.com, b@x.com",
                "imap.x.com",
                Some("993,1993"),
                &[
                    ("a@x.com", "imap.x.com", 993),
                    ("b@x.com", "imap.x.com", 1993),
                ],
            ),
            (
                "a@x.com,b@y.com,c@y.com",
                "imap.x.com, imap.y.com",
                Some("143"),
                &[
                    ("a@x.com", "imap.x.com", 143),
                    ("b@y.com", "imap.y.com", 143),
                    ("c@y.com", "imap.y.com", 143),
                ],
            ),
        ];
        for (address, server, port, expected) in table {
            let mut c = cfg(address, server);
            c.imap_port = port.map(str::to_owned);
            let got = expand(&c).unwrap();
            let got: Vec<_> = got
                .iter()
                .map(|a| (a.address.as_str(), a.imap.host.as_str(), a.imap.port))
                .collect();
            assert_eq!(&got, expected, "{address}");
        }
    }

    #[test]
    fn defaults_follow_the_security_mode() {
        let mut c = cfg("a@x.com", "imap.x.com");
        c.smtp_server = Some("smtp.x.com".into());
        let a = &expand(&c).unwrap()[0];
        assert_eq!(a.imap.security, Security::Tls);
        assert_eq!(a.mailbox, "INBOX");
        assert_eq!(a.check_interval, Duration::from_secs(15));
        let smtp = a.smtp.as_ref().unwrap();
        assert_eq!((smtp.port, smtp.security), (587, Security::StartTls));
        c.smtp_security = Some("tls".into());
        c.imap_security = Some("plain".into());
        let a = &expand(&c).unwrap()[0];
        assert_eq!(a.smtp.as_ref().unwrap().port, 465);
        assert_eq!(a.imap.port, 143);
    }

    #[test]
    fn a_single_password_may_contain_commas() {
        let mut c = cfg("a@x.com", "imap.x.com");
        c.password = Some(Secret::new("p,w"));
        let a = &expand(&c).unwrap()[0];
        assert!(matches!(&a.auth, AccountAuth::Password(p) if p.expose() == "p,w"));
        c.address = "a@x.com,b@x.com".into();
        let accounts = expand(&c).unwrap();
        assert!(matches!(&accounts[1].auth, AccountAuth::Password(p) if p.expose() == "w"));
    }

    #[test]
    fn all_problems_are_reported_together() {
        let mut c = cfg("a@x.com,nope", "");
        c.imap_security = Some("tls,bogus".into());
        c.imap_port = Some("1,2,3".into());
        let err = expand(&c).unwrap_err();
        let text = err.to_string();
        for needle in [
            "not an email address",
            "imap_server: missing",
            "imap_port: 3 values",
            "bogus",
        ] {
            assert!(text.contains(needle), "{needle} missing from {text}");
        }
    }

    #[test]
    fn oauth_needs_client_credentials() {
        let mut c = cfg("a@x.com", "imap.x.com");
        c.password = None;
        c.oauth_refresh_token = Some(Secret::new("rt"));
        assert!(
            expand(&c)
                .unwrap_err()
                .to_string()
                .contains("oauth_client_id")
        );
        c.oauth_client_id = Some("id".into());
        c.oauth_client_secret = Some(Secret::new("cs"));
        let a = &expand(&c).unwrap()[0];
        let AccountAuth::OAuth2(tokens) = &a.auth else {
            panic!("expected oauth")
        };
        assert_eq!(tokens.token_uri(), GOOGLE_TOKEN_URI);
    }

    #[test]
    fn secrets_never_print() {
        let c = cfg("a@x.com", "imap.x.com");
        let printed = format!("{c:?} {:?}", expand(&c).unwrap());
        assert!(!printed.contains("pw"), "{printed}");
        assert_eq!(Secret::new("x").to_string(), "***");
    }

    #[test]
    fn ports_may_be_numbers_in_toml() {
        let c: MailAccountConfig = serde_json::from_str(
            r#"{"address":"a@x.com","password":"pw","imap_server":"h","imap_port":1143}"#,
        )
        .unwrap();
        assert_eq!(expand(&c).unwrap()[0].imap.port, 1143);
    }
}
