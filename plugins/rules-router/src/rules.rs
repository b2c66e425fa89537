//! The rule language: parsing `CONDITION && ... => ACTION` lines and
//! matching them against a message.

use mailbot_guest::{Message, RouteDecision};
use regex::{Regex, RegexBuilder};

/// One parsed rule.
#[derive(Clone, Debug)]
pub struct Rule {
    /// 1-based line number in the `rules` value, for reasons and errors.
    pub line: usize,
    /// All must hold.
    pub conditions: Vec<Condition>,
    /// What to do when they do.
    pub action: Action,
}

/// A test on the message.
#[derive(Clone, Debug)]
pub enum Condition {
    /// Delivered-to, a `To` or a `Cc` address equals this (lower-cased).
    To(String),
    /// The `From` address equals this (lower-cased).
    From(String),
    /// The sender's domain is this or a subdomain of it (lower-cased).
    FromDomain(String),
    /// The subject contains this (lower-cased).
    Subject(String),
    /// The subject matches.
    SubjectRegex(Regex),
    /// The new text contains this (lower-cased).
    Body(String),
    /// The new text matches.
    BodyRegex(Regex),
    /// A header called `name` exists and (when given) contains `text`.
    Header {
        /// Header name, compared ignoring case.
        name: String,
        /// Lower-cased text the value must contain.
        text: Option<String>,
    },
    /// Always holds.
    Any,
    /// Holds when the inner condition does not.
    Not(Box<Condition>),
}

/// What a matching rule decides.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Action {
    /// Handle with the named bot.
    Handle(String),
    /// Forward to the address.
    Forward(String),
    /// Drop, with an optional reason.
    Drop(Option<String>),
    /// Block the sender, with an optional reason.
    Block(Option<String>),
    /// Stop and have no opinion.
    NoOpinion,
}

impl Action {
    /// The decision, using `fallback_reason` when the rule gave none.
    pub fn decide(&self, fallback_reason: &str) -> RouteDecision {
        let reason = |r: &Option<String>| r.clone().unwrap_or_else(|| fallback_reason.to_owned());
        match self {
            Action::Handle(bot) => RouteDecision::Handle(bot.clone()),
            Action::Forward(to) => RouteDecision::Forward(to.clone()),
            Action::Drop(r) => RouteDecision::Drop(reason(r)),
            Action::Block(r) => RouteDecision::Block(reason(r)),
            Action::NoOpinion => RouteDecision::NoOpinion,
        }
    }
}

impl Rule {
    /// True when every condition holds for `msg`.
    pub fn matches(&self, msg: &Message) -> bool {
        self.conditions.iter().all(|c| c.holds(msg))
    }
}

impl Condition {
    /// True when the condition holds for `msg`.
    pub fn holds(&self, msg: &Message) -> bool {
        match self {
            Condition::To(addr) => std::iter::once(msg.delivered_to.as_str())
                .chain(msg.to.iter().chain(&msg.cc).map(|a| a.email.as_str()))
                .any(|e| e.trim().eq_ignore_ascii_case(addr)),
            Condition::From(addr) => msg.from.email.trim().eq_ignore_ascii_case(addr),
            Condition::FromDomain(domain) => {
                let d = msg.from.domain();
                d == *domain || d.ends_with(&format!(".{domain}"))
            }
            Condition::Subject(text) => msg.subject.to_lowercase().contains(text),
            Condition::SubjectRegex(re) => re.is_match(&msg.subject),
            Condition::Body(text) => msg.new_text.to_lowercase().contains(text),
            Condition::BodyRegex(re) => re.is_match(&msg.new_text),
            Condition::Header { name, text } => msg
                .headers
                .iter()
                .filter(|h| h.name.eq_ignore_ascii_case(name))
                .any(|h| {
                    text.as_ref()
                        .is_none_or(|t| h.value.to_lowercase().contains(t))
                }),
            Condition::Any => true,
            Condition::Not(inner) => !inner.holds(msg),
        }
    }
}

/// Parses the `rules` config value; `Err` names the line and the problem.
pub fn parse_rules(src: &str) -> Result<Vec<Rule>, String> {
    let mut rules = Vec::new();
    for (index, raw) in src.lines().enumerate() {
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let number = index + 1;
        let rule = parse_rule(line, number).map_err(|e| format!("`rules` line {number}: {e}"))?;
        rules.push(rule);
    }
    Ok(rules)
}

