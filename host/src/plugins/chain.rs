//! The policy chain of one inbox: its plugin bindings in configured order,
//! asked hook by hook. The first definite answer wins; contacts merge.
//! Every answer and every error is returned as a [`HookRecord`] naming the
//! plugin version (content hash) that made it.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde::Serialize;
use wasmtime::Store;

use super::bindings::types::{
    Bot, Contact, Conversation, EscalateDecision, Inbox, Message, ReplyDecision, RouteDecision,
    SignatureBlock as Signature,
};
use super::capability::Grants;
use super::error::{PluginError, PluginErrorKind};
use super::exports::HookCalls;
use super::invoke::{CallContext, guest_result};
use super::loaded::Hook;
use super::registry::PluginRegistry;
use super::services::HostServices;
use super::state::CallState;

/// One plugin as configured for an inbox.
#[derive(Debug, Clone)]
pub struct PluginBinding {
    /// The plugin's name (as it describes itself).
    pub plugin: String,
    /// What it may call.
    pub grants: Grants,
    /// Its settings, served by the `config` import.
    pub config: Arc<BTreeMap<String, String>>,
}

/// What one plugin answered (or how it failed) for one hook.
#[derive(Debug, Clone, Serialize)]
pub struct HookRecord {
    /// The hook.
    pub hook: Hook,
    /// The plugin's name.
    pub plugin: String,
    /// Its version string.
    pub version: String,
    /// Content hash of the version that answered.
    pub hash: String,
    /// The answer, as JSON; none on error.
    pub outcome: Option<serde_json::Value>,
    /// The error, if the call failed.
    #[serde(serialize_with = "error_text")]
    pub error: Option<PluginError>,
    /// How long the call took, fresh instance included.
    #[serde(rename = "duration_us", serialize_with = "micros")]
    pub duration: Duration,
}

fn error_text<S: serde::Serializer>(e: &Option<PluginError>, s: S) -> Result<S::Ok, S::Error> {
    match e {
        Some(e) => s.serialize_some(&e.to_string()),
        None => s.serialize_none(),
    }
}

fn micros<S: serde::Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_u64(d.as_micros() as u64)
}

/// The answer of a hook across the chain.
#[derive(Debug, Clone)]
pub struct ChainOutcome<T> {
    /// The first definite answer, if any plugin gave one.
    pub decision: Option<T>,
    /// Every plugin asked, in order.
    pub records: Vec<HookRecord>,
    /// The first failure; the chain stops there and the pipeline follows
    /// the inbox's fallback.
    pub error: Option<PluginError>,
}

/// The merged contact of every plugin that found one.
pub type ContactOutcome = ChainOutcome<Contact>;

/// The plugin bindings of one inbox, ready to be asked.
#[derive(Debug, Clone)]
pub struct PolicyChain {
    registry: Arc<PluginRegistry>,
    bindings: Vec<PluginBinding>,
    services: HostServices,
}

/// Ids the imports are scoped by.
#[derive(Debug, Clone)]
pub struct CallScope {
    /// The inbox (scopes `kv`).
    pub inbox_id: String,
    /// The bot (scopes `knowledge`, `llm`).
    pub bot_id: String,
    /// The host's message id, for logs.
    pub message_id: Option<String>,
}

impl PolicyChain {
    /// A chain over `bindings`, in order.
    pub fn new(
        registry: Arc<PluginRegistry>,
        bindings: Vec<PluginBinding>,
        services: HostServices,
    ) -> Self {
        PolicyChain {
            registry,
            bindings,
            services,
        }
    }

    /// The bindings, in order.
    pub fn bindings(&self) -> &[PluginBinding] {
        &self.bindings
    }

    /// Asks `route`.
    pub fn route(
        &self,
        scope: &CallScope,
        msg: &Message,
        inbox: &Inbox,
    ) -> ChainOutcome<RouteDecision> {
        self.ask(
            Hook::Route,
            scope,
            |e, s| e.call_route(s, msg, inbox),
            |d| !matches!(d, RouteDecision::NoOpinion),
        )
    }

    /// Asks `escalate`.
    pub fn escalate(
        &self,
        scope: &CallScope,
        msg: &Message,
        conv: &Conversation,
    ) -> ChainOutcome<EscalateDecision> {
        self.ask(
            Hook::Escalate,
            scope,
            |e, s| e.call_escalate(s, msg, conv),
            |d| !matches!(d, EscalateDecision::NoOpinion),
        )
    }

