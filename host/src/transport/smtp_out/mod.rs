//! SMTP out: delivering replies.
//!
//! Everything that sends implements [`OutboundSender`]. [`SmtpSender`] submits
//! to a relay or an account's SMTP server over lettre's SMTP client, on
//! sockets it opens itself with `TCP_NODELAY` ([`connect`]) and reuses
//! ([`pool`]); [`FolderSender`] writes `.eml` files when no relay is
//! configured. Failures are classified for the outbox:
//! [`SendError::Temporary`] (4xx, connection and TLS problems) is retried
//! with backoff, [`SendError::Permanent`] (5xx) is recorded.

mod connect;
mod folder;
mod pool;

use std::borrow::Cow;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use lettre::address::{Address, Envelope};

pub use folder::FolderSender;

use connect::{Connector, SignIn, SmtpError};
use pool::Pool;

use crate::transport::accounts::{AccountAuth, Endpoint, MailAccount, Secret, Security};
use crate::transport::lifecycle::ChannelEvents;
use crate::transport::oauth::TokenSource;
use crate::transport::{Protocol, TransportError};

/// Deadline for connecting and for each SMTP command (a whole transaction
/// gets more, see [`send_deadline`]).
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
    /// `host:port`, for error messages.
    server: String,
    /// Fixed credentials (relays, password accounts).
    sign_in: Option<SignIn>,
    /// Present for OAuth accounts: tokens expire, so each connection signs in
    /// with the current token and the pool does not reuse connections signed
    /// in with an older one.
    oauth: Option<OAuthSource>,
    /// Open connections.
    pool: Pool,
}

/// 5xx is permanent, and so is what lettre refuses to send at all (e.g. 8-bit
/// content to a server without 8BITMIME); 4xx and everything below SMTP
/// (connection, TLS, timeouts, the pool) is temporary.
/// A refused sign-in is temporary: the credentials are the account's
/// problem, not the message's, and an OAuth access token revoked before its
/// expiry is replaced on the next attempt (see [`SmtpSender::forget_token`]).
fn classify(error: &SmtpError) -> SendError {
    match error {
        SmtpError::Smtp(e) if e.is_permanent() || e.is_client() => {
            SendError::Permanent(error.to_string())
        }
        _ => SendError::Temporary(error.to_string()),
    }
}

