//! Composition tests: thread headers, encoding, formats, and the property
//! that any parseable message gets a reply mail-parser reads back with the
//! right thread headers.

use mail_parser::MessageParser;
use proptest::prelude::*;
use time::macros::datetime;

use super::*;
use crate::mail::parse::{ParseLimits, parse};

const NOW: OffsetDateTime = datetime!(2025-03-01 12:00 UTC);

fn inbox() -> Inbox {
    Inbox {
        address: "support@shop.example".into(),
        name: Some("Shöp Support".into()),
    }
}

fn parent() -> ReplyParent {
    ReplyParent {
        customer: Mailbox {
            name: Some("Zoë Ünal".into()),
            email: "zoe@customer.example".into(),
        },
        subject: "RE: Re: Bestellung für März".into(),
        message_id: Some("p@customer.example".into()),
        references: vec!["root@shop.example".into(), "mid@customer.example".into()],
    }
}

fn reparse(bytes: &[u8]) -> crate::mail::parse::ParsedMail {
    parse(bytes, &ParseLimits::default()).unwrap_or_default()
}

#[test]
fn reply_keeps_thread_headers_and_one_re() {
    let draft = ReplyDraft {
        body: "Grüße, Ihre Bestellung ist unterwegs.".into(),
        ..ReplyDraft::default()
    };
    let out = compose_reply(&inbox(), &parent(), &draft, NOW).unwrap_or_else(|e| panic!("{e}"));
    let back = reparse(&out.bytes);
    assert_eq!(back.subject, "Re: Bestellung für März");
    assert_eq!(back.in_reply_to.as_deref(), Some("p@customer.example"));
    assert_eq!(
        back.references,
        vec![
            "root@shop.example",
            "mid@customer.example",
            "p@customer.example"
        ]
    );
    assert_eq!(back.message_id.as_deref(), Some(out.message_id.as_str()));
    assert!(out.message_id.ends_with("@shop.example"));
    assert_eq!(back.header("auto-submitted"), Some("auto-replied"));
    assert_eq!(back.header("x-auto-response-suppress"), Some("All"));
    assert_eq!(
        back.from.and_then(|f| f.name).as_deref(),
        Some("Shöp Support")
    );
    assert_eq!(
        back.to.first().map(|t| t.email.as_str()),
        Some("zoe@customer.example")
    );
    assert!(back.text.contains("Ihre Bestellung ist unterwegs"));
    assert!(back.date.is_some());
}

#[test]
fn fixed_message_id_is_used_verbatim() {
    let draft = ReplyDraft {
        body: "Hi".into(),
        message_id: Some("<fixed@shop.example>".into()),
        ..ReplyDraft::default()
    };
    let out = compose_reply(&inbox(), &parent(), &draft, NOW).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(out.message_id, "fixed@shop.example");
    assert_eq!(
        reparse(&out.bytes).message_id.as_deref(),
        Some("fixed@shop.example")
    );
}

#[test]
fn html_reply_has_plain_alternative_and_signature() {
    let draft = ReplyDraft {
        body: "<p>Hello <b>Zoë</b></p>".into(),
        format: BodyFormat::Html,
        signature: Some("Shop Team\nhttps://shop.example".into()),
        attachments: vec![OutboundAttachment {
            filename: "rechnung.pdf".into(),
            content_type: "application/pdf".into(),
            content: b"%PDF-1.4".to_vec(),
        }],
        message_id: None,
    };
    let out = compose_reply(&inbox(), &parent(), &draft, NOW).unwrap_or_else(|e| panic!("{e}"));
    let message = MessageParser::default()
        .parse(&out.bytes)
        .unwrap_or_default();
    let text = message
        .body_text(0)
        .unwrap_or_default()
        .replace("\r\n", "\n");
    assert!(text.contains("Hello Zoë"), "{text}");
    assert!(text.contains("\n-- \nShop Team"), "{text}");
    assert!(
        message
            .body_html(0)
            .unwrap_or_default()
            .contains("mailbot-signature")
    );
    let back = reparse(&out.bytes);
    assert_eq!(back.attachments.len(), 1);
    assert_eq!(back.attachments[0].filename, "rechnung.pdf");
    assert_eq!(back.body.signature, "-- \nShop Team\nhttps://shop.example");
}

