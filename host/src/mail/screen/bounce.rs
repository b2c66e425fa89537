//! Bounces: recognise delivery status notifications, RFC 3464 or not, and
//! find the failed recipients and status they name.
//!
//! RFC 3464 reports are read field by field (`Final-Recipient`, `Action`,
//! `Status`). The many MTAs that bounce without a report part (Exim,
//! qmail, older Postfix, Gmail, Office 365, Yahoo…) are recognised by their
//! subject, sender and wording, and their recipients read from the
//! human-readable part above the returned message.

use std::sync::LazyLock;

use regex::Regex;

use crate::mail::parse::ParsedMail;
use crate::mail::screen::Bounce;
use crate::mail::screen::auto::is_mail_system_address;

fn re(pattern: &str) -> Regex {
    // Constant patterns, exercised by the tests below.
    Regex::new(pattern).unwrap_or_else(|e| panic!("bounce pattern {pattern:?}: {e}"))
}

/// Subjects of bounces in the wording of many MTAs and languages.
static SUBJECT: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)(undeliver(able|ed)|undelivered mail|returned mail|return(ed)? to sender|mail delivery (failed|failure|problem|subsystem)|delivery (status notification|failure|failed|has failed|notification|problem|report)|failure notice|mail failure|could not (be )?deliver|couldn'?t be delivered|not (be )?delivered|non[- ]?delivery|nondeliverable|message (not delivered|delivery failed|blocked)|mail system error|delayed mail|warning: could not send|mail failed|returning to sender|user unknown|^\s*mail error\s*$|not yet (been )?delivered|delivery delayed|delivery warning|failed mail|mail could not be delivered|unable to deliver|bounced? (mail|message|notification|email)|email bounce|rejected:|配信不能|配信エラー|メールエラー|配送エラー|传输失败|发送失败|投递失败|无法投递|退信|無法傳遞|^\s*(unzustellbar|nicht zustellbar|non remis|non distribuable|no se puede entregar|no entregado|non recapitabile|onbestelbaar|não entregue|não é possível entregar|kan inte levereras|ej levererbart|kan ikke leveres|ikke levert|ei voitu toimittaa|niedostarczalne|nie można dostarczyć|nedoručitelné|nedoručiteľné|не доставлено|недоставлен|не може бути доставлено|배달되지 않음|전달되지 않음|teslim edilemedi|kézbesíthetetlen|nelivrabil|αδύνατη η παράδοση))",
    )
});

/// Wording of the human-readable part of a bounce.
static BODY: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)(this is the mail system at host|created automatically by mail delivery software|delivery to the following recipients? failed|this is the qmail-send program|could not be delivered to one or more|your message (could not|couldn'?t|wasn'?t|was not|cannot) (be )?delivered|delivery has failed to these recipients|the following (message|addresses?|recipients?) (to .{1,80} )?(was undeliverable|had permanent fatal errors|failed|could not be reached)|unable to deliver (your |the )?message|(has been|was) (postponed|delayed) due to|the address to which your message was addressed|无法发送到|无法投递|邮件无法|配信できませんでした|送信できませんでした|i'?m afraid i wasn'?t able to deliver|sorry,? we were unable to deliver|message could not be delivered|permanent (fatal )?error|delivery (has )?failed|undeliverable|returned to sender|user unknown|mailbox (unavailable|full|not found|does not exist)|no such (user|recipient|mailbox)|recipient address rejected|address rejected|host or domain name not found|diagnostic-code:|final-recipient:|the email account that you tried to reach does not exist|remote server returned|did not reach the following recipient|could not be delivered to|there was an error delivering your (mail|message)|delivery failed \d+ attempts|requested action not taken|invalid (user|recipient) address|unknown user|had delivery errors|returned permanent errors|intended recipient:|unknown host|not a valid user|cannot be delivered to the following|has not yet been delivered|mail ?box space not enough|undeliverable to)",
    )
});

/// The subject of a forwarded message or a reply.
static PASSED_ON_SUBJECT: LazyLock<Regex> = LazyLock::new(|| {
    re(r"(?i)^\s*(fwd?|fw|wg|tr|rv|i|enc|doorst|vb|re|aw|sv|vs|antw|odp|ynt)\s*:")
});

