//! `mailbot serve` answering generated addresses: mail arrives over the
//! host's own SMTP listener, replies leave through a real SMTP server, and
//! addresses that do not (or no longer) exist are refused at RCPT.

use mailbot::store::MessageState;
use mailbot::transport::smtp_out::{OutboundSender, SendError};

use crate::support::{
    Host, SmtpSink, WAIT, customer_mail, follow_up, generated_addresses_config, header,
};

const CUSTOMER: &str = "customer@example.net";
const SHOP: &str = "shop@in.example";

/// Two generated inboxes (`shop`, `old`) on `in.example`, relaying through
/// `sink`, with the shipped default plugins.
fn config(sink: &SmtpSink) -> String {
    let head = generated_addresses_config("127.0.0.1:0", sink.port());
    format!(
        r#"{head}
[[inboxes]]
name = "Shop"
slug = "shop"
bot = "support"
email_name = "Shop Support"

[[inboxes]]
name = "Old campaign"
slug = "old"
bot = "support"
"#
    )
}

#[tokio::test]
async fn mail_to_a_generated_address_is_answered_in_the_thread() {
    let sink = SmtpSink::start();
    let host = Host::start(&config(&sink)).await;
    let question = customer_mail(
        CUSTOMER,
        SHOP,
        "Returns",
        "r1@example.net",
        "How do I return a jacket?",
    );
    let accepted = host
        .smtp_in_client()
        .send(CUSTOMER, &[SHOP.to_owned()], &question)
        .await
        .expect("accepted");
    assert!(
        accepted.response.starts_with("250"),
        "{}",
        accepted.response
    );
    // 250 means stored: the message is already there.
    assert_eq!(host.messages(SHOP).await.len(), 1);

    let replies = sink.wait_for(1, WAIT).await;
    let reply = &replies[0];
    assert_eq!(reply.rcpt_to, [CUSTOMER]);
    assert_eq!(reply.mail_from, SHOP);
    assert_eq!(
        header(&reply.raw, "Subject").as_deref(),
        Some("Re: Returns")
    );
    assert_eq!(
        header(&reply.raw, "In-Reply-To").as_deref(),
        Some("<r1@example.net>")
    );
    assert_eq!(
        header(&reply.raw, "References").as_deref(),
        Some("<r1@example.net>")
    );
    let from = header(&reply.raw, "From").expect("From");
    assert!(
        from.contains("Shop Support") && from.contains(SHOP),
        "{from}"
    );
    let message_id = header(&reply.raw, "Message-ID").expect("Message-ID");
    assert!(
        message_id.ends_with("@in.example>"),
        "Message-ID on the inbox's domain: {message_id}"
    );

    // The default policy acknowledges a conversation once; the follow-up
    // joins the same session and is not acknowledged again.
    let again = follow_up(
        CUSTOMER,
        SHOP,
        &reply.raw,
        "r2@example.net",
        "Also, is there a fee?",
    );
    host.smtp_in_client()
        .send(CUSTOMER, &[SHOP.to_owned()], &again)
        .await
        .expect("accepted");
    let messages = host.wait_settled(SHOP, 2).await;
    assert_eq!(
        messages[0].conversation_id, messages[1].conversation_id,
        "one session"
    );
    assert_eq!(messages[1].state, MessageState::Skipped);
    let reason = messages[1].reason.clone().unwrap_or_default();
    assert!(reason.starts_with("no_reply"), "{reason}");
    assert_eq!(
        sink.received().len(),
        1,
        "one acknowledgement per conversation"
    );
}

#[tokio::test]
async fn unknown_and_deleted_generated_addresses_are_refused_at_rcpt() {
    let sink = SmtpSink::start();
    let host = Host::start(&config(&sink)).await;
    let mail = customer_mail(
        CUSTOMER,
        "nobody@in.example",
        "Hi",
        "u1@example.net",
        "Anyone there?",
    );
    let refused = host
        .smtp_in_client()
        .send(CUSTOMER, &["nobody@in.example".to_owned()], &mail)
        .await
        .unwrap_err();
    assert!(
        matches!(&refused, SendError::Permanent(m) if m.contains("5.1.1")),
        "{refused:?}"
    );
    let other_domain = host
        .smtp_in_client()
        .send(CUSTOMER, &["shop@elsewhere.example".to_owned()], &mail)
        .await
        .unwrap_err();
    assert!(
        matches!(&other_domain, SendError::Permanent(m) if m.contains("5.1.1")),
        "{other_domain:?}"
    );

    let old = host.inbox("old@in.example").await;
    let before = host
        .smtp_in_client()
        .send(CUSTOMER, &["old@in.example".to_owned()], &mail)
        .await;
    assert!(before.is_ok(), "the live address takes mail: {before:?}");
    host.store()
        .delete_inbox(&old.id)
        .await
        .expect("delete inbox");
    let after = host
        .smtp_in_client()
        .send(CUSTOMER, &["old@in.example".to_owned()], &mail)
        .await
        .unwrap_err();
    assert!(
        matches!(&after, SendError::Permanent(m) if m.contains("5.1.1")),
        "deleted inboxes bounce: {after:?}"
    );
}
