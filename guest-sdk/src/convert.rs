//! Conversions between the generated WIT bindings and the SDK's own types.
//!
//! Inputs (message, conversation, inbox, bot) come in as generated types and
//! become SDK types; answers go the other way. Nothing here can fail.

use crate::wit::mailbot::plugin::types as g;
use crate::{
    Address, Attachment, Bot, Contact, Conversation, EscalateDecision, Escalation, Header, Hook,
    HostError, Inbox, Message, OutboundAttachment, PluginInfo, Priority, Reply, ReplyDecision,
    Role, RouteDecision, Signature, Status, Turn,
};

impl From<g::Address> for Address {
    fn from(a: g::Address) -> Self {
        Self {
            name: a.name,
            email: a.email,
        }
    }
}

impl From<g::Header> for Header {
    fn from(h: g::Header) -> Self {
        Self {
            name: h.name,
            value: h.value,
        }
    }
}

impl From<g::Attachment> for Attachment {
    fn from(a: g::Attachment) -> Self {
        Self {
            filename: a.filename,
            content_type: a.content_type,
            size: a.size,
            skipped: a.skipped,
            content: a.content,
        }
    }
}

fn all<A, B: From<A>>(items: Vec<A>) -> Vec<B> {
    items.into_iter().map(B::from).collect()
}

impl From<g::Message> for Message {
    fn from(m: g::Message) -> Self {
        Self {
            id: m.id,
            message_id: m.message_id,
            in_reply_to: m.in_reply_to,
            references: m.references,
            from: m.from.into(),
            reply_to: m.reply_to.map(Address::from),
            to: all(m.to),
            cc: all(m.cc),
            delivered_to: m.delivered_to,
            subject: m.subject,
            normalized_subject: m.normalized_subject,
            new_text: m.new_text,
            quoted_text: m.quoted_text,
            signature_text: m.signature_text,
            full_text: m.full_text,
            html: m.html,
            headers: all(m.headers),
            attachments: all(m.attachments),
            received_at: m.received_at,
        }
    }
}

impl From<g::Role> for Role {
    fn from(r: g::Role) -> Self {
        match r {
            g::Role::Customer => Role::Customer,
            g::Role::Agent => Role::Agent,
            g::Role::Human => Role::Human,
        }
    }
}

impl From<g::Turn> for Turn {
    fn from(t: g::Turn) -> Self {
        Self {
            role: t.role.into(),
            text: t.text,
            at: t.at,
        }
    }
}

impl From<g::Status> for Status {
    fn from(s: g::Status) -> Self {
        match s {
            g::Status::Open => Status::Open,
            g::Status::Assigned => Status::Assigned,
            g::Status::NeedMoreInfo => Status::NeedMoreInfo,
            g::Status::Resolved => Status::Resolved,
            g::Status::Closed => Status::Closed,
        }
    }
}

impl From<g::Priority> for Priority {
    fn from(p: g::Priority) -> Self {
        match p {
            g::Priority::Low => Priority::Low,
            g::Priority::Normal => Priority::Normal,
            g::Priority::High => Priority::High,
            g::Priority::Urgent => Priority::Urgent,
        }
    }
}

impl From<Priority> for g::Priority {
    fn from(p: Priority) -> Self {
        match p {
            Priority::Low => g::Priority::Low,
            Priority::Normal => g::Priority::Normal,
            Priority::High => g::Priority::High,
            Priority::Urgent => g::Priority::Urgent,
        }
    }
}

impl From<g::Contact> for Contact {
    fn from(c: g::Contact) -> Self {
        Self {
            name: c.name,
            email: c.email,
            phone: c.phone,
            company: c.company,
            extra: c.extra,
        }
    }
}

impl From<Contact> for g::Contact {
    fn from(c: Contact) -> Self {
        Self {
            name: c.name,
            email: c.email,
            phone: c.phone,
            company: c.company,
            extra: c.extra,
        }
    }
}

impl From<g::Conversation> for Conversation {
    fn from(c: g::Conversation) -> Self {
        Self {
            id: c.id,
            customer: c.customer.into(),
            turns: all(c.turns),
            status: c.status.into(),
            priority: c.priority.into(),
            contact: c.contact.into(),
        }
    }
}

impl From<g::Inbox> for Inbox {
    fn from(i: g::Inbox) -> Self {
        Self {
            id: i.id,
            name: i.name,
            address: i.address,
        }
    }
}

impl From<g::Bot> for Bot {
    fn from(b: g::Bot) -> Self {
        Self {
            id: b.id,
            name: b.name,
            backstory: b.backstory,
        }
    }
}

impl From<Hook> for g::Hook {
    fn from(h: Hook) -> Self {
        match h {
            Hook::Route => g::Hook::Route,
            Hook::CollectContact => g::Hook::CollectContact,
            Hook::Escalate => g::Hook::Escalate,
            Hook::GenerateReply => g::Hook::GenerateReply,
            Hook::Signature => g::Hook::Signature,
        }
    }
}