/// Wording of a report that gave up for good.
static GAVE_UP: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)(this is a permanent error|i'?ve given up|i'?m not going to try again|giving up on|permanent fatal error|condition occurred after \d+ attempt)",
    )
});

/// Wording of a delay notice: the MTA is still trying.
static TEMPORARY: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)(temporary failure|delivery (is |has been )?delayed|is delayed|has been delayed|delayed for more than|will (continue|keep) (to )?try|attempts will continue|will be retried|still trying|not yet been delivered|^\s*delivery status notification: warning|warning: message .{0,40} delayed)",
    )
});

/// An address in Amazon SES's `bouncedRecipients` JSON.
static SES_RECIPIENT: LazyLock<Regex> =
    LazyLock::new(|| re(r#"(?i)\\?"emailAddress\\?"\s*:\s*\\?"([^"\\]+)\\?""#));

/// A reason and the address it is about: "User mailbox exceeds allowed
/// size: anna@customer.example".
static REASON_THEN_ADDRESS: LazyLock<Regex> =
    LazyLock::new(|| re(r"^\s*[^:@<>]{3,60}:\s*<?(?P<a>[^\s<>@]+@[^\s<>]+?)>?\s*$"));

/// Where the returned original message starts in a bounce body; recipients
/// are only looked for above it.
static RETURNED_MESSAGE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?im)^\s*(-{2,}\s*(this is a copy of|below this line is a copy|original message|forwarded message|original headers|message header follows|unsent message below|returned message)|original message headers:|(return-path|received|dkim-signature|message-id|x-received):\s|-+\s*original message follows\s*-+)",
    )
});

/// An address; local part and domain may be internationalised (RFC 6531:
/// letters, digits, marks and emoji of any script).
static ADDRESS: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"[\p{L}\p{N}\p{M}\p{So}.!#$%&'*+/=?^_`{|}~-]+@[\p{L}\p{N}](?:[\p{L}\p{N}\p{M}-]{0,61}[\p{L}\p{N}])?(?:\.[\p{L}\p{N}](?:[\p{L}\p{N}\p{M}-]{0,61}[\p{L}\p{N}])?)+",
    )
});

/// A line that is only an address (with brackets, `mailto:` echo, colon).
static ADDRESS_LINE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"^\s*(?:(?:[*•]|-{1,2})\s+)?(?:(?i:rcpt to):\s*)?(?:[45]\d\d[ -])?[<(\x22\[]?(?P<a>[^\s<>()\x22\[\]]+@[^\s<>()\x22:\[\]]+)[>)\x22\]]?(?:<mailto:[^>]*>)?\s*(?:\([^)]*\))?\s*(?::|\.\.\.)?\s*(?P<rest>.*)$",
    )
});

/// Sentences naming the recipient: "Your message to X couldn't be delivered".
static RECIPIENT_SENTENCE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)(message to|delivered to|deliver to|delivery to|recipient:|recipient address:|failed recipient:|address:|addressed to|original-recipient:\s*rfc822;|final-recipient:\s*rfc822;|failed:|errors:|attempts:|unknown user:|user unknown:|no such user:|delivering your (?:mail|message) to|dda:smtp=|was addressed,|generated from|local mailbox|undeliverable\s+to)\s*:?\s*<?(?P<a>[^\s<>()\x22,;]+@[^\s<>()\x22,;]+)",
    )
});

/// A line that starts with an SMTP reply code ("554 <addr>... 550 Host unknown").
static SMTP_CODE: LazyLock<Regex> = LazyLock::new(|| re(r"^[45]\d\d[ -]"));

/// An SMTP reply code or enhanced status in the reason after an address.
static SMTP_REPLY: LazyLock<Regex> = LazyLock::new(|| re(r"\b([45]\d\d|[45]\.\d{1,3}\.\d{1,3})\b"));

/// An enhanced status code (RFC 3463) of a report field.
static ENHANCED_STATUS: LazyLock<Regex> = LazyLock::new(|| re(r"\b([245]\.\d{1,3}\.\d{1,3})\b"));

/// An enhanced status code of a failure or delay, in a report's words
/// (where "2.0.12" is more likely a version number).
static FAILURE_STATUS: LazyLock<Regex> = LazyLock::new(|| re(r"\b([45]\.\d{1,3}\.\d{1,3})\b"));

