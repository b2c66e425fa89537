//! Table-driven screening tests from RFC 3834 / 3464 / 5965 examples and
//! real-world header sets.

use crate::mail::parse::{ParseLimits, parse};
use crate::mail::screen::{SkipReason, Verdict, screen};

fn verdict(raw: &str) -> Verdict {
    let mail = parse(raw.as_bytes(), &ParseLimits::default()).unwrap_or_default();
    screen(&mail, &["support@shop.example".to_string()]).verdict
}

const PERSON: &str = "From: Alex <alex@customer.example>\r\nTo: support@shop.example\r\nSubject: Where is my order?\r\nMessage-ID: <1@customer.example>\r\n";

#[test]
fn headers_decide_the_verdict() {
    let cases: &[(&str, Verdict)] = &[
        ("", Verdict::Reply),
        ("Auto-Submitted: no\r\n", Verdict::Reply),
        (
            "Auto-Submitted: auto-replied\r\n",
            Verdict::Skip(SkipReason::AutoSubmitted),
        ),
        (
            "Auto-Submitted: auto-generated\r\n",
            Verdict::Skip(SkipReason::AutoSubmitted),
        ),
        (
            "Precedence: bulk\r\n",
            Verdict::Skip(SkipReason::PrecedenceBulk),
        ),
        (
            "Precedence: list\r\n",
            Verdict::Skip(SkipReason::PrecedenceList),
        ),
        (
            "Precedence: junk\r\n",
            Verdict::Skip(SkipReason::PrecedenceJunk),
        ),
        (
            "List-Id: <news.shop.example>\r\n",
            Verdict::Skip(SkipReason::MailingList),
        ),
        (
            "List-Unsubscribe: <mailto:u@x>\r\n",
            Verdict::Skip(SkipReason::MailingList),
        ),
        ("Return-Path: <>\r\n", Verdict::Skip(SkipReason::NullSender)),
        ("X-Autoreply: yes\r\n", Verdict::Skip(SkipReason::AutoReply)),
        (
            "X-Autorespond: yes\r\n",
            Verdict::Skip(SkipReason::AutoReply),
        ),
        (
            "X-Auto-Response-Suppress: All\r\n",
            Verdict::Skip(SkipReason::AutoReply),
        ),
        ("X-Mailgun-Mailing-List-Id: 1q\r\n", Verdict::Reply),
    ];
    for (extra, want) in cases {
        let raw = format!("{PERSON}{extra}\r\nHello\r\n");
        assert_eq!(verdict(&raw), *want, "{extra}");
    }
}

#[test]
fn senders_decide_the_verdict() {
    let cases: &[(&str, Verdict)] = &[
        (
            "MAILER-DAEMON@mx.example",
            Verdict::Skip(SkipReason::SystemSender),
        ),
        (
            "no-reply@service.example",
            Verdict::Skip(SkipReason::SystemSender),
        ),
        (
            "Support@Shop.Example",
            Verdict::Skip(SkipReason::OwnAddress),
        ),
        ("alex@customer.example", Verdict::Reply),
    ];
    for (from, want) in cases {
        let raw = format!("From: {from}\r\nSubject: hi\r\n\r\nHello\r\n");
        assert_eq!(verdict(&raw), *want, "{from}");
    }
}

#[test]
fn out_of_office_subjects_are_skipped_but_human_replies_about_them_are_not() {
    let ooo = "From: a@customer.example\r\nSubject: Automatic reply: Where is my order?\r\nIn-Reply-To: <x@shop.example>\r\n\r\nI am away.\r\n";
    assert_eq!(verdict(ooo), Verdict::Skip(SkipReason::OutOfOffice));
    let de = "From: a@customer.example\r\nSubject: Abwesenheitsnotiz: Bestellung\r\n\r\nIch bin nicht da.\r\n";
    assert_eq!(verdict(de), Verdict::Skip(SkipReason::OutOfOffice));
    let human = "From: a@customer.example\r\nSubject: Re: Out of office hours support\r\nIn-Reply-To: <x@shop.example>\r\n\r\nThanks.\r\n";
    assert_eq!(verdict(human), Verdict::Reply);
}

#[test]
fn non_rfc3464_bounce_is_recognised_with_its_recipient() {
    let raw = "From: Mail Delivery System <MAILER-DAEMON@mx.shop.example>\r\nTo: support@shop.example\r\nSubject: Mail delivery failed: returning message to sender\r\n\r\nThis message was created automatically by mail delivery software.\r\n\r\nA message that you sent could not be delivered to one or more of its\r\nrecipients. This is a permanent error. The following address(es) failed:\r\n\r\n  gone@customer.example\r\n    SMTP error from remote mail server after RCPT TO:<gone@customer.example>:\r\n    550 5.1.1 User unknown\r\n";
    let mail = parse(raw.as_bytes(), &ParseLimits::default()).unwrap_or_default();
    let s = screen(&mail, &["support@shop.example".to_string()]);
    assert_eq!(
        s.verdict,
        Verdict::Skip(SkipReason::DeliveryStatusNotification)
    );
    let b = s.bounce.unwrap_or_default();
    assert_eq!(b.recipients, vec!["gone@customer.example".to_string()]);
    assert_eq!(b.status.as_deref(), Some("5.1.1"));
}

#[test]
fn skip_reasons_serialize_as_snake_case() {
    assert_eq!(
        serde_json::to_string(&SkipReason::PrecedenceBulk).unwrap_or_default(),
        "\"precedence_bulk\""
    );
    assert_eq!(
        SkipReason::DeliveryStatusNotification.to_string(),
        "delivery_status_notification"
    );
}
