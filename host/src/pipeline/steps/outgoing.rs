//! Outbox items the steps queue: the reply, the escalation to a support
//! address, and a forwarded original. Each gets its Message-ID here, once,
//! before it is queued.

use time::OffsetDateTime;

use super::Steps;
use crate::mail::compose::{self, Inbox as FromInbox, ReplyDraft, ReplyParent};
use crate::mail::parse::{Mailbox, ParsedMail};
use crate::pipeline::InboxContext;
use crate::plugins::types::Escalation;
use crate::store::{self, Conversation, NewOutboxItem, OutboxKind, StoredMessage};

fn from_inbox(ctx: &InboxContext) -> FromInbox {
    FromInbox {
        address: ctx.inbox.address.clone(),
        name: ctx
            .settings
            .email_name
            .clone()
            .or_else(|| Some(ctx.inbox.name.clone())),
    }
}

fn parent(mail: &ParsedMail, conversation: &Conversation) -> ReplyParent {
    ReplyParent::from_mail(mail).unwrap_or_else(|| ReplyParent {
        customer: Mailbox {
            name: conversation.customer_name.clone(),
            email: conversation.customer_email.clone(),
        },
        subject: mail.subject.clone(),
        message_id: mail.message_id.clone(),
        references: mail.references.clone(),
    })
}

impl Steps {
    pub(super) fn reply_item(
        &self,
        message: &StoredMessage,
        mail: &ParsedMail,
        ctx: &InboxContext,
        conversation: &Conversation,
        draft: &ReplyDraft,
        text: &str,
    ) -> anyhow::Result<NewOutboxItem> {
        let parent = parent(mail, conversation);
        let composed =
            compose::compose_reply(&from_inbox(ctx), &parent, draft, OffsetDateTime::now_utc())?;
        Ok(NewOutboxItem {
            message_id: Some(message.id.clone()),
            conversation_id: Some(conversation.id.clone()),
            inbox_id: ctx.inbox.id.clone(),
            kind: OutboxKind::Reply,
            message_id_header: composed.message_id,
            envelope_from: ctx.inbox.address.clone(),
            recipients: vec![parent.customer.email.clone()],
            raw: composed.bytes,
            text: text.to_owned(),
            next_attempt_at: store::now_ms(),
        })
    }

    #[allow(clippy::too_many_arguments)]
    pub(super) fn escalation_item(
        &self,
        message: &StoredMessage,
        mail: &ParsedMail,
        ctx: &InboxContext,
        conversation: &Conversation,
        turns: &[store::Turn],
        esc: &Escalation,
        support: &str,
    ) -> anyhow::Result<NewOutboxItem> {
        let parent = parent(mail, conversation);
        let mut transcript = String::new();
        for turn in turns {
            let who = match turn.role {
                store::Role::Customer => "Customer",
                store::Role::Agent => "Bot",
                store::Role::Human => "Agent",
            };
            transcript.push_str(&format!("{who}:\n{}\n\n", turn.text.trim()));
        }
        transcript.push_str(&format!(
            "Customer ({}):\n{}\n",
            parent.customer.email,
            mail.body.new_text.trim()
        ));
        let summary = format!(
            "Reason: {}\nPriority: {:?}\nConversation: {}\n\n{}",
            esc.reason,
            esc.priority,
            conversation.id,
            esc.summary.as_deref().unwrap_or("")
        );
        let support_box = Mailbox {
            name: None,
            email: support.to_owned(),
        };
        let composed = compose::compose_escalation(
            &from_inbox(ctx),
            &support_box,
            &parent,
            &summary,
            &transcript,
            None,
            OffsetDateTime::now_utc(),
        )?;
        Ok(NewOutboxItem {
            message_id: Some(message.id.clone()),
            conversation_id: Some(conversation.id.clone()),
            inbox_id: ctx.inbox.id.clone(),
            kind: OutboxKind::Escalation,
            message_id_header: composed.message_id,
            envelope_from: ctx.inbox.address.clone(),
            recipients: vec![support.to_owned()],
            raw: composed.bytes,
            text: summary,
            next_attempt_at: store::now_ms(),
        })
    }

    /// The original message, unchanged, re-sent to `to` (a forward rule).
    pub(super) fn forward_item(
        &self,
        message: &StoredMessage,
        ctx: &InboxContext,
        conversation: &Conversation,
        to: &str,
    ) -> NewOutboxItem {
        NewOutboxItem {
            message_id: Some(message.id.clone()),
            conversation_id: Some(conversation.id.clone()),
            inbox_id: ctx.inbox.id.clone(),
            kind: OutboxKind::Forward,
            // The outbox needs a unique id; the forwarded bytes keep their own.
            message_id_header: format!(
                "forward.{}@{}",
                message.id,
                ctx.inbox.address.rsplit('@').next().unwrap_or("localhost")
            ),
            envelope_from: ctx.inbox.address.clone(),
            recipients: vec![to.to_owned()],
            raw: message.raw.clone(),
            text: String::new(),
            next_attempt_at: store::now_ms(),
        }
    }
}