/// True when the message is a bounce or delay notice.
pub(crate) fn is_bounce(
    mail: &ParsedMail,
    system_sender: bool,
    null_sender: bool,
    auto: bool,
) -> bool {
    if mail.report.delivery_status.is_some()
        || mail.report.report_type.as_deref() == Some("delivery-status")
        || mail.header("x-failed-recipients").is_some()
        || mail.header("x-ms-exchange-message-is-ndr").is_some()
    {
        return true;
    }
    // A person forwarding a bounce or replying to one ("Fwd: Returned
    // mail") is asking about it: only a machine's own subject counts.
    let passed_on_by_person =
        !system_sender && !null_sender && PASSED_ON_SUBJECT.is_match(&mail.subject);
    if passed_on_by_person {
        // Then only the bounce's wording in what was newly written makes
        // it one (an MTA that answers with "RE: …" writes it there; a
        // person asking quotes it).
        return SUBJECT.is_match(&mail.subject) && BODY.is_match(report_area(&mail.body.new_text));
    }
    let subject = SUBJECT.is_match(&mail.subject);
    let sender = system_sender || null_sender || auto;
    if subject && sender {
        return true;
    }
    // The body is only read when subject or sender already point at a
    // bounce: ordinary mail never pays for the scan.
    (subject || system_sender || null_sender) && BODY.is_match(report_area(&mail.text))
}

/// The failed recipients and status a bounce names.
pub(crate) fn details(mail: &ParsedMail, exclude: &[String]) -> Bounce {
    // The report part, or report fields inlined in the text by MTAs that
    // do not send a separate part.
    let inline = mail.text.to_ascii_lowercase().contains("final-recipient:");
    let ds = mail
        .report
        .delivery_status
        .as_deref()
        .or(inline.then_some(mail.text.as_str()));
    if let Some(ds) = ds {
        let (bounce, delivered_only) = from_delivery_status(ds);
        // A report that only says "delivered" or "relayed" (a return
        // receipt) names no one who failed, whatever the text around it.
        if !bounce.recipients.is_empty() || delivered_only {
            return bounce;
        }
    }
    let mut recipients: Vec<String> = mail
        .header_all("x-failed-recipients")
        .flat_map(|v| {
            ADDRESS
                .find_iter(v)
                .map(|m| m.as_str().to_lowercase())
                .collect::<Vec<_>>()
        })
        .collect();
    let report = report_area(&mail.text);
    if recipients.is_empty() {
        recipients = from_text(report, exclude);
    }
    if recipients.is_empty() {
        // Last resort: the single To of the returned original.
        if let Some(headers) = &mail.report.returned_headers {
            let to: Vec<String> = original_to(headers);
            if to.len() == 1 {
                recipients = to;
            }
        }
    }
    recipients.retain(|r| !exclude.contains(r));
    dedupe(&mut recipients);
    let status = FAILURE_STATUS.captures(report).map(|c| c[1].to_string());
    // What the report says in words wins over a status code it quotes
    // (qmail quotes the remote "450 4.2.2" and then gives up for good).
    let permanent = if GAVE_UP.is_match(report) {
        true
    } else if TEMPORARY.is_match(report) || TEMPORARY.is_match(&mail.subject) {
        false
    } else {
        status.as_deref().is_none_or(|s| s.starts_with('5'))
    };
    Bounce {
        recipients,
        status,
        permanent,
    }
}

/// The part of a bounce body above the returned original message.
fn report_area(text: &str) -> &str {
    let head = match RETURNED_MESSAGE.find(text) {
        Some(m) => &text[..m.start()],
        None => text,
    };
    // A bound for hostile input: reports are short.
    let mut end = head.len().min(32 * 1024);
    while !head.is_char_boundary(end) {
        end -= 1;
    }
    &head[..end]
}

