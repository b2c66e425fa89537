//! The talon reply corpus: every case's new text (optionally followed by
//! the signature) must equal the expected text, white space folded.

use crate::mail::corpus;
use crate::mail::parse::{ParseLimits, parse};

#[test]
fn every_talon_reply_yields_the_expected_new_text() {
    corpus::reset("talon");
    let cases = corpus::emls("reply-text/talon");
    assert!(
        !cases.is_empty(),
        "no talon cases found beside the checkout"
    );
    let mut failures = Vec::new();
    for path in &cases {
        let raw = std::fs::read(path).unwrap_or_default();
        let expected_path = path.with_extension("expected.txt");
        let expected = std::fs::read_to_string(&expected_path).unwrap_or_default();
        let got = match parse(&raw, &ParseLimits::default()) {
            Ok(mail) => mail.body,
            Err(e) => {
                failures.push(corpus::record_failure("talon", path, &e.to_string()));
                continue;
            }
        };
        let want = corpus::fold(&expected);
        let alone = corpus::fold(&got.new_text);
        let with_sig = corpus::fold(&format!("{}{}", got.new_text, got.signature));
        if want != alone && want != with_sig {
            let details = format!(
                "expected:\n{expected}\n--- new_text:\n{}\n--- signature:\n{}\n--- quoted:\n{}\n",
                got.new_text, got.signature, got.quoted_text
            );
            failures.push(corpus::record_failure("talon", path, &details));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} talon cases failed: {failures:?}",
        failures.len(),
        cases.len()
    );
}
