//! `routed → decided | escalated | skipped`: collect the contact, ask
//! whether a human must take over, apply the reply caps, ask for the reply
//! and the signature, and queue the composed reply in the same transaction
//! that moves the message to `decided`.

use std::sync::Arc;

use time::OffsetDateTime;

use super::{Next, Steps};
use crate::config::ContentType;
use crate::mail::caps::ReplyCaps;
use crate::mail::compose::{BodyFormat, OutboundAttachment, ReplyDraft};
use crate::pipeline::InboxContext;
use crate::pipeline::records;
use crate::plugins::CallScope;
use crate::plugins::types::{EscalateDecision, Escalation, Priority, ReplyDecision};
use crate::store::{
    self, Conversation, ConversationUpdate, MessagePatch, MessageState, StoredMessage, Transition,
};

impl Steps {
    pub(super) async fn decide(&self, message: &StoredMessage) -> anyhow::Result<Next> {
        let (mail, ctx) = self.parsed(message).await?;
        let conv_id = message
            .conversation_id
            .clone()
            .ok_or_else(|| anyhow::anyhow!("routed message without a conversation"))?;
        let mut conversation = self.store.conversation(&conv_id).await?;
        let scope = CallScope {
            inbox_id: ctx.inbox.id.clone(),
            bot_id: ctx.bot.as_ref().map(|b| b.id.clone()).unwrap_or_default(),
            message_id: Some(message.id.clone()),
        };
        let msg = Arc::new(records::message(
            &message.id,
            &mail,
            &ctx.inbox.address,
            message.received_at,
            false,
        ));
        let turns: Vec<store::Turn> = self
            .store
            .turns(&conv_id)
            .await?
            .into_iter()
            .filter(|t| {
                !(t.role == store::Role::Customer
                    && t.at == message.received_at
                    && Some(&t.text) == message.new_text.as_ref())
            })
            .collect();
        let contact = self
            .store
            .contact(&ctx.inbox.id, &conversation.customer_email)
            .await?;

        // collect-contact: merged into the stored contact.
        let wit_conv = records::conversation(&conversation, &turns, contact.as_ref());
        let chain = ctx.chain.clone();
        let (s, m, c) = (scope.clone(), msg.clone(), wit_conv.clone());
        let found = tokio::task::spawn_blocking(move || chain.collect_contact(&s, &m, &c)).await?;
        self.record(message, &found.records).await?;
        if let Some(error) = found.error {
            return self
                .plugin_failed(
                    message,
                    &ctx,
                    Some(&conversation),
                    &error.to_string(),
                    MessagePatch::default(),
                )
                .await;
        }
        let contact = match found.decision {
            Some(fields) => {
                if conversation.customer_name.is_none() && fields.name.is_some() {
                    let update = ConversationUpdate {
                        customer_name: fields.name.clone(),
                        ..ConversationUpdate::default()
                    };
                    conversation = self.store.update_conversation(&conv_id, update).await?;
                }
                Some(
                    self.store
                        .merge_contact(
                            &ctx.inbox.id,
                            &conversation.customer_email,
                            records::contact_fields(&fields),
                        )
                        .await?,
                )
            }
            None => contact,
        };
        let wit_conv = records::conversation(&conversation, &turns, contact.as_ref());

        // escalate.
        let chain = ctx.chain.clone();
        let (s, m, c) = (scope.clone(), msg.clone(), wit_conv.clone());
        let escalation = tokio::task::spawn_blocking(move || chain.escalate(&s, &m, &c)).await?;
        self.record(message, &escalation.records).await?;
        if let Some(error) = escalation.error {
            return self
                .plugin_failed(
                    message,
                    &ctx,
                    Some(&conversation),
                    &error.to_string(),
                    MessagePatch::default(),
                )
                .await;
        }
        if let Some(EscalateDecision::Escalate(esc)) = escalation.decision {
            return self
                .escalate(message, &mail, &ctx, &conversation, &turns, esc)
                .await;
        }

        // Reply caps, so two bots cannot loop.
        if let Err(exceeded) = self.check_caps(&ctx, &conversation).await? {
            return self
                .advance(
                    message,
                    MessageState::Skipped,
                    Some(exceeded),
                    MessagePatch::default(),
                )
                .await;
        }

        // generate-reply.
        let chain = ctx.chain.clone();
        let bot = records::bot(ctx.bot.as_ref());
        let (s, m, c) = (scope.clone(), msg.clone(), wit_conv.clone());
        let reply =
            tokio::task::spawn_blocking(move || chain.generate_reply(&s, &m, &c, &bot)).await?;
        self.record(message, &reply.records).await?;
        if let Some(error) = reply.error {
            return self
                .plugin_failed(
                    message,
                    &ctx,
                    Some(&conversation),
                    &error.to_string(),
                    MessagePatch::default(),
                )
                .await;
        }
        let reply = match reply.decision {
            Some(ReplyDecision::Reply(reply)) => reply,
            Some(ReplyDecision::Escalate(reason)) => {
                let esc = Escalation {
                    reason,
                    priority: Priority::Normal,
                    summary: None,
                };
                return self
                    .escalate(message, &mail, &ctx, &conversation, &turns, esc)
                    .await;
            }
            Some(ReplyDecision::NoReply(reason)) => {
                return self
                    .advance(
                        message,
                        MessageState::Skipped,
                        Some(format!("no_reply: {reason}")),
                        MessagePatch::default(),
                    )
                    .await;
            }
            Some(ReplyDecision::NoOpinion) | None => {
                let reason = "no_reply: no plugin produced a reply".to_owned();
                return self
                    .advance(
                        message,
                        MessageState::Skipped,
                        Some(reason),
                        MessagePatch::default(),
                    )
                    .await;
            }
        };

        // signature.
        let chain = ctx.chain.clone();
        let inbox = records::inbox(&ctx.inbox);
        let (s, c) = (scope.clone(), wit_conv.clone());
        let signature =
            tokio::task::spawn_blocking(move || chain.signature(&s, &c, &inbox)).await?;
        self.record(message, &signature.records).await?;
        if let Some(error) = signature.error {
            return self
                .plugin_failed(
                    message,
                    &ctx,
                    Some(&conversation),
                    &error.to_string(),
                    MessagePatch::default(),
                )
                .await;
        }

        let (body, format) = match (ctx.settings.content_type, reply.html) {
            (ContentType::Html, Some(html)) => (html, BodyFormat::Html),
            _ => (reply.text.clone(), BodyFormat::Plain),
        };
        let draft = ReplyDraft {
            body,
            format,
            signature: signature
                .decision
                .map(|s| s.text)
                .filter(|s| !s.trim().is_empty()),
            attachments: reply
                .attachments
                .into_iter()
                .map(|a| OutboundAttachment {
                    filename: a.filename,
                    content_type: a.content_type,
                    content: a.content,
                })
                .collect(),
            message_id: None,
        };
        let item = self.reply_item(message, &mail, &ctx, &conversation, &draft, &reply.text)?;
        self.store
            .queue_and_advance(
                &message.id,
                Transition::new(MessageState::Routed, MessageState::Decided),
                item,
            )
            .await?;
        Ok(Next::Moved(MessageState::Decided))
    }