/// The failed (else delayed) recipients of an RFC 3464 report, and whether
/// it reports nothing but successful deliveries.
fn from_delivery_status(ds: &str) -> (Bounce, bool) {
    let mut failed: Vec<(Vec<String>, Option<String>)> = Vec::new();
    let mut delayed: Vec<(Vec<String>, Option<String>)> = Vec::new();
    let mut delivered = 0;
    // Per-recipient groups are separated by blank lines; the first group is
    // per-message. Unfold continuation lines first.
    for group in ds.replace("\r\n", "\n").split("\n\n") {
        // Original-Recipient is the address as we sent it (the customer's);
        // Final-Recipient the one the MTA last tried, after aliasing and
        // forwarding: both are reported, the original first.
        let mut original = None;
        let mut last = None;
        let mut action = String::new();
        let mut status = None;
        for line in group.lines() {
            let Some((key, value)) = line.split_once(':') else {
                continue;
            };
            let value = value.trim();
            match key.trim().to_ascii_lowercase().as_str() {
                "final-recipient" => last = address_of(value),
                "original-recipient" => original = address_of(value),
                "action" => action = value.to_ascii_lowercase(),
                "status" => status = ENHANCED_STATUS.captures(value).map(|c| c[1].to_string()),
                _ => {}
            }
        }
        let names: Vec<String> = original.into_iter().chain(last).collect();
        if names.is_empty() {
            continue;
        }
        let status_class = status.as_deref().and_then(|s| s.chars().next());
        let is_success = ["delivered", "relayed", "expanded"]
            .iter()
            .any(|a| action.starts_with(a))
            || (action.is_empty() && status_class == Some('2'));
        let is_delay =
            action.starts_with("delayed") || (action.is_empty() && status_class == Some('4'));
        if is_success {
            delivered += 1;
        } else if is_delay {
            delayed.push((names, status));
        } else if action.is_empty() || action.starts_with("failed") {
            failed.push((names, status));
        }
    }
    let delivered_only = delivered > 0 && failed.is_empty() && delayed.is_empty();
    let permanent = !failed.is_empty();
    let chosen = if permanent { failed } else { delayed };
    let status = chosen.iter().find_map(|(_, s)| s.clone());
    let mut recipients: Vec<String> = chosen.into_iter().flat_map(|(r, _)| r).collect();
    dedupe(&mut recipients);
    let bounce = Bounce {
        recipients,
        status,
        permanent,
    };
    (bounce, delivered_only)
}

/// `rfc822; user@example.com` → `user@example.com`.
fn address_of(value: &str) -> Option<String> {
    let value = value.split_once(';').map_or(value, |(_, v)| v);
    ADDRESS.find(value).map(|m| m.as_str().to_lowercase())
}

/// The failed recipients the text of a bounce names: the ways MTAs write
/// them are tried most specific first, and the first that names anyone
/// (other than us and the mail system) wins.
fn from_text(report: &str, exclude: &[String]) -> Vec<String> {
    const FINDERS: [fn(&str) -> Vec<String>; 4] = [
        ses_recipients,
        address_lines,
        recipient_sentences,
        reasons_then_addresses,
    ];
    FINDERS
        .iter()
        .map(|find| {
            let mut found: Vec<String> = find(report)
                .into_iter()
                // "addressed to 'anna@customer.example'"
                .map(|a| a.trim_matches('\'').to_string())
                .collect();
            found.retain(|a| !exclude.contains(a) && !is_mail_system_address(a));
            found.truncate(50);
            found
        })
        .find(|found| !found.is_empty())
        .unwrap_or_default()
}

/// The first address in `text`, lower-cased.
fn address_in(text: &str) -> Option<String> {
    ADDRESS.find(text).map(|m| m.as_str().to_lowercase())
}

/// Amazon SES sends its bounces as JSON (sometimes escaped inside JSON).
fn ses_recipients(report: &str) -> Vec<String> {
    if !report.contains("bouncedRecipients") {
        return Vec::new();
    }
    SES_RECIPIENT
        .captures_iter(report)
        .filter_map(|c| address_in(&c[1]))
        .collect()
}

