//! IMAP channel: watch one mailbox and hand every unread message to the host.
//!
//! An [`ImapWatcher`] connects, signs in, selects the mailbox and then loops:
//! `UID SEARCH UNSEEN`, ask the sizes of the messages found when there
//! are several (`RFC822.SIZE`), fetch them in batches bounded in count and bytes
//! ([`batches`]) with `BODY.PEEK[]` (so fetching does not set `\Seen`),
//! give each batch to the [`InboundSink`],
//! and only for those the sink accepted `UID STORE +FLAGS.SILENT (\Seen)`. Then it
//! waits: IMAP IDLE when the server offers it, re-issued at least every
//! `check_interval` (a safety net, and well before the 29-minute limit), or a
//! plain poll every `check_interval`. Any error drops the connection and
//! reconnects with capped exponential backoff; the lifecycle goes
//! `Starting` → `Running` ⇄ `Error` → `Stopped`.
//!
//! A message someone else already read is never picked up (only UNSEEN is
//! searched). A message the sink refused stays unseen and is offered again at
//! the next check.

mod batches;
mod connect;

use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;

use futures::TryStreamExt;
use tokio_util::sync::CancellationToken;

pub use connect::{ImapSession, ImapStream, check_login, connect};

use crate::transport::accounts::MailAccount;
use crate::transport::lifecycle::{ChannelEvents, ChannelStatus, LogLevel};
use crate::transport::{Protocol, TransportError};

/// Bytes of mail one fetch brings in at most (a larger message comes alone).
const BATCH_BYTES: u64 = 32 << 20;

/// Deadline for the commands that end a wait (DONE, NOOP): a server that
/// went silent is treated as a lost connection.
const COMMAND_TIMEOUT: Duration = Duration::from_secs(60);

/// One message picked up from a mailbox; identified by
/// (`mailbox`, `uidvalidity`, `uid`) plus the content hash the store computes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InboundMail {
    /// Mailbox address of the account it came from.
    pub account: String,
    /// IMAP mailbox name (`INBOX`).
    pub mailbox: String,
    /// UIDVALIDITY of the mailbox when the message was fetched.
    pub uidvalidity: u32,
    /// UID of the message.
    pub uid: u32,
    /// The full message as the server holds it.
    pub raw: Vec<u8>,
}

/// Why the sink could not take a message; it stays unseen and is retried.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct SinkError(pub String);

/// Where picked-up mail goes. `accept` returns `Ok` only once the message is
/// durably stored: that is what allows the watcher to mark it `\Seen`.
#[async_trait::async_trait]
pub trait InboundSink: Send + Sync {
    /// Store one message.
    async fn accept(&self, mail: InboundMail) -> Result<(), SinkError>;

    /// Store a fetched batch, in its order; one result per message, in
    /// order. By default one `accept` after another; a sink that can store
    /// the batch in one commit should.
    async fn accept_all(&self, mails: Vec<InboundMail>) -> Vec<Result<(), SinkError>> {
        let mut results = Vec::with_capacity(mails.len());
        for mail in mails {
            results.push(self.accept(mail).await);
        }
        results
    }
}

/// Watches one account's mailbox until shut down. See the module docs.
pub struct ImapWatcher {
    /// The account to watch.
    account: MailAccount,
    /// Where status, logs and rotated tokens go.
    events: Arc<dyn ChannelEvents>,
    /// Messages fetched per `UID FETCH`, so huge mailboxes stream in pieces.
    batch_size: usize,
    /// Bytes fetched per `UID FETCH` at most, by the sizes the server reports.
    batch_bytes: u64,
    /// First reconnect delay; doubled after each failure.
    backoff_initial: Duration,
    /// Upper bound for the reconnect delay.
    backoff_max: Duration,
    /// Longest single IDLE before it is re-issued (servers drop at 30 min).
    idle_renewal: Duration,
}

impl ImapWatcher {
    /// A watcher with defaults: batches of 100, backoff 1 s doubling to 5 min.
    pub fn new(account: MailAccount, events: Arc<dyn ChannelEvents>) -> Self {
        Self {
            account,
            events,
            batch_size: 100,
            batch_bytes: BATCH_BYTES,
            backoff_initial: Duration::from_secs(1),
            backoff_max: Duration::from_secs(300),
            idle_renewal: Duration::from_secs(25 * 60),
        }
    }

    /// Messages per fetch (at least 1).
    pub fn with_batch_size(mut self, batch_size: usize) -> Self {
        self.batch_size = batch_size.max(1);
        self
    }

    /// Bytes per fetch at most; a larger message is fetched alone.
    pub fn with_batch_bytes(mut self, batch_bytes: u64) -> Self {
        self.batch_bytes = batch_bytes;
        self
    }

    /// Reconnect backoff: first delay and cap.
    pub fn with_backoff(mut self, initial: Duration, max: Duration) -> Self {
        self.backoff_initial = initial;
        self.backoff_max = max.max(initial);
        self
    }

    /// The account being watched.
    pub fn account(&self) -> &MailAccount {
        &self.account
    }

