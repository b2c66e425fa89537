//! `mailbot policy run`: runs the hooks of one or more plugin files on one
//! message, as an inbox would in the order given, and prints what each
//! plugin answered, which version (name + hash) answered, how long it took
//! and any error.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::Context;
use serde::Serialize;

use crate::mail::parse::{ParseLimits, parse};
use crate::pipeline::records;
use crate::plugins::types as wit;
use crate::plugins::{
    CallScope, EngineLimits, Grants, HookRecord, HostServices, PluginBinding, PluginEngine,
    PluginRegistry, PolicyChain,
};

/// What one run printed, as `--json` shows it.
#[derive(Debug, Serialize)]
pub struct PolicyReport {
    /// The plugins asked, in order: name, version, content hash.
    pub plugins: Vec<PluginInfo>,
    /// One entry per hook, in pipeline order.
    pub hooks: Vec<HookReport>,
}

/// A plugin as loaded.
#[derive(Debug, Serialize)]
pub struct PluginInfo {
    /// Name it describes itself with.
    pub name: String,
    /// Its version.
    pub version: String,
    /// Content hash.
    pub hash: String,
    /// The file.
    pub file: PathBuf,
}

/// One hook across the chain.
#[derive(Debug, Serialize)]
pub struct HookReport {
    /// Hook name.
    pub hook: &'static str,
    /// The chain's decision (first definite answer; merged contact).
    pub decision: Option<serde_json::Value>,
    /// Every plugin asked.
    pub calls: Vec<HookRecord>,
    /// The error that stopped the chain, if any.
    pub error: Option<String>,
}

/// Splits `KEY=VALUE`; `plugin.KEY=VALUE` sets it for that plugin only.
fn parse_settings(pairs: &[String]) -> anyhow::Result<Vec<(Option<String>, String, String)>> {
    pairs
        .iter()
        .map(|pair| {
            let (key, value) = pair
                .split_once('=')
                .with_context(|| format!("--config `{pair}` is not KEY=VALUE"))?;
            Ok(match key.split_once('.') {
                Some((plugin, key)) => (Some(plugin.to_owned()), key.to_owned(), value.to_owned()),
                None => (None, key.to_owned(), value.to_owned()),
            })
        })
        .collect()
}

/// Runs the hooks and prints the report.
pub fn run(
    plugins: &[PathBuf],
    settings: &[String],
    message: &Path,
    json: bool,
) -> anyhow::Result<()> {
    let report = evaluate(plugins, settings, message)?;
    if json {
        outln!("{}", serde_json::to_string_pretty(&report)?)?;
    } else {
        print_text(&report)?;
    }
    Ok(())
}