/// Lines that start with the address: "<addr>: host said ...", an address
/// alone on its line, or one followed by the reason ("addr [User
/// unknown]", "addr: 550 …", "554 <addr>... 550 Host unknown").
fn address_lines(report: &str) -> Vec<String> {
    report
        .lines()
        .filter_map(|line| {
            let c = ADDRESS_LINE.captures(line)?;
            let a = c.name("a")?;
            let rest = c.name("rest").map_or("", |m| m.as_str());
            let bracketed = line.trim_start().starts_with('<') && line.contains(">:")
                || SMTP_CODE.is_match(line.trim_start());
            // OpenSMTPD: "addr: Domain does not exist".
            let colon_after = line[a.end()..].trim_start().starts_with(':')
                && line
                    .trim_start()
                    .starts_with(|ch: char| ch.is_alphanumeric());
            // Sendmail: "addr... User unknown"; MDaemon: "addr - no such user here".
            let separated =
                line[a.end()..].trim_start().starts_with("...") || rest.starts_with("- ");
            let with_reason = separated
                || rest.starts_with(['[', '('])
                || (colon_after && !rest.is_empty())
                || SMTP_REPLY.is_match(rest)
                // Exchange lists "addr on Thu, 29 Apr 2010 …" under "did not reach".
                || (rest.starts_with("on ") && rest.chars().any(|c| c.is_ascii_digit()));
            (rest.is_empty() || bracketed || with_reason)
                .then(|| address_in(a.as_str()))
                .flatten()
        })
        .collect()
}

/// Sentences naming the recipient ("Your message to X couldn't be delivered").
fn recipient_sentences(report: &str) -> Vec<String> {
    RECIPIENT_SENTENCE
        .captures_iter(report)
        .filter_map(|c| address_in(c.name("a")?.as_str()))
        .collect()
}

/// "User mailbox exceeds allowed size: anna@customer.example".
fn reasons_then_addresses(report: &str) -> Vec<String> {
    report
        .lines()
        .filter_map(|line| address_in(REASON_THEN_ADDRESS.captures(line)?.name("a")?.as_str()))
        .collect()
}

fn original_to(headers: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut in_to = false;
    for line in headers.lines() {
        if line.starts_with([' ', '\t']) {
            if in_to {
                out.extend(ADDRESS.find_iter(line).map(|m| m.as_str().to_lowercase()));
            }
            continue;
        }
        in_to = line.to_ascii_lowercase().starts_with("to:");
        if in_to {
            out.extend(ADDRESS.find_iter(line).map(|m| m.as_str().to_lowercase()));
        }
    }
    out
}

