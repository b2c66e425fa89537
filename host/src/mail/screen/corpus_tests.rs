//! The screening corpus: every `skip/` message is skipped (bounces with a
//! recipient where the report names one), every `reply/` message and every
//! talon reply is answered.

use crate::mail::corpus;
use crate::mail::parse::{ParseLimits, parse};
use crate::mail::screen::{SkipReason, Verdict, screen};

fn verdict_of(path: &std::path::Path) -> (Verdict, Option<crate::mail::screen::Bounce>) {
    let raw = std::fs::read(path).unwrap_or_default();
    match parse(&raw, &ParseLimits::default()) {
        Ok(mail) => {
            let s = screen(&mail, &["support@example.com".to_string()]);
            (s.verdict, s.bounce)
        }
        Err(e) => panic!("{}: {e}", path.display()),
    }
}

#[test]
fn every_skip_case_is_skipped() {
    corpus::reset("screen-skip");
    let cases = corpus::emls("screening/skip");
    assert!(
        !cases.is_empty(),
        "no screening/skip cases found beside the checkout"
    );
    let mut failures = Vec::new();
    for path in &cases {
        let (verdict, bounce) = verdict_of(path);
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let is_bounce_case =
            name.starts_with("lhost-") || name.starts_with("rfc3464") || name.starts_with("rb-");
        let ok = match verdict {
            Verdict::Reply => false,
            Verdict::Skip(SkipReason::DeliveryStatusNotification) => {
                bounce.as_ref().is_some_and(|b| !b.recipients.is_empty())
            }
            Verdict::Skip(_) => !is_bounce_case,
        };
        if !ok {
            failures.push(corpus::record_failure(
                "screen-skip",
                path,
                &format!("{verdict:?} {bounce:?}"),
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} skip cases failed: {failures:?}",
        failures.len(),
        cases.len()
    );
}

#[test]
fn every_reply_case_is_answered() {
    corpus::reset("screen-reply");
    let mut cases = corpus::emls("screening/reply");
    cases.extend(corpus::emls("reply-text/talon"));
    assert!(cases.len() > 2, "no reply cases found beside the checkout");
    let mut failures = Vec::new();
    for path in &cases {
        let (verdict, bounce) = verdict_of(path);
        if verdict != Verdict::Reply {
            failures.push(corpus::record_failure(
                "screen-reply",
                path,
                &format!("{verdict:?} {bounce:?}"),
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} reply cases failed: {failures:?}",
        failures.len(),
        cases.len()
    );
}
