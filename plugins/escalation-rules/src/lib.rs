//! `escalation-rules`: decides when a human must take over. Implements the
//! `escalate` hook.
//!
//! It looks at the subject and the new text of the message, the conversation
//! so far and the attachments, and escalates when any enabled signal fires:
//!
//! | signal | fires on | default priority |
//! | --- | --- | --- |
//! | `keywords` | any configured keyword or phrase | high |
//! | `human-request` | an explicit request for a human ("speak to a human", "mit einem Menschen", "parler à un humain", "hablar con una persona", …) | high |
//! | `anger` | anger words and profanity ("unacceptable", "scam", "Frechheit", "arnaque", …) | high |
//! | `shouting` | three or more words in capitals (40% of the words), or `!!!` | normal |
//! | `urgency` | "urgent", "asap", "immediately", "dringend", "urgente", … | high |
//! | `legal` | legal threats ("lawyer", "legal action", "Anwalt", "avocat", …) | urgent |
//! | `refund` | "refund", "chargeback", "Rückerstattung", … (off by default) | normal |
//! | `bot-turns` | the bot already answered `max-agent-turns` times | normal |
//! | `attachments` | an attachment the bot cannot read (type not in `readable-types`, or skipped as too large) | normal |
//!
//! The escalation gets the highest priority among the signals that fired and
//! a reason listing them all. When none fires the answer is `keep` (or no
//! opinion, see `otherwise`). Phrases match whole words, ignoring case.
//!
//! # Configuration
//!
//! | key | default | meaning |
//! | --- | --- | --- |
//! | `keywords` | empty | comma- or line-separated words and phrases |
//! | `human-request`, `anger`, `shouting`, `urgency`, `legal`, `attachments` | `true` | turn a signal on or off |
//! | `refund` | `false` | turn the refund signal on |
//! | `max-agent-turns` | `3` | escalate once the bot has answered this often; `0` turns it off |
//! | `readable-types` | `text/*` | MIME types the bot can read, comma-separated; `type/*` matches a family |
//! | `<signal>-priority` | see above | `low`, `normal`, `high` or `urgent` for that signal (`keywords-priority`, `bot-turns-priority`, …) |
//! | `otherwise` | `keep` | the answer when nothing fires: `keep` or `no-opinion` |
//!
//! Any other key, or a malformed value, is an error naming the key.

mod settings;
mod shouting;
mod signals;

use mailbot_guest::text::phrases_in;
use mailbot_guest::{
    Conversation, EscalateDecision, Escalation, Hook, Message, Plugin, Priority, Role,
    export_plugin,
};

use settings::Settings;

/// Escalates on configurable signals.
#[derive(Default)]
pub struct EscalationRules;

