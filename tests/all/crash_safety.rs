//! Crash safety of `mailbot serve` as a real process: 300 mails sent over
//! SMTP in while the host is killed with SIGKILL at random points and
//! started again, several times. Every mail is stored once and answered
//! exactly once; none is lost. And the graceful stop: SIGTERM in the middle
//! of a burst ends the process cleanly, and what it parked is answered
//! after the next start.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use mailbot::store::{MessageState, Order, PageRequest, SqliteStore, Store, StoredMessage};
use mailbot::transport::Security;
use mailbot::transport::smtp_out::{OutboundSender, RelayConfig, SendError, SmtpSender};

use crate::support::{
    SinkMessage, SmtpSink, config_text, customer_mail, eventually, free_port,
    generated_addresses_config, header, terminate, wait_for_port,
};

const MAILS: usize = 300;
const KILLS: usize = 5;
const SHOP: &str = "shop@in.example";

/// A small xorshift generator; the seed is printed so a failure can be
/// replayed with `CRASH_SEED`.
struct Random(u64);

impl Random {
    fn next(&mut self, below: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % below
    }
}

/// A generated inbox `shop@in.example` of a `mailbot serve` process on a
/// data directory of its own, relaying through an SMTP sink.
struct Shop {
    dir: tempfile::TempDir,
    config: PathBuf,
    log: PathBuf,
    smtp_port: u16,
}

impl Shop {
    fn new(sink: &SmtpSink) -> Shop {
        let dir = tempfile::tempdir().expect("tempdir");
        let smtp_port = free_port();
        let head = generated_addresses_config(&format!("127.0.0.1:{smtp_port}"), sink.port());
        let body =
            format!("{head}\n[[inboxes]]\nname = \"Shop\"\nslug = \"shop\"\nbot = \"support\"\n");
        let config = dir.path().join("mailbot.toml");
        std::fs::write(&config, config_text(dir.path(), &body)).expect("config");
        let log = dir.path().join("mailbot.log");
        Shop {
            dir,
            config,
            log,
            smtp_port,
        }
    }

    /// Starts the process and waits until it listens for SMTP.
    fn spawn(&self) -> Child {
        let child = spawn_host(&self.config, &self.log);
        assert!(
            wait_for_port(self.smtp_port, Duration::from_secs(120)),
            "mailbot did not start: {}",
            self.log_text()
        );
        child
    }

    fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// The shop's messages as the store holds them (the process stopped).
    async fn stored_messages(&self) -> Vec<StoredMessage> {
        let db = self.dir.path().join("data").join("mailbot.db");
        let store = SqliteStore::open(db).expect("open store");
        let inbox = store.inbox_by_address(SHOP).await.unwrap().expect("inbox");
        store
            .list_messages(&inbox.id, PageRequest::first(1000, Order::Asc))
            .await
            .unwrap()
            .items
    }
}

/// The replies' Message-IDs, by the `In-Reply-To` they answer.
fn replies_by_question(replies: &[SinkMessage]) -> HashMap<String, HashSet<String>> {
    let mut by_question: HashMap<String, HashSet<String>> = HashMap::new();
    for reply in replies {
        let question = header(&reply.raw, "In-Reply-To").unwrap_or_default();
        let id = header(&reply.raw, "Message-ID").unwrap_or_default();
        by_question.entry(question).or_default().insert(id);
    }
    by_question
}

