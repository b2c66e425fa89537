//! `received → parsed` and `parsed → screened | skipped`: read the mail,
//! then decide whether the bot may answer it at all (host rules: loops,
//! bounces, lists, auto-replies, own addresses, blocked senders).

use std::sync::LazyLock;

use regex::Regex;

use super::{Mail, Next, Steps};
use crate::mail::parse::ParsedMail;
use crate::mail::screen::{Bounce, Verdict, screen};
use crate::store::{
    self, ConversationUpdate, MessagePatch, MessageState, StoredMessage, Transition,
};

impl Steps {
    /// `received → parsed`: what the store keeps of the parsed mail.
    pub(super) fn read(&self, message: &StoredMessage, mail: &Mail) -> Next {
        let customer = mail.keys.customer.clone();
        let mail = &mail.parsed;
        let patch = MessagePatch {
            message_id_header: mail.message_id.clone(),
            from_email: customer,
            subject: Some(mail.subject.clone()),
            new_text: Some(mail.body.new_text.clone()),
            ..MessagePatch::default()
        };
        Next::Move(Transition::new(message.state, MessageState::Parsed).with(patch))
    }

    pub(super) async fn screen(
        &self,
        message: &StoredMessage,
        mail: &Mail,
    ) -> anyhow::Result<Next> {
        let (ctx, mail) = (&mail.ctx, &mail.parsed);
        let own = self.inboxes.own_addresses().await?;
        let screening = screen(mail, &own);
        if let Some(bounce) = &screening.bounce {
            self.handle_bounce(&ctx.inbox.id, mail, bounce).await?;
        }
        let skipped = Transition::new(message.state, MessageState::Skipped);
        if let Verdict::Skip(reason) = screening.verdict {
            return Ok(Next::Move(skipped.because(reason.as_str())));
        }
        if let Some(sender) = &message.from_email
            && self.store.is_blocked(&ctx.inbox.id, sender).await?
        {
            return Ok(Next::Move(skipped.because("blocked_sender")));
        }
        Ok(Next::Move(Transition::new(
            message.state,
            MessageState::Screened,
        )))
    }

    /// A bounce of one of our replies: the recipients become undeliverable
    /// and the bot pauses on the conversation the reply belonged to.
    async fn handle_bounce(
        &self,
        inbox_id: &str,
        mail: &ParsedMail,
        bounce: &Bounce,
    ) -> anyhow::Result<()> {
        let reason = format!(
            "bounced{}",
            bounce
                .status
                .as_deref()
                .map(|s| format!(" with status {s}"))
                .unwrap_or_default()
        );
        if bounce.permanent || bounce.status.as_deref().is_some_and(|s| s.starts_with('5')) {
            for rcpt in &bounce.recipients {
                self.store
                    .mark_undeliverable(inbox_id, rcpt, &reason)
                    .await?;
            }
        }
        let ids = returned_message_ids(mail);
        let conversation = match self
            .store
            .conversation_by_message_id_header(inbox_id, &ids)
            .await?
        {
            Some(conv) => Some(conv),
            None => match bounce.recipients.first() {
                Some(rcpt) => self
                    .store
                    .sessions_for_customer(inbox_id, rcpt)
                    .await?
                    .into_iter()
                    .next(),
                None => None,
            },
        };
        if let Some(conv) = conversation {
            let update = ConversationUpdate {
                bot_paused: Some(true),
                paused_reason: Some(format!("a reply {reason}")),
                ..ConversationUpdate::default()
            };
            self.store.update_conversation(&conv.id, update).await?;
            tracing::warn!(conversation = %conv.id, "reply bounced; bot paused on the conversation");
        }
        Ok(())
    }
}

/// Message-IDs of the returned original in a bounce (its headers or body).
fn returned_message_ids(mail: &ParsedMail) -> Vec<String> {
    static ID: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?im)^\s*Message-ID:\s*<?([^\s<>]+@[^\s<>]+)>?").expect("valid regex")
    });
    let mut ids: Vec<String> = Vec::new();
    let sources = [
        mail.report.returned_headers.as_deref(),
        Some(mail.text.as_str()),
    ];
    for text in sources.into_iter().flatten() {
        for cap in ID.captures_iter(text) {
            let id = store::normalize_message_id(&cap[1]);
            if Some(&id) != mail.message_id.as_ref() && !ids.contains(&id) {
                ids.push(id);
            }
        }
    }
    ids.extend(mail.in_reply_to.iter().cloned());
    ids
}
