//! `screened → routed`: thread the message into a session (header match
//! first, else the customer's active session, else a new one), respect the
//! humans' state of the conversation, then ask the `route` hook.

use super::{Next, Steps};
use crate::mail::thread::ThreadKeys;
use crate::pipeline::records;
use crate::plugins::CallScope;
use crate::plugins::types::RouteDecision;
use crate::store::{
    self, ConvStatus, Conversation, ConversationUpdate, MessagePatch, MessageState,
    NewConversation, StoredMessage, Transition,
};

impl Steps {
    pub(super) async fn thread_and_route(&self, message: &StoredMessage) -> anyhow::Result<Next> {
        let (mail, ctx) = self.parsed(message).await?;
        let keys = ThreadKeys::from(&mail);
        let Some(customer) = keys.customer.clone() else {
            let reason = "no_sender_address".to_owned();
            return self
                .advance(
                    message,
                    MessageState::Skipped,
                    Some(reason),
                    MessagePatch::default(),
                )
                .await;
        };
        let conversation = self
            .session_for(
                &ctx.inbox.id,
                &ctx.settings.session_duration_secs,
                &keys,
                &mail,
                &customer,
                message,
            )
            .await?;
        let patch = MessagePatch {
            conversation_id: Some(conversation.id.clone()),
            ..MessagePatch::default()
        };

        if conversation.bot_paused {
            let reason = format!(
                "bot_paused: {}",
                conversation
                    .paused_reason
                    .as_deref()
                    .unwrap_or("a human is handling this conversation")
            );
            return self
                .advance(message, MessageState::Skipped, Some(reason), patch)
                .await;
        }
        if conversation.status == ConvStatus::Assigned {
            let reason = "assigned_to_human".to_owned();
            return self
                .advance(message, MessageState::Skipped, Some(reason), patch)
                .await;
        }
        if self
            .store
            .is_undeliverable(&ctx.inbox.id, &customer)
            .await?
        {
            let reason = "customer_undeliverable".to_owned();
            return self
                .advance(message, MessageState::Skipped, Some(reason), patch)
                .await;
        }

        let scope = CallScope {
            inbox_id: ctx.inbox.id.clone(),
            bot_id: ctx.bot.as_ref().map(|b| b.id.clone()).unwrap_or_default(),
            message_id: Some(message.id.clone()),
        };
        let msg = records::message(
            &message.id,
            &mail,
            &ctx.inbox.address,
            message.received_at,
            false,
        );
        let inbox = records::inbox(&ctx.inbox);
        let chain = ctx.chain.clone();
        let outcome =
            tokio::task::spawn_blocking(move || chain.route(&scope, &msg, &inbox)).await?;
        self.record(message, &outcome.records).await?;
        if let Some(error) = outcome.error {
            return self
                .plugin_failed(
                    message,
                    &ctx,
                    Some(&conversation),
                    &error.to_string(),
                    patch,
                )
                .await;
        }
        match outcome.decision {
            None | Some(RouteDecision::NoOpinion) => {
                self.advance(message, MessageState::Routed, None, patch)
                    .await
            }
            Some(RouteDecision::Handle(bot)) => {
                let reason = match &ctx.bot {
                    Some(b) if b.name == bot => None,
                    _ => Some(format!("routed to bot {bot}")),
                };
                self.advance(message, MessageState::Routed, reason, patch)
                    .await
            }
            Some(RouteDecision::Drop(reason)) => {
                self.advance(
                    message,
                    MessageState::Skipped,
                    Some(format!("dropped: {reason}")),
                    patch,
                )
                .await
            }
            Some(RouteDecision::Block(reason)) => {
                self.store
                    .block_sender(&ctx.inbox.id, &customer, Some(reason.clone()))
                    .await?;
                self.advance(
                    message,
                    MessageState::Skipped,
                    Some(format!("blocked: {reason}")),
                    patch,
                )
                .await
            }
            Some(RouteDecision::Forward(to)) => {
                let item = self.forward_item(message, &ctx, &conversation, &to);
                let forwarded = Transition::new(MessageState::Screened, MessageState::Queued)
                    .because(format!("forwarded to {to}"))
                    .with(patch);
                self.store
                    .queue_and_advance(&message.id, forwarded, item)
                    .await?;
                self.outbox_wake.notify_one();
                Ok(Next::Stop)
            }
        }
    }

    /// The session this message belongs to.
    async fn session_for(
        &self,
        inbox_id: &str,
        session_secs: &u64,
        keys: &ThreadKeys,
        mail: &crate::mail::parse::ParsedMail,
        customer: &str,
        message: &StoredMessage,
    ) -> anyhow::Result<Conversation> {
        // Header threading wins: In-Reply-To, then References newest first.
        let mut ids: Vec<String> = keys.in_reply_to.iter().cloned().collect();
        ids.extend(keys.references.iter().rev().cloned());
        if let Some(conv) = self
            .store
            .conversation_by_message_id_header(inbox_id, &ids)
            .await?
            && conv.status != ConvStatus::Closed
        {
            if conv.status == ConvStatus::Resolved {
                let update = ConversationUpdate {
                    status: Some(ConvStatus::Open),
                    ..ConversationUpdate::default()
                };
                self.store.update_conversation(&conv.id, update).await?;
            }
            self.store
                .touch_conversation(&conv.id, message.received_at)
                .await?;
            return Ok(self.store.conversation(&conv.id).await?);
        }
        let name = mail
            .reply_to
            .as_ref()
            .or(mail.from.as_ref())
            .and_then(|m| m.name.clone());
        let new = NewConversation {
            inbox_id: inbox_id.to_owned(),
            customer_email: customer.to_owned(),
            customer_name: name,
            at: message.received_at,
        };
        let since = message.received_at - (*session_secs as i64) * 1000;
        let (conv, _created) = self.store.open_session(new, since).await?;
        Ok(conv)
    }

    /// Applies the inbox's fallback after a plugin failed.
    pub(super) async fn plugin_failed(
        &self,
        message: &StoredMessage,
        ctx: &crate::pipeline::InboxContext,
        conversation: Option<&Conversation>,
        error: &str,
        patch: MessagePatch,
    ) -> anyhow::Result<Next> {
        match ctx.settings.fallback {
            crate::config::Fallback::Skip => {
                self.advance(
                    message,
                    MessageState::Skipped,
                    Some(format!("plugin_error: {error}")),
                    patch,
                )
                .await
            }
            crate::config::Fallback::Human => {
                if let Some(conv) = conversation {
                    let update = ConversationUpdate {
                        bot_paused: Some(true),
                        paused_reason: Some(format!("plugin error, a human must answer: {error}")),
                        priority: Some(store::Priority::High),
                        ..ConversationUpdate::default()
                    };
                    self.store.update_conversation(&conv.id, update).await?;
                }
                self.advance(
                    message,
                    MessageState::Escalated,
                    Some(format!("plugin_error: {error}")),
                    patch,
                )
                .await
            }
        }
    }
}
