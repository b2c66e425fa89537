//! Tests of the whole hook.

use super::*;
use mailbot_guest::knowledge::Passage;
use mailbot_guest::{Address, Capability, Turn, testing};

fn msg() -> Message {
    Message {
        id: "m1".into(),
        from: Address::named("Jane Doe", "jane@example.com"),
        delivered_to: "help@acme.test".into(),
        subject: "Re: [ACME] Broken widget".into(),
        normalized_subject: "Broken widget".into(),
        new_text: "My widget broke.".into(),
        ..Message::default()
    }
}

fn conv() -> Conversation {
    Conversation {
        id: "conv-1".into(),
        ..Conversation::default()
    }
}

fn bot() -> Bot {
    Bot {
        name: "ACME Support".into(),
        ..Bot::default()
    }
}

fn reply(m: &Message, c: &Conversation) -> Reply {
    match TemplateReply.generate_reply(m, c, &bot()) {
        Ok(ReplyDecision::Reply(r)) => r,
        other => panic!("expected a reply, got {other:?}"),
    }
}

#[test]
fn default_acknowledgement_greets_and_gives_a_reference() {
    testing::clear();
    let r = reply(&msg(), &conv());
    assert!(
        r.text
            .starts_with("Hi Jane,\n\nthank you for contacting ACME Support."),
        "{}",
        r.text
    );
    assert!(r.text.contains("\"Broken widget\""), "{}", r.text);
    assert!(
        r.text.contains(&reference("REF-", &conv(), &msg())),
        "{}",
        r.text
    );
    assert_eq!(r.html, None);
}

#[test]
fn reference_is_stable_per_conversation_and_differs_between_them() {
    let other = Conversation {
        id: "conv-2".into(),
        ..Conversation::default()
    };
    let a = reference("REF-", &conv(), &msg());
    assert_eq!(a, reference("REF-", &conv(), &Message::default()));
    assert_ne!(a, reference("REF-", &other, &msg()));
    assert_eq!(a.len(), "REF-".len() + 8);
}

#[test]
fn follow_ups_get_no_reply_by_default() {
    testing::clear();
    let mut c = conv();
    c.turns = vec![
        Turn::new(Role::Customer, "first"),
        Turn::new(Role::Agent, "ack"),
    ];
    let d = TemplateReply.generate_reply(&msg(), &c, &bot());
    assert!(matches!(d, Ok(ReplyDecision::NoReply(_))), "{d:?}");
    testing::set_config("follow-up", "no-opinion");
    assert_eq!(
        TemplateReply.generate_reply(&msg(), &c, &bot()),
        Ok(ReplyDecision::NoOpinion)
    );
    testing::set_config("reply-on", "every");
    assert!(matches!(
        TemplateReply.generate_reply(&msg(), &c, &bot()),
        Ok(ReplyDecision::Reply(_))
    ));
}

#[test]
fn agent_turns_alone_do_not_make_a_follow_up() {
    testing::clear();
    let mut c = conv();
    c.turns = vec![Turn::new(Role::Agent, "we noticed your order")];
    reply(&msg(), &c);
}

#[test]
fn every_placeholder_is_filled() {
    testing::clear();
    testing::set_now(1_717_113_600_000);
    testing::set_configs([
        (
            "text",
            PLACEHOLDERS
                .iter()
                .map(|p| format!("{p}={{{{ {p} }}}}"))
                .collect::<Vec<_>>()
                .join("|"),
        ),
        ("inbox-name", "ACME".to_owned()),
        ("reference-prefix", "#".to_owned()),
    ]);
    let r = reply(&msg(), &conv());
    let want = format!(
        "sender_name=Jane Doe|sender_first_name=Jane|sender_email=jane@example.com|\
         subject=Broken widget|inbox_name=ACME|inbox_address=help@acme.test|\
         bot_name=ACME Support|conversation_id=conv-1|reference={}|date=2024-05-31|\
         related_articles=",
        reference("#", &conv(), &msg())
    );
    assert_eq!(r.text, want);
}

#[test]
fn unknown_sender_name_falls_back() {
    testing::clear();
    let mut m = msg();
    m.from = Address::new("jane@example.com");
    assert!(reply(&m, &conv()).text.starts_with("Hi there,"));
    testing::set_config("fallback-name", "friend");
    assert!(reply(&m, &conv()).text.starts_with("Hi friend,"));
    let mut c = conv();
    c.contact.name = Some("Janet Roe".into());
    assert!(reply(&m, &c).text.starts_with("Hi Janet,"));
}

#[test]
fn html_reply_escapes_values() {
    testing::clear();
    testing::set_config(
        "html",
        "<p>Hi {{ sender_name }}, re: <i>{{ subject }}</i></p>",
    );
    let mut m = msg();
    m.normalized_subject = "<script>x</script>".into();
    let html = reply(&m, &conv()).html.expect("html");
    assert_eq!(
        html,
        "<p>Hi Jane Doe, re: <i>&lt;script&gt;x&lt;/script&gt;</i></p>"
    );
}

#[test]
fn related_articles_come_from_knowledge_when_granted() {
    testing::clear();
    testing::set_configs([
        ("knowledge", "true"),
        ("text", "See:\n{{ related_articles }}"),
    ]);
    testing::set_knowledge(vec![
        Passage {
            text: "Reset it.".into(),
            source: "Widget FAQ".into(),
            score: 0.9,
        },
        Passage {
            text: "Warranty covers two years.".into(),
            source: "".into(),
            score: 0.5,
        },
    ]);
    assert_eq!(
        reply(&msg(), &conv()).text,
        "See:\n- Widget FAQ\n- Warranty covers two years."
    );
}

#[test]
fn unavailable_or_denied_knowledge_falls_back_to_no_articles() {
    testing::clear();
    testing::set_configs([("knowledge", "true"), ("text", "Hi{{ related_articles }}")]);
    assert_eq!(reply(&msg(), &conv()).text, "Hi");
    testing::deny(Capability::Knowledge);
    assert_eq!(reply(&msg(), &conv()).text, "Hi");
    testing::fail(
        Capability::Knowledge,
        HostError::Failed("index offline".into()),
    );
    assert_eq!(reply(&msg(), &conv()).text, "Hi");
    assert!(
        testing::logs()
            .iter()
            .any(|(_, line)| line.contains("index offline"))
    );
}

#[test]
fn clock_is_needed_only_for_the_date() {
    testing::clear();
    testing::deny(Capability::Clock);
    reply(&msg(), &conv());
    testing::set_config("text", "{{ date }}");
    let err = TemplateReply
        .generate_reply(&msg(), &conv(), &bot())
        .unwrap_err();
    assert!(err.contains("clock"), "{err}");
}

#[test]
fn bad_config_is_an_error_naming_the_key() {
    for (key, value) in [
        ("text", "Hi {{ sender }}"),
        ("html", "{{ subject"),
        ("reply-on", "sometimes"),
        ("follow-up", "escalate"),
        ("knowledge", "perhaps"),
        ("knowledge-limit", "-1"),
        ("greeting", "Hi"),
    ] {
        testing::clear();
        testing::set_config(key, value);
        let err = TemplateReply
            .generate_reply(&msg(), &conv(), &bot())
            .unwrap_err();
        assert!(err.contains(key), "{key}: {err}");
    }
}
