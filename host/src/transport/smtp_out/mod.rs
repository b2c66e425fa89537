//! SMTP out: delivering replies.
//!
//! Everything that sends implements [`OutboundSender`]. [`SmtpSender`] submits
//! to a relay or an account's SMTP server through lettre's pooled
//! `AsyncSmtpTransport` (connections are reused); [`FolderSender`] writes
//! `.eml` files when no relay is configured. Failures are classified for the
//! outbox: [`SendError::Temporary`] (4xx, connection and TLS problems) is
//! retried with backoff, [`SendError::Permanent`] (5xx) is recorded.

mod folder;

use std::borrow::Cow;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use lettre::address::{Address, Envelope};
use lettre::transport::smtp::authentication::{Credentials, Mechanism};
use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};
use lettre::transport::smtp::{AsyncSmtpTransport, PoolConfig};
use lettre::{AsyncTransport, Tokio1Executor};

pub use folder::FolderSender;

use crate::transport::accounts::{AccountAuth, Endpoint, MailAccount, Secret, Security};
use crate::transport::lifecycle::ChannelEvents;
use crate::transport::oauth::TokenSource;
use crate::transport::{Protocol, TransportError};

/// Deadline for each SMTP command.
const COMMAND_TIMEOUT: Duration = Duration::from_secs(60);

/// The server accepted the message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SmtpAccepted {
    /// The server's final reply (`250 2.0.0 Ok: queued as ...`), kept as proof.
    pub response: String,
}

/// Why a message was not accepted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SendError {
    /// Try again later: 4xx replies, refused connections, timeouts, TLS.
    #[error("temporary failure: {0}")]
    Temporary(String),
    /// Will never succeed as is: 5xx replies, invalid addresses.
    #[error("permanent failure: {0}")]
    Permanent(String),
}

impl SendError {
    /// Whether the outbox should retry.
    pub fn is_temporary(&self) -> bool {
        matches!(self, Self::Temporary(_))
    }
}

/// Sends one message to a list of recipients.
#[async_trait::async_trait]
pub trait OutboundSender: Send + Sync {
    /// Submits `raw` (a complete RFC 5322 message) with the given envelope.
    /// An empty `envelope_from` sends with the null reverse-path `<>`.
    async fn send(
        &self,
        envelope_from: &str,
        recipients: &[String],
        raw: &[u8],
    ) -> Result<SmtpAccepted, SendError>;
}

/// How a relay authenticates.
#[derive(Debug, Clone)]
pub enum RelayAuth {
    /// AUTH PLAIN / LOGIN.
    Password {
        /// Login name.
        username: String,
        /// Password.
        password: Secret,
    },
    /// AUTH XOAUTH2 with a fixed access token.
    XOAuth2 {
        /// Login name (the mailbox address).
        username: String,
        /// Bearer token.
        access_token: Secret,
    },
}

/// An SMTP relay not tied to a watched mailbox.
#[derive(Debug, Clone)]
pub struct RelayConfig {
    /// Server and TLS mode (465 implicit TLS, 587 STARTTLS, plain for local).
    pub endpoint: Endpoint,
    /// Credentials, if the relay wants them.
    pub auth: Option<RelayAuth>,
    /// Extra PEM roots to trust (self-signed relays).
    pub tls_ca_file: Option<PathBuf>,
    /// Most connections kept open to the relay.
    pub pool_size: u32,
}

impl RelayConfig {
    /// A relay without credentials and a pool of 4 connections.
    pub fn new(host: impl Into<String>, port: u16, security: Security) -> Self {
        Self {
            endpoint: Endpoint {
                host: host.into(),
                port,
                security,
            },
            auth: None,
            tls_ca_file: None,
            pool_size: 4,
        }
    }
}

/// Where an account's fresh XOAUTH2 tokens come from.
struct OAuthSource {
    /// The account's shared token cache.
    tokens: Arc<TokenSource>,
    /// Receives rotated refresh tokens and expiry warnings.
    events: Arc<dyn ChannelEvents>,
}

/// Submits mail over SMTP, reusing pooled connections.
pub struct SmtpSender {
    /// Account address or relay host, for error messages.
    label: String,
    /// Settings the transport is (re)built from.
    relay: RelayConfig,
    /// Present for OAuth accounts: tokens expire, so the transport is rebuilt
    /// whenever the access token changes.
    oauth: Option<OAuthSource>,
    /// The pooled transport and the access token it was built with.
    transport: Mutex<(Option<String>, AsyncSmtpTransport<Tokio1Executor>)>,
}

fn tls_parameters(relay: &RelayConfig) -> Result<TlsParameters, String> {
    let mut builder = TlsParameters::builder(relay.endpoint.host.clone());
    if let Some(path) = &relay.tls_ca_file {
        let pem = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
        let cert = Certificate::from_pem(&pem).map_err(|e| format!("{}: {e}", path.display()))?;
        builder = builder.add_root_certificate(cert);
    }
    builder.build_rustls().map_err(|e| e.to_string())
}