fn dedupe(list: &mut Vec<String>) {
    let mut seen = std::collections::HashSet::new();
    list.retain(|a| seen.insert(a.clone()));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3464_report_names_failed_recipient_and_status() {
        let ds = "Reporting-MTA: dns; mx.example.org\n\nFinal-Recipient: rfc822; User@Example.COM\nAction: failed\nStatus: 5.1.1\n\nFinal-Recipient: rfc822; ok@example.com\nAction: delivered\nStatus: 2.0.0\n";
        let (b, delivered_only) = from_delivery_status(ds);
        assert_eq!(b.recipients, vec!["user@example.com".to_string()]);
        assert_eq!(b.status.as_deref(), Some("5.1.1"));
        assert!(b.permanent);
        assert!(!delivered_only);
    }

    #[test]
    fn the_address_as_sent_comes_first_then_the_one_it_was_forwarded_to() {
        let ds = "Final-Recipient: rfc822; anna@mailhost.internal\nOriginal-Recipient: rfc822;anna@customer.example\nAction: failed\nStatus: 5.2.2\n";
        let (b, _) = from_delivery_status(ds);
        assert_eq!(
            b.recipients,
            vec![
                "anna@customer.example".to_string(),
                "anna@mailhost.internal".to_string()
            ]
        );
        let same = "Final-Recipient: rfc822; anna@customer.example\nOriginal-Recipient: rfc822;ANNA@customer.example\nAction: failed\n";
        assert_eq!(
            from_delivery_status(same).0.recipients,
            vec!["anna@customer.example".to_string()]
        );
    }

    #[test]
    fn a_return_receipt_names_no_failed_recipient() {
        let ds = "Reporting-MTA: dns; mx.example.org\n\nFinal-Recipient: rfc822; anna@customer.example\nAction: relayed (to non-DSN-aware mailer)\nStatus: 2.1.5\n";
        let (b, delivered_only) = from_delivery_status(ds);
        assert!(b.recipients.is_empty());
        assert!(delivered_only);
    }

    #[test]
    fn delay_reports_are_not_permanent() {
        let ds = "Final-Recipient: rfc822; slow@example.com\nAction: delayed\nStatus: 4.4.7\n";
        let (b, _) = from_delivery_status(ds);
        assert_eq!(b.recipients, vec!["slow@example.com".to_string()]);
        assert!(!b.permanent);
    }

    #[test]
    fn the_wording_of_a_report_tells_a_delay_from_giving_up() {
        let still = "Your message to userx@example.com has not yet been delivered.\nDelivery attempts will continue to be made for 5  day(s).\n";
        let gave_up = "This condition occurred after 30 attempt(s) to deliver over a period of 92 hour(s).\n421 4.4.4 userx@example.com\n";
        for (body, permanent) in [(still, false), (gave_up, true)] {
            let raw = format!(
                "From: MAILER-DAEMON@mx.example\r\nSubject: Delivery failure\r\n\r\n{body}"
            );
            let mail =
                crate::mail::parse::parse(raw.as_bytes(), &Default::default()).unwrap_or_default();
            assert_eq!(details(&mail, &[]).permanent, permanent, "{body}");
        }
    }

    #[test]
    fn a_version_number_in_the_text_is_no_status() {
        let raw = "From: Postmaster <postmaster@mx.example>\r\nSubject: Undeliverable: RELEASED Mailman 2.0.12\r\n\r\nYour message\r\n\r\n  Subject: RELEASED Mailman 2.0.12\r\n\r\ndid not reach the following recipient(s):\r\n\r\nuserx@example.com\r\n";
        let mail =
            crate::mail::parse::parse(raw.as_bytes(), &Default::default()).unwrap_or_default();
        assert_eq!(details(&mail, &[]).status, None);
    }

    #[test]
    fn mta_prose_yields_recipients() {
        let cases: &[(&str, &str)] = &[
            (
                "The following address(es) failed:\n\n  kijitora@example.ed.jp\n    SMTP error from remote mail server after MAIL FROM:<me@example.jp>:\n    550 5.7.0 <me@example.jp>... no\n",
                "kijitora@example.ed.jp",
            ),
            (
                "Delivery to the following recipient failed permanently:\n\n     userunknown@example.jp\n\nTechnical details\n",
                "userunknown@example.jp",
            ),
            (
                "Hi. This is the qmail-send program at example.net.\n\n<nobody@example.net>:\nSorry, no mailbox here by that name. (#5.1.1)\n",
                "nobody@example.net",
            ),
            (
                "<gone@example.org>: host mx.example.org[192.0.2.1] said: 550 5.1.1 User unknown\n",
                "gone@example.org",
            ),
            (
                "Delivery has failed to these recipients or groups:\n\nkijitora@example.onmicrosoft.com<mailto:kijitora@example.onmicrosoft.com>\nThe email address couldn't be found.\n",
                "kijitora@example.onmicrosoft.com",
            ),
            (
                "Your message to lost@example.com couldn't be delivered.\n",
                "lost@example.com",
            ),
            (
                "Delivery to the following recipients failed permanently:\n\n   * userx@example.com\n",
                "userx@example.com",
            ),
            (
                "The following recipients failed:\n\t* [subscriber@example.net]: 550 User account is overquota\n",
                "subscriber@example.net",
            ),
            (
                "  an undisclosed address\n    (generated from userx@example.com)\n    all relevant MX records point to non-existent hosts\n",
                "userx@example.com",
            ),
            (
                "Message was not accepted -- invalid mailbox.  Local mailbox userx@example.ru is unavailable: user not found\n",
                "userx@example.ru",
            ),
            (
                "The following message, addressed to 'userx@example.uk',\nwas undeliverable.\n",
                "userx@example.uk",
            ),
            (
                "|---- Failed addresses follow: ----|\n userx@example.com ... unknown host\n",
                "userx@example.com",
            ),
            ("undeliverable  to userx@example.com\n", "userx@example.com"),
            (
                "userx@example.net.py - no such user here.\n",
                "userx@example.net.py",
            ),
            (
                "an email addressed to email address :\n-- user@example.com\n\ncould not be delivered.\n",
                "user@example.com",
            ),
        ];
        for (body, want) in cases {
            assert_eq!(
                from_text(body, &["me@example.jp".to_string()]),
                vec![want.to_string()],
                "{body}"
            );
        }
    }

    #[test]
    fn returned_message_is_not_searched() {
        let text = "Mail delivery failed\n\n------ This is a copy of the message, including all the headers. ------\n\nother@example.com\n";
        assert!(!report_area(text).contains("other@"));
    }
}
