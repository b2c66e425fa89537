//! Where the transports hand over mail: each message is stored durably
//! (`Received`) before the transport acknowledges it (`\Seen`, `250`), and
//! the workers are woken.

use std::sync::Arc;

use tokio::sync::Notify;

use crate::store::{self, InsertOutcome, NewMessage, Store};
use crate::transport::imap::{InboundMail, InboundSink, SinkError};
use crate::transport::smtp_in::SmtpInHandler;

/// Stores inbound mail for the pipeline.
pub struct Intake {
    store: Arc<dyn Store>,
    // Woken after every stored message.
    wake: Arc<Notify>,
    // Domain of generated addresses, lower-case; none without SMTP in.
    inbound_domain: Option<String>,
}

impl std::fmt::Debug for Intake {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Intake")
            .field("inbound_domain", &self.inbound_domain)
            .finish_non_exhaustive()
    }
}

impl Intake {
    /// Intake into `store`, waking `wake`.
    pub fn new(store: Arc<dyn Store>, wake: Arc<Notify>, inbound_domain: Option<String>) -> Self {
        Intake {
            store,
            wake,
            inbound_domain,
        }
    }

    async fn insert(&self, message: NewMessage) -> store::Result<InsertOutcome> {
        let outcome = self.store.insert_received(message).await?;
        if let InsertOutcome::Inserted(id) = &outcome {
            tracing::debug!(message = %id, "mail stored");
            self.wake.notify_one();
        }
        Ok(outcome)
    }

    /// The generated inbox `rcpt` is addressed to, if it exists.
    async fn generated_inbox(&self, rcpt: &str) -> Option<store::Inbox> {
        let domain = self.inbound_domain.as_deref()?;
        let rcpt = store::normalize_email(rcpt);
        let (local, rcpt_domain) = rcpt.rsplit_once('@')?;
        if rcpt_domain != domain {
            return None;
        }
        // Sub-addressing: slug+anything@domain reaches slug@domain.
        let slug = local.split('+').next().unwrap_or(local);
        match self.store.inbox_by_slug(slug).await {
            Ok(inbox) => inbox,
            Err(e) => {
                tracing::error!(error = %e, "looking up a generated inbox");
                None
            }
        }
    }

    /// The inbox an IMAP account's mail belongs to.
    async fn account_inbox(&self, account: &str) -> Result<store::Inbox, SinkError> {
        self.store
            .inbox_by_address(account)
            .await
            .map_err(|e| SinkError(format!("looking up inbox {account}: {e}")))?
            .ok_or_else(|| SinkError(format!("no inbox has the address {account}")))
    }
}

/// The row an IMAP message is stored as.
fn imap_message(inbox_id: String, mail: InboundMail, received_at: store::Millis) -> NewMessage {
    NewMessage {
        inbox_id,
        source_key: format!(
            "imap:{}:{}:{}:{}",
            mail.account, mail.mailbox, mail.uidvalidity, mail.uid
        ),
        source: format!("imap:{}:{}", mail.account, mail.mailbox),
        raw: mail.raw,
        received_at,
    }
}

fn storing_failed(e: impl std::fmt::Display) -> SinkError {
    SinkError(format!("storing mail: {e}"))
}

#[async_trait::async_trait]
impl InboundSink for Intake {
    async fn accept(&self, mail: InboundMail) -> Result<(), SinkError> {
        self.accept_all(vec![mail])
            .await
            .pop()
            .unwrap_or_else(|| Err(storing_failed("no outcome for the message")))
    }

    /// One commit for the whole batch, in its order.
    async fn accept_all(&self, mails: Vec<InboundMail>) -> Vec<Result<(), SinkError>> {
        let received_at = store::now_ms();
        let mut inboxes: Vec<(String, Result<String, SinkError>)> = Vec::new();
        let mut results: Vec<Result<(), SinkError>> = Vec::with_capacity(mails.len());
        let mut messages = Vec::with_capacity(mails.len());
        for mail in mails {
            let known = inboxes
                .iter()
                .position(|(account, _)| *account == mail.account);
            let at = match known {
                Some(at) => at,
                None => {
                    let inbox = self.account_inbox(&mail.account).await.map(|i| i.id);
                    inboxes.push((mail.account.clone(), inbox));
                    inboxes.len() - 1
                }
            };
            match &inboxes[at].1 {
                Ok(inbox_id) => {
                    messages.push(imap_message(inbox_id.clone(), mail, received_at));
                    results.push(Ok(()));
                }
                Err(e) => results.push(Err(e.clone())),
            }
        }
        let stored = match self.store.insert_received_all(messages).await {
            Ok(stored) => stored,
            Err(e) => {
                let e = storing_failed(e);
                return results.into_iter().map(|_| Err(e.clone())).collect();
            }
        };
        let mut stored = stored.into_iter();
        let mut any_new = false;
        for result in results.iter_mut().filter(|r| r.is_ok()) {
            *result = match stored.next() {
                Some(Ok(outcome)) => {
                    any_new |= matches!(outcome, InsertOutcome::Inserted(_));
                    Ok(())
                }
                Some(Err(e)) => Err(storing_failed(e)),
                None => Err(storing_failed("the store answered for fewer messages")),
            };
        }
        if any_new {
            self.wake.notify_one();
        }
        results
    }
}

