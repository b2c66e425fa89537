//! Reusing SMTP connections: at most `size` open at once, idle ones checked
//! with NOOP before reuse.
//!
//! A [`Lease`] holds one of `size` semaphore permits and one connection,
//! taken from the idle list or freshly opened by the [`Connector`]. Every open
//! connection is either leased or idle, and a new one is opened only when the
//! idle list is empty, so no more than `size` are ever open. Idle connections
//! remember the credentials they signed in with: after an OAuth token
//! changed, connections signed in with the old one are closed, not reused.
//! Connections idle longer than [`IDLE_TIMEOUT`] are closed too (servers drop
//! them anyway, Postfix after 300 s).

use std::sync::Mutex;
use std::time::{Duration, Instant};

use lettre::transport::smtp::client::AsyncSmtpConnection;
use tokio::sync::{Semaphore, SemaphorePermit};

use super::connect::{Connector, SignIn, SmtpError};

/// How long a connection may sit idle before it is closed instead of reused.
const IDLE_TIMEOUT: Duration = Duration::from_secs(60);

/// Deadline for the QUIT sent when closing an idle connection.
const QUIT_TIMEOUT: Duration = Duration::from_secs(5);

/// A connection waiting for its next message.
struct Idle {
    /// Past EHLO/STARTTLS/AUTH.
    conn: AsyncSmtpConnection,
    /// What it signed in with; reused only for the same.
    sign_in: Option<SignIn>,
    /// When it was returned, for [`IDLE_TIMEOUT`].
    since: Instant,
}

/// Open connections to one server.
pub(super) struct Pool {
    /// Opens new connections.
    connector: Connector,
    /// One permit per connection that may be open; a lease holds one.
    permits: Semaphore,
    /// Most connections kept idle (the number of permits).
    size: usize,
    /// Signed-in connections not leased, most recently returned last.
    idle: Mutex<Vec<Idle>>,
}

/// One connection in use; [`Lease::recycle`] returns it to the pool,
/// dropping the lease closes it.
pub(super) struct Lease<'a> {
    /// The pool it goes back to.
    pool: &'a Pool,
    /// The connection.
    conn: AsyncSmtpConnection,
    /// What it signed in with.
    sign_in: Option<SignIn>,
    /// Released after the connection is back in the idle list.
    _permit: SemaphorePermit<'a>,
}

impl Pool {
    /// A pool of at most `size` connections (at least one).
    pub(super) fn new(connector: Connector, size: u32) -> Self {
        let size = usize::try_from(size.max(1)).unwrap_or(usize::MAX);
        let size = size.min(Semaphore::MAX_PERMITS);
        Self {
            connector,
            permits: Semaphore::new(size),
            size,
            idle: Mutex::new(Vec::new()),
        }
    }

    /// Deadline for each step, from the connector.
    pub(super) fn timeout(&self) -> Duration {
        self.connector.timeout()
    }

    fn idle(&self) -> std::sync::MutexGuard<'_, Vec<Idle>> {
        self.idle
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// A working connection signed in with `sign_in`: an idle one that
    /// answers NOOP, or a new one. Waits while `size` connections are leased.
    pub(super) async fn get(&self, sign_in: Option<&SignIn>) -> Result<Lease<'_>, SmtpError> {
        let permit = self
            .permits
            .acquire()
            .await
            .map_err(|_| SmtpError::PoolClosed)?;
        loop {
            let candidate = {
                let mut idle = self.idle();
                let stale = take_stale(&mut idle, sign_in);
                let candidate = idle.pop();
                drop(idle);
                stale.into_iter().for_each(close);
                candidate
            };
            let Some(Idle {
                mut conn,
                sign_in: used,
                ..
            }) = candidate
            else {
                break;
            };
            let alive = tokio::time::timeout(self.timeout(), conn.test_connected()).await;
            if matches!(alive, Ok(true)) {
                return Ok(Lease {
                    pool: self,
                    conn,
                    sign_in: used,
                    _permit: permit,
                });
            }
            tracing::debug!("smtp out: dropping an idle connection the server closed");
        }
        let conn = self.connector.open(sign_in).await?;
        Ok(Lease {
            pool: self,
            conn,
            sign_in: sign_in.cloned(),
            _permit: permit,
        })
    }
}

/// Removes the idle connections that signed in differently or waited too long.
fn take_stale(idle: &mut Vec<Idle>, sign_in: Option<&SignIn>) -> Vec<AsyncSmtpConnection> {
    let (fresh, stale): (Vec<Idle>, Vec<Idle>) = std::mem::take(idle)
        .into_iter()
        .partition(|i| i.sign_in.as_ref() == sign_in && i.since.elapsed() <= IDLE_TIMEOUT);
    *idle = fresh;
    stale.into_iter().map(|i| i.conn).collect()
}

/// Says QUIT in the background and closes.
fn close(mut conn: AsyncSmtpConnection) {
    tokio::spawn(async move {
        tokio::time::timeout(QUIT_TIMEOUT, conn.quit()).await.ok();
    });
}

