//! The plugin's configuration (keys listed in the crate docs), read with one
//! `config::all()` host call per `escalate` and parsed into [`Settings`].
//!
//! Every value is checked whether or not its signal fires, so a bad value is
//! reported on the first message, not on the first message that needs it.
//! The first problem found is the error, naming its key; keys are checked in
//! a fixed order (unknown keys, `otherwise`, the priorities, the signal
//! switches, `max-agent-turns`).

use std::collections::BTreeMap;

use mailbot_guest::text::split_list;
use mailbot_guest::{EscalateDecision, Priority, config};

use crate::signals;

/// The signals and their default priorities.
pub const SIGNALS: &[(&str, Priority)] = &[
    ("keywords", Priority::High),
    ("human-request", Priority::High),
    ("anger", Priority::High),
    ("shouting", Priority::Normal),
    ("urgency", Priority::High),
    ("legal", Priority::Urgent),
    ("refund", Priority::Normal),
    ("bot-turns", Priority::Normal),
    ("attachments", Priority::Normal),
];

/// The keys besides `<signal>-priority`.
const OTHER_KEYS: &[&str] = &[
    "keywords",
    "human-request",
    "anger",
    "shouting",
    "urgency",
    "legal",
    "refund",
    "attachments",
    "max-agent-turns",
    "readable-types",
    "otherwise",
];

/// Escalations once the bot answered this often, unless configured.
const DEFAULT_MAX_AGENT_TURNS: usize = 3;

/// MIME types the bot can read, unless configured.
const DEFAULT_READABLE_TYPES: &str = "text/*";

