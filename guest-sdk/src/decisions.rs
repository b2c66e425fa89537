//! What a plugin answers: its description and one decision type per hook.

use std::fmt;
use std::str::FromStr;

use crate::types::Priority;

/// The five policy hooks, in the order the pipeline calls them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Hook {
    /// Which bot handles the message, or forward/drop/block
    /// ([`Plugin::route`](crate::Plugin::route)).
    Route,
    /// Contact fields found in the message
    /// ([`Plugin::collect_contact`](crate::Plugin::collect_contact)).
    CollectContact,
    /// Whether a human must take over ([`Plugin::escalate`](crate::Plugin::escalate)).
    Escalate,
    /// The reply to send ([`Plugin::generate_reply`](crate::Plugin::generate_reply)).
    GenerateReply,
    /// The signature under the reply ([`Plugin::signature`](crate::Plugin::signature)).
    Signature,
}

impl Hook {
    /// All hooks, in pipeline order.
    pub const ALL: &'static [Hook] = &[
        Hook::Route,
        Hook::CollectContact,
        Hook::Escalate,
        Hook::GenerateReply,
        Hook::Signature,
    ];

    /// The WIT name of the hook, e.g. `collect-contact`.
    pub fn as_str(self) -> &'static str {
        match self {
            Hook::Route => "route",
            Hook::CollectContact => "collect-contact",
            Hook::Escalate => "escalate",
            Hook::GenerateReply => "generate-reply",
            Hook::Signature => "signature",
        }
    }
}

impl fmt::Display for Hook {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Hook {
    type Err = String;

    /// Parses the WIT name (`collect-contact`) or the Rust one (`collect_contact`).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let wanted = s.trim().replace('_', "-").to_ascii_lowercase();
        Hook::ALL
            .iter()
            .copied()
            .find(|h| h.as_str() == wanted)
            .ok_or_else(|| format!("unknown hook `{s}`"))
    }
}

/// What a plugin says about itself (the answer of `describe`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PluginInfo {
    /// Plugin name, e.g. `rules-router`.
    pub name: String,
    /// Plugin version (semver).
    pub version: String,
    /// The hooks it implements, without duplicates; the host calls only these.
    pub hooks: Vec<Hook>,
}

/// The answer of the `route` hook.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum RouteDecision {
    /// This plugin does not decide; ask the next one.
    #[default]
    NoOpinion,
    /// Handle the message with the bot of this name.
    Handle(String),
    /// Forward the message unchanged to this address; no automatic reply.
    Forward(String),
    /// Do not answer; the reason is recorded.
    Drop(String),
    /// Block the sender (future mail is skipped); the reason is recorded.
    Block(String),
}

/// A request to hand the conversation to a human.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Escalation {
    /// Why, in a sentence a human can read.
    pub reason: String,
    /// The priority the conversation should get.
    pub priority: Priority,
    /// An optional summary for the human.
    pub summary: Option<String>,
}

impl Escalation {
    /// An escalation with `reason` and `priority` and no summary.
    pub fn new(reason: impl Into<String>, priority: Priority) -> Self {
        Self {
            reason: reason.into(),
            priority,
            summary: None,
        }
    }
}

/// The answer of the `escalate` hook.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum EscalateDecision {
    /// This plugin does not decide; ask the next one.
    #[default]
    NoOpinion,
    /// Definitely no need for a human; the bot may answer.
    Keep,
    /// Hand over to a human.
    Escalate(Escalation),
}

/// A file to attach to a reply.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OutboundAttachment {
    /// File name shown to the recipient.
    pub filename: String,
    /// MIME type.
    pub content_type: String,
    /// The bytes.
    pub content: Vec<u8>,
}

/// A reply to send to the customer.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Reply {
    /// Plain-text body (always present).
    pub text: String,
    /// Optional HTML body; the host adds `text` as the plain alternative.
    pub html: Option<String>,
    /// Files to attach.
    pub attachments: Vec<OutboundAttachment>,
}

impl Reply {
    /// A plain-text reply without attachments.
    pub fn text(text: impl Into<String>) -> Self {
        Self {
            text: text.into(),
            html: None,
            attachments: Vec::new(),
        }
    }
}

/// The answer of the `generate-reply` hook.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum ReplyDecision {
    /// This plugin does not decide; ask the next one.
    #[default]
    NoOpinion,
    /// Send this reply.
    Reply(Reply),
    /// Do not answer; hand over to a human for this reason.
    Escalate(String),
    /// Do not answer, for this reason.
    NoReply(String),
}

/// A signature to append to a reply.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Signature {
    /// Plain-text signature (without the `-- ` delimiter; the host adds it).
    pub text: String,
    /// Optional HTML signature for HTML replies.
    pub html: Option<String>,
}