#[async_trait::async_trait]
impl SmtpInHandler for Intake {
    async fn accepts_recipient(&self, rcpt: &str) -> bool {
        self.generated_inbox(rcpt).await.is_some()
    }

    async fn deliver(
        &self,
        _mail_from: &str,
        recipients: &[String],
        raw: Vec<u8>,
    ) -> Result<(), String> {
        let mut inboxes: Vec<store::Inbox> = Vec::new();
        for rcpt in recipients {
            if let Some(inbox) = self.generated_inbox(rcpt).await
                && !inboxes.iter().any(|i| i.id == inbox.id)
            {
                inboxes.push(inbox);
            }
        }
        if inboxes.is_empty() {
            return Err("no recipient is a live generated address".into());
        }
        let identity = smtp_identity(&raw);
        for inbox in inboxes {
            let message = NewMessage {
                source_key: format!("smtp:{}:{identity}", inbox.id),
                source: "smtp".into(),
                inbox_id: inbox.id,
                raw: raw.clone(),
                received_at: store::now_ms(),
            };
            self.insert(message)
                .await
                .map_err(|e| format!("storing mail: {e}"))?;
        }
        Ok(())
    }
}

/// What identifies a message arriving over SMTP, so a client that retries
/// after losing our `250` (or after we crashed before sending it) does not
/// get it stored, and answered, twice: its Message-ID, or without one a hash
/// of the message as the client sent it (our `Received` line, which carries
/// the time, left out).
fn smtp_identity(raw: &[u8]) -> String {
    let message_id = mail_parser::MessageParser::new()
        .parse_headers(raw)
        .and_then(|m| m.message_id().map(|id| id.trim().to_lowercase()))
        .filter(|id| !id.is_empty());
    match message_id {
        Some(id) => format!("id:{id}"),
        None => format!("hash:{}", blake3::hash(without_first_header(raw)).to_hex()),
    }
}

/// `raw` after its first header field (with its folded lines).
fn without_first_header(raw: &[u8]) -> &[u8] {
    let mut at = 0;
    while let Some(offset) = raw[at..].iter().position(|&b| b == b'\n') {
        at += offset + 1;
        if !matches!(raw.get(at), Some(b' ' | b'\t')) {
            return &raw[at..];
        }
    }
    &raw[raw.len()..]
}

#[cfg(test)]
mod tests {
    use super::smtp_identity;

    #[test]
    fn a_retried_smtp_message_has_the_same_identity_whenever_it_arrives() {
        let first = b"Received: from a\r\n\tby mx; Mon, 23 Nov 2026 10:00:00 +0000\r\nSubject: hi\r\n\r\nbody\r\n";
        let retry = b"Received: from a\r\n\tby mx; Mon, 23 Nov 2026 10:00:07 +0000\r\nSubject: hi\r\n\r\nbody\r\n";
        let other = b"Received: from a\r\n\tby mx; Mon, 23 Nov 2026 10:00:07 +0000\r\nSubject: hi\r\n\r\nanother\r\n";
        assert_eq!(smtp_identity(first), smtp_identity(retry));
        assert_ne!(smtp_identity(first), smtp_identity(other));
    }

    #[test]
    fn the_message_id_identifies_a_message_when_it_has_one() {
        let a = b"Received: x\r\nMessage-ID: <M1@Example.net>\r\n\r\nbody one\r\n";
        let b = b"Received: y\r\nMessage-ID: <m1@example.net>\r\n\r\nbody resent\r\n";
        assert_eq!(smtp_identity(a), smtp_identity(b));
        assert_eq!(smtp_identity(a), "id:m1@example.net");
    }
}
