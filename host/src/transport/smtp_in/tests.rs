//! SMTP sessions driven over `tokio::io::duplex`.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader, DuplexStream, ReadHalf, WriteHalf};
use tokio::sync::Semaphore;
use tokio_util::sync::CancellationToken;

use super::{SmtpInConfig, SmtpInHandler, serve_stream};

/// (mail_from, recipients, raw) of one stored message.
type Stored = (String, Vec<String>, Vec<u8>);

#[derive(Default)]
struct Recorder {
    /// Stored messages in order.
    delivered: Mutex<Vec<Stored>>,
    /// When set, `deliver` waits for a permit (to observe the 250 timing).
    gate: Option<Arc<Semaphore>>,
    /// When true, `deliver` fails.
    fail: bool,
}

#[async_trait::async_trait]
impl SmtpInHandler for Recorder {
    async fn accepts_recipient(&self, rcpt: &str) -> bool {
        rcpt.ends_with("@in.example")
    }

    async fn deliver(&self, from: &str, rcpts: &[String], raw: Vec<u8>) -> Result<(), String> {
        if let Some(gate) = &self.gate {
            gate.acquire().await.map_err(|e| e.to_string())?.forget();
        }
        if self.fail {
            return Err("disk full".into());
        }
        self.delivered
            .lock()
            .unwrap()
            .push((from.to_owned(), rcpts.to_vec(), raw));
        Ok(())
    }
}

struct Client {
    reader: BufReader<ReadHalf<DuplexStream>>,
    writer: WriteHalf<DuplexStream>,
}

impl Client {
    async fn send(&mut self, text: &str) {
        self.writer.write_all(text.as_bytes()).await.unwrap();
    }

    /// Reads one (possibly multi-line) reply and returns it whole.
    async fn reply(&mut self) -> String {
        let mut all = String::new();
        loop {
            let mut line = String::new();
            let n = tokio::time::timeout(Duration::from_secs(5), self.reader.read_line(&mut line))
                .await
                .expect("reply in time")
                .unwrap();
            assert!(n > 0, "connection closed; got so far: {all:?}");
            all.push_str(&line);
            if line.as_bytes().get(3) == Some(&b' ') {
                return all;
            }
        }
    }

    async fn expect(&mut self, command: &str, code: &str) -> String {
        self.send(command).await;
        let reply = self.reply().await;
        assert!(
            reply.starts_with(code),
            "{command:?} got {reply:?}, wanted {code}"
        );
        reply
    }
}

fn start(handler: Arc<Recorder>, config: SmtpInConfig) -> (Client, tokio::task::JoinHandle<()>) {
    let (client, server) = tokio::io::duplex(64 * 1024);
    let task = tokio::spawn(async move {
        let shutdown = CancellationToken::new();
        serve_stream(server, "192.0.2.1", &*handler, &config, &shutdown)
            .await
            .ok();
    });
    let (r, w) = tokio::io::split(client);
    (
        Client {
            reader: BufReader::new(r),
            writer: w,
        },
        task,
    )
}

#[tokio::test]
async fn known_recipient_gets_the_message_with_dots_unstuffed() {
    let handler = Arc::new(Recorder::default());
    let (mut c, _task) = start(handler.clone(), SmtpInConfig::new("mx.test"));
    assert!(c.reply().await.starts_with("220 "));
    let ehlo = c.expect("EHLO client.test\r\n", "250").await;
    assert!(
        ehlo.contains("PIPELINING") && ehlo.contains("SIZE 26214400"),
        "{ehlo}"
    );
    assert!(
        !ehlo.contains("STARTTLS"),
        "no certificate, no STARTTLS: {ehlo}"
    );
    c.expect("MAIL FROM:<a@out.example>\r\n", "250").await;
    c.expect("RCPT TO:<bot@in.example>\r\n", "250").await;
    c.expect("DATA\r\n", "354").await;
    c.expect(
        "Subject: hi\r\n\r\n..leading dot\r\nend\r\n.\r\n",
        "250 2.0.0",
    )
    .await;
    c.expect("QUIT\r\n", "221").await;
    let delivered = handler.delivered.lock().unwrap();
    let (from, rcpts, raw) = &delivered[0];
    assert_eq!(
        (from.as_str(), rcpts.as_slice()),
        ("a@out.example", &["bot@in.example".to_owned()][..])
    );
    let raw = String::from_utf8_lossy(raw);
    assert!(
        raw.starts_with("Received: from client.test ([192.0.2.1])"),
        "{raw}"
    );
    assert!(
        raw.ends_with("Subject: hi\r\n\r\n.leading dot\r\nend\r\n"),
        "{raw:?}"
    );
}