/// Loads the plugins, parses the message and asks every hook.
pub fn evaluate(
    plugins: &[PathBuf],
    settings: &[String],
    message: &Path,
) -> anyhow::Result<PolicyReport> {
    anyhow::ensure!(!plugins.is_empty(), "give at least one --plugin FILE.wasm");
    let settings = parse_settings(settings)?;
    let raw =
        std::fs::read(message).with_context(|| format!("cannot read {}", message.display()))?;
    let mail = parse(&raw, &ParseLimits::default())
        .with_context(|| format!("{} is not a readable email", message.display()))?;

    let engine = Arc::new(PluginEngine::new(EngineLimits::default(), None)?);
    let registry = Arc::new(PluginRegistry::new(engine));
    let mut infos = Vec::new();
    let mut bindings = Vec::new();
    for file in plugins {
        let loaded = registry.load_file(file)?;
        let config: BTreeMap<String, String> = settings
            .iter()
            .filter(|(plugin, _, _)| plugin.as_deref().is_none_or(|p| p == loaded.name))
            .map(|(_, k, v)| (k.clone(), v.clone()))
            .collect();
        bindings.push(PluginBinding {
            plugin: loaded.name.clone(),
            grants: Grants::all(),
            config: Arc::new(config),
        });
        infos.push(PluginInfo {
            name: loaded.name.clone(),
            version: loaded.version.clone(),
            hash: loaded.hash.clone(),
            file: file.clone(),
        });
    }
    let chain = PolicyChain::new(registry, bindings, HostServices::in_memory());

    let delivered_to = mail.to.first().map(|m| m.email.clone()).unwrap_or_default();
    let now = crate::store::now_ms();
    let msg = records::message("cli", &mail, &delivered_to, now, true);
    let inbox = wit::Inbox {
        id: "cli".into(),
        name: delivered_to.clone(),
        address: delivered_to,
    };
    let bot = wit::Bot {
        id: "cli".into(),
        name: "cli".into(),
        backstory: String::new(),
    };
    let mut conv = wit::Conversation {
        id: "cli".into(),
        customer: msg.reply_to.clone().unwrap_or_else(|| msg.from.clone()),
        turns: vec![wit::Turn {
            role: wit::Role::Customer,
            text: msg.new_text.clone(),
            at: now.max(0) as u64,
        }],
        status: wit::Status::Open,
        priority: wit::Priority::Normal,
        contact: wit::Contact {
            name: None,
            email: None,
            phone: None,
            company: None,
            extra: Vec::new(),
        },
    };
    let scope = CallScope {
        inbox_id: "cli".into(),
        bot_id: "cli".into(),
        message_id: None,
    };

    let mut hooks = Vec::new();
    let route = chain.route(&scope, &msg, &inbox);
    hooks.push(report(
        "route",
        route.decision.as_ref(),
        route.records,
        route.error,
    ));
    let contact = chain.collect_contact(&scope, &msg, &conv);
    if let Some(found) = &contact.decision {
        conv.contact = found.clone();
    }
    hooks.push(report(
        "collect-contact",
        contact.decision.as_ref(),
        contact.records,
        contact.error,
    ));
    let escalate = chain.escalate(&scope, &msg, &conv);
    hooks.push(report(
        "escalate",
        escalate.decision.as_ref(),
        escalate.records,
        escalate.error,
    ));
    let reply = chain.generate_reply(&scope, &msg, &conv, &bot);
    hooks.push(report(
        "generate-reply",
        reply.decision.as_ref(),
        reply.records,
        reply.error,
    ));
    let signature = chain.signature(&scope, &conv, &inbox);
    hooks.push(report(
        "signature",
        signature.decision.as_ref(),
        signature.records,
        signature.error,
    ));
    Ok(PolicyReport {
        plugins: infos,
        hooks,
    })
}

fn report<T: Serialize>(
    hook: &'static str,
    decision: Option<&T>,
    calls: Vec<HookRecord>,
    error: Option<crate::plugins::PluginError>,
) -> HookReport {
    HookReport {
        hook,
        decision: decision.and_then(|d| serde_json::to_value(d).ok()),
        calls,
        error: error.map(|e| e.to_string()),
    }
}

fn print_text(report: &PolicyReport) -> anyhow::Result<()> {
    for p in &report.plugins {
        outln!(
            "plugin {} {} ({}) from {}",
            p.name,
            p.version,
            &p.hash[..12.min(p.hash.len())],
            p.file.display()
        )?;
    }
    for hook in &report.hooks {
        outln!()?;
        let decision = match &hook.decision {
            Some(d) => d.to_string(),
            None => "no opinion".into(),
        };
        outln!("{}: {decision}", hook.hook)?;
        for call in &hook.calls {
            let answer = match (&call.outcome, &call.error) {
                (_, Some(e)) => format!("error: {e}"),
                (Some(o), None) => o.to_string(),
                (None, None) => "-".into(),
            };
            outln!(
                "  {} {} ({}) {} µs: {answer}",
                call.plugin,
                call.version,
                &call.hash[..12.min(call.hash.len())],
                call.duration.as_micros()
            )?;
        }
        if let Some(e) = &hook.error {
            outln!("  stopped: {e}")?;
        }
    }
    Ok(())
}
