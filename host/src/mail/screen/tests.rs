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
        (
            "X-MLServer: fml [fml 4.0.3 release]\r\n",
            Verdict::Skip(SkipReason::MailingList),
        ),
        (
            "X-Mailman-Version: 2.1.39\r\n",
            Verdict::Skip(SkipReason::MailingList),
        ),
        (
            "X-Bluebottle-Request: sender-verification\r\n",
            Verdict::Skip(SkipReason::AutoReply),
        ),
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
        (
            "post_master@carrier.example",
            Verdict::Skip(SkipReason::SystemSender),
        ),
        (
            "users-owner@lists.example",
            Verdict::Skip(SkipReason::SystemSender),
        ),
        ("alex@customer.example", Verdict::Reply),
        ("it-admin@customer.example", Verdict::Reply),
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

/// Screens `raw` and returns the verdict with the bounce's recipients.
fn screened(raw: &str) -> (Verdict, Vec<String>) {
    let mail = parse(raw.as_bytes(), &ParseLimits::default()).unwrap_or_default();
    let s = screen(&mail, &["support@shop.example".to_string()]);
    (s.verdict, s.bounce.unwrap_or_default().recipients)
}

#[test]
fn bounces_in_other_mtas_wording_name_their_recipients() {
    let bounce = Verdict::Skip(SkipReason::DeliveryStatusNotification);
    let head = "From: MAILER-DAEMON@mx.carrier.example\r\nTo: support@shop.example\r\nSubject: Undeliverable mail\r\n\r\n";
    for (body, recipient) in [
        (
            "Delivery failed.\r\n\r\ngone@customer.example: 550 5.2.2 <gone@customer.example>... Mailbox full\r\n",
            "gone@customer.example",
        ),
        (
            "---The following addresses had delivery errors---\r\n\r\ngone@customer.example [User unknown]\r\n",
            "gone@customer.example",
        ),
        (
            "The following recipients returned permanent errors: gone@customer.example. Reason: unknown.\r\n",
            "gone@customer.example",
        ),
        (
            "There was an error delivering your mail to <gone@customer.example>.\r\n",
            "gone@customer.example",
        ),
        (
            "Could not be delivered to: <gone@customer.example>\r\nAs their mailbox is full.\r\n",
            "gone@customer.example",
        ),
        (
            "----- Transcript of session follows -----\r\n554 <gone@customer.example>... 550 Host unknown\r\n",
            "gone@customer.example",
        ),
        (
            "Unknown user: gone@customer.example\r\n",
            "gone@customer.example",
        ),
        (
            "Error: Invalid user address\r\n550 - Requested action not taken: no such user here\r\n\r\nMessage details:\r\n  RCPT TO: 5550100@sms.carrier.example\r\n",
            "5550100@sms.carrier.example",
        ),
        (
            "The following address failed:\r\n\r\n  \u{1f408}@customer.example\r\n",
            "\u{1f408}@customer.example",
        ),
        (
            "Your message\r\n\r\n  To: support@shop.example\r\n\r\ndid not reach the following recipient(s):\r\n\r\ngone@customer.example on Thu, 29 Apr 2010 23:34:45 +0900\r\n    The recipient name is not recognized\r\n",
            "gone@customer.example",
        ),
        (
            "did not reach the following recipient(s):\r\n\r\nc=US;a= ;p=ACME;o=Mail;dda:SMTP=gone@customer.example; on Fri, 4 Oct 2002\r\n",
            "gone@customer.example",
        ),
        (
            "Unable to deliver message to the following address(es).\r\n\r\n<gone@customer.example>:\r\nSorry, I wasn't able to establish an SMTP connection. (#4.4.1)\r\n",
            "gone@customer.example",
        ),
        (
            "An error has occurred while attempting to deliver a message for\r\nthe following list of recipients:\r\n\r\ngone@customer.example: Domain does not exist\r\n",
            "gone@customer.example",
        ),
        (
            "This message was undeliverable.\r\n\r\nUser mailbox exceeds allowed size: full@customer.example\r\n",
            "full@customer.example",
        ),
        (
            "{\"notificationType\":\"Bounce\",\"bounce\":{\"bounceType\":\"Permanent\",\"bouncedRecipients\":[{\"emailAddress\":\"gone@customer.example\",\"status\":\"5.1.1\"}]}}\r\n\r\nTo unsubscribe: https://sns.example/?Endpoint=support@shop.example\r\n",
            "gone@customer.example",
        ),
    ] {
        let (verdict, recipients) = screened(&format!("{head}{body}"));
        assert_eq!(verdict, bounce, "{body}");
        assert_eq!(recipients, vec![recipient.to_string()], "{body}");
    }
}