    /// Runs until `shutdown` is cancelled, reconnecting after any error.
    pub async fn run(self, sink: Arc<dyn InboundSink>, shutdown: CancellationToken) {
        let address = self.account.address.clone();
        self.events.status(&address, ChannelStatus::Starting, None);
        let mut delay = self.backoff_initial;
        while !shutdown.is_cancelled() {
            match self.session(&*sink, &shutdown, &mut delay).await {
                Ok(()) => break,
                Err(e) => {
                    let line = e.to_string();
                    self.events
                        .status(&address, ChannelStatus::Error, Some(&line));
                    self.events.log(
                        &address,
                        LogLevel::Error,
                        &format!("{line}; reconnecting in {} ms", delay.as_millis()),
                    );
                    tokio::select! {
                        () = tokio::time::sleep(delay) => {}
                        () = shutdown.cancelled() => break,
                    }
                    delay = (delay * 2).min(self.backoff_max);
                }
            }
        }
        self.events.status(&address, ChannelStatus::Stopped, None);
    }

    fn session_error(&self, what: &str, e: impl std::fmt::Display) -> TransportError {
        TransportError::Session {
            protocol: Protocol::Imap,
            account: self.account.address.clone(),
            detail: format!("{what}: {e}"),
        }
    }

    /// One connection's life: returns `Ok` only on shutdown.
    async fn session(
        &self,
        sink: &dyn InboundSink,
        shutdown: &CancellationToken,
        delay: &mut Duration,
    ) -> Result<(), TransportError> {
        let address = &self.account.address;
        let mut session = tokio::select! {
            s = connect(&self.account, &*self.events) => s?,
            () = shutdown.cancelled() => return Ok(()),
        };
        let mailbox = session
            .select(&self.account.mailbox)
            .await
            .map_err(|e| self.session_error(&format!("select {}", self.account.mailbox), e))?;
        let uidvalidity = mailbox.uid_validity.unwrap_or(0);
        let idle = session
            .capabilities()
            .await
            .map_err(|e| self.session_error("capability", e))?
            .has_str("IDLE");
        *delay = self.backoff_initial;
        self.events.status(address, ChannelStatus::Running, None);
        self.events.log(
            address,
            LogLevel::Info,
            &format!(
                "connected to {}, watching {} ({})",
                self.account.imap,
                self.account.mailbox,
                if idle { "idle" } else { "polling" }
            ),
        );
        loop {
            self.pick_up(&mut session, uidvalidity, sink, shutdown)
                .await?;
            while session.unsolicited_responses.try_recv().is_ok() {}
            if shutdown.is_cancelled() {
                session.logout().await.ok();
                return Ok(());
            }
            let wait = self.account.check_interval.min(self.idle_renewal);
            if idle {
                // Mail that arrived between the last search and IDLE shows up
                // as an untagged EXISTS while IDLE starts; async-imap routes
                // it to this channel, so look there before waiting.
                let notices = session.unsolicited_responses.clone();
                let mut handle = session.idle();
                handle
                    .init()
                    .await
                    .map_err(|e| self.session_error("idle", e))?;
                let stopping = if notices.is_empty() {
                    let (wait_fut, _stop) = handle.wait_with_timeout(wait);
                    tokio::select! {
                        r = wait_fut => { r.map_err(|e| self.session_error("idle", e))?; false }
                        () = tokio::time::sleep(wait) => false,
                        () = shutdown.cancelled() => true,
                    }
                } else {
                    false
                };
                session = tokio::time::timeout(COMMAND_TIMEOUT, handle.done())
                    .await
                    .map_err(|e| self.session_error("idle done", e))?
                    .map_err(|e| self.session_error("idle done", e))?;
                if stopping {
                    session.logout().await.ok();
                    return Ok(());
                }
            } else {
                tokio::select! {
                    () = tokio::time::sleep(wait) => {}
                    () = shutdown.cancelled() => {
                        session.logout().await.ok();
                        return Ok(());
                    }
                }
                tokio::time::timeout(COMMAND_TIMEOUT, session.noop())
                    .await
                    .map_err(|e| self.session_error("noop", e))?
                    .map_err(|e| self.session_error("noop", e))?;
            }
        }
    }