#[tokio::test]
async fn unknown_recipient_is_refused_at_rcpt() {
    let handler = Arc::new(Recorder::default());
    let (mut c, _task) = start(handler.clone(), SmtpInConfig::new("mx.test"));
    c.reply().await;
    c.expect("EHLO c\r\n", "250").await;
    c.expect("MAIL FROM:<a@out.example>\r\n", "250").await;
    c.expect("RCPT TO:<deleted@elsewhere.example>\r\n", "550 5.1.1")
        .await;
    c.expect("DATA\r\n", "554").await;
}

#[tokio::test]
async fn the_250_waits_for_deliver_and_a_failed_deliver_gets_451() {
    let gate = Arc::new(Semaphore::new(0));
    let handler = Arc::new(Recorder {
        gate: Some(gate.clone()),
        ..Default::default()
    });
    let (mut c, _task) = start(handler.clone(), SmtpInConfig::new("mx.test"));
    c.reply().await;
    c.send("EHLO c\r\nMAIL FROM:<>\r\nRCPT TO:<x@in.example>\r\nDATA\r\n")
        .await;
    for code in ["250", "250", "250", "354"] {
        assert!(c.reply().await.starts_with(code));
    }
    c.send("Subject: x\r\n\r\nbody\r\n.\r\n").await;
    let early = tokio::time::timeout(Duration::from_millis(200), c.reply()).await;
    assert!(
        early.is_err(),
        "replied before the message was stored: {early:?}"
    );
    gate.add_permits(1);
    assert!(c.reply().await.starts_with("250 2.0.0"));
    assert_eq!(handler.delivered.lock().unwrap()[0].0, "", "null sender");

    let failing = Arc::new(Recorder {
        fail: true,
        ..Default::default()
    });
    let (mut c, _task) = start(failing, SmtpInConfig::new("mx.test"));
    c.reply().await;
    c.expect("HELO c\r\n", "250").await;
    c.expect("MAIL FROM:<a@b.c>\r\n", "250").await;
    c.expect("RCPT TO:<x@in.example>\r\n", "250").await;
    c.expect("DATA\r\n", "354").await;
    c.expect("x\r\n.\r\n", "451 4.3.0").await;
}

#[tokio::test]
async fn pipelined_transactions_each_get_their_replies_in_order() {
    let handler = Arc::new(Recorder::default());
    let (mut c, _task) = start(handler.clone(), SmtpInConfig::new("mx.test"));
    c.reply().await;
    c.expect("EHLO c\r\n", "250").await;
    c.send(concat!(
        "MAIL FROM:<a@b.c>\r\nRCPT TO:<one@in.example>\r\nRCPT TO:<no@x.example>\r\nDATA\r\n",
        "first\r\n.\r\n",
        "RSET\r\nMAIL FROM:<a@b.c>\r\nRCPT TO:<two@in.example>\r\nDATA\r\n",
        ".\r\n",
        "NOOP\r\nQUIT\r\n"
    ))
    .await;
    let expected = [
        "250", "250", "550", "354", "250", "250", "250", "250", "354", "250", "250", "221",
    ];
    for code in expected {
        let reply = c.reply().await;
        assert!(reply.starts_with(code), "wanted {code}, got {reply}");
    }
    let delivered = handler.delivered.lock().unwrap();
    assert_eq!(delivered.len(), 2);
    assert_eq!(delivered[0].1, ["one@in.example"]);
    let empty = String::from_utf8_lossy(&delivered[1].2);
    assert_eq!(
        empty.matches("\r\n").count(),
        3,
        "only the Received header: {empty:?}"
    );
}

