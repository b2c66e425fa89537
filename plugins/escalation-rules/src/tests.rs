//! Tests of the whole hook.

use super::*;
use mailbot_guest::{Attachment, Turn, testing};

fn msg(subject: &str, text: &str) -> Message {
    Message {
        subject: subject.into(),
        new_text: text.into(),
        ..Message::default()
    }
}

fn run(m: &Message, conv: &Conversation) -> EscalateDecision {
    EscalationRules
        .escalate(m, conv)
        .expect("escalate succeeds")
}

fn escalation(m: &Message) -> Escalation {
    match run(m, &Conversation::default()) {
        EscalateDecision::Escalate(e) => e,
        other => panic!("expected an escalation, got {other:?}"),
    }
}

#[test]
fn calm_question_is_kept() {
    testing::clear();
    let m = msg(
        "Opening hours",
        "Hi, when are you open on Saturdays? Thanks",
    );
    assert_eq!(run(&m, &Conversation::default()), EscalateDecision::Keep);
}

#[test]
fn nothing_fired_can_mean_no_opinion() {
    testing::clear();
    testing::set_config("otherwise", "no-opinion");
    assert_eq!(
        run(&msg("hi", "hello"), &Conversation::default()),
        EscalateDecision::NoOpinion
    );
}

#[test]
fn requests_for_a_human_escalate_in_several_languages() {
    for text in [
        "Can I please speak to a human?",
        "Ich möchte mit einem Menschen sprechen.",
        "Je voudrais parler à un humain.",
        "Quiero hablar con una persona.",
        "Vorrei parlare con un operatore.",
        "Ik wil graag met een medewerker praten.",
        "Quero falar com um atendente.",
    ] {
        testing::clear();
        let e = escalation(&msg("help", text));
        assert!(
            e.reason.contains("asked for a human"),
            "{text}: {}",
            e.reason
        );
        assert_eq!(e.priority, Priority::High, "{text}");
    }
}

#[test]
fn legal_threat_is_urgent_and_wins_over_lower_signals() {
    testing::clear();
    let e = escalation(&msg(
        "Order",
        "This is UNACCEPTABLE. My lawyer will hear about this!!!",
    ));
    assert_eq!(e.priority, Priority::Urgent);
    for part in ["legal threat", "angry tone", "shouting"] {
        assert!(e.reason.contains(part), "{}", e.reason);
    }
    assert!(e.summary.as_deref().is_some_and(|s| s.starts_with("Order")));
}

#[test]
fn shouting_escalates_with_normal_priority() {
    testing::clear();
    let e = escalation(&msg("WHERE IS MY PARCEL", "I ORDERED IT WEEKS AGO"));
    assert_eq!(e.priority, Priority::Normal);
}

#[test]
fn urgency_words_escalate() {
    testing::clear();
    assert!(
        escalation(&msg("Need this ASAP", "please"))
            .reason
            .contains("\"asap\"")
    );
}

#[test]
fn refund_is_off_until_enabled() {
    testing::clear();
    let m = msg("refund", "I want a refund for order 1234.");
    assert_eq!(run(&m, &Conversation::default()), EscalateDecision::Keep);
    testing::set_configs([("refund", "true"), ("refund-priority", "urgent")]);
    assert_eq!(escalation(&m).priority, Priority::Urgent);
}

#[test]
fn configured_keywords_escalate_as_whole_words() {
    testing::clear();
    testing::set_config("keywords", "GDPR, data deletion\ncancel my account");
    let e = escalation(&msg("Question", "Please cancel my account under gdpr."));
    assert!(
        e.reason.contains("\"GDPR\"") && e.reason.contains("cancel my account"),
        "{}",
        e.reason
    );
    assert_eq!(
        run(&msg("x", "gdprs are fun"), &Conversation::default()),
        EscalateDecision::Keep
    );
}

#[test]
fn too_many_bot_turns_escalate() {
    testing::clear();
    let mut conv = Conversation::default();
    for _ in 0..3 {
        conv.turns.push(Turn::new(Role::Customer, "still broken"));
        conv.turns.push(Turn::new(Role::Agent, "try restarting"));
    }
    let m = msg("Re: broken", "still broken");
    assert!(
        matches!(run(&m, &conv), EscalateDecision::Escalate(e) if e.reason.contains("3 times"))
    );
    testing::set_config("max-agent-turns", "4");
    assert_eq!(run(&m, &conv), EscalateDecision::Keep);
    testing::set_config("max-agent-turns", "0");
    assert_eq!(run(&m, &conv), EscalateDecision::Keep);
}

#[test]
fn unreadable_attachments_escalate() {
    testing::clear();
    let mut m = msg("Invoice", "see attached");
    m.attachments = vec![
        Attachment {
            filename: "notes.txt".into(),
            content_type: "text/plain; charset=utf-8".into(),
            ..Attachment::default()
        },
        Attachment {
            filename: "invoice.pdf".into(),
            content_type: "application/pdf".into(),
            ..Attachment::default()
        },
    ];
    let e = escalation(&m);
    assert!(
        e.reason.contains("invoice.pdf") && !e.reason.contains("notes.txt"),
        "{}",
        e.reason
    );
    testing::set_config("readable-types", "text/*, application/pdf");
    assert_eq!(run(&m, &Conversation::default()), EscalateDecision::Keep);
    m.attachments[1].skipped = true;
    assert!(escalation(&m).reason.contains("too large"));
}

#[test]
fn signals_can_be_turned_off() {
    testing::clear();
    testing::set_configs([("anger", "false"), ("shouting", "no")]);
    assert_eq!(
        run(&msg("x", "THIS IS RIDICULOUS!!!"), &Conversation::default()),
        EscalateDecision::Keep
    );
}

#[test]
fn malformed_config_is_an_error_naming_the_key() {
    for (key, value) in [
        ("legal-priority", "critical"),
        ("max-agent-turns", "three"),
        ("anger", "sometimes"),
        ("otherwise", "maybe"),
        ("keyword", "x"),
        ("colour-priority", "high"),
    ] {
        testing::clear();
        testing::set_config(key, value);
        let err = EscalationRules
            .escalate(&msg("x", "My lawyer is angry"), &Conversation::default())
            .unwrap_err();
        assert!(err.contains(key), "{key}: {err}");
    }
}

#[test]
fn one_escalate_reads_the_config_once() {
    testing::clear();
    testing::set_configs([("keywords", "gdpr"), ("refund", "true")]);
    escalation(&msg("GDPR refund", "My lawyer says ASAP!!!"));
    assert_eq!(testing::config_reads(), 1);
}