    /// Picks up every unseen message, batch by batch, until none is left but
    /// those the sink refused this round (they wait for the next check).
    async fn pick_up(
        &self,
        session: &mut ImapSession,
        uidvalidity: u32,
        sink: &dyn InboundSink,
        shutdown: &CancellationToken,
    ) -> Result<(), TransportError> {
        let mut refused: HashSet<u32> = HashSet::new();
        loop {
            let mut uids: Vec<u32> = session
                .uid_search("UNSEEN")
                .await
                .map_err(|e| self.session_error("search", e))?
                .into_iter()
                .filter(|uid| !refused.contains(uid))
                .collect();
            if uids.is_empty() {
                return Ok(());
            }
            uids.sort_unstable();
            let sized = self.sizes(session, &uids).await?;
            for batch in batches::by_size(&sized, self.batch_size, self.batch_bytes) {
                if shutdown.is_cancelled() {
                    return Ok(());
                }
                let mails: Vec<InboundMail> = self
                    .fetch_batch(session, &batch)
                    .await?
                    .into_iter()
                    .map(|(uid, raw)| InboundMail {
                        account: self.account.address.clone(),
                        mailbox: self.account.mailbox.clone(),
                        uidvalidity,
                        uid,
                        raw,
                    })
                    .collect();
                let uids: Vec<u32> = mails.iter().map(|m| m.uid).collect();
                let results = sink.accept_all(mails).await;
                let mut accepted = Vec::with_capacity(uids.len());
                for (uid, result) in uids.into_iter().zip(results) {
                    match result {
                        Ok(()) => accepted.push(uid),
                        Err(e) => {
                            refused.insert(uid);
                            self.events.log(
                                &self.account.address,
                                LogLevel::Warn,
                                &format!("message uid {uid} not stored, left unseen: {e}"),
                            );
                        }
                    }
                }
                self.mark_seen(session, &accepted).await?;
            }
        }
    }

    /// (UID, size) of the messages of `uids` still there, in UID order.
    async fn sizes(
        &self,
        session: &mut ImapSession,
        uids: &[u32],
    ) -> Result<Vec<(u32, u64)>, TransportError> {
        // One message is fetched alone whatever its size (the usual case
        // under IDLE): no need to ask the server.
        if let [uid] = uids {
            return Ok(vec![(*uid, 0)]);
        }
        let mut sized = Vec::with_capacity(uids.len());
        // A long UID set in one command is itself a burden: ask in pieces.
        for piece in uids.chunks(1000) {
            let fetches: Vec<_> = session
                .uid_fetch(uid_set(piece), "(UID RFC822.SIZE)")
                .await
                .map_err(|e| self.session_error("fetch sizes", e))?
                .try_collect()
                .await
                .map_err(|e| self.session_error("fetch sizes", e))?;
            // A message expunged meanwhile comes back without UID; one whose
            // size is missing is taken as large, so it is fetched alone.
            sized.extend(
                fetches
                    .iter()
                    .filter_map(|f| Some((f.uid?, f.size.map_or(u64::MAX, u64::from)))),
            );
        }
        sized.sort_unstable_by_key(|(uid, _)| *uid);
        Ok(sized)
    }

    async fn fetch_batch(
        &self,
        session: &mut ImapSession,
        uids: &[u32],
    ) -> Result<Vec<(u32, Vec<u8>)>, TransportError> {
        let set = uid_set(uids);
        let fetches: Vec<_> = session
            .uid_fetch(&set, "(UID BODY.PEEK[])")
            .await
            .map_err(|e| self.session_error("fetch", e))?
            .try_collect()
            .await
            .map_err(|e| self.session_error("fetch", e))?;
        let mut out: Vec<(u32, Vec<u8>)> = fetches
            .iter()
            // A message expunged meanwhile comes back without UID or body.
            .filter_map(|f| Some((f.uid?, f.body()?.to_vec())))
            .collect();
        out.sort_unstable_by_key(|(uid, _)| *uid);
        Ok(out)
    }

    async fn mark_seen(
        &self,
        session: &mut ImapSession,
        uids: &[u32],
    ) -> Result<(), TransportError> {
        if uids.is_empty() {
            return Ok(());
        }
        session
            .uid_store(uid_set(uids), "+FLAGS.SILENT (\\Seen)")
            .await
            .map_err(|e| self.session_error("store \\Seen", e))?
            .try_collect::<Vec<_>>()
            .await
            .map_err(|e| self.session_error("store \\Seen", e))?;
        Ok(())
    }
}

/// `1,2,3,7` → `1:3,7`, keeping commands short for big batches.
fn uid_set(uids: &[u32]) -> String {
    let mut sorted = uids.to_vec();
    sorted.sort_unstable();
    sorted.dedup();
    let mut parts = Vec::new();
    let mut iter = sorted.into_iter();
    let Some(mut start) = iter.next() else {
        return String::new();
    };
    let mut end = start;
    for uid in iter {
        if uid == end + 1 {
            end = uid;
            continue;
        }
        parts.push(range(start, end));
        start = uid;
        end = uid;
    }
    parts.push(range(start, end));
    parts.join(",")
}

fn range(start: u32, end: u32) -> String {
    if start == end {
        start.to_string()
    } else {
        format!("{start}:{end}")
    }
}

#[cfg(test)]
mod tests {
    use super::uid_set;

    #[test]
    fn uid_sets_collapse_runs() {
        let table: &[(&[u32], &str)] = &[
            (&[], ""),
            (&[5], "5"),
            (&[1, 2, 3], "1:3"),
            (&[7, 1, 3, 2, 9, 10], "1:3,7,9:10"),
            (&[4, 4, 5], "4:5"),
        ];
        for (uids, expected) in table {
            assert_eq!(uid_set(uids), *expected, "{uids:?}");
        }
    }
}
