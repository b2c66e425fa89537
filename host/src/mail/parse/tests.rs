//! Parse tests: RFC 5322 / MIME samples, limits, malformed input.

use super::*;

fn parse_str(raw: &str) -> ParsedMail {
    parse(raw.as_bytes(), &ParseLimits::default()).unwrap_or_default()
}

#[test]
fn empty_input_is_a_clear_error() {
    assert_eq!(parse(b"", &ParseLimits::default()), Err(ParseError::Empty));
    assert_eq!(
        parse(b"  \r\n", &ParseLimits::default()),
        Err(ParseError::Empty)
    );
}

#[test]
fn thread_headers_lose_their_angle_brackets() {
    let m = parse_str(
        "Message-ID: <a@x>\r\nIn-Reply-To: <b@x>\r\nReferences: <c@x> <b@x>\r\nFrom: A <a@x.org>\r\nSubject: Re: hi\r\n\r\nbody\r\n",
    );
    assert_eq!(m.message_id.as_deref(), Some("a@x"));
    assert_eq!(m.in_reply_to.as_deref(), Some("b@x"));
    assert_eq!(m.references, vec!["c@x".to_string(), "b@x".to_string()]);
    assert_eq!(m.from.map(|f| f.email), Some("a@x.org".to_string()));
    assert_eq!(m.subject, "Re: hi");
}

#[test]
fn encoded_words_and_charsets_are_decoded() {
    let m = parse_str(
        "From: =?utf-8?B?QW5kcsOpIEJyw6Fz?= <a@x.org>\r\nSubject: =?iso-8859-1?Q?Caf=E9?=\r\nContent-Type: text/plain; charset=iso-8859-1\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\nCaf=E9 cr=E8me\r\n",
    );
    assert_eq!(m.from.and_then(|f| f.name).as_deref(), Some("André Brás"));
    assert_eq!(m.subject, "Café");
    assert_eq!(m.body.new_text, "Café crème");
}

#[test]
fn oversized_attachments_are_listed_but_skipped() {
    let raw = "From: a@x.org\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nsee file\r\n--b\r\nContent-Type: application/pdf; name=\"big.pdf\"\r\nContent-Disposition: attachment; filename=\"big.pdf\"\r\nContent-Transfer-Encoding: base64\r\n\r\nAAAAAAAAAAAAAAAA\r\n--b--\r\n";
    let m = parse(
        raw.as_bytes(),
        &ParseLimits {
            max_attachment_bytes: 4,
        },
    )
    .unwrap_or_default();
    assert_eq!(m.attachments.len(), 1);
    assert_eq!(m.attachments[0].filename, "big.pdf");
    assert_eq!(m.attachments[0].size, 12);
    assert!(m.attachments[0].skipped);
    assert!(m.attachments[0].content.is_empty());
    let m = parse(
        raw.as_bytes(),
        &ParseLimits {
            max_attachment_bytes: 0,
        },
    )
    .unwrap_or_default();
    assert!(!m.attachments[0].skipped);
}

#[test]
fn html_only_mail_becomes_readable_text() {
    let m = parse_str(
        "From: a@x.org\r\nContent-Type: text/html\r\n\r\n<p>Hello <b>there</b></p><p>Second</p>\r\n",
    );
    assert!(m.body.new_text.contains("Hello there"), "{:?}", m.body);
    assert!(m.text.contains("Second"));
}

#[test]
fn header_values_are_unfolded() {
    let m = parse_str("From: a@x.org\r\nX-Long: one\r\n two\r\n\r\nbody\r\n");
    assert_eq!(m.header("x-long"), Some("one two"));
}

#[test]
fn garbage_never_panics() {
    for raw in [
        &b"\xff\xfe\x00"[..],
        b"Content-Type: multipart/mixed; boundary=x\r\n\r\n--x\r\n--x--",
        b":::\n\n\n",
    ] {
        let _ = parse(raw, &ParseLimits::default());
    }
}

mod never_panics {
    use proptest::prelude::*;

    use crate::mail::inspect::inspect;
    use crate::mail::parse::{ParseLimits, parse};
    use crate::mail::screen::screen;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]
        #[test]
        fn arbitrary_bytes_parse_screen_and_inspect_without_panic(raw in proptest::collection::vec(any::<u8>(), 0..2048)) {
            if let Ok(mail) = parse(&raw, &ParseLimits { max_attachment_bytes: 16 }) {
                let _ = screen(&mail, &["support@shop.example".to_string()]);
            }
            let _ = inspect(&raw, &ParseLimits::default()).map(|i| i.to_string());
        }

        #[test]
        fn arbitrary_text_bodies_split_without_panic(
            body in "(([>\\-_=*:@<] ?)?[\\PC]{0,60}\n){0,40}",
            html in "(<(div|blockquote|p|hr|br)( class=\"gmail_quote\"| id=\"divRplyFwdMsg\"| type=\"cite\")?>[\\PC]{0,30}){0,30}",
        ) {
            let raw = format!("From: a@b.example\r\nSubject: x\r\nContent-Type: multipart/alternative; boundary=q\r\n\r\n--q\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n--q--\r\n");
            let _ = parse(raw.as_bytes(), &ParseLimits::default());
            let raw = format!("From: a@b.example\r\nContent-Type: text/html; charset=utf-8\r\n\r\n{html}\r\n");
            let _ = parse(raw.as_bytes(), &ParseLimits::default());
        }
    }
}

#[test]
fn a_message_cut_off_before_its_closing_boundary_is_still_decoded() {
    // Outlook's shape, cut off after the base64 body of its only part.
    let m = parse_str(
        "From: A <a@x.org>\r\nSubject: cut\r\nMIME-Version: 1.0\r\nContent-Type: multipart/alternative;\r\n\tboundary=\"----=_NextPart_000_0001\"\r\n\r\nThis is a multipart message in MIME format.\r\n\r\n------=_NextPart_000_0001\r\nContent-Type: text/plain;\r\n\tcharset=\"iso-8859-2\"\r\nContent-Transfer-Encoding: base64\r\n\r\nQm9keTogu77o\r\n",
    );
    assert_eq!(m.body.new_text, "Body: ťžč");
}