/// What the configuration says, parsed.
#[derive(Debug, PartialEq)]
pub struct Settings {
    /// The answer when no signal fires.
    pub otherwise: EscalateDecision,
    /// The priority of every signal of [`SIGNALS`], in that order.
    pub priorities: Vec<(&'static str, Priority)>,
    /// The phrase signals that are on, with their phrases.
    pub phrase_signals: Vec<(&'static str, &'static [&'static str])>,
    /// The configured escalation keywords and phrases.
    pub keywords: Vec<String>,
    /// Whether the shouting signal is on.
    pub shouting: bool,
    /// Bot answers after which to escalate; 0 turns the signal off.
    pub max_agent_turns: usize,
    /// The MIME types the bot can read; `None` when the attachments signal
    /// is off.
    pub readable_types: Option<Vec<String>>,
}

impl Settings {
    /// Reads the configuration with one host call and parses it.
    pub fn load() -> Result<Self, String> {
        let values = config::all().map_err(|e| format!("reading config: {e}"))?;
        Self::parse(&Values(values.into_iter().collect()))
    }

    fn parse(values: &Values) -> Result<Self, String> {
        values.check_keys()?;
        let otherwise = values.otherwise()?;
        let priorities = SIGNALS
            .iter()
            .map(|&(signal, default)| Ok((signal, values.priority(signal, default)?)))
            .collect::<Result<_, String>>()?;
        let mut phrase_signals = Vec::new();
        for &(signal, phrases, default) in signals::PHRASE_SIGNALS {
            if values.flag(signal, default)? {
                phrase_signals.push((signal, phrases));
            }
        }
        let keywords = split_list(values.get("keywords").unwrap_or_default());
        let shouting = values.flag("shouting", true)?;
        let max_agent_turns = values.max_agent_turns()?;
        let readable_types = values.flag("attachments", true)?.then(|| {
            split_list(
                values
                    .get("readable-types")
                    .unwrap_or(DEFAULT_READABLE_TYPES),
            )
        });
        Ok(Self {
            otherwise,
            priorities,
            phrase_signals,
            keywords,
            shouting,
            max_agent_turns,
            readable_types,
        })
    }
}

/// The configured values by key, as the host gave them.
struct Values(BTreeMap<String, String>);

impl Values {
    fn get(&self, key: &str) -> Option<&str> {
        self.0.get(key).map(String::as_str)
    }

    /// Fails on the first key that is neither one of [`OTHER_KEYS`] nor
    /// `<signal>-priority` for a signal of [`SIGNALS`].
    fn check_keys(&self) -> Result<(), String> {
        match self.0.keys().find(|key| !is_known(key)) {
            Some(key) => Err(format!(
                "unknown config key `{key}` (known: {}, and `<signal>-priority` for {})",
                OTHER_KEYS.join(", "),
                SIGNALS
                    .iter()
                    .map(|(n, _)| *n)
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
            None => Ok(()),
        }
    }

    /// Switch `key`, or `default` when it is not set.
    fn flag(&self, key: &str, default: bool) -> Result<bool, String> {
        self.get(key)
            .map_or(Ok(default), |value| config::parse_bool(key, value))
    }

    /// `<signal>-priority`, or `default` when it is not set.
    fn priority(&self, signal: &str, default: Priority) -> Result<Priority, String> {
        let key = format!("{signal}-priority");
        match self.get(&key) {
            Some(v) => v.parse().map_err(|e| format!("config `{key}`: {e}")),
            None => Ok(default),
        }
    }

    fn max_agent_turns(&self) -> Result<usize, String> {
        match self.get("max-agent-turns") {
            None => Ok(DEFAULT_MAX_AGENT_TURNS),
            Some(v) => v.trim().parse().map_err(|_| {
                format!("config `max-agent-turns`: expected a whole number, got `{v}`")
            }),
        }
    }

    fn otherwise(&self) -> Result<EscalateDecision, String> {
        match self.get("otherwise").map(str::trim) {
            None | Some("keep") => Ok(EscalateDecision::Keep),
            Some("no-opinion") => Ok(EscalateDecision::NoOpinion),
            Some(other) => Err(format!(
                "config `otherwise`: expected keep or no-opinion, got `{other}`"
            )),
        }
    }
}

fn is_known(key: &str) -> bool {
    OTHER_KEYS.contains(&key)
        || key
            .strip_suffix("-priority")
            .is_some_and(|s| SIGNALS.iter().any(|(name, _)| *name == s))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(pairs: &[(&str, &str)]) -> Result<Settings, String> {
        let values = pairs
            .iter()
            .map(|&(k, v)| (k.to_owned(), v.to_owned()))
            .collect();
        Settings::parse(&Values(values))
    }

    #[test]
    fn nothing_configured_gives_the_documented_defaults() {
        let settings = parse(&[]).expect("defaults parse");
        assert_eq!(settings.otherwise, EscalateDecision::Keep);
        assert_eq!(settings.priorities, SIGNALS);
        let on: Vec<&str> = settings.phrase_signals.iter().map(|(s, _)| *s).collect();
        assert_eq!(on, ["human-request", "anger", "urgency", "legal"]);
        assert!(settings.keywords.is_empty());
        assert!(settings.shouting);
        assert_eq!(settings.max_agent_turns, 3);
        assert_eq!(settings.readable_types, Some(vec!["text/*".to_owned()]));
    }

    #[test]
    fn configured_values_replace_the_defaults() {
        let settings = parse(&[
            ("anger", "off"),
            ("refund", " YES "),
            ("shouting", "0"),
            ("attachments", "false"),
            ("readable-types", "application/pdf"),
            ("max-agent-turns", " 5 "),
            ("legal-priority", "low"),
            ("keywords", "gdpr, cancel my account"),
            ("otherwise", " no-opinion "),
        ])
        .expect("settings parse");
        assert_eq!(settings.otherwise, EscalateDecision::NoOpinion);
        assert!(settings.priorities.contains(&("legal", Priority::Low)));
        let on: Vec<&str> = settings.phrase_signals.iter().map(|(s, _)| *s).collect();
        assert_eq!(on, ["human-request", "urgency", "legal", "refund"]);
        assert_eq!(settings.keywords, ["gdpr", "cancel my account"]);
        assert!(!settings.shouting);
        assert_eq!(settings.max_agent_turns, 5);
        assert_eq!(settings.readable_types, None);
    }

    #[test]
    fn the_first_problem_in_key_order_is_reported() {
        let err = parse(&[("max-agent-turns", "x"), ("anger", "x"), ("zzz", "1")]);
        assert!(err.unwrap_err().starts_with("unknown config key `zzz`"));
        let err = parse(&[("max-agent-turns", "x"), ("anger", "maybe")]);
        assert_eq!(
            err.unwrap_err(),
            "config `anger`: expected true or false, got `maybe`"
        );
        let err = parse(&[("max-agent-turns", " three ")]);
        assert_eq!(
            err.unwrap_err(),
            "config `max-agent-turns`: expected a whole number, got ` three `"
        );
    }
}
