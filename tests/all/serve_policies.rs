//! What `mailbot serve` decides around the plugins, end to end over a
//! generated address (mail in over the host's SMTP listener, replies out
//! through a real SMTP server): the reply caps that keep two bots from
//! looping, blocked senders, and an inbox's fallback when a plugin fails.

use std::path::Path;

use mailbot::store::{MessageState, Priority, StoredMessage};
use mailbot::transport::smtp_out::OutboundSender;

use crate::support::{Host, SmtpSink, customer_mail, generated_addresses_config, header};

const CUSTOMER: &str = "customer@example.net";
const DESK: &str = "desk@in.example";

/// One generated inbox, `desk@in.example`, relaying through `sink`, with
/// `inbox` appended to its section and `plugins_dir` as the plugins folder.
fn config(sink: &SmtpSink, inbox: &str, plugins_dir: Option<&Path>) -> String {
    let head = generated_addresses_config("127.0.0.1:0", sink.port());
    let plugins = plugins_dir
        .map(|dir| format!("[plugins]\ndir = \"{}\"\n", dir.display()))
        .unwrap_or_default();
    format!(
        r#"{head}
{plugins}
[[inboxes]]
name = "Desk"
slug = "desk"
bot = "support"
{inbox}
"#
    )
}

/// Sends the customer's `n`-th mail (no thread headers: the session is the
/// customer's) and waits until it and every earlier one have settled.
async fn send_and_settle(host: &Host, n: usize) -> Vec<StoredMessage> {
    let mail = customer_mail(
        CUSTOMER,
        DESK,
        &format!("Question {n}"),
        &format!("q{n}@example.net"),
        "Can you help me with my order?",
    );
    host.smtp_in_client()
        .send(CUSTOMER, &[DESK.to_owned()], &mail)
        .await
        .expect("accepted");
    host.wait_settled(DESK, n).await
}

#[tokio::test]
async fn replies_stop_at_the_conversation_cap_so_two_bots_cannot_loop() {
    let sink = SmtpSink::start();
    // A policy that answers every message, as a bot caught in a loop with
    // another bot's auto-replies would.
    let inbox = r#"
reply_caps = { per_conversation = 2, window_secs = 3600 }
plugins = [{ name = "template-reply", grants = ["log", "config"], config = { reply-on = "every" } }]
"#;
    let host = Host::start(&config(&sink, inbox, None)).await;
    let mut messages = Vec::new();
    for n in 1..=4 {
        messages = send_and_settle(&host, n).await;
    }
    let conversation = &messages[0].conversation_id;
    assert!(
        messages.iter().all(|m| &m.conversation_id == conversation),
        "one session"
    );
    let states: Vec<_> = messages
        .iter()
        .map(|m| (m.state, m.reason.clone()))
        .collect();
    assert_eq!(states[0].0, MessageState::Done, "{states:?}");
    assert_eq!(states[1].0, MessageState::Done, "{states:?}");
    for (state, reason) in &states[2..] {
        assert_eq!(*state, MessageState::Skipped, "{states:?}");
        assert_eq!(
            reason.as_deref(),
            Some("reply_cap_conversation"),
            "{states:?}"
        );
    }
    sink.wait_for(2, crate::support::WAIT).await;
    assert_eq!(sink.received().len(), 2, "two replies, then the cap");
}

#[tokio::test]
async fn a_blocked_sender_is_stored_but_not_answered() {
    let sink = SmtpSink::start();
    let host = Host::start(&config(&sink, "", None)).await;
    let inbox = host.inbox(DESK).await;
    host.store()
        .block_sender(&inbox.id, "Customer@Example.net", Some("abusive".into()))
        .await
        .expect("block");

    let messages = send_and_settle(&host, 1).await;
    assert_eq!(messages[0].state, MessageState::Skipped);
    assert_eq!(messages[0].reason.as_deref(), Some("blocked_sender"));
    let stored = host
        .store()
        .message(&messages[0].id)
        .await
        .expect("the mail is kept");
    assert!(
        String::from_utf8_lossy(&stored.raw).contains("<q1@example.net>"),
        "raw bytes kept"
    );
    assert!(sink.received().is_empty(), "no reply to a blocked sender");
}

#[tokio::test]
async fn a_failing_plugin_leaves_the_conversation_to_a_human_and_is_recorded() {
    let sink = SmtpSink::start();
    let plugins = tempfile::tempdir().unwrap();
    std::fs::copy(env!("GUEST_TRAPPER"), plugins.path().join("trapper.wasm"))
        .expect("copy the trapping guest");
    // The trapper panics in `route`; template-reply would answer were the
    // chain to go on.
    let inbox = r#"
plugins = [{ name = "trapper" }, { name = "template-reply", grants = ["log", "config"] }]
"#;
    let host = Host::start(&config(&sink, inbox, Some(plugins.path()))).await;

    let messages = send_and_settle(&host, 1).await;
    let message = &messages[0];
    assert_eq!(
        message.state,
        MessageState::Escalated,
        "{:?}",
        message.reason
    );
    let reason = message.reason.clone().unwrap_or_default();
    assert!(
        reason.starts_with("plugin_error:") && reason.contains("trapper"),
        "{reason}"
    );

    let store = host.store();
    let decisions = store.decisions(&message.id).await.expect("decisions");
    let failed = decisions
        .iter()
        .find(|d| d.plugin_name == "trapper")
        .expect("the failed call is recorded");
    assert_eq!(failed.hook, "route");
    assert!(failed.error.is_some(), "{failed:?}");
    assert!(!failed.plugin_hash.is_empty(), "{failed:?}");

    let conversation_id = message.conversation_id.clone().expect("a session");
    let conversation = store
        .conversation(&conversation_id)
        .await
        .expect("conversation");
    assert!(conversation.bot_paused, "a human must answer");
    assert_eq!(conversation.priority, Priority::High);
    assert!(sink.received().is_empty(), "no automatic reply");
}

#[tokio::test]
async fn two_mails_a_customer_sends_at_once_get_one_acknowledgement_to_the_first() {
    let sink = SmtpSink::start();
    let host = Host::start(&config(&sink, "", None)).await;
    let client = host.smtp_in_client();
    // A customer sends a second mail right after the first ("forgot to
    // say"). The first is the larger, so it takes longer to read: the
    // second must still wait for it, not overtake it and be taken for the
    // conversation's opening.
    let long_body = "Something is wrong with my order, here is the whole story.\r\n".repeat(8_000);
    for (n, body) in [
        (1, long_body.as_str()),
        (2, "Forgot to say: it is urgent-ish."),
    ] {
        let mail = customer_mail(
            CUSTOMER,
            DESK,
            &format!("Order problem, part {n}"),
            &format!("burst{n}@example.net"),
            body,
        );
        client
            .send(CUSTOMER, &[DESK.to_owned()], &mail)
            .await
            .expect("accepted");
    }
    let messages = host.wait_settled(DESK, 2).await;
    assert_eq!(
        messages[0].conversation_id, messages[1].conversation_id,
        "one session"
    );
    sink.wait_for(1, crate::support::WAIT).await;
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    let states: Vec<_> = messages
        .iter()
        .map(|m| (m.state, m.reason.clone()))
        .collect();
    let replies = sink.messages();
    assert_eq!(replies.len(), 1, "one acknowledgement: {states:?}");
    assert_eq!(
        header(&replies[0], "In-Reply-To").as_deref(),
        Some("<burst1@example.net>"),
        "the acknowledgement answers the mail that arrived first: {states:?}"
    );
}
