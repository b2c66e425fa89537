//! `mailbot serve` answering a real Dovecot mailbox: mail picked up over
//! IMAP is answered through an SMTP server into the customer's mailbox, in
//! the thread, and mail it must not answer gets no answer.

use std::time::Duration;

use mailbot::store::{ChannelStatus, MessageState};

use crate::support::{
    Dovecot, Host, MailRelay, WAIT, customer_mail, eventually, follow_up, header,
};

const BOT: &str = "support@example.com";
const CUSTOMER: &str = "customer@example.net";

/// A Dovecot with the bot's and the customer's mailboxes, a relay that
/// delivers into it, and the configuration of a channel reading `BOT`.
async fn mailbox_world() -> (Dovecot, MailRelay, String) {
    mailbox_world_with(&[]).await
}

/// [`mailbox_world`] whose channel also reads `others` ((address,
/// password as configured) each), every one an inbox of its own.
async fn mailbox_world_with(others: &[(&str, &str)]) -> (Dovecot, MailRelay, String) {
    let dovecot = Dovecot::start();
    dovecot.add_user(BOT, "bot-secret");
    dovecot.add_user(CUSTOMER, "customer-secret");
    let relay = MailRelay::start(&dovecot).await;
    let mut inboxes = String::new();
    let (mut addresses, mut passwords) = (BOT.to_owned(), "bot-secret".to_owned());
    for (address, password) in others {
        inboxes.push_str(&format!(
            "[[inboxes]]\nname = \"{address}\"\naddress = \"{address}\"\nbot = \"support\"\n\n"
        ));
        addresses.push_str(&format!(",{address}"));
        passwords.push_str(&format!(",{password}"));
    }
    let config = format!(
        r#"
[[bots]]
name = "support"

[[inboxes]]
name = "Acme support"
address = "{BOT}"
bot = "support"
email_name = "Acme Support"

[[inboxes.plugins]]
name = "contact-collector"
grants = ["log", "config", "kv", "clock"]

[[inboxes.plugins]]
name = "template-reply"
grants = ["log", "config", "kv", "clock"]
config = {{ reply-on = "every", text = "Hi {{{{ sender_first_name }}}}, thanks for writing about {{{{ subject }}}}." }}

{inboxes}[[channels]]
name = "acme"
address = "{addresses}"
password = "{passwords}"
imap_server = "127.0.0.1"
imap_port = "{imap}"
imap_security = "plain"
smtp_server = "127.0.0.1"
smtp_port = "{smtp}"
smtp_security = "plain"
check_interval = 1
"#,
        imap = dovecot.imap_port(),
        smtp = relay.port(),
    );
    (dovecot, relay, config)
}

/// Delivers a question from the customer to the bot's mailbox and returns
/// the first reply, which must answer it in its thread.
async fn ask(dovecot: &Dovecot, subject: &str, message_id: &str, body: &str) -> Vec<u8> {
    let question = customer_mail(CUSTOMER, BOT, subject, message_id, body);
    dovecot.deliver(BOT, &question).await;
    let reply = dovecot.wait_for_messages(CUSTOMER, 1, WAIT).await.remove(0);
    assert_eq!(
        header(&reply, "In-Reply-To"),
        Some(format!("<{message_id}>")),
        "the reply answers {message_id}"
    );
    reply
}

#[tokio::test]
async fn a_customer_mail_is_answered_in_the_thread_and_a_follow_up_joins_the_session() {
    let (dovecot, _relay, config) = mailbox_world().await;
    let host = Host::start(&config).await;
    let question = customer_mail(
        CUSTOMER,
        BOT,
        "Where is my order?",
        "q1@example.net",
        "Hello, where is order 42?",
    );
    dovecot.deliver(BOT, &question).await;

    let replies = dovecot.wait_for_messages(CUSTOMER, 1, WAIT).await;
    let reply = &replies[0];
    assert_eq!(
        header(reply, "Subject").as_deref(),
        Some("Re: Where is my order?")
    );
    assert_eq!(
        header(reply, "In-Reply-To").as_deref(),
        Some("<q1@example.net>")
    );
    assert_eq!(
        header(reply, "References").as_deref(),
        Some("<q1@example.net>")
    );
    assert_eq!(
        header(reply, "Auto-Submitted").as_deref(),
        Some("auto-replied")
    );
    let from = header(reply, "From").expect("From");
    assert!(
        from.contains(BOT) && from.contains("Acme Support"),
        "{from}"
    );
    let text = String::from_utf8_lossy(reply);
    assert!(
        text.contains("Hi Jane, thanks for writing about Where is my order?"),
        "{text}"
    );

    let again = follow_up(
        CUSTOMER,
        BOT,
        reply,
        "q2@example.net",
        "It still has not arrived.",
    );
    dovecot.deliver(BOT, &again).await;
    let replies = dovecot.wait_for_messages(CUSTOMER, 2, WAIT).await;
    let second = &replies[1];
    assert_eq!(
        header(second, "Subject").as_deref(),
        Some("Re: Where is my order?")
    );
    assert_eq!(
        header(second, "In-Reply-To").as_deref(),
        Some("<q2@example.net>")
    );
    let references = header(second, "References").expect("References");
    let first_reply_id = header(reply, "Message-ID").expect("Message-ID");
    assert!(
        references.starts_with("<q1@example.net>")
            && references.contains(&first_reply_id)
            && references.ends_with("<q2@example.net>"),
        "the whole thread is referenced: {references}"
    );

    let messages = host.wait_settled(BOT, 2).await;
    assert!(
        messages.iter().all(|m| m.state == MessageState::Done),
        "{messages:?}"
    );
    assert!(messages[0].conversation_id.is_some());
    assert_eq!(
        messages[0].conversation_id, messages[1].conversation_id,
        "one session"
    );
    let turns = host
        .store()
        .turns(messages[0].conversation_id.as_deref().unwrap())
        .await
        .unwrap();
    assert_eq!(
        turns.len(),
        4,
        "two customer turns and two bot turns: {turns:?}"
    );
    let contact = host
        .store()
        .contact(&host.inbox(BOT).await.id, CUSTOMER)
        .await
        .unwrap();
    assert_eq!(contact.and_then(|c| c.name).as_deref(), Some("Jane Doe"));
}

