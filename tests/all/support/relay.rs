//! [`MailRelay`]: SMTP in, LMTP out to Dovecot, so replies sent over SMTP
//! land in a customer's Dovecot mailbox.
//!
//! Postfix could do this too, but a full Postfix per test needs a spool,
//! master process and a transport map; this relay is mailbot's own SMTP
//! server (`transport::smtp_in`) with a handler that delivers each message
//! over LMTP and answers `250` only once Dovecot accepted it. Every recipient
//! is accepted; Dovecot creates mailboxes on delivery.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use mailbot::transport::smtp_in::{self, SmtpInConfig, SmtpInHandler};
use tokio_util::sync::CancellationToken;

use super::Dovecot;
use super::dovecot::lmtp_deliver;

struct ToLmtp {
    /// Dovecot's LMTP port.
    lmtp_port: u16,
    /// Messages delivered so far.
    delivered: Arc<AtomicUsize>,
}

#[async_trait::async_trait]
impl SmtpInHandler for ToLmtp {
    async fn accepts_recipient(&self, _rcpt: &str) -> bool {
        true
    }

    async fn deliver(&self, from: &str, rcpts: &[String], raw: Vec<u8>) -> Result<(), String> {
        lmtp_deliver(self.lmtp_port, from, rcpts, &raw).await?;
        self.delivered.fetch_add(1, Ordering::SeqCst);
        Ok(())
    }

    // Accounts send with their password, as to any submission server.
    fn offers_auth(&self) -> bool {
        true
    }

    async fn authenticate(&self, _user: &str, _password: &str) -> bool {
        true
    }
}

/// An SMTP server on 127.0.0.1 that delivers into a [`Dovecot`].
pub struct MailRelay {
    /// SMTP port on 127.0.0.1.
    port: u16,
    /// Stops the server when dropped.
    shutdown: CancellationToken,
    /// Messages handed to Dovecot.
    delivered: Arc<AtomicUsize>,
}

impl MailRelay {
    /// Starts the relay (inside the current tokio runtime).
    pub async fn start(dovecot: &Dovecot) -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind relay");
        let port = listener.local_addr().expect("addr").port();
        let delivered = Arc::new(AtomicUsize::new(0));
        let handler = Arc::new(ToLmtp {
            lmtp_port: dovecot.lmtp_port(),
            delivered: delivered.clone(),
        });
        let shutdown = CancellationToken::new();
        tokio::spawn(smtp_in::run(
            listener,
            handler,
            SmtpInConfig::new("relay.test"),
            shutdown.clone(),
        ));
        Self {
            port,
            shutdown,
            delivered,
        }
    }

    /// SMTP port on 127.0.0.1.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// How many messages reached Dovecot.
    pub fn delivered(&self) -> usize {
        self.delivered.load(Ordering::SeqCst)
    }
}

impl Drop for MailRelay {
    fn drop(&mut self) {
        self.shutdown.cancel();
    }
}