    /// Asks `generate-reply`.
    pub fn generate_reply(
        &self,
        scope: &CallScope,
        msg: &Message,
        conv: &Conversation,
        bot: &Bot,
    ) -> ChainOutcome<ReplyDecision> {
        self.ask(
            Hook::GenerateReply,
            scope,
            |e, s| e.call_generate_reply(s, msg, conv, bot),
            |d| !matches!(d, ReplyDecision::NoOpinion),
        )
    }

    /// Asks `signature`.
    pub fn signature(
        &self,
        scope: &CallScope,
        conv: &Conversation,
        inbox: &Inbox,
    ) -> ChainOutcome<Signature> {
        let outcome = self.ask(
            Hook::Signature,
            scope,
            |e, s| e.call_signature(s, conv, inbox),
            Option::is_some,
        );
        ChainOutcome {
            decision: outcome.decision.flatten(),
            records: outcome.records,
            error: outcome.error,
        }
    }

    /// Asks `collect-contact` of every plugin and merges what they found:
    /// a field keeps the first value found, in configured order.
    pub fn collect_contact(
        &self,
        scope: &CallScope,
        msg: &Message,
        conv: &Conversation,
    ) -> ContactOutcome {
        let mut merged: Option<Contact> = None;
        let outcome = self.ask(
            Hook::CollectContact,
            scope,
            |e, s| e.call_collect_contact(s, msg, conv),
            |found| {
                if let Some(found) = found {
                    merged = Some(match merged.take() {
                        None => found.clone(),
                        Some(have) => merge_contacts(have, found),
                    });
                }
                false
            },
        );
        ChainOutcome {
            decision: merged,
            records: outcome.records,
            error: outcome.error,
        }
    }

    fn ask<T: Serialize>(
        &self,
        hook: Hook,
        scope: &CallScope,
        call: impl Fn(&HookCalls<'_>, &mut Store<CallState>) -> wasmtime::Result<Result<T, String>>,
        mut definite: impl FnMut(&T) -> bool,
    ) -> ChainOutcome<T> {
        let mut records = Vec::new();
        for binding in &self.bindings {
            let Some(plugin) = self.registry.get(&binding.plugin) else {
                let error = PluginError::new(&binding.plugin, "", hook, PluginErrorKind::NotLoaded);
                records.push(HookRecord {
                    hook,
                    plugin: binding.plugin.clone(),
                    version: String::new(),
                    hash: String::new(),
                    outcome: None,
                    error: Some(error.clone()),
                    duration: Duration::ZERO,
                });
                return ChainOutcome {
                    decision: None,
                    records,
                    error: Some(error),
                };
            };
            if !plugin.implements(hook) {
                continue;
            }
            let ctx = CallContext {
                inbox_id: scope.inbox_id.clone(),
                bot_id: scope.bot_id.clone(),
                message_id: scope.message_id.clone(),
                config: binding.config.clone(),
                grants: binding.grants,
                services: self.services.clone(),
            };
            let started = Instant::now();
            let result = guest_result(
                &plugin,
                hook,
                self.registry.engine().invoke(&plugin, hook, ctx, &call),
            );
            let duration = started.elapsed();
            let mut record = HookRecord {
                hook,
                plugin: plugin.name.clone(),
                version: plugin.version.clone(),
                hash: plugin.hash.clone(),
                outcome: None,
                error: None,
                duration,
            };
            match result {
                Ok(answer) => {
                    record.outcome = serde_json::to_value(&answer).ok();
                    records.push(record);
                    if definite(&answer) {
                        return ChainOutcome {
                            decision: Some(answer),
                            records,
                            error: None,
                        };
                    }
                }
                Err(error) => {
                    tracing::warn!(%error, inbox = %scope.inbox_id, "plugin call failed");
                    record.error = Some(error.clone());
                    records.push(record);
                    return ChainOutcome {
                        decision: None,
                        records,
                        error: Some(error),
                    };
                }
            }
        }
        ChainOutcome {
            decision: None,
            records,
            error: None,
        }
    }
}

fn merge_contacts(mut have: Contact, found: &Contact) -> Contact {
    fn fill(slot: &mut Option<String>, value: &Option<String>) {
        if slot.as_deref().is_none_or(str::is_empty) {
            slot.clone_from(value);
        }
    }
    fill(&mut have.name, &found.name);
    fill(&mut have.email, &found.email);
    fill(&mut have.phone, &found.phone);
    fill(&mut have.company, &found.company);
    for (key, value) in &found.extra {
        if !have.extra.iter().any(|(k, _)| k == key) {
            have.extra.push((key.clone(), value.clone()));
        }
    }
    have
}