impl From<PluginInfo> for g::PluginInfo {
    fn from(p: PluginInfo) -> Self {
        Self {
            name: p.name,
            version: p.version,
            hooks: all(p.hooks),
        }
    }
}

impl From<RouteDecision> for g::RouteDecision {
    fn from(d: RouteDecision) -> Self {
        match d {
            RouteDecision::NoOpinion => g::RouteDecision::NoOpinion,
            RouteDecision::Handle(bot) => g::RouteDecision::Handle(bot),
            RouteDecision::Forward(to) => g::RouteDecision::Forward(to),
            RouteDecision::Drop(why) => g::RouteDecision::Drop(why),
            RouteDecision::Block(why) => g::RouteDecision::Block(why),
        }
    }
}

impl From<Escalation> for g::Escalation {
    fn from(e: Escalation) -> Self {
        Self {
            reason: e.reason,
            priority: e.priority.into(),
            summary: e.summary,
        }
    }
}

impl From<EscalateDecision> for g::EscalateDecision {
    fn from(d: EscalateDecision) -> Self {
        match d {
            EscalateDecision::NoOpinion => g::EscalateDecision::NoOpinion,
            EscalateDecision::Keep => g::EscalateDecision::Keep,
            EscalateDecision::Escalate(e) => g::EscalateDecision::Escalate(e.into()),
        }
    }
}

impl From<OutboundAttachment> for g::OutboundAttachment {
    fn from(a: OutboundAttachment) -> Self {
        Self {
            filename: a.filename,
            content_type: a.content_type,
            content: a.content,
        }
    }
}

impl From<Reply> for g::Reply {
    fn from(r: Reply) -> Self {
        Self {
            text: r.text,
            html: r.html,
            attachments: all(r.attachments),
        }
    }
}

impl From<ReplyDecision> for g::ReplyDecision {
    fn from(d: ReplyDecision) -> Self {
        match d {
            ReplyDecision::NoOpinion => g::ReplyDecision::NoOpinion,
            ReplyDecision::Reply(r) => g::ReplyDecision::Reply(r.into()),
            ReplyDecision::Escalate(why) => g::ReplyDecision::Escalate(why),
            ReplyDecision::NoReply(why) => g::ReplyDecision::NoReply(why),
        }
    }
}

impl From<Signature> for g::SignatureBlock {
    fn from(s: Signature) -> Self {
        Self {
            text: s.text,
            html: s.html,
        }
    }
}

impl From<g::HostError> for HostError {
    fn from(e: g::HostError) -> Self {
        match e {
            g::HostError::Denied(m) => HostError::Denied(m),
            g::HostError::Unavailable(m) => HostError::Unavailable(m),
            g::HostError::Invalid(m) => HostError::Invalid(m),
            g::HostError::Failed(m) => HostError::Failed(m),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_message_converts_field_by_field() {
        let generated = g::Message {
            id: "m1".into(),
            message_id: Some("abc@x".into()),
            in_reply_to: None,
            references: vec!["r@x".into()],
            from: g::Address {
                name: Some("Jane".into()),
                email: "jane@example.com".into(),
            },
            reply_to: None,
            to: vec![g::Address {
                name: None,
                email: "help@acme.test".into(),
            }],
            cc: Vec::new(),
            delivered_to: "help@acme.test".into(),
            subject: "Re: Hi".into(),
            normalized_subject: "Hi".into(),
            new_text: "new".into(),
            quoted_text: "old".into(),
            signature_text: "Jane".into(),
            full_text: "new old Jane".into(),
            html: None,
            headers: vec![g::Header {
                name: "Auto-Submitted".into(),
                value: "no".into(),
            }],
            attachments: vec![g::Attachment {
                filename: "a.pdf".into(),
                content_type: "application/pdf".into(),
                size: 3,
                skipped: false,
                content: Some(vec![1, 2, 3]),
            }],
            received_at: 42,
        };
        let msg = Message::from(generated);
        assert_eq!(msg.from, Address::named("Jane", "jane@example.com"));
        assert_eq!(msg.header("auto-submitted"), Some("no"));
        assert_eq!(
            msg.attachments[0].content.as_deref(),
            Some(&[1u8, 2, 3][..])
        );
        assert_eq!(msg.received_at, 42);
        assert_eq!(msg.reply_address().email, "jane@example.com");
    }

    #[test]
    fn decisions_convert_to_the_matching_variant() {
        let d = g::EscalateDecision::from(EscalateDecision::Escalate(Escalation::new(
            "angry",
            Priority::Urgent,
        )));
        assert!(matches!(
            d,
            g::EscalateDecision::Escalate(g::Escalation {
                priority: g::Priority::Urgent,
                ..
            })
        ));
        let r = g::ReplyDecision::from(ReplyDecision::Reply(Reply::text("hi")));
        assert!(matches!(r, g::ReplyDecision::Reply(g::Reply { ref text, .. }) if text == "hi"));
        let route = g::RouteDecision::from(RouteDecision::Block("spam".into()));
        assert!(matches!(route, g::RouteDecision::Block(ref why) if why == "spam"));
    }
}