/// lettre sends MAIL FROM through the final reply in one call, so its
/// deadline covers the transaction: one command's deadline plus one more per
/// started MiB of message (a link slower than ~17 KiB/s times out).
fn send_deadline(command: Duration, message_len: usize) -> Duration {
    let mib = u32::try_from(message_len >> 20).unwrap_or(u32::MAX);
    command.saturating_mul(mib.saturating_add(1))
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
        let server = relay.endpoint.to_string();
        let connector = Connector::new(
            relay.endpoint,
            relay.tls_ca_file.as_deref(),
            COMMAND_TIMEOUT,
        )
        .map_err(|detail| TransportError::Connect {
            protocol: Protocol::Smtp,
            account: label.clone(),
            server: server.clone(),
            detail,
        })?;
        let sign_in = relay.auth.as_ref().map(|auth| match auth {
            RelayAuth::Password { username, password } => {
                SignIn::password(username, password.expose())
            }
            RelayAuth::XOAuth2 {
                username,
                access_token,
            } => SignIn::xoauth2(username, access_token.expose()),
        });
        Ok(Self {
            label,
            server,
            sign_in,
            oauth: None,
            pool: Pool::new(connector, relay.pool_size),
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

    /// The credentials to use now; for OAuth accounts with the current
    /// access token (refreshed by the token source when it expires).
    async fn current_sign_in(&self) -> Result<Option<SignIn>, String> {
        let Some(oauth) = &self.oauth else {
            return Ok(self.sign_in.clone());
        };
        let token = oauth
            .tokens
            .access_token(&self.label, &*oauth.events)
            .await
            .map_err(|e| format!("oauth: {e}"))?;
        Ok(Some(SignIn::xoauth2(&self.label, token.expose())))
    }

    /// A pooled connection answers NOOP; the connection stays in the pool.
    async fn noop(&self, sign_in: Option<&SignIn>) -> Result<bool, SmtpError> {
        let mut lease = self.pool.get(sign_in).await?;
        let alive = tokio::time::timeout(self.pool.timeout(), lease.conn().test_connected())
            .await
            .unwrap_or(false);
        if alive {
            lease.recycle();
        }
        Ok(alive)
    }

    /// Connects, signs in and checks the connection with NOOP: for
    /// `mailbot check` and start-up. Errors name the account and protocol.
    pub async fn check_login(&self) -> Result<(), TransportError> {
        let sign_in = self
            .current_sign_in()
            .await
            .map_err(|detail| TransportError::Login {
                protocol: Protocol::Smtp,
                account: self.label.clone(),
                detail,
            })?;
        let error = match self.noop(sign_in.as_ref()).await {
            Ok(true) => return Ok(()),
            Ok(false) => {
                return Err(TransportError::Connect {
                    protocol: Protocol::Smtp,
                    account: self.label.clone(),
                    server: self.server.clone(),
                    detail: "NOOP failed".to_owned(),
                });
            }
            Err(e) => e,
        };
        self.forget_token(&error).await;
        let login = |refused: &lettre::transport::smtp::Error| TransportError::Login {
            protocol: Protocol::Smtp,
            account: self.label.clone(),
            detail: refused.to_string(),
        };
        Err(match error {
            SmtpError::SignIn(e) => login(&e),
            SmtpError::Smtp(e) if e.is_permanent() => login(&e),
            e => TransportError::Connect {
                protocol: Protocol::Smtp,
                account: self.label.clone(),
                server: self.server.clone(),
                detail: e.to_string(),
            },
        })
    }

    /// After a refused sign-in, forgets an OAuth account's access token:
    /// it may have been revoked before it expired, and the next attempt
    /// then fetches a new one instead of offering it again until expiry.
    async fn forget_token(&self, error: &SmtpError) {
        if let (SmtpError::SignIn(_), Some(oauth)) = (error, &self.oauth) {
            oauth.tokens.invalidate().await;
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
        let sign_in = self.current_sign_in().await.map_err(SendError::Temporary)?;
        let body = wire_form(raw);
        let mut lease = match self.pool.get(sign_in.as_ref()).await {
            Ok(lease) => lease,
            Err(e) => {
                self.forget_token(&e).await;
                return Err(classify(&e));
            }
        };
        let deadline = send_deadline(self.pool.timeout(), body.len());
        let sent = tokio::time::timeout(deadline, lease.conn().send(&envelope, &body)).await;
        let response = match sent {
            Ok(Ok(response)) => {
                lease.recycle();
                response
            }
            Ok(Err(e)) => {
                lease.recycle(); // kept only if lettre refused before sending anything
                return Err(classify(&SmtpError::Smtp(e)));
            }
            // Dropping the lease closes the connection: its state is unknown.
            Err(_) => return Err(classify(&SmtpError::Timeout("send"))),
        };
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

    /// Sends a two-line mail from `bot@example.com` to a customer.
    async fn send_short_mail(sender: &SmtpSender) -> Result<SmtpAccepted, SendError> {
        sender
            .send(
                "bot@example.com",
                &["customer@example.com".to_owned()],
                b"Subject: x\r\n\r\nhi\r\n",
            )
            .await
    }

    /// A server on loopback that greets, offers AUTH and refuses every
    /// sign-in with 535, as a server does for a wrong password or a revoked
    /// token. Returns its port.
    async fn refusing_server() -> u16 {
        use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        tokio::spawn(async move {
            while let Ok((tcp, _)) = listener.accept().await {
                tokio::spawn(async move {
                    let (read, mut write) = tcp.into_split();
                    let mut lines = BufReader::new(read).lines();
                    write.write_all(b"220 refuses.test ESMTP\r\n").await?;
                    while let Some(line) = lines.next_line().await? {
                        let verb = line.get(..4).unwrap_or("").to_ascii_uppercase();
                        let reply: &[u8] = match verb.as_str() {
                            "EHLO" => b"250-refuses.test\r\n250 AUTH PLAIN LOGIN\r\n",
                            "AUTH" => b"535 5.7.8 Authentication credentials invalid\r\n",
                            "QUIT" => b"221 bye\r\n",
                            _ => b"503 5.5.1 sign in first\r\n",
                        };
                        write.write_all(reply).await?;
                    }
                    std::io::Result::Ok(())
                });
            }
        });
        port
    }

    #[tokio::test]
    async fn a_refused_sign_in_is_a_temporary_failure_and_a_login_error() {
        let port = refusing_server().await;
        let mut relay = RelayConfig::new("127.0.0.1", port, Security::Plain);
        relay.auth = Some(RelayAuth::Password {
            username: "bot@example.com".into(),
            password: Secret::new("wrong"),
        });
        let sender = SmtpSender::new(relay).unwrap();
        let error = send_short_mail(&sender).await.unwrap_err();
        assert!(
            matches!(&error, SendError::Temporary(m) if m.contains("sign-in refused") && m.contains("535")),
            "{error:?}"
        );
        let error = sender.check_login().await.unwrap_err();
        assert!(
            matches!(
                &error,
                TransportError::Login {
                    protocol: Protocol::Smtp,
                    ..
                }
            ),
            "{error:?}"
        );
    }

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

    #[test]
    fn a_transaction_gets_one_more_command_deadline_per_started_mib() {
        let minute = Duration::from_secs(60);
        let table = [(0, 1), (1 << 20, 2), ((10 << 20) + 1, 11)];
        for (len, minutes) in table {
            assert_eq!(send_deadline(minute, len), minute * minutes, "{len} bytes");
        }
    }

    #[tokio::test]
    async fn a_refused_connection_is_temporary() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        drop(listener);
        let sender = SmtpSender::new(RelayConfig::new("127.0.0.1", port, Security::Plain)).unwrap();
        let err = send_short_mail(&sender).await.unwrap_err();
        assert!(err.is_temporary(), "{err}");
    }
}
