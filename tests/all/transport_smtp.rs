//! SMTP out against Postfix's smtp-sink, SMTP in over real TCP, and the
//! relay that lands mail in a Dovecot mailbox.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use mailbot::transport::Security;
use mailbot::transport::smtp_in::{self, SmtpInConfig, SmtpInHandler};
use mailbot::transport::smtp_out::{
    FolderSender, OutboundSender, RelayConfig, SendError, SmtpSender,
};
use tokio_util::sync::CancellationToken;

use crate::support::{Dovecot, MailRelay, SinkMessage, SmtpSink, self_signed_cert};

const WAIT: Duration = Duration::from_secs(10);

fn reply(n: usize) -> Vec<u8> {
    format!(
        "From: Support <support@example.com>\r\nTo: customer@example.net\r\n\
         Subject: Re: question {n}\r\nMessage-ID: <r{n}@example.com>\r\n\
         In-Reply-To: <q{n}@example.net>\r\n\r\nThanks!\r\n.line starting with a dot\r\n"
    )
    .into_bytes()
}

fn plain_sender(port: u16) -> SmtpSender {
    SmtpSender::new(RelayConfig::new("127.0.0.1", port, Security::Plain)).expect("sender")
}

fn to(addr: &str) -> Vec<String> {
    vec![addr.to_owned()]
}

#[tokio::test]
async fn smtp_out_delivers_to_a_real_smtp_server() {
    let sink = SmtpSink::start();
    let sender = plain_sender(sink.port());
    for n in 0..3 {
        let accepted = sender
            .send(
                "support@example.com",
                &to("customer@example.net"),
                &reply(n),
            )
            .await
            .expect("accepted");
        assert!(
            accepted.response.starts_with("250"),
            "{}",
            accepted.response
        );
    }
    let received: Vec<SinkMessage> = sink.wait_for(3, WAIT).await;
    assert_eq!(received[0].mail_from, "support@example.com");
    assert_eq!(received[0].rcpt_to, ["customer@example.net"]);
    let bodies: Vec<_> = received.iter().map(|m| m.raw.clone()).collect();
    for n in 0..3 {
        assert!(
            bodies.contains(&reply(n)),
            "reply {n} arrived byte for byte: {:?}",
            String::from_utf8_lossy(&bodies[0])
        );
    }
    sender
        .check_login()
        .await
        .expect("check_login against the sink");
}

#[tokio::test]
async fn a_5xx_from_the_server_is_a_permanent_failure() {
    let sink = SmtpSink::start_rejecting_rcpt();
    let error = plain_sender(sink.port())
        .send("support@example.com", &to("gone@example.net"), &reply(1))
        .await
        .unwrap_err();
    assert!(
        matches!(&error, SendError::Permanent(m) if m.contains("5.1.1")),
        "{error:?}"
    );
}

#[tokio::test]
async fn a_down_server_is_a_temporary_failure_and_sending_resumes_after() {
    let mut sink = SmtpSink::start();
    let sender = plain_sender(sink.port());
    sender
        .send(
            "support@example.com",
            &to("customer@example.net"),
            &reply(1),
        )
        .await
        .expect("first reply");
    sink.stop();
    let error = sender
        .send(
            "support@example.com",
            &to("customer@example.net"),
            &reply(2),
        )
        .await
        .unwrap_err();
    assert!(error.is_temporary(), "{error:?}");
    sink.start_again();
    sender
        .send(
            "support@example.com",
            &to("customer@example.net"),
            &reply(3),
        )
        .await
        .expect("sent once the server is back");
    assert_eq!(sink.wait_for(2, WAIT).await.len(), 2);
}

#[tokio::test]
async fn the_folder_sender_writes_one_file_per_message() {
    let dir = tempfile::tempdir().expect("tempdir");
    let sender = FolderSender::new(dir.path().join("outbox")).expect("folder");
    let accepted = sender
        .send(
            "support@example.com",
            &to("customer@example.net"),
            &reply(7),
        )
        .await
        .expect("written");
    let path = dir.path().join("outbox/r7@example.com.eml");
    assert!(accepted.response.contains("r7@example.com.eml"));
    assert_eq!(std::fs::read(path).expect("file"), reply(7));
}

/// (mail_from, recipients, raw) of one stored message.
type Stored = (String, Vec<String>, Vec<u8>);

/// Accepts `*@in.example`, stores into a list.
#[derive(Default)]
struct Inboxes {
    /// Stored messages in order.
    stored: Mutex<Vec<Stored>>,
}

#[async_trait::async_trait]
impl SmtpInHandler for Inboxes {
    async fn accepts_recipient(&self, rcpt: &str) -> bool {
        rcpt.ends_with("@in.example")
    }

    async fn deliver(&self, from: &str, rcpts: &[String], raw: Vec<u8>) -> Result<(), String> {
        tokio::time::sleep(Duration::from_millis(50)).await; // a slow disk
        self.stored
            .lock()
            .unwrap()
            .push((from.to_owned(), rcpts.to_vec(), raw));
        Ok(())
    }
}