fn spawn_host(config: &Path, log: &Path) -> Child {
    let log = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(log)
        .expect("log file");
    Command::new(env!("CARGO_BIN_EXE_mailbot-under-test"))
        .args(["serve", "--config"])
        .arg(config)
        .env("MAILBOT_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(log)
        .spawn()
        .expect("start mailbot")
}

fn mail(n: usize) -> Vec<u8> {
    customer_mail(
        &format!("customer{n}@example.net"),
        SHOP,
        &format!("Order {n}"),
        &format!("m{n}@example.net"),
        "Where is my parcel?",
    )
}

/// Sends every mail until the host says `250`, retrying through crashes
/// as a real client does; returns how many attempts failed.
async fn send_all(port: u16, count: usize, sent: Arc<AtomicUsize>) -> usize {
    let mut failures = 0;
    for n in 0..count {
        loop {
            // A fresh client per attempt: pooled connections die with the host.
            let client = SmtpSender::new(RelayConfig::new("127.0.0.1", port, Security::Plain))
                .expect("client");
            match client
                .send(
                    &format!("customer{n}@example.net"),
                    &[SHOP.to_owned()],
                    &mail(n),
                )
                .await
            {
                Ok(_) => break,
                Err(SendError::Temporary(_)) => {
                    failures += 1;
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
                Err(e) => panic!("mail {n} refused: {e}"),
            }
        }
        sent.fetch_add(1, Ordering::SeqCst);
    }
    failures
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_hundred_mails_through_repeated_sigkills_are_each_answered_exactly_once() {
    let seed = std::env::var("CRASH_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            let now = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap_or_default();
            (now.as_nanos() as u64 ^ u64::from(std::process::id())) | 1
        });
    eprintln!("crash test seed {seed} (replay with CRASH_SEED={seed})");
    let mut random = Random(seed);

    let sink = SmtpSink::start();
    let shop = Shop::new(&sink);
    let mut child = shop.spawn();
    let (smtp_port, log) = (shop.smtp_port, &shop.log);
    let sent = Arc::new(AtomicUsize::new(0));
    let sender = tokio::spawn(send_all(smtp_port, MAILS, sent.clone()));

    // Kill at random points while mail arrives and is worked on: the k-th
    // kill comes a random moment after the k-th share of the mail was
    // accepted (a fast host would otherwise have answered everything before
    // a kill at a random time came).
    for kill in 0..KILLS {
        let share = (kill + 1) * MAILS / (KILLS + 1);
        while sent.load(Ordering::SeqCst) < share {
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
        tokio::time::sleep(Duration::from_millis(random.next(60))).await;
        child.kill().expect("SIGKILL");
        child.wait().expect("reap");
        eprintln!(
            "kill {kill}: {} of {MAILS} accepted, {} replies out",
            sent.load(Ordering::SeqCst),
            sink.received().len()
        );
        tokio::time::sleep(Duration::from_millis(random.next(300))).await;
        child = shop.spawn();
    }
    let failures = sender.await.expect("sender");
    eprintln!("all {MAILS} accepted; {failures} attempts failed on the way");

    // Every mail gets its reply.
    let deadline = Instant::now() + Duration::from_secs(180);
    while replies_by_question(&sink.received()).len() < MAILS && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    // Give any duplicate a chance to show up before stopping.
    tokio::time::sleep(Duration::from_secs(3)).await;
    terminate(child.id());
    child.wait().expect("reap");

    let received = sink.received();
    let by_question = replies_by_question(&received);
    for n in 0..MAILS {
        let ids = by_question.get(&format!("<m{n}@example.net>"));
        assert_eq!(
            ids.map(HashSet::len),
            Some(1),
            "mail {n} must have exactly one reply (seed {seed}); log:\n{}",
            std::fs::read_to_string(log).unwrap_or_default()
        );
    }
    assert_eq!(by_question.len(), MAILS, "no reply to anything else");
    // SMTP has no two-phase commit: a kill between the server's 250 and the
    // outbox recording it resends that one reply, with the same Message-ID,
    // which receivers treat as the same mail. At most one per send in
    // flight (the outbox sends up to 32 at once) per kill.
    let resent = received.len() - MAILS;
    assert!(resent <= KILLS * 32, "{resent} resends for {KILLS} kills");
    eprintln!(
        "{} deliveries, {resent} resent with the same Message-ID",
        received.len()
    );

    let messages = shop.stored_messages().await;
    assert_eq!(
        messages.len(),
        MAILS,
        "every mail stored once, retries included"
    );
    let not_done: Vec<_> = messages
        .iter()
        .filter(|m| m.state != MessageState::Done)
        .map(|m| (&m.state, &m.reason))
        .collect();
    assert!(not_done.is_empty(), "{not_done:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_mid_burst_exits_cleanly_and_parked_mail_is_answered_after_the_restart() {
    const BURST: usize = 40;
    let sink = SmtpSink::start();
    let shop = Shop::new(&sink);
    let mut child = shop.spawn();
    let sent = Arc::new(AtomicUsize::new(0));
    let sender = tokio::spawn(send_all(shop.smtp_port, BURST, sent.clone()));

    // Stop halfway through the burst, while mail arrives and is worked on.
    while sent.load(Ordering::SeqCst) < BURST / 2 {
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
    terminate(child.id());
    let status = eventually(Duration::from_secs(30), || {
        let status = child.try_wait().expect("wait");
        async move { status }
    })
    .await
    .unwrap_or_else(|| {
        panic!(
            "mailbot did not stop within 30 s of SIGTERM: {}",
            shop.log_text()
        )
    });
    assert!(status.success(), "{status}: {}", shop.log_text());
    assert!(
        std::net::TcpStream::connect(("127.0.0.1", shop.smtp_port)).is_err(),
        "pickup stopped: nothing listens for SMTP"
    );
    let stopped_with = sink.received().len();
    let stored = shop.stored_messages().await;
    let parked = stored.iter().filter(|m| !m.state.is_terminal()).count();
    eprintln!(
        "SIGTERM: {} mails stored, {stopped_with} replies out, {parked} parked",
        stored.len()
    );

    // The next start takes the rest of the burst, answers what was
    // parked, and nothing twice.
    let mut child = shop.spawn();
    sender.await.expect("sender");
    sink.wait_for(BURST, crate::support::WAIT).await;
    tokio::time::sleep(Duration::from_secs(1)).await;
    terminate(child.id());
    child.wait().expect("reap");
    let received = sink.received();
    assert_eq!(received.len(), BURST, "one reply per mail, none twice");
    let by_question = replies_by_question(&received);
    for n in 0..BURST {
        let ids = by_question.get(&format!("<m{n}@example.net>"));
        assert_eq!(ids.map(HashSet::len), Some(1), "mail {n}");
    }
    let messages = shop.stored_messages().await;
    assert_eq!(messages.len(), BURST);
    assert!(messages.iter().all(|m| m.state == MessageState::Done));
}