#[test]
fn a_person_forwarding_a_bounce_asks_about_it_and_is_answered() {
    let raw = "From: Anna <anna@customer.example>\r\nTo: support@shop.example\r\nSubject: Fwd: Returned mail: see transcript for details\r\n\r\nWhy did this bounce?\r\n\r\nBegin forwarded message:\r\n\r\n> The original message was received at Mon, 2 Apr 2012\r\n> ----- The following addresses had permanent fatal errors -----\r\n> <gone@elsewhere.example>\r\n";
    assert_eq!(screened(raw).0, Verdict::Reply);
    // An MTA answering with "RE: …" still writes the bounce itself.
    let mta = "From: gateway@relay.example\r\nTo: support@shop.example\r\nSubject: RE: Your order : undeliverable\r\n\r\nYour message could not be delivered to\r\ngone@customer.example\r\n";
    assert_eq!(
        screened(mta).0,
        Verdict::Skip(SkipReason::DeliveryStatusNotification)
    );
}

#[test]
fn the_report_s_words_decide_whether_a_failure_is_permanent() {
    let gave_up = "From: MAILER-DAEMON@mx.carrier.example\r\nTo: support@shop.example\r\nSubject: failure notice\r\n\r\nHi. This is the qmail-send program at mx.carrier.example.\r\nI'm afraid I wasn't able to deliver your message to the following addresses.\r\nThis is a permanent error; I've given up. Sorry it didn't work out.\r\n\r\n<full@customer.example>:\r\nRemote host said: 450 4.2.2 Mailbox full\r\n";
    let delayed = "From: MAILER-DAEMON@mx.carrier.example\r\nTo: support@shop.example\r\nSubject: Delivery status notification: warning\r\n\r\nA message is delayed for more than 10 minutes for the following\r\nlist of recipients:\r\n\r\nslow@customer.example: Network error on destination MXs\r\n\r\nPlease note that this is only a temporary failure report.\r\n";
    for (raw, permanent) in [(gave_up, true), (delayed, false)] {
        let mail = parse(raw.as_bytes(), &ParseLimits::default()).unwrap_or_default();
        let bounce = screen(&mail, &["support@shop.example".to_string()])
            .bounce
            .expect("a bounce");
        assert_eq!(bounce.permanent, permanent, "{raw}");
        assert_eq!(bounce.recipients.len(), 1, "{raw}");
    }
}

#[test]
fn a_bounce_from_a_postmaster_written_as_a_reply_is_still_a_bounce() {
    let raw = "From: post_master@sms.carrier.example\r\nTo: support@shop.example\r\nSubject: Re:Your order\r\nIn-Reply-To: <r1@shop.example>\r\n\r\nError: Invalid user address\r\n\r\nError message below:\r\n550 - Requested action not taken: no such user here\r\n";
    assert_eq!(
        screened(raw).0,
        Verdict::Skip(SkipReason::DeliveryStatusNotification)
    );
}

#[test]
fn complaint_reports_and_read_receipts_are_skipped() {
    let jmrp = "From: staff@mail.provider.example\r\nTo: support@shop.example\r\nSubject: complaint about message from 192.0.2.7\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: message/rfc822\r\n\r\nX-HmXmrOriginalRecipient: <someone@provider.example>\r\nFrom: support@shop.example\r\nSubject: Your ticket\r\n\r\nHello\r\n--b--\r\n";
    assert_eq!(screened(jmrp).0, Verdict::Skip(SkipReason::FeedbackReport));
    let mdn = "From: Alex <alex@customer.example>\r\nTo: support@shop.example\r\nSubject: Read: Your ticket\r\nContent-Type: multipart/report; report-type=disposition-notification; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nYour message was displayed.\r\n--b\r\nContent-Type: message/disposition-notification\r\n\r\nFinal-Recipient: rfc822; alex@customer.example\r\nDisposition: manual-action/MDN-sent-manually; displayed\r\n--b--\r\n";
    assert_eq!(screened(mdn).0, Verdict::Skip(SkipReason::ReadReceipt));
}