async fn serve(handler: Arc<Inboxes>, config: SmtpInConfig) -> (u16, CancellationToken) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let shutdown = CancellationToken::new();
    tokio::spawn(smtp_in::run(listener, handler, config, shutdown.clone()));
    (port, shutdown)
}

#[tokio::test]
async fn smtp_in_stores_mail_for_known_addresses_and_refuses_unknown_ones_at_rcpt() {
    let inboxes = Arc::new(Inboxes::default());
    let (port, shutdown) = serve(inboxes.clone(), SmtpInConfig::new("mx.test")).await;
    let sender = plain_sender(port);
    let accepted = sender
        .send(
            "customer@example.net",
            &to("bot-7f3a@in.example"),
            &reply(1),
        )
        .await
        .expect("known address accepted");
    assert!(accepted.response.starts_with("250"));
    // The 250 came after deliver returned: the message is already stored.
    let stored = inboxes.stored.lock().unwrap().clone();
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].1, ["bot-7f3a@in.example"]);
    assert!(
        stored[0].2.ends_with(&reply(1)),
        "message intact after the Received header: {:?}",
        String::from_utf8_lossy(&stored[0].2)
    );

    let error = sender
        .send("customer@example.net", &to("deleted@in.other"), &reply(2))
        .await
        .unwrap_err();
    assert!(
        matches!(&error, SendError::Permanent(m) if m.contains("5.1.1")),
        "{error:?}"
    );
    shutdown.cancel();
}

#[tokio::test]
async fn smtp_in_offers_starttls_with_a_configured_certificate() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (cert, key) = self_signed_cert(dir.path());
    let config = SmtpInConfig::new("localhost")
        .with_tls_files(&cert, &key)
        .expect("tls config");
    let inboxes = Arc::new(Inboxes::default());
    let (port, shutdown) = serve(inboxes.clone(), config).await;
    let mut relay = RelayConfig::new("localhost", port, Security::StartTls);
    relay.tls_ca_file = Some(cert);
    let sender = SmtpSender::new(relay).expect("sender");
    sender
        .send("customer@example.net", &to("bot@in.example"), &reply(1))
        .await
        .expect("sent over STARTTLS");
    let raw = inboxes.stored.lock().unwrap()[0].2.clone();
    assert!(
        String::from_utf8_lossy(&raw).contains("with ESMTPS"),
        "received over TLS"
    );
    shutdown.cancel();
}

#[tokio::test]
async fn smtp_out_sends_over_implicit_tls() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (cert, key) = self_signed_cert(dir.path());
    let acceptor = tokio_rustls::TlsAcceptor::from(
        mailbot::transport::tls::server_config(&cert, &key).expect("server tls"),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let inboxes = Arc::new(Inboxes::default());
    let handler = inboxes.clone();
    // smtp_in speaks STARTTLS only; this front end makes it a port-465 server.
    tokio::spawn(async move {
        let config = Arc::new(SmtpInConfig::new("localhost"));
        while let Ok((tcp, _)) = listener.accept().await {
            let (acceptor, handler, config) = (acceptor.clone(), handler.clone(), config.clone());
            tokio::spawn(async move {
                let Ok(tls) = acceptor.accept(tcp).await else {
                    return;
                };
                let shutdown = CancellationToken::new();
                smtp_in::serve_stream(tls, "127.0.0.1", &*handler, &config, &shutdown)
                    .await
                    .ok();
            });
        }
    });
    let mut relay = RelayConfig::new("localhost", port, Security::Tls);
    relay.tls_ca_file = Some(cert);
    let sender = SmtpSender::new(relay).expect("sender");
    for n in 0..2 {
        sender
            .send("customer@example.net", &to("bot@in.example"), &reply(n))
            .await
            .expect("sent over implicit TLS");
    }
    sender.check_login().await.expect("check_login over TLS");
    assert_eq!(inboxes.stored.lock().unwrap().len(), 2);
}

#[tokio::test]
async fn the_relay_lands_a_reply_in_the_customers_dovecot_mailbox() {
    let dovecot = Dovecot::start();
    dovecot.add_user("customer@example.net", "pw");
    let relay = MailRelay::start(&dovecot).await;
    plain_sender(relay.port())
        .send(
            "support@example.com",
            &to("customer@example.net"),
            &reply(1),
        )
        .await
        .expect("relayed");
    let messages = dovecot
        .wait_for_messages("customer@example.net", 1, WAIT)
        .await;
    let text = String::from_utf8_lossy(&messages[0]);
    assert!(text.contains("Subject: Re: question 1"), "{text}");
    assert!(
        text.contains("\r\n.line starting with a dot\r\n"),
        "dots survive: {text}"
    );
    assert_eq!(relay.delivered(), 1);
}