#[tokio::test]
async fn mail_someone_else_already_read_is_left_alone() {
    let (dovecot, _relay, config) = mailbox_world().await;
    let read = customer_mail(
        CUSTOMER,
        BOT,
        "Already handled",
        "read@example.net",
        "A colleague answered this.",
    );
    dovecot.deliver(BOT, &read).await;
    let uid = dovecot.unseen_uids(BOT).await[0];
    dovecot.mark_seen(BOT, uid).await;

    let host = Host::start(&config).await;
    ask(
        &dovecot,
        "New question",
        "new@example.net",
        "Do you ship to Norway?",
    )
    .await;
    // Several polls later, the read message is still untouched.
    tokio::time::sleep(Duration::from_secs(3)).await;
    let messages = host.messages(BOT).await;
    assert_eq!(messages.len(), 1, "only the unread message was picked up");
    assert_eq!(dovecot.fetch_all(CUSTOMER).await.len(), 1);
}

#[tokio::test]
async fn mail_waiting_at_start_is_decided_in_the_order_it_arrived() {
    let (dovecot, _relay, config) = mailbox_world().await;
    // Only the opening of a conversation is acknowledged.
    let config = config.replace(r#"reply-on = "every""#, r#"reply-on = "first""#);
    // Two mails from one customer wait in the mailbox while the host is
    // down. The first is the larger, so it takes longer to read; the second
    // must not overtake it and be taken for the conversation's opening.
    let long_body = "My order arrived broken, here is everything that happened.\r\n".repeat(8_000);
    let first = customer_mail(
        CUSTOMER,
        BOT,
        "Broken order",
        "first@example.net",
        &long_body,
    );
    let second = customer_mail(
        CUSTOMER,
        BOT,
        "Broken order, photos",
        "second@example.net",
        "Forgot to say: the box was wet too.",
    );
    dovecot.deliver(BOT, &first).await;
    dovecot.deliver(BOT, &second).await;

    let host = Host::start(&config).await;
    let messages = host.wait_settled(BOT, 2).await;
    assert_eq!(
        messages[0].conversation_id, messages[1].conversation_id,
        "one session"
    );
    let replies = dovecot.wait_for_messages(CUSTOMER, 1, WAIT).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(
        dovecot.fetch_all(CUSTOMER).await.len(),
        1,
        "one acknowledgement"
    );
    assert_eq!(
        header(&replies[0], "In-Reply-To").as_deref(),
        Some("<first@example.net>"),
        "the acknowledgement answers the mail that arrived first"
    );
}

/// An out-of-office notice from the customer.
fn out_of_office() -> Vec<u8> {
    format!(
        "From: Jane Doe <{CUSTOMER}>\r\nTo: {BOT}\r\nSubject: Out of office: Where is my order?\r\n\
         Message-ID: <ooo@example.net>\r\nAuto-Submitted: auto-replied\r\n\
         Date: Mon, 23 Nov 2026 10:00:00 +0000\r\nContent-Type: text/plain\r\n\r\n\
         I am away until Monday and will read your message when I am back.\r\n"
    )
    .into_bytes()
}

/// A delivery status notification saying mail to the customer failed,
/// returning the headers of `original`.
fn bounce_of(original: &[u8]) -> Vec<u8> {
    let message_id = header(original, "Message-ID").expect("Message-ID");
    format!(
        "From: Mail Delivery System <MAILER-DAEMON@mx.example.net>\r\nTo: {BOT}\r\n\
         Subject: Undelivered Mail Returned to Sender\r\nMessage-ID: <dsn1@mx.example.net>\r\n\
         Date: Mon, 23 Nov 2026 10:01:00 +0000\r\nMIME-Version: 1.0\r\n\
         Content-Type: multipart/report; report-type=delivery-status; boundary=\"b1\"\r\n\r\n\
         --b1\r\nContent-Type: text/plain\r\n\r\nYour message could not be delivered.\r\n\r\n\
         --b1\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.example.net\r\n\r\n\
         Final-Recipient: rfc822; {CUSTOMER}\r\nAction: failed\r\nStatus: 5.1.1\r\n\
         Diagnostic-Code: smtp; 550 5.1.1 user unknown\r\n\r\n\
         --b1\r\nContent-Type: text/rfc822-headers\r\n\r\nFrom: {BOT}\r\nTo: {CUSTOMER}\r\n\
         Message-ID: {message_id}\r\nSubject: Re: Where is my order?\r\n\r\n--b1--\r\n"
    )
    .into_bytes()
}

#[tokio::test]
async fn an_auto_reply_and_a_bounce_get_no_answer_and_the_bounce_pauses_the_bot() {
    let (dovecot, _relay, config) = mailbox_world().await;
    let host = Host::start(&config).await;
    let reply = ask(
        &dovecot,
        "Where is my order?",
        "q1@example.net",
        "Where is order 42?",
    )
    .await;

    dovecot.deliver(BOT, &out_of_office()).await;
    dovecot.deliver(BOT, &bounce_of(&reply)).await;
    let messages = host.wait_settled(BOT, 3).await;
    let reasons: Vec<(MessageState, String)> = messages
        .iter()
        .map(|m| (m.state, m.reason.clone().unwrap_or_default()))
        .collect();
    assert_eq!(reasons[1].0, MessageState::Skipped, "{reasons:?}");
    assert!(
        ["out_of_office", "auto_reply", "auto_submitted"].contains(&reasons[1].1.as_str()),
        "the out-of-office is skipped as one: {reasons:?}"
    );
    assert_eq!(reasons[2].0, MessageState::Skipped, "{reasons:?}");
    assert_eq!(
        reasons[2].1, "delivery_status_notification",
        "the bounce is skipped as one"
    );

    let store = host.store();
    let inbox = host.inbox(BOT).await;
    assert!(store.is_undeliverable(&inbox.id, CUSTOMER).await.unwrap());
    let conversation = store
        .conversation(messages[0].conversation_id.as_deref().unwrap())
        .await
        .unwrap();
    assert!(
        conversation.bot_paused,
        "the bot stops writing to an address that bounced"
    );
    for skipped in &messages[1..] {
        assert!(
            store
                .outbox_for_message(&skipped.id)
                .await
                .unwrap()
                .is_empty()
        );
    }
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_eq!(
        dovecot.fetch_all(CUSTOMER).await.len(),
        1,
        "only the first mail was answered"
    );
}

#[tokio::test]
async fn a_failing_mailbox_is_reported_while_the_others_are_answered() {
    const OTHER: &str = "sales@example.com";
    // The channel serves both mailboxes; the second one's password is wrong.
    let (dovecot, _relay, config) = mailbox_world_with(&[(OTHER, "wrong")]).await;
    dovecot.add_user(OTHER, "sales-secret");
    assert!(config.contains("bot-secret,wrong"), "{config}");
    let host = Host::start(&config).await;

    ask(
        &dovecot,
        "Opening hours",
        "h1@example.net",
        "When are you open?",
    )
    .await;

    // Each mailbox of the channel has its own record: the failing one is
    // in error, naming the protocol and no secret; the other runs.
    let store = host.store();
    let record = |address: &'static str| {
        let store = store.clone();
        async move {
            let channels = store.channels().await.expect("channels");
            let name = format!("acme/{address}");
            channels
                .into_iter()
                .find(|c| c.name == name)
                .unwrap_or_else(|| panic!("no channel record {name}"))
        }
    };
    let failing = eventually(WAIT, || async {
        let failing = record(OTHER).await;
        (failing.status == ChannelStatus::Error).then_some(failing)
    })
    .await;
    let failing = match failing {
        Some(failing) => failing,
        None => record(OTHER).await,
    };
    assert_eq!(failing.status, ChannelStatus::Error, "{failing:?}");
    let error = failing.last_error.clone().unwrap_or_default();
    assert!(
        error.starts_with(&format!("imap {OTHER}")) && !error.contains("wrong"),
        "{error}"
    );
    let log = store.channel_log(&failing.id, 100).await.expect("log");
    assert!(
        log.iter()
            .any(|l| l.level == "error" && l.line.contains(OTHER)),
        "{log:?}"
    );
    assert_eq!(record(BOT).await.status, ChannelStatus::Running);
}