impl Lease<'_> {
    /// The connection, for one transaction.
    pub(super) fn conn(&mut self) -> &mut AsyncSmtpConnection {
        &mut self.conn
    }

    /// Puts the connection back for reuse, unless it broke (lettre marks a
    /// connection broken, and has closed it, after a failed command).
    pub(super) fn recycle(self) {
        let Self {
            pool,
            conn,
            sign_in,
            _permit,
        } = self;
        if conn.has_broken() {
            return;
        }
        let mut idle = pool.idle();
        if idle.len() < pool.size {
            idle.push(Idle {
                conn,
                sign_in,
                since: Instant::now(),
            });
        }
        // `_permit` is released here, after the connection is back.
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    use tokio::task::JoinHandle;
    use tokio_util::sync::CancellationToken;

    use super::*;
    use crate::transport::accounts::{Endpoint, Security};
    use crate::transport::smtp_in::{SmtpInConfig, SmtpInHandler, serve_stream};
    use crate::transport::smtp_out::{OutboundSender, RelayConfig, SmtpSender};

    /// Accepts everything and remembers the passwords it was given.
    #[derive(Default)]
    struct Recorder {
        /// Messages delivered.
        delivered: AtomicUsize,
        /// Passwords of successful AUTH PLAIN, in order.
        passwords: Mutex<Vec<String>>,
    }

    #[async_trait::async_trait]
    impl SmtpInHandler for Recorder {
        async fn accepts_recipient(&self, _rcpt: &str) -> bool {
            true
        }

        async fn deliver(
            &self,
            _from: &str,
            _rcpts: &[String],
            _raw: Vec<u8>,
        ) -> Result<(), String> {
            self.delivered.fetch_add(1, Ordering::SeqCst);
            Ok(())
        }

        fn offers_auth(&self) -> bool {
            true
        }

        async fn authenticate(&self, _user: &str, password: &str) -> bool {
            self.passwords.lock().unwrap().push(password.to_owned());
            true
        }
    }

    /// mailbot's own SMTP server on a loopback port, counting connections.
    struct Server {
        /// Where it listens.
        port: u16,
        /// What it received.
        handler: Arc<Recorder>,
        /// Connections accepted so far.
        accepted: Arc<AtomicUsize>,
        /// Open sessions, so a test can close them.
        sessions: Arc<Mutex<Vec<JoinHandle<()>>>>,
    }

    impl Server {
        async fn start() -> Self {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            let server = Self {
                port: listener.local_addr().unwrap().port(),
                handler: Arc::default(),
                accepted: Arc::default(),
                sessions: Arc::default(),
            };
            let (handler, accepted, sessions) = (
                server.handler.clone(),
                server.accepted.clone(),
                server.sessions.clone(),
            );
            tokio::spawn(async move {
                let config = Arc::new(SmtpInConfig::new("localhost"));
                while let Ok((stream, _)) = listener.accept().await {
                    accepted.fetch_add(1, Ordering::SeqCst);
                    let (handler, config) = (handler.clone(), config.clone());
                    sessions.lock().unwrap().push(tokio::spawn(async move {
                        let shutdown = CancellationToken::new();
                        serve_stream(stream, "127.0.0.1", &*handler, &config, &shutdown)
                            .await
                            .ok();
                    }));
                }
            });
            server
        }

        /// Closes every open connection, as a server's idle timeout does.
        async fn close_sessions(&self) {
            let sessions = std::mem::take(&mut *self.sessions.lock().unwrap());
            for session in sessions {
                session.abort();
                session.await.ok();
            }
        }

        fn accepted(&self) -> usize {
            self.accepted.load(Ordering::SeqCst)
        }

        fn delivered(&self) -> usize {
            self.handler.delivered.load(Ordering::SeqCst)
        }

        fn sender(&self, pool_size: u32) -> SmtpSender {
            let mut relay = RelayConfig::new("127.0.0.1", self.port, Security::Plain);
            relay.pool_size = pool_size;
            SmtpSender::new(relay).unwrap()
        }

        fn pool(&self) -> Pool {
            let endpoint = Endpoint {
                host: "127.0.0.1".to_owned(),
                port: self.port,
                security: Security::Plain,
            };
            Pool::new(
                Connector::new(endpoint, None, Duration::from_secs(10)).unwrap(),
                4,
            )
        }
    }

    async fn send(sender: &SmtpSender, n: usize) {
        let raw = format!("Subject: {n}\r\n\r\nhi\r\n");
        sender
            .send("a@x.com", &["b@x.com".to_owned()], raw.as_bytes())
            .await
            .unwrap();
    }

    #[tokio::test]
    async fn consecutive_sends_share_one_connection() {
        let server = Server::start().await;
        let sender = server.sender(4);
        for n in 0..3 {
            send(&sender, n).await;
        }
        assert_eq!(server.delivered(), 3);
        assert_eq!(server.accepted(), 1);
    }

    #[tokio::test]
    async fn a_connection_the_server_closed_while_idle_is_replaced_without_failing_the_send() {
        let server = Server::start().await;
        let sender = server.sender(4);
        send(&sender, 1).await;
        server.close_sessions().await;
        send(&sender, 2).await;
        assert_eq!(server.delivered(), 2);
        assert_eq!(server.accepted(), 2);
    }

    #[tokio::test]
    async fn concurrent_sends_open_no_more_than_pool_size_connections() {
        let server = Server::start().await;
        let sender = server.sender(2);
        futures::future::join_all((0..6).map(|n| send(&sender, n))).await;
        assert_eq!(server.delivered(), 6);
        assert!(server.accepted() <= 2, "{} connections", server.accepted());
    }

    #[tokio::test]
    async fn connections_signed_in_with_other_credentials_are_not_reused() {
        let server = Server::start().await;
        let pool = server.pool();
        let old = SignIn::password("u", "old token");
        let new = SignIn::password("u", "new token");
        pool.get(Some(&old)).await.unwrap().recycle();
        pool.get(Some(&old)).await.unwrap().recycle();
        assert_eq!(server.accepted(), 1);
        pool.get(Some(&new)).await.unwrap().recycle();
        assert_eq!(server.accepted(), 2);
        assert_eq!(
            *server.handler.passwords.lock().unwrap(),
            ["old token", "new token"]
        );
        assert!(
            pool.idle()
                .iter()
                .all(|idle| idle.sign_in.as_ref() == Some(&new)),
            "the connection signed in with the old token was closed"
        );
    }
}
