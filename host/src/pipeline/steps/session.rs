//! `screened → routed`: thread the message into a session (header match
//! first, else the customer's active session, else a new one), respect the
//! humans' state of the conversation, then ask the `route` hook.

use super::{Mail, Next, Steps, decisions};
use crate::mail::thread::ThreadKeys;
use crate::pipeline::records;
use crate::plugins::CallScope;
use crate::plugins::types::RouteDecision;
use crate::store::{
    self, ConvStatus, Conversation, ConversationUpdate, MessagePatch, MessageState,
    NewConversation, StoredMessage, Transition,
};

impl Steps {
    pub(super) async fn thread_and_route(
        &self,
        message: &StoredMessage,
        mail: &Mail,
    ) -> anyhow::Result<Next> {
        let (ctx, keys, mail) = (&mail.ctx, &mail.keys, &mail.parsed);
        let skipped = Transition::new(message.state, MessageState::Skipped);
        let Some(customer) = keys.customer.clone() else {
            return Ok(Next::Move(skipped.because("no_sender_address")));
        };
        let conversation = self
            .session_for(
                &ctx.inbox.id,
                ctx.settings.session_duration_secs,
                keys,
                mail,
                &customer,
                message,
            )
            .await?;
        let patch = MessagePatch {
            conversation_id: Some(conversation.id.clone()),
            ..MessagePatch::default()
        };
        let skipped = skipped.with(patch);

        if conversation.bot_paused {
            let reason = format!(
                "bot_paused: {}",
                conversation
                    .paused_reason
                    .as_deref()
                    .unwrap_or("a human is handling this conversation")
            );
            return Ok(Next::Move(skipped.because(reason)));
        }
        if conversation.status == ConvStatus::Assigned {
            return Ok(Next::Move(skipped.because("assigned_to_human")));
        }
        if self
            .store
            .is_undeliverable(&ctx.inbox.id, &customer)
            .await?
        {
            return Ok(Next::Move(skipped.because("customer_undeliverable")));
        }

        let scope = CallScope {
            inbox_id: ctx.inbox.id.clone(),
            bot_id: ctx.bot.as_ref().map(|b| b.id.clone()).unwrap_or_default(),
            message_id: Some(message.id.clone()),
        };
        let msg = records::message(
            &message.id,
            mail,
            &ctx.inbox.address,
            message.received_at,
            false,
        );
        let inbox = records::inbox(&ctx.inbox);
        let chain = ctx.chain.clone();
        let outcome =
            tokio::task::spawn_blocking(move || chain.route(&scope, &msg, &inbox)).await?;
        // The step's move with everything it records; the answer picks its
        // target.
        let moved = skipped.recording(decisions(message, &outcome.records));
        if let Some(error) = outcome.error {
            return self
                .plugin_failed(ctx, Some(&conversation), &error.to_string(), moved)
                .await;
        }
        let routed = moved.clone().towards(MessageState::Routed);
        Ok(match outcome.decision {
            None | Some(RouteDecision::NoOpinion) => Next::Move(routed),
            Some(RouteDecision::Handle(bot)) => match &ctx.bot {
                Some(b) if b.name == bot => Next::Move(routed),
                _ => Next::Move(routed.because(format!("routed to bot {bot}"))),
            },
            Some(RouteDecision::Drop(reason)) => {
                Next::Move(moved.because(format!("dropped: {reason}")))
            }
            Some(RouteDecision::Block(reason)) => {
                self.store
                    .block_sender(&ctx.inbox.id, &customer, Some(reason.clone()))
                    .await?;
                Next::Move(moved.because(format!("blocked: {reason}")))
            }
            Some(RouteDecision::Forward(to)) => {
                let item = self.forward_item(message, ctx, &conversation, &to);
                let forwarded = moved
                    .towards(MessageState::Queued)
                    .because(format!("forwarded to {to}"));
                Next::Queue(forwarded, Box::new(item))
            }
        })
    }

    /// The session this message belongs to.
    async fn session_for(
        &self,
        inbox_id: &str,
        session_secs: u64,
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
        let since = message.received_at - (session_secs as i64) * 1000;
        let (conv, _created) = self.store.open_session(new, since).await?;
        Ok(conv)
    }

    /// Applies the inbox's fallback after a plugin failed. `moved` is the
    /// step's move with the fields and decisions so far; the fallback picks
    /// its target: `Skipped`, or `Escalated` with the conversation handed to
    /// a human.
    pub(super) async fn plugin_failed(
        &self,
        ctx: &crate::pipeline::InboxContext,
        conversation: Option<&Conversation>,
        error: &str,
        moved: Transition,
    ) -> anyhow::Result<Next> {
        let moved = moved.because(format!("plugin_error: {error}"));
        match ctx.settings.fallback {
            crate::config::Fallback::Skip => Ok(Next::Move(moved.towards(MessageState::Skipped))),
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
                Ok(Next::Move(moved.towards(MessageState::Escalated)))
            }
        }
    }
}