#[test]
fn human_reply_is_not_marked_auto_submitted() {
    let draft = ReplyDraft {
        body: "Personally answered.".into(),
        ..ReplyDraft::default()
    };
    let out =
        compose_human_reply(&inbox(), &parent(), &draft, NOW).unwrap_or_else(|e| panic!("{e}"));
    let back = reparse(&out.bytes);
    assert_eq!(back.header("auto-submitted"), None);
    assert_eq!(back.in_reply_to.as_deref(), Some("p@customer.example"));
}

#[test]
fn escalation_goes_to_support_with_reply_to_the_customer() {
    let support = Mailbox {
        name: None,
        email: "team@shop.example".into(),
    };
    let out = compose_escalation(
        &inbox(),
        &support,
        &parent(),
        "Customer wants a refund.",
        "Customer: ...\nBot: ...",
        None,
        NOW,
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let back = reparse(&out.bytes);
    assert_eq!(
        back.to.first().map(|t| t.email.as_str()),
        Some("team@shop.example")
    );
    assert_eq!(
        back.reply_to.map(|r| r.email),
        Some("zoe@customer.example".to_string())
    );
    assert!(back.subject.starts_with("[Escalation] Bestellung"));
    assert!(back.text.contains("Customer wants a refund.") && back.text.contains("Transcript"));
}

#[test]
fn long_reference_chains_keep_the_root_and_the_latest() {
    let refs: Vec<String> = (0..40).map(|i| format!("m{i}@x")).collect();
    let out = references(&refs, "parent@x");
    let ids: Vec<&str> = out.split(' ').collect();
    assert_eq!(ids.len(), MAX_REFERENCES);
    assert_eq!(ids[0], "<m0@x>");
    assert_eq!(ids[MAX_REFERENCES - 1], "<parent@x>");
}

#[test]
fn invalid_customer_address_is_an_error_not_a_panic() {
    let mut p = parent();
    p.customer.email = "not an address".into();
    let err = compose_reply(&inbox(), &p, &ReplyDraft::default(), NOW).err();
    assert!(matches!(
        err,
        Some(ComposeError::Address { role: "to", .. })
    ));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    #[test]
    fn reply_to_any_parseable_message_threads_back(
        local in "[a-z][a-z0-9.]{0,12}",
        subject in "(Re: |AW: |Fwd: )?[\\PC]{0,40}",
        id in "[a-z0-9]{1,16}@[a-z]{1,8}\\.example",
        refs in proptest::collection::vec("[a-z0-9]{1,10}@r\\.example", 0..30),
        body in "[\\PC\n]{0,200}",
    ) {
        let raw = format!(
            "From: {local}@customer.example\r\nSubject: {subject}\r\nMessage-ID: <{id}>\r\nReferences: {}\r\n\r\n{body}\r\n",
            refs.iter().map(|r| format!("<{r}>")).collect::<Vec<_>>().join(" ")
        );
        let Ok(mail) = parse(raw.as_bytes(), &ParseLimits::default()) else { return Ok(()) };
        let Some(parent) = ReplyParent::from_mail(&mail) else { return Ok(()) };
        let draft = ReplyDraft { body: body.clone(), ..ReplyDraft::default() };
        let out = compose_reply(&inbox(), &parent, &draft, NOW);
        let Ok(out) = out else { return Ok(()) };
        let back = reparse(&out.bytes);
        prop_assert_eq!(back.in_reply_to.as_deref(), mail.message_id.as_deref());
        if let Some(pid) = &mail.message_id {
            prop_assert_eq!(back.references.last(), Some(pid));
            prop_assert!(back.references.len() <= MAX_REFERENCES);
        }
        prop_assert_eq!(back.subject.clone(), reply_subject(&mail.subject));
        prop_assert_eq!(back.subject.matches("Re:").count() >= 1, true);
        prop_assert!(!strip_reply_prefixes(&back.subject).starts_with("Re:"));
    }
}

#[test]
fn decoded_control_characters_cannot_inject_headers() {
    let mut p = parent();
    p.subject = "Hi\r\nBcc: victim@evil.example".into();
    p.message_id = Some("bad id\r\nX-Evil: 1".into());
    let out = compose_reply(
        &inbox(),
        &p,
        &ReplyDraft {
            body: "x".into(),
            ..ReplyDraft::default()
        },
        NOW,
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let back = reparse(&out.bytes);
    assert_eq!(back.header("bcc"), None);
    assert_eq!(back.header("x-evil"), None);
    assert_eq!(back.in_reply_to, None);
}
