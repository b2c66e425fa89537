//! `rules-router`: routes inbound mail by recipient, sender and content to a
//! named bot, or forwards, drops or blocks it. Implements the `route` hook.
//!
//! # Configuration
//!
//! | key | value |
//! | --- | --- |
//! | `rules` | one rule per line (required for any routing; blank lines and lines starting with `#` are ignored) |
//! | `default` | an action for mail no rule matches; without it the plugin has no opinion |
//!
//! Any other key is an error, so a typo does not silently disable routing.
//!
//! A rule is `CONDITION [&& CONDITION ...] => ACTION`. Rules are tried in
//! order and the first whose conditions all hold decides.
//!
//! Conditions (text comparisons ignore case; prefix with `not ` to negate):
//!
//! | condition | holds when |
//! | --- | --- |
//! | `to:ADDRESS` | the inbox address delivered to, a `To` or a `Cc` recipient is `ADDRESS` |
//! | `from:ADDRESS` | the sender (`From`) is `ADDRESS` |
//! | `from-domain:DOMAIN` | the sender's domain is `DOMAIN` or a subdomain of it |
//! | `subject:TEXT` | the subject contains `TEXT` |
//! | `subject-regex:REGEX` | the subject matches `REGEX` (case-insensitive) |
//! | `body:TEXT` | the new text of the message contains `TEXT` |
//! | `body-regex:REGEX` | the new text matches `REGEX` (case-insensitive) |
//! | `header:NAME=TEXT` | header `NAME` is present and contains `TEXT` (`header:NAME` alone: present) |
//! | `any` | always |
//!
//! Actions: `handle:BOT`, `forward:ADDRESS`, `drop[:REASON]`,
//! `block[:REASON]`, `no-opinion` (stop here and let the next plugin decide).
//!
//! ```toml
//! rules = """
//! from-domain:spam.example => block:known spammer
//! to:sales@acme.test => handle:sales-bot
//! subject:invoice && not from-domain:acme.test => forward:billing@acme.test
//! body-regex:\\border\\s*#?\\d{5,}\\b => handle:orders-bot
//! """
//! default = "handle:support-bot"
//! ```

mod rules;

use mailbot_guest::{Hook, Inbox, Message, Plugin, RouteDecision, config, export_plugin};

pub use rules::{Action, Condition, Rule, parse_action, parse_rules};

/// The config keys this plugin reads.
const KEYS: &[&str] = &["rules", "default"];

/// Routes mail by configured rules.
#[derive(Default)]
pub struct RulesRouter;

impl Plugin for RulesRouter {
    const NAME: &'static str = "rules-router";
    const VERSION: &'static str = env!("CARGO_PKG_VERSION");
    const HOOKS: &'static [Hook] = &[Hook::Route];

    fn route(&self, msg: &Message, _inbox: &Inbox) -> Result<RouteDecision, String> {
        let settings = config::all().map_err(|e| format!("reading config: {e}"))?;
        let mut rules = Vec::new();
        let mut default = None;
        for (key, value) in &settings {
            match key.as_str() {
                "rules" => rules = parse_rules(value)?,
                "default" => {
                    default = Some(parse_action(value).map_err(|e| format!("`default`: {e}"))?)
                }
                other => {
                    return Err(format!(
                        "unknown config key `{other}` (known: {})",
                        KEYS.join(", ")
                    ));
                }
            }
        }
        for rule in &rules {
            if rule.matches(msg) {
                return Ok(rule.action.decide(&format!("matched rule {}", rule.line)));
            }
        }
        Ok(default.map_or(RouteDecision::NoOpinion, |action| {
            action.decide("no rule matched")
        }))
    }
}

export_plugin!(RulesRouter);

#[cfg(test)]
mod tests {
    use super::*;
    use mailbot_guest::{Address, Capability, testing};

    fn msg(from: &str, to: &str, subject: &str, body: &str) -> Message {
        Message {
            from: Address::new(from),
            to: vec![Address::new(to)],
            delivered_to: to.into(),
            subject: subject.into(),
            new_text: body.into(),
            ..Message::default()
        }
    }

    fn route_with(rules: &str, m: &Message) -> Result<RouteDecision, String> {
        testing::clear();
        testing::set_config("rules", rules);
        RulesRouter.route(m, &Inbox::default())
    }

    const RULES: &str = "
        # spam first
        from-domain:spam.example => block:known spammer
        to:sales@acme.test => handle:sales-bot
        subject:invoice && not from-domain:acme.test => forward:billing@acme.test
        body-regex:order\\s*#?\\d{5,} => handle:orders-bot
        from:boss@acme.test => drop
    ";

