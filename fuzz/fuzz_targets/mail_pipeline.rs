//! parse → new text → screen → thread keys → compose → parse again, on
//! arbitrary bytes. Nothing may panic, and a reply composed to any parsed
//! message must itself parse with the parent's id as In-Reply-To.
//!
//! Run from `fuzz/`: `cargo +nightly fuzz run mail_pipeline`, or with the
//! stable toolchain and no sanitizer:
//! `RUSTC_BOOTSTRAP=1 cargo fuzz run --sanitizer none -O mail_pipeline`.

#![no_main]

use libfuzzer_sys::fuzz_target;
use mailbot::mail::compose::{Inbox, ReplyDraft, ReplyParent, compose_reply};
use mailbot::mail::inspect::inspect;
use mailbot::mail::parse::{ParseLimits, parse};
use mailbot::mail::screen::screen;
use mailbot::mail::thread::ThreadKeys;

fuzz_target!(|data: &[u8]| {
    let limits = ParseLimits {
        max_attachment_bytes: 4096,
    };
    let Ok(mail) = parse(data, &limits) else {
        return;
    };
    let _ = screen(&mail, &["support@shop.example".to_string()]);
    let _ = ThreadKeys::from(&mail);
    let _ = inspect(data, &limits).map(|i| i.to_string());
    let Some(parent) = ReplyParent::from_mail(&mail) else {
        return;
    };
    let inbox = Inbox {
        address: "support@shop.example".into(),
        name: Some("Support".into()),
    };
    let draft = ReplyDraft {
        body: mail.body.new_text.clone(),
        ..ReplyDraft::default()
    };
    // An address lettre refuses is an error, not a panic; anything it
    // accepts must give a message we can read back.
    if let Ok(out) = compose_reply(&inbox, &parent, &draft, time::OffsetDateTime::UNIX_EPOCH) {
        let back = parse(&out.bytes, &limits).expect("a composed reply parses");
        // A parent id the composer cannot use is left out, never mangled.
        if back.in_reply_to.is_some() {
            assert_eq!(
                back.in_reply_to, mail.message_id,
                "the reply answers its parent"
            );
        }
    }
});
