//! Opening one signed-in SMTP connection: TCP with `TCP_NODELAY`, TLS
//! (implicit or STARTTLS), EHLO, then AUTH.
//!
//! lettre writes the message body and the `CRLF . CRLF` terminator as two
//! writes; on a socket with Nagle's algorithm on, the terminator waits for the
//! server to ACK the body, which the server delays (40-200 ms) because it has
//! nothing to send yet. lettre's own connect does not set `TCP_NODELAY`, so
//! the socket is opened here and handed to lettre with
//! [`AsyncSmtpConnection::connect_with_transport`].
//!
//! TLS is done on two routes because lettre's [`TlsParameters`] cannot be
//! built from a rustls config and lettre can only upgrade a stream it was
//! given after the greeting (STARTTLS), not before it:
//! - implicit TLS (465) is wrapped here, with the host's shared rustls setup
//!   ([`crate::transport::tls`], as IMAP does), before lettre reads the greeting;
//! - STARTTLS (587) is lettre's [`AsyncSmtpConnection::starttls`] over our
//!   socket, with [`TlsParameters`] built as before this module existed.
//!
//! Both trust the platform roots plus the optional `tls_ca_file`, through
//! rustls-platform-verifier.

use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use lettre::transport::smtp::authentication::{Credentials, DEFAULT_MECHANISMS, Mechanism};
use lettre::transport::smtp::client::{
    AsyncSmtpConnection, AsyncTokioStream, Certificate, TlsParameters,
};
use lettre::transport::smtp::extension::ClientId;
use tokio::net::TcpStream;
use tokio_rustls::rustls::ClientConfig;

use crate::transport::accounts::{Endpoint, Security};
use crate::transport::stream::MailStream;
use crate::transport::tls::{self, TlsError};

