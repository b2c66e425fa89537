//! `routed → decided | escalated | skipped`: collect the contact, ask
//! whether a human must take over, apply the reply caps, ask for the reply
//! and the signature, and queue the composed reply in the same transaction
//! that moves the message to `decided`.

use std::sync::Arc;

use time::OffsetDateTime;

use super::{Mail, Next, Steps, decisions};
use crate::config::ContentType;
use crate::mail::caps::ReplyCaps;
use crate::mail::compose::{BodyFormat, OutboundAttachment, ReplyDraft};
use crate::pipeline::InboxContext;
use crate::pipeline::records;
use crate::plugins::CallScope;
use crate::plugins::types::{EscalateDecision, Escalation, Priority, ReplyDecision};
use crate::store::{
    self, Conversation, ConversationUpdate, MessageState, StoredMessage, Transition,
};

impl Steps {
    pub(super) async fn decide(
        &self,
        message: &StoredMessage,
        mail: &Mail,
    ) -> anyhow::Result<Next> {
        let (ctx, mail) = (&mail.ctx, &mail.parsed);
        // The step's move, its target still open, with the decisions of
        // every hook asked so far.
        let mut moved = Transition::new(message.state, MessageState::Skipped);
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
            mail,
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
        moved = moved.recording(decisions(message, &found.records));
        if let Some(error) = found.error {
            return self
                .plugin_failed(ctx, Some(&conversation), &error.to_string(), moved)
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
        moved = moved.recording(decisions(message, &escalation.records));
        if let Some(error) = escalation.error {
            return self
                .plugin_failed(ctx, Some(&conversation), &error.to_string(), moved)
                .await;
        }
        if let Some(EscalateDecision::Escalate(esc)) = escalation.decision {
            return self
                .escalate(message, mail, ctx, &conversation, &turns, esc, moved)
                .await;
        }

        // Reply caps, so two bots cannot loop.
        if let Err(exceeded) = self.check_caps(ctx, &conversation).await? {
            return Ok(Next::Move(moved.because(exceeded)));
        }

        // generate-reply.
        let chain = ctx.chain.clone();
        let bot = records::bot(ctx.bot.as_ref());
        let (s, m, c) = (scope.clone(), msg.clone(), wit_conv.clone());
        let reply =
            tokio::task::spawn_blocking(move || chain.generate_reply(&s, &m, &c, &bot)).await?;
        moved = moved.recording(decisions(message, &reply.records));
        if let Some(error) = reply.error {
            return self
                .plugin_failed(ctx, Some(&conversation), &error.to_string(), moved)
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
                    .escalate(message, mail, ctx, &conversation, &turns, esc, moved)
                    .await;
            }
            Some(ReplyDecision::NoReply(reason)) => {
                return Ok(Next::Move(moved.because(format!("no_reply: {reason}"))));
            }
            Some(ReplyDecision::NoOpinion) | None => {
                return Ok(Next::Move(
                    moved.because("no_reply: no plugin produced a reply"),
                ));
            }
        };

        // signature.
        let chain = ctx.chain.clone();
        let inbox = records::inbox(&ctx.inbox);
        let (s, c) = (scope.clone(), wit_conv.clone());
        let signature =
            tokio::task::spawn_blocking(move || chain.signature(&s, &c, &inbox)).await?;
        moved = moved.recording(decisions(message, &signature.records));
        if let Some(error) = signature.error {
            return self
                .plugin_failed(ctx, Some(&conversation), &error.to_string(), moved)
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
        let item = self.reply_item(message, mail, ctx, &conversation, &draft, &reply.text)?;
        let queued = moved
            .towards(MessageState::Decided)
            .then(Transition::new(MessageState::Decided, MessageState::Queued));
        Ok(Next::Queue(queued, Box::new(item)))
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

    /// Hands the conversation to a human: `moved` (the step's move with its
    /// decisions) goes to `Escalated`, with the escalation mail to the
    /// support address queued alongside when the inbox has one.
    #[allow(clippy::too_many_arguments)]
    async fn escalate(
        &self,
        message: &StoredMessage,
        mail: &crate::mail::parse::ParsedMail,
        ctx: &InboxContext,
        conversation: &Conversation,
        turns: &[store::Turn],
        esc: Escalation,
        moved: Transition,
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
        let escalated = moved
            .towards(MessageState::Escalated)
            .because(format!("escalated: {}", esc.reason));
        Ok(match &ctx.settings.escalation_address {
            Some(support) => {
                let item =
                    self.escalation_item(message, mail, ctx, conversation, turns, &esc, support)?;
                tracing::info!(reason = %esc.reason, "message escalated to {support}");
                Next::Queue(escalated, Box::new(item))
            }
            None => Next::Move(escalated),
        })
    }
}