/// Signals that fired: (signal, what was seen).
type Fired = Vec<(&'static str, String)>;

impl Plugin for EscalationRules {
    const NAME: &'static str = "escalation-rules";
    const VERSION: &'static str = env!("CARGO_PKG_VERSION");
    const HOOKS: &'static [Hook] = &[Hook::Escalate];

    fn escalate(&self, msg: &Message, conv: &Conversation) -> Result<EscalateDecision, String> {
        let settings = Settings::load()?;
        let text = format!("{}\n{}", msg.subject, msg.new_text);
        let mut fired = phrase_signals(&text, &settings);
        if settings.shouting
            && let Some(seen) = shouting::shouting(&text)
        {
            fired.push(("shouting", seen));
        }
        bot_turns(conv, settings.max_agent_turns, &mut fired);
        if let Some(readable) = &settings.readable_types {
            attachments(msg, readable, &mut fired);
        }
        Ok(decide(msg, &fired, &settings.priorities).unwrap_or(settings.otherwise))
    }
}

/// The phrase signals that are on and the configured keywords found in
/// `text`: the built-in lists in one pass with their compile-time table,
/// the keywords (when there are any) in another.
fn phrase_signals(text: &str, settings: &Settings) -> Fired {
    let mut fired = Fired::new();
    let built_in = signals::PHRASE_SIGNALS
        .iter()
        .zip(signals::PHRASES.lists_in(text));
    for (&(signal, _, _), hits) in built_in {
        if settings.phrase_signals.iter().any(|&(on, _)| on == signal) {
            fire(&mut fired, signal, hits);
        }
    }
    if !settings.keywords.is_empty() {
        let keywords: Vec<&str> = settings.keywords.iter().map(String::as_str).collect();
        fire(&mut fired, "keywords", phrases_in(text, &keywords));
    }
    fired
}

/// Adds `signal` to `fired` when it has `hits`, quoting each once.
fn fire(fired: &mut Fired, signal: &'static str, mut hits: Vec<&str>) {
    hits.dedup();
    if !hits.is_empty() {
        fired.push((signal, quote(&hits)));
    }
}

fn quote(hits: &[&str]) -> String {
    hits.iter()
        .map(|h| format!("\"{h}\""))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Fires once the bot answered `max` times (never when `max` is 0).
fn bot_turns(conv: &Conversation, max: usize, fired: &mut Fired) {
    let answered = conv.count_turns(Role::Agent);
    if max > 0 && answered >= max {
        fired.push((
            "bot-turns",
            format!("the bot already answered {answered} times"),
        ));
    }
}

/// True when `content_type` is one of the `readable` MIME types.
fn can_read(readable: &[String], content_type: &str) -> bool {
    let ct = content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    readable.iter().any(|r| {
        let r = r.to_ascii_lowercase();
        match r.strip_suffix("/*") {
            Some(family) => ct.split('/').next() == Some(family),
            None => r == ct || r == "*/*" || r == "*",
        }
    })
}

/// Fires on attachments skipped as too large or of a type not in `readable`.
fn attachments(msg: &Message, readable: &[String], fired: &mut Fired) {
    let unreadable: Vec<String> = msg
        .attachments
        .iter()
        .filter(|a| a.skipped || !can_read(readable, &a.content_type))
        .map(|a| {
            let name = if a.filename.is_empty() {
                "unnamed"
            } else {
                &a.filename
            };
            if a.skipped {
                format!("`{name}` (too large, skipped)")
            } else {
                format!("`{name}` ({})", a.content_type)
            }
        })
        .collect();
    if !unreadable.is_empty() {
        fired.push((
            "attachments",
            format!("unreadable {}", unreadable.join(", ")),
        ));
    }
}

fn describe(signal: &str) -> &'static str {
    match signal {
        "keywords" => "escalation keyword",
        "human-request" => "asked for a human",
        "anger" => "angry tone",
        "shouting" => "shouting",
        "urgency" => "urgent request",
        "legal" => "legal threat",
        "refund" => "refund or chargeback",
        "bot-turns" => "too many bot replies",
        _ => "attachment the bot cannot read",
    }
}

/// The escalation for the signals that fired; `None` when none did.
fn decide(
    msg: &Message,
    fired: &Fired,
    priorities: &[(&str, Priority)],
) -> Option<EscalateDecision> {
    if fired.is_empty() {
        return None;
    }
    let mut priority = Priority::Low;
    let mut reasons = Vec::new();
    for (signal, seen) in fired {
        let p = priorities
            .iter()
            .find(|(name, _)| name == signal)
            .map_or(Priority::Normal, |(_, p)| *p);
        priority = priority.max(p);
        reasons.push(format!("{}: {seen}", describe(signal)));
    }
    let snippet: String = msg.new_text.trim().chars().take(280).collect();
    let summary = (!snippet.is_empty()).then(|| format!("{}\n\n{snippet}", msg.subject.trim()));
    Some(EscalateDecision::Escalate(Escalation {
        reason: reasons.join("; "),
        priority,
        summary,
    }))
}

export_plugin!(EscalationRules);

#[cfg(test)]
mod tests;