fn build_transport(
    relay: &RelayConfig,
    auth: Option<&RelayAuth>,
) -> Result<AsyncSmtpTransport<Tokio1Executor>, String> {
    let endpoint = &relay.endpoint;
    let tls = match endpoint.security {
        Security::Tls => Tls::Wrapper(tls_parameters(relay)?),
        Security::StartTls => Tls::Required(tls_parameters(relay)?),
        Security::Plain => Tls::None,
    };
    let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&endpoint.host)
        .port(endpoint.port)
        .tls(tls)
        .timeout(Some(COMMAND_TIMEOUT))
        .pool_config(PoolConfig::new().max_size(relay.pool_size.max(1)));
    match auth {
        None => {}
        Some(RelayAuth::Password { username, password }) => {
            builder = builder.credentials(Credentials::new(
                username.clone(),
                password.expose().to_owned(),
            ));
        }
        Some(RelayAuth::XOAuth2 {
            username,
            access_token,
        }) => {
            builder = builder
                .credentials(Credentials::new(
                    username.clone(),
                    access_token.expose().to_owned(),
                ))
                .authentication(vec![Mechanism::Xoauth2]);
        }
    }
    Ok(builder.build())
}

/// 5xx is permanent, and so is what lettre refuses to send at all (e.g. 8-bit
/// content to a server without 8BITMIME); 4xx and everything below SMTP
/// (connection, TLS, timeouts, the pool) is temporary.
fn classify(error: &lettre::transport::smtp::Error) -> SendError {
    if error.is_permanent() || error.is_client() {
        SendError::Permanent(error.to_string())
    } else {
        SendError::Temporary(error.to_string())
    }
}

fn parse_address(value: &str) -> Result<Address, SendError> {
    value
        .trim()
        .trim_start_matches('<')
        .trim_end_matches('>')
        .parse()
        .map_err(|e| SendError::Permanent(format!("invalid address {value:?}: {e}")))
}

/// The message as lettre must be given it: CRLF line ends (lettre only
/// dot-stuffs after CRLF) and no final CRLF, because lettre always appends
/// `CRLF . CRLF` and would otherwise add an empty last line.
fn wire_form(raw: &[u8]) -> Cow<'_, [u8]> {
    let has_bare_lf = raw
        .iter()
        .enumerate()
        .any(|(i, &b)| b == b'\n' && (i == 0 || raw[i - 1] != b'\r'));
    let mut out: Cow<'_, [u8]> = if has_bare_lf {
        let mut fixed = Vec::with_capacity(raw.len() + raw.len() / 32);
        for (i, &b) in raw.iter().enumerate() {
            if b == b'\n' && (i == 0 || raw[i - 1] != b'\r') {
                fixed.push(b'\r');
            }
            fixed.push(b);
        }
        Cow::Owned(fixed)
    } else {
        Cow::Borrowed(raw)
    };
    if out.ends_with(b"\r\n") {
        match &mut out {
            Cow::Borrowed(slice) => *slice = &slice[..slice.len() - 2],
            Cow::Owned(vec) => vec.truncate(vec.len() - 2),
        }
    }
    out
}

impl SmtpSender {
    /// A sender for a relay.
    pub fn new(relay: RelayConfig) -> Result<Self, TransportError> {
        let label = relay.endpoint.host.clone();
        let transport = build_transport(&relay, relay.auth.as_ref()).map_err(|detail| {
            TransportError::Connect {
                protocol: Protocol::Smtp,
                account: label.clone(),
                server: relay.endpoint.to_string(),
                detail,
            }
        })?;
        Ok(Self {
            label,
            relay,
            oauth: None,
            transport: Mutex::new((None, transport)),
        })
    }

    /// A sender for an account's own SMTP server, signing in as the account
    /// (password or XOAUTH2 with tokens from the account's token source).
    pub fn for_account(
        account: &MailAccount,
        events: Arc<dyn ChannelEvents>,
    ) -> Result<Self, TransportError> {
        let endpoint = account
            .smtp
            .clone()
            .ok_or_else(|| TransportError::NotConfigured {
                protocol: Protocol::Smtp,
                account: account.address.clone(),
                detail: "no smtp_server".to_owned(),
            })?;
        let mut relay = RelayConfig::new(endpoint.host, endpoint.port, endpoint.security);
        relay.tls_ca_file = account.tls_ca_file.clone();
        let oauth = match &account.auth {
            AccountAuth::Password(password) => {
                relay.auth = Some(RelayAuth::Password {
                    username: account.address.clone(),
                    password: password.clone(),
                });
                None
            }
            AccountAuth::OAuth2(tokens) => Some(OAuthSource {
                tokens: tokens.clone(),
                events,
            }),
        };
        let mut sender = Self::new(relay)?;
        sender.label = account.address.clone();
        sender.oauth = oauth;
        Ok(sender)
    }

