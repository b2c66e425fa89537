//! `mailbot serve` through outages of the servers it depends on: Dovecot
//! restarted mid-run and the SMTP server down for a while. Nothing is lost
//! and every reply is delivered once the servers are back.

use std::collections::HashMap;
use std::time::Duration;

use mailbot::store::MessageState;

use crate::support::{
    Dovecot, Host, SmtpSink, WAIT, customer_mail, eventually, header, mailbox_channel_config,
};

const BOT: &str = "support@example.com";

/// Question `n`, from its own customer (so each opens a conversation the
/// default policy acknowledges once).
fn question(n: usize) -> Vec<u8> {
    customer_mail(
        &format!("customer{n}@example.net"),
        BOT,
        &format!("Question {n}"),
        &format!("q{n}@example.net"),
        "When do you open?",
    )
}

#[tokio::test]
async fn nothing_is_lost_when_dovecot_restarts_and_the_smtp_server_is_down() {
    let mut dovecot = Dovecot::start();
    dovecot.add_user(BOT, "bot-secret");
    let mut sink = SmtpSink::start();
    let host = Host::start(&mailbox_channel_config(
        BOT,
        dovecot.imap_port(),
        sink.port(),
    ))
    .await;

    for n in 0..5 {
        dovecot.deliver(BOT, &question(n)).await;
    }
    sink.wait_for(5, WAIT).await;

    sink.stop();
    for n in 5..10 {
        dovecot.deliver(BOT, &question(n)).await;
    }
    dovecot.restart();
    for n in 10..15 {
        dovecot.deliver(BOT, &question(n)).await;
    }

    // Everything is picked up through the restart, and the replies wait in
    // the outbox while the SMTP server is away.
    let store = host.store();
    let waiting = eventually(WAIT, || async {
        let messages = host.messages(BOT).await;
        let queued = messages
            .iter()
            .filter(|m| m.state == MessageState::Queued)
            .count();
        (messages.len() == 15 && queued == 10).then_some(messages)
    })
    .await
    .expect("all 15 stored and the 10 new replies queued while the SMTP server is down");
    let tried = eventually(WAIT, || async {
        let mut attempts = 0;
        for message in &waiting[5..] {
            for item in store.outbox_for_message(&message.id).await.unwrap() {
                attempts += item.attempts;
            }
        }
        (attempts > 0).then_some(attempts)
    })
    .await;
    assert!(
        tried.is_some(),
        "the outbox tried the SMTP server while it was down"
    );
    assert_eq!(
        sink.received().len(),
        5,
        "nothing was sent while the server was down"
    );

    sink.start_again();
    let replies = sink.wait_for(15, Duration::from_secs(90)).await;
    let settled = host.wait_settled(BOT, 15).await;
    assert!(
        settled.iter().all(|m| m.state == MessageState::Done),
        "{settled:?}"
    );
    let mut per_question: HashMap<String, usize> = HashMap::new();
    for reply in &replies {
        *per_question
            .entry(header(&reply.raw, "In-Reply-To").unwrap_or_default())
            .or_default() += 1;
    }
    for n in 0..15 {
        assert_eq!(
            per_question.get(&format!("<q{n}@example.net>")),
            Some(&1),
            "question {n}: {per_question:?}"
        );
    }
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_eq!(sink.received().len(), 15, "no reply was sent twice");
}