#[tokio::test]
async fn oversized_messages_are_refused_and_the_session_goes_on() {
    let handler = Arc::new(Recorder::default());
    let mut config = SmtpInConfig::new("mx.test");
    config.max_message_size = 100;
    let (mut c, _task) = start(handler.clone(), config);
    c.reply().await;
    c.expect("EHLO c\r\n", "250").await;
    c.expect("MAIL FROM:<a@b.c> SIZE=5000\r\n", "552").await;
    c.expect("MAIL FROM:<a@b.c>\r\n", "250").await;
    c.expect("RCPT TO:<x@in.example>\r\n", "250").await;
    c.expect("DATA\r\n", "354").await;
    let big = "x".repeat(70);
    for _ in 0..10 {
        c.send(&format!("{big}\r\n")).await;
    }
    c.expect(".\r\n", "552 5.3.4").await;
    c.expect("MAIL FROM:<a@b.c>\r\n", "250").await;
    assert!(handler.delivered.lock().unwrap().is_empty());
}

#[tokio::test]
async fn commands_out_of_order_and_garbage_get_5xx() {
    let handler = Arc::new(Recorder::default());
    let (mut c, _task) = start(handler, SmtpInConfig::new("mx.test"));
    c.reply().await;
    c.expect("MAIL FROM:<a@b.c>\r\n", "503").await;
    c.expect("BOGUS\r\n", "500").await;
    c.expect("EHLO c\r\n", "250").await;
    c.expect("RCPT TO:<x@in.example>\r\n", "503").await;
    c.expect("STARTTLS\r\n", "502").await;
}

/// Accepts AUTH PLAIN for one user and password.
struct Submission;

#[async_trait::async_trait]
impl SmtpInHandler for Submission {
    async fn accepts_recipient(&self, _rcpt: &str) -> bool {
        true
    }

    async fn deliver(&self, _from: &str, _rcpts: &[String], _raw: Vec<u8>) -> Result<(), String> {
        Ok(())
    }

    fn offers_auth(&self) -> bool {
        true
    }

    async fn authenticate(&self, user: &str, password: &str) -> bool {
        (user, password) == ("bot@in.example", "secret")
    }
}

#[tokio::test]
async fn auth_is_refused_unless_the_handler_offers_it() {
    let (mut c, _task) = start(Arc::new(Recorder::default()), SmtpInConfig::new("mx.test"));
    c.reply().await;
    let ehlo = c.expect("EHLO client.test\r\n", "250").await;
    assert!(!ehlo.contains("AUTH"), "{ehlo}");
    c.expect("AUTH PLAIN AGJvdEBpbi5leGFtcGxlAHNlY3JldA==\r\n", "502")
        .await;
}

#[tokio::test]
async fn auth_plain_checks_the_credentials_with_the_handler() {
    let (client, server) = tokio::io::duplex(64 * 1024);
    tokio::spawn(async move {
        let config = SmtpInConfig::new("mx.test");
        serve_stream(
            server,
            "192.0.2.1",
            &Submission,
            &config,
            &CancellationToken::new(),
        )
        .await
        .ok();
    });
    let (r, w) = tokio::io::split(client);
    let mut c = Client {
        reader: BufReader::new(r),
        writer: w,
    };
    c.reply().await;
    let ehlo = c.expect("EHLO client.test\r\n", "250").await;
    assert!(ehlo.contains("AUTH PLAIN"), "{ehlo}");
    // "\0bot@in.example\0wrong", then "\0bot@in.example\0secret".
    c.expect("AUTH PLAIN AGJvdEBpbi5leGFtcGxlAHdyb25n\r\n", "535 5.7.8")
        .await;
    c.expect("AUTH LOGIN\r\n", "504").await;
    c.expect(
        "AUTH PLAIN AGJvdEBpbi5leGFtcGxlAHNlY3JldA==\r\n",
        "235 2.7.0",
    )
    .await;
}