    /// The transport to use now; for OAuth accounts rebuilt when the access
    /// token changed since the last call.
    async fn current_transport(&self) -> Result<AsyncSmtpTransport<Tokio1Executor>, String> {
        let Some(oauth) = &self.oauth else {
            return Ok(self.lock().1.clone());
        };
        let token = oauth
            .tokens
            .access_token(&self.label, &*oauth.events)
            .await
            .map_err(|e| format!("oauth: {e}"))?;
        let mut guard = self.lock();
        if guard.0.as_deref() != Some(token.expose()) {
            let auth = RelayAuth::XOAuth2 {
                username: self.label.clone(),
                access_token: token.clone(),
            };
            *guard = (
                Some(token.expose().to_owned()),
                build_transport(&self.relay, Some(&auth))?,
            );
        }
        Ok(guard.1.clone())
    }

    fn lock(
        &self,
    ) -> std::sync::MutexGuard<'_, (Option<String>, AsyncSmtpTransport<Tokio1Executor>)> {
        self.transport
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Connects, signs in and checks the connection with NOOP: for
    /// `mailbot check` and start-up. Errors name the account and protocol.
    pub async fn check_login(&self) -> Result<(), TransportError> {
        let server = self.relay.endpoint.to_string();
        let transport = self
            .current_transport()
            .await
            .map_err(|detail| TransportError::Login {
                protocol: Protocol::Smtp,
                account: self.label.clone(),
                detail,
            })?;
        match transport.test_connection().await {
            Ok(true) => Ok(()),
            Ok(false) => Err(TransportError::Connect {
                protocol: Protocol::Smtp,
                account: self.label.clone(),
                server,
                detail: "NOOP failed".to_owned(),
            }),
            Err(e) if e.is_permanent() => Err(TransportError::Login {
                protocol: Protocol::Smtp,
                account: self.label.clone(),
                detail: e.to_string(),
            }),
            Err(e) => Err(TransportError::Connect {
                protocol: Protocol::Smtp,
                account: self.label.clone(),
                server,
                detail: e.to_string(),
            }),
        }
    }
}

#[async_trait::async_trait]
impl OutboundSender for SmtpSender {
    async fn send(
        &self,
        envelope_from: &str,
        recipients: &[String],
        raw: &[u8],
    ) -> Result<SmtpAccepted, SendError> {
        let from = if envelope_from.trim().trim_matches(['<', '>']).is_empty() {
            None
        } else {
            Some(parse_address(envelope_from)?)
        };
        let to = recipients
            .iter()
            .map(|r| parse_address(r))
            .collect::<Result<Vec<_>, _>>()?;
        let envelope =
            Envelope::new(from, to).map_err(|e| SendError::Permanent(format!("envelope: {e}")))?;
        let transport = self
            .current_transport()
            .await
            .map_err(SendError::Temporary)?;
        let response = transport
            .send_raw(&envelope, &wire_form(raw))
            .await
            .map_err(|e| classify(&e))?;
        Ok(SmtpAccepted {
            response: format!(
                "{} {}",
                response.code(),
                response.message().collect::<Vec<_>>().join(" ")
            )
            .trim_end()
            .to_owned(),
        })
    }
}

/// Signs in to an account's SMTP server, for `mailbot check` and start-up;
/// `events` receives a rotated OAuth refresh token, if any.
pub async fn check_login(
    account: &MailAccount,
    events: Arc<dyn ChannelEvents>,
) -> Result<(), TransportError> {
    SmtpSender::for_account(account, events)?
        .check_login()
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_are_checked_before_sending() {
        assert!(parse_address("<a@x.com>").is_ok());
        assert!(matches!(
            parse_address("not an address"),
            Err(SendError::Permanent(_))
        ));
    }

    #[test]
    fn messages_are_handed_to_lettre_in_wire_form() {
        let table: &[(&[u8], &[u8])] = &[
            (b"a\r\nb\r\n", b"a\r\nb"),
            (b"a\nb\n", b"a\r\nb"),
            (b"a\r\nb", b"a\r\nb"),
            (b"a\r\n\r\n", b"a\r\n"),
        ];
        for (raw, expected) in table {
            assert_eq!(&*wire_form(raw), *expected);
        }
    }

    #[tokio::test]
    async fn a_refused_connection_is_temporary() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        drop(listener);
        let sender = SmtpSender::new(RelayConfig::new("127.0.0.1", port, Security::Plain)).unwrap();
        let err = sender
            .send(
                "a@x.com",
                &["b@x.com".to_owned()],
                b"Subject: x\r\n\r\nhi\r\n",
            )
            .await
            .unwrap_err();
        assert!(err.is_temporary(), "{err}");
    }
}