#[test]
fn a_message_with_old_mac_line_ends_is_read() {
    let raw = "From: Alex <alex@customer.example>\rTo: support@shop.example\rSubject: Where is my order?\rAuto-Submitted: auto-replied\r\rI am away.\r";
    assert_eq!(screened(raw).0, Verdict::Skip(SkipReason::AutoSubmitted));
    let person = "From: Alex <alex@customer.example>\rTo: support@shop.example\rSubject: Where is my order?\r\rHello\r";
    assert_eq!(screened(person).0, Verdict::Reply);
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

#[test]
fn bounces_without_a_report_part_are_told_by_sender_and_wording() {
    let cases = [
        "From: MAILER-DAEMON@usa.example\r\nSubject: Processing Error\r\nPrecedence: bulk\r\n\r\nIntended recipient: userx@example.net\r\n",
        "From: <>\r\nReturn-Path: <>\r\nAuto-Submitted: auto-replied\r\n\r\nYou sent mail to a@b.example. That's not a valid user here.\r\n",
        "From: MAILER-DAEMON@sb7.example\r\nSubject: Warning: message has not yet been delivered\r\n\r\nYour message to:\r\n\tuserx@example.com\r\nhas not yet been delivered because the recipient server did not respond.\r\n",
        &format!(
            "{}\r\nFrom: Mail Delivery Subsystem <mailer-daemon@googlemail.com>\r\nX-Failed-Recipients: gone@example.com\r\nSubject: Delivery Status Notification (Failure)\r\n\r\nAddress not found\r\n",
            " ".repeat(256)
        ),
    ];
    for raw in cases {
        assert_eq!(
            verdict(raw),
            Verdict::Skip(SkipReason::DeliveryStatusNotification),
            "{raw}"
        );
    }
}

#[test]
fn out_of_office_notices_without_headers_are_told_by_their_subject() {
    let latvian = "From: Janis <janis@customer.example>\r\nSubject: Arpus biroja atrasanas automatiska atbilde: subjecting\r\n\r\nI am out of office and will be back on Tuesday 9:00.\r\n";
    assert_eq!(verdict(latvian), Verdict::Skip(SkipReason::OutOfOffice));
}

#[test]
fn a_report_wrapped_in_an_attached_message_still_names_its_recipient() {
    let inner = "From: postmaster@mx.example\r\nSubject: Delivery Status Notification (Failure)\r\nContent-Type: multipart/report; report-type=delivery-status; boundary=in\r\n\r\n--in\r\nContent-Type: text/plain\r\n\r\nDelivery failed.\r\n--in\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.example\r\n\r\nFinal-Recipient: rfc822;userx@example.com\r\nAction: failed\r\nStatus: 5.1.1\r\n--in--\r\n";
    let wrapped = format!(
        "From: postmaster@c-a-m.example\r\nTo: support@shop.example\r\nSubject: Delivery Status Notification (Failure)\r\nContent-Type: multipart/mixed; report-type=delivery-status; boundary=out\r\n\r\n--out\r\nContent-Type: message/rfc822\r\n\r\n{inner}\r\n--out--\r\n"
    );
    let mail = parse(wrapped.as_bytes(), &ParseLimits::default()).unwrap_or_default();
    let screening = screen(&mail, &["support@shop.example".to_string()]);
    assert_eq!(
        screening.verdict,
        Verdict::Skip(SkipReason::DeliveryStatusNotification)
    );
    let bounce = screening.bounce.unwrap_or_default();
    assert_eq!(bounce.recipients, vec!["userx@example.com".to_string()]);
    assert_eq!(bounce.status.as_deref(), Some("5.1.1"));
}