    /// Ok(Ok) when another automatic reply may go out, Ok(Err(reason)) when
    /// a cap is reached.
    async fn check_caps(
        &self,
        ctx: &InboxContext,
        conv: &Conversation,
    ) -> anyhow::Result<Result<(), String>> {
        let caps = ReplyCaps {
            max_per_sender: ctx.settings.caps.per_sender,
            max_per_conversation: ctx.settings.caps.per_conversation,
            window: time::Duration::seconds(ctx.settings.caps.window_secs as i64),
        };
        let now = store::now_ms();
        let since = now - (ctx.settings.caps.window_secs as i64) * 1000;
        let to_time = |ms: &i64| {
            OffsetDateTime::from_unix_timestamp_nanos(i128::from(*ms) * 1_000_000)
                .unwrap_or(OffsetDateTime::UNIX_EPOCH)
        };
        let sender: Vec<_> = self
            .store
            .sent_reply_times(&ctx.inbox.id, &conv.customer_email, since)
            .await?
            .iter()
            .map(to_time)
            .collect();
        let conversation: Vec<_> = self
            .store
            .sent_reply_times_for_conversation(&conv.id, since)
            .await?
            .iter()
            .map(to_time)
            .collect();
        Ok(caps
            .check(&sender, &conversation, to_time(&now))
            .map_err(|e| e.as_str().to_owned()))
    }

    async fn escalate(
        &self,
        message: &StoredMessage,
        mail: &crate::mail::parse::ParsedMail,
        ctx: &InboxContext,
        conversation: &Conversation,
        turns: &[store::Turn],
        esc: Escalation,
    ) -> anyhow::Result<Next> {
        let update = ConversationUpdate {
            bot_paused: Some(true),
            paused_reason: Some(format!("escalated: {}", esc.reason)),
            priority: Some(records::priority_from_wit(esc.priority)),
            ..ConversationUpdate::default()
        };
        self.store
            .update_conversation(&conversation.id, update)
            .await?;
        let reason = format!("escalated: {}", esc.reason);
        match &ctx.settings.escalation_address {
            Some(support) => {
                let item =
                    self.escalation_item(message, mail, ctx, conversation, turns, &esc, support)?;
                self.store
                    .queue_and_advance(
                        &message.id,
                        Transition::new(MessageState::Routed, MessageState::Escalated)
                            .because(reason.clone()),
                        item,
                    )
                    .await?;
                self.outbox_wake.notify_one();
                tracing::info!(reason = %reason, "message escalated to {support}");
                Ok(Next::Stop)
            }
            None => {
                self.advance(
                    message,
                    MessageState::Escalated,
                    Some(reason),
                    MessagePatch::default(),
                )
                .await
            }
        }
    }
}