/// Why a connection could not be opened or used.
#[derive(Debug, thiserror::Error)]
pub(super) enum SmtpError {
    /// The server answered with an error, or lettre refused (see `classify`).
    #[error(transparent)]
    Smtp(#[from] lettre::transport::smtp::Error),
    /// TCP connect failed.
    #[error("connection error: {0}")]
    Connect(io::Error),
    /// Implicit TLS could not be established.
    #[error(transparent)]
    Tls(#[from] TlsError),
    /// The server refused the credentials (AUTH failed).
    #[error("sign-in refused: {0}")]
    SignIn(lettre::transport::smtp::Error),
    /// A step took longer than its deadline.
    #[error("{0} timed out")]
    Timeout(&'static str),
    /// The pool's semaphore was closed (it never is; kept for completeness).
    #[error("connection pool closed")]
    PoolClosed,
}

/// Credentials and the AUTH mechanisms to offer them with.
#[derive(Clone, PartialEq, Eq)]
pub(super) struct SignIn {
    /// Login name and password or access token.
    credentials: Credentials,
    /// PLAIN/LOGIN for passwords, XOAUTH2 for tokens.
    mechanisms: &'static [Mechanism],
}

impl SignIn {
    /// AUTH PLAIN or LOGIN, as the server prefers.
    pub(super) fn password(username: &str, password: &str) -> Self {
        Self {
            credentials: Credentials::new(username.to_owned(), password.to_owned()),
            mechanisms: DEFAULT_MECHANISMS,
        }
    }

    /// AUTH XOAUTH2 with a bearer token.
    pub(super) fn xoauth2(username: &str, access_token: &str) -> Self {
        Self {
            credentials: Credentials::new(username.to_owned(), access_token.to_owned()),
            mechanisms: &[Mechanism::Xoauth2],
        }
    }
}

/// How the connection is encrypted; the TLS settings are built once.
enum TlsMode {
    /// Plain TCP (local relays).
    None,
    /// TLS from the first byte (port 465).
    Implicit(Arc<ClientConfig>),
    /// STARTTLS, required (port 587).
    StartTls(TlsParameters),
}

/// Opens signed-in connections to one server.
pub(super) struct Connector {
    /// Server and security mode.
    endpoint: Endpoint,
    /// TLS settings matching `endpoint.security`.
    tls: TlsMode,
    /// EHLO name (the machine's host name, as lettre's default).
    hello: ClientId,
    /// Deadline for the TCP connect and for each step after it.
    timeout: Duration,
}

/// lettre takes any tokio stream that can tell its peer's address.
impl AsyncTokioStream for MailStream {
    fn peer_addr(&self) -> io::Result<SocketAddr> {
        self.tcp().peer_addr()
    }
}

/// lettre's STARTTLS parameters: platform roots plus `ca_file`.
fn starttls_parameters(
    host: &str,
    ca_file: Option<&std::path::Path>,
) -> Result<TlsParameters, String> {
    let mut builder = TlsParameters::builder(host.to_owned());
    if let Some(path) = ca_file {
        let pem = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
        let cert = Certificate::from_pem(&pem).map_err(|e| format!("{}: {e}", path.display()))?;
        builder = builder.add_root_certificate(cert);
    }
    builder.build_rustls().map_err(|e| e.to_string())
}

/// Runs `step` within `limit`.
async fn within<T, E>(
    what: &'static str,
    limit: Duration,
    step: impl Future<Output = Result<T, E>>,
) -> Result<T, SmtpError>
where
    SmtpError: From<E>,
{
    match tokio::time::timeout(limit, step).await {
        Ok(result) => result.map_err(SmtpError::from),
        Err(_) => Err(SmtpError::Timeout(what)),
    }
}

/// Connects to `host:port`, trying each resolved address within `limit`,
/// and turns Nagle's algorithm off.
pub(super) async fn open_tcp(
    host: &str,
    port: u16,
    limit: Duration,
) -> Result<TcpStream, SmtpError> {
    let addrs = tokio::net::lookup_host((host, port))
        .await
        .map_err(SmtpError::Connect)?;
    let mut last = None;
    for addr in addrs {
        match tokio::time::timeout(limit, TcpStream::connect(addr)).await {
            Ok(Ok(tcp)) => {
                tcp.set_nodelay(true).map_err(SmtpError::Connect)?;
                return Ok(tcp);
            }
            Ok(Err(e)) => last = Some(SmtpError::Connect(e)),
            Err(_) => last = Some(SmtpError::Timeout("connect")),
        }
    }
    Err(last.unwrap_or_else(|| {
        SmtpError::Connect(io::Error::new(
            io::ErrorKind::NotFound,
            format!("{host} resolved to no address"),
        ))
    }))
}

impl Connector {
    /// Builds the TLS settings now, so a bad `tls_ca_file` is reported at
    /// start-up rather than at the first send.
    pub(super) fn new(
        endpoint: Endpoint,
        ca_file: Option<&std::path::Path>,
        timeout: Duration,
    ) -> Result<Self, String> {
        let tls = match endpoint.security {
            Security::Plain => TlsMode::None,
            Security::Tls => {
                TlsMode::Implicit(tls::client_config(ca_file).map_err(|e| e.to_string())?)
            }
            Security::StartTls => TlsMode::StartTls(starttls_parameters(&endpoint.host, ca_file)?),
        };
        Ok(Self {
            endpoint,
            tls,
            hello: ClientId::default(),
            timeout,
        })
    }

    /// Deadline for each step.
    pub(super) fn timeout(&self) -> Duration {
        self.timeout
    }

    /// A new connection, past EHLO (and STARTTLS) and signed in if `sign_in`.
    pub(super) async fn open(
        &self,
        sign_in: Option<&SignIn>,
    ) -> Result<AsyncSmtpConnection, SmtpError> {
        let Endpoint { host, port, .. } = &self.endpoint;
        let tcp = open_tcp(host, *port, self.timeout).await?;
        let stream = match &self.tls {
            TlsMode::Implicit(config) => {
                let tls = within(
                    "tls handshake",
                    self.timeout,
                    tls::connect(config.clone(), host, tcp),
                );
                MailStream::Tls(Box::new(tls.await?))
            }
            TlsMode::None | TlsMode::StartTls(_) => MailStream::Plain(tcp),
        };
        let mut conn = within(
            "greeting",
            self.timeout,
            AsyncSmtpConnection::connect_with_transport(Box::new(stream), &self.hello),
        )
        .await?;
        if let TlsMode::StartTls(parameters) = &self.tls {
            within(
                "starttls",
                self.timeout,
                conn.starttls(parameters.clone(), &self.hello),
            )
            .await?;
        }
        if let Some(sign_in) = sign_in {
            within(
                "auth",
                self.timeout,
                conn.auth(sign_in.mechanisms, &sign_in.credentials),
            )
            .await
            .map_err(|e| match e {
                SmtpError::Smtp(refused) => SmtpError::SignIn(refused),
                other => other,
            })?;
        }
        Ok(conn)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn sockets_are_opened_with_nagle_off() {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let tcp = open_tcp("127.0.0.1", port, Duration::from_secs(5))
            .await
            .unwrap();
        assert!(tcp.nodelay().unwrap());
    }
}
