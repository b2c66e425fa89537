//! SMTP in: a small SMTP server for generated addresses.
//!
//! The protocol is parsed by Stalwart's `smtp-proto`; this module decides the
//! answers. Recipients are checked at RCPT through
//! [`SmtpInHandler::accepts_recipient`] (unknown ones get `550 5.1.1`, so mail
//! to deleted inboxes bounces), and `250` after DATA is sent only once
//! [`SmtpInHandler::deliver`] has stored the message (`451 4.3.0` otherwise,
//! so the sender retries). The size limit is advertised (`SIZE`) and enforced;
//! STARTTLS is offered when a certificate is configured; commands may be
//! pipelined. A `Received:` header is prepended to each message.
//!
//! [`run`] serves a bound listener until shut down, so tests bind
//! `127.0.0.1:0`; [`serve_stream`] runs one session over any stream.

mod session;

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tokio::task::JoinSet;
use tokio_rustls::TlsAcceptor;
use tokio_rustls::rustls::ServerConfig;
use tokio_util::sync::CancellationToken;

use crate::transport::tls::{TlsError, server_config};
use session::{SessionContext, SessionEnd, run_session};

/// Decides who receives mail and stores what arrives.
#[async_trait::async_trait]
pub trait SmtpInHandler: Send + Sync {
    /// Whether `rcpt` (as given in RCPT TO, without brackets) is an existing
    /// generated address.
    async fn accepts_recipient(&self, rcpt: &str) -> bool;
    /// Stores one message for the accepted recipients; return `Ok` only once
    /// it is durable. `mail_from` is empty for the null sender `<>`.
    async fn deliver(
        &self,
        mail_from: &str,
        recipients: &[String],
        raw: Vec<u8>,
    ) -> Result<(), String>;
    /// Whether AUTH PLAIN is offered. mailbot's own listener for generated
    /// addresses does not offer it (anyone may mail a generated address);
    /// a handler acting as a submission relay does.
    fn offers_auth(&self) -> bool {
        false
    }
    /// Checks AUTH PLAIN credentials; asked only when [`Self::offers_auth`].
    async fn authenticate(&self, _user: &str, _password: &str) -> bool {
        false
    }
}

/// Server settings.
#[derive(Clone)]
pub struct SmtpInConfig {
    /// Name in the greeting, EHLO reply and Received header.
    pub hostname: String,
    /// Largest message accepted, in bytes (advertised with SIZE).
    pub max_message_size: usize,
    /// Most recipients per message.
    pub max_recipients: usize,
    /// Most simultaneous connections; more get `421` at once.
    pub max_connections: usize,
    /// A silent client is disconnected after this long.
    pub idle_timeout: Duration,
    /// Certificate for STARTTLS; `None` disables it.
    pub tls: Option<Arc<ServerConfig>>,
}

impl std::fmt::Debug for SmtpInConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmtpInConfig")
            .field("hostname", &self.hostname)
            .field("max_message_size", &self.max_message_size)
            .field("max_recipients", &self.max_recipients)
            .field("max_connections", &self.max_connections)
            .field("idle_timeout", &self.idle_timeout)
            .field("starttls", &self.tls.is_some())
            .finish()
    }
}

impl SmtpInConfig {
    /// Defaults: 25 MiB messages, 100 recipients, 256 connections, 5 min idle,
    /// no TLS.
    pub fn new(hostname: impl Into<String>) -> Self {
        Self {
            hostname: hostname.into(),
            max_message_size: 25 * 1024 * 1024,
            max_recipients: 100,
            max_connections: 256,
            idle_timeout: Duration::from_secs(300),
            tls: None,
        }
    }

    /// Enables STARTTLS with a PEM certificate chain and key.
    pub fn with_tls_files(mut self, cert_chain: &Path, key: &Path) -> Result<Self, TlsError> {
        self.tls = Some(server_config(cert_chain, key)?);
        Ok(self)
    }
}

/// Serves one SMTP connection over any stream, including the STARTTLS
/// upgrade. `peer` is recorded in the Received header.
pub async fn serve_stream<S>(
    stream: S,
    peer: &str,
    handler: &dyn SmtpInHandler,
    config: &SmtpInConfig,
    shutdown: &CancellationToken,
) -> std::io::Result<()>
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    let mut ctx = SessionContext {
        handler,
        config,
        peer,
        tls_active: false,
        shutdown,
    };
    let SessionEnd::StartTls(stream) = run_session(stream, &ctx, true).await? else {
        return Ok(());
    };
    let Some(tls) = &config.tls else {
        return Ok(());
    };
    let handshake = TlsAcceptor::from(tls.clone()).accept(stream);
    let tls_stream = match tokio::time::timeout(Duration::from_secs(30), handshake).await {
        Ok(Ok(s)) => s,
        Ok(Err(e)) => return Err(e),
        Err(_) => return Err(std::io::ErrorKind::TimedOut.into()),
    };
    ctx.tls_active = true;
    // A second STARTTLS is refused inside the session, so this cannot nest.
    run_session(tls_stream, &ctx, false).await.map(|_| ())
}

/// Accepts connections on `listener` until `shutdown`, then gives open
/// sessions up to 10 s to finish (they answer `421` at their next command).
pub async fn run(
    listener: TcpListener,
    handler: Arc<dyn SmtpInHandler>,
    config: SmtpInConfig,
    shutdown: CancellationToken,
) {
    let config = Arc::new(config);
    let slots = Arc::new(Semaphore::new(config.max_connections.max(1)));
    let mut sessions = JoinSet::new();
    loop {
        let accepted = tokio::select! {
            a = listener.accept() => a,
            () = shutdown.cancelled() => break,
            Some(_) = sessions.join_next(), if !sessions.is_empty() => continue,
        };
        let (mut stream, peer) = match accepted {
            Ok(a) => a,
            Err(e) => {
                // Usually out of file descriptors: wait instead of spinning.
                tracing::warn!(error = %e, "smtp in: accept failed");
                tokio::time::sleep(Duration::from_millis(100)).await;
                continue;
            }
        };
        let Ok(permit) = slots.clone().try_acquire_owned() else {
            stream
                .write_all(b"421 4.7.0 too many connections, try again later\r\n")
                .await
                .ok();
            continue;
        };
        stream.set_nodelay(true).ok();
        let handler = handler.clone();
        let config = config.clone();
        let shutdown = shutdown.clone();
        sessions.spawn(async move {
            let peer = peer.ip().to_string();
            if let Err(e) = serve_stream(stream, &peer, &*handler, &config, &shutdown).await {
                tracing::debug!(peer, error = %e, "smtp in: session ended with error");
            }
            drop(permit);
        });
    }
    let drain = async { while sessions.join_next().await.is_some() {} };
    if tokio::time::timeout(Duration::from_secs(10), drain)
        .await
        .is_err()
    {
        sessions.abort_all();
    }
}

#[cfg(test)]
mod tests;