fn parse_rule(line: &str, number: usize) -> Result<Rule, String> {
    let Some((conditions, action)) = line.rsplit_once("=>") else {
        return Err(format!("expected `CONDITION => ACTION`, got `{line}`"));
    };
    let conditions = conditions
        .split("&&")
        .map(parse_condition)
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Rule {
        line: number,
        conditions,
        action: parse_action(action)?,
    })
}

const CONDITIONS: &str =
    "to, from, from-domain, subject, subject-regex, body, body-regex, header, any";

fn parse_condition(src: &str) -> Result<Condition, String> {
    let src = src.trim();
    if src.is_empty() {
        return Err("empty condition".into());
    }
    if let Some(inner) = src.strip_prefix("not ") {
        return Ok(Condition::Not(Box::new(parse_condition(inner)?)));
    }
    if src.eq_ignore_ascii_case("any") {
        return Ok(Condition::Any);
    }
    let Some((kind, arg)) = src.split_once(':') else {
        return Err(format!(
            "expected `KIND:VALUE` in condition `{src}` (kinds: {CONDITIONS})"
        ));
    };
    let kind = kind.trim().to_ascii_lowercase();
    let arg = arg.trim();
    if arg.is_empty() {
        return Err(format!("condition `{kind}:` needs a value"));
    }
    let lower = arg.to_lowercase();
    Ok(match kind.as_str() {
        "to" => Condition::To(lower),
        "from" => Condition::From(lower),
        "from-domain" => Condition::FromDomain(lower.trim_start_matches('@').to_owned()),
        "subject" => Condition::Subject(lower),
        "subject-regex" => Condition::SubjectRegex(regex(arg)?),
        "body" => Condition::Body(lower),
        "body-regex" => Condition::BodyRegex(regex(arg)?),
        "header" => match arg.split_once('=') {
            Some((name, text)) => Condition::Header {
                name: name.trim().to_owned(),
                text: Some(text.trim().to_lowercase()),
            },
            None => Condition::Header {
                name: arg.to_owned(),
                text: None,
            },
        },
        other => {
            return Err(format!(
                "unknown condition `{other}:` (kinds: {CONDITIONS})"
            ));
        }
    })
}

fn regex(src: &str) -> Result<Regex, String> {
    RegexBuilder::new(src)
        .case_insensitive(true)
        .size_limit(1 << 20)
        .build()
        .map_err(|e| format!("bad regex `{src}`: {e}"))
}

/// Parses an action such as `handle:support` or `drop:spam`.
pub fn parse_action(src: &str) -> Result<Action, String> {
    let src = src.trim();
    let (kind, arg) = match src.split_once(':') {
        Some((kind, arg)) => (kind.trim().to_ascii_lowercase(), Some(arg.trim())),
        None => (src.to_ascii_lowercase(), None),
    };
    let reason = arg.filter(|r| !r.is_empty()).map(str::to_owned);
    match kind.as_str() {
        "handle" => match reason {
            Some(bot) => Ok(Action::Handle(bot)),
            None => Err("`handle:` needs a bot name".into()),
        },
        "forward" => match reason {
            Some(to) if to.contains('@') => Ok(Action::Forward(to)),
            _ => Err(format!("`forward:` needs an email address, got `{src}`")),
        },
        "drop" => Ok(Action::Drop(reason)),
        "block" => Ok(Action::Block(reason)),
        "no-opinion" => Ok(Action::NoOpinion),
        _ => Err(format!(
            "unknown action `{src}` (expected handle:BOT, forward:ADDRESS, drop[:REASON], \
             block[:REASON] or no-opinion)"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_keep_their_line_numbers() {
        let rules = parse_rules("\n# c\nany => drop\n\nnot any => block:x").unwrap();
        assert_eq!(rules.iter().map(|r| r.line).collect::<Vec<_>>(), [3, 5]);
        assert_eq!(rules[1].action, Action::Block(Some("x".into())));
    }

    #[test]
    fn forward_needs_an_address() {
        assert!(parse_action("forward:billing").is_err());
        assert_eq!(
            parse_action(" Forward : a@b.test "),
            Ok(Action::Forward("a@b.test".into()))
        );
    }

    #[test]
    fn empty_rules_value_gives_no_rules() {
        assert!(parse_rules("\n  \n# only comments\n").unwrap().is_empty());
    }
}