    #[test]
    fn sender_domain_and_subdomains_are_blocked() {
        let m = msg("x@mail.spam.example", "help@acme.test", "hi", "");
        assert_eq!(
            route_with(RULES, &m),
            Ok(RouteDecision::Block("known spammer".into()))
        );
    }

    #[test]
    fn recipient_address_picks_the_bot() {
        let m = msg("jane@example.com", "Sales@Acme.test", "quote", "");
        assert_eq!(
            route_with(RULES, &m),
            Ok(RouteDecision::Handle("sales-bot".into()))
        );
    }

    #[test]
    fn cc_recipient_counts_as_recipient() {
        let mut m = msg("jane@example.com", "help@acme.test", "quote", "");
        m.cc.push(Address::new("sales@acme.test"));
        assert_eq!(
            route_with(RULES, &m),
            Ok(RouteDecision::Handle("sales-bot".into()))
        );
    }

    #[test]
    fn all_conditions_of_a_rule_must_hold() {
        let outside = msg("jane@example.com", "help@acme.test", "Your INVOICE", "");
        assert_eq!(
            route_with(RULES, &outside),
            Ok(RouteDecision::Forward("billing@acme.test".into()))
        );
        let inside = msg("ann@acme.test", "help@acme.test", "Your invoice", "");
        assert_eq!(route_with(RULES, &inside), Ok(RouteDecision::NoOpinion));
    }

    #[test]
    fn body_regex_matches_case_insensitively() {
        let m = msg(
            "jane@example.com",
            "help@acme.test",
            "hi",
            "ORDER #123456 is late",
        );
        assert_eq!(
            route_with(RULES, &m),
            Ok(RouteDecision::Handle("orders-bot".into()))
        );
    }

    #[test]
    fn first_matching_rule_wins() {
        let m = msg("x@spam.example", "sales@acme.test", "invoice", "");
        assert_eq!(
            route_with(RULES, &m),
            Ok(RouteDecision::Block("known spammer".into()))
        );
    }

    #[test]
    fn drop_without_reason_names_the_rule_line() {
        let m = msg("boss@acme.test", "help@acme.test", "hi", "");
        let Ok(RouteDecision::Drop(why)) = route_with(RULES, &m) else {
            panic!("expected drop");
        };
        assert!(why.contains("rule 7"), "{why}");
    }

    #[test]
    fn no_match_without_default_has_no_opinion() {
        let m = msg("jane@example.com", "help@acme.test", "hello", "thanks");
        assert_eq!(route_with(RULES, &m), Ok(RouteDecision::NoOpinion));
    }

    #[test]
    fn no_match_uses_the_configured_default() {
        testing::clear();
        testing::set_configs([("rules", RULES), ("default", "handle:support")]);
        let m = msg("jane@example.com", "help@acme.test", "hello", "thanks");
        assert_eq!(
            RulesRouter.route(&m, &Inbox::default()),
            Ok(RouteDecision::Handle("support".into()))
        );
    }

    #[test]
    fn no_config_has_no_opinion() {
        testing::clear();
        let m = msg("jane@example.com", "help@acme.test", "hello", "");
        assert_eq!(
            RulesRouter.route(&m, &Inbox::default()),
            Ok(RouteDecision::NoOpinion)
        );
    }

    #[test]
    fn header_condition_checks_presence_and_content() {
        let mut m = msg("jane@example.com", "help@acme.test", "hi", "");
        m.headers.push(mailbot_guest::Header {
            name: "X-Priority".into(),
            value: "1 (Highest)".into(),
        });
        let rules = "header:x-priority=highest => handle:vip\nheader:X-Mailer => drop";
        assert_eq!(
            route_with(rules, &m),
            Ok(RouteDecision::Handle("vip".into()))
        );
    }

    #[test]
    fn malformed_rule_is_an_error_naming_the_line() {
        let m = msg("jane@example.com", "help@acme.test", "hi", "");
        for (rules, needle) in [
            ("to:a@b.test handle:x", "line 1"),
            ("\nfrm:a@b.test => drop", "line 2"),
            ("any => teleport:x", "teleport"),
            ("subject-regex:([ => drop", "regex"),
            ("any => handle:", "bot name"),
            (" => drop", "condition"),
        ] {
            let err = route_with(rules, &m).unwrap_err();
            assert!(err.contains(needle), "{rules:?}: {err}");
        }
    }

    #[test]
    fn unknown_config_key_is_an_error() {
        testing::clear();
        testing::set_config("rule", "any => drop");
        let err = RulesRouter
            .route(&Message::default(), &Inbox::default())
            .unwrap_err();
        assert!(err.contains("`rule`"), "{err}");
    }

    #[test]
    fn denied_config_is_an_error() {
        testing::clear();
        testing::deny(Capability::Config);
        assert!(
            RulesRouter
                .route(&Message::default(), &Inbox::default())
                .is_err()
        );
    }
}
