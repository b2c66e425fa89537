//! The IMAP watcher against a real Dovecot.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use mailbot::transport::accounts::{MailAccount, MailAccountConfig, Secret, expand};
use mailbot::transport::imap::{ImapWatcher, InboundMail, InboundSink, SinkError, check_login};
use mailbot::transport::lifecycle::ChannelStatus;
use tokio::sync::Semaphore;
use tokio_util::sync::CancellationToken;

use crate::support::{Dovecot, RecordingEvents, eventually};

const USER: &str = "support@example.com";
const WAIT: Duration = Duration::from_secs(15);

/// Keeps what it accepts; can hold `accept` until released or fail it.
#[derive(Default)]
struct Sink {
    accepted: Mutex<Vec<InboundMail>>,
    /// Calls to `accept`, successful or not.
    calls: AtomicUsize,
    /// Fail this many first calls.
    fail_first: AtomicUsize,
    /// When set, each `accept` waits for a permit.
    gate: Option<Arc<Semaphore>>,
    /// The bytes of each batch handed over, in order.
    batch_bytes: Mutex<Vec<usize>>,
}

impl Sink {
    fn uids(&self) -> Vec<u32> {
        self.accepted
            .lock()
            .unwrap()
            .iter()
            .map(|m| m.uid)
            .collect()
    }

    fn count(&self) -> usize {
        self.accepted.lock().unwrap().len()
    }
}

#[async_trait::async_trait]
impl InboundSink for Sink {
    async fn accept(&self, mail: InboundMail) -> Result<(), SinkError> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        if let Some(gate) = &self.gate {
            gate.acquire().await.expect("gate").forget();
        }
        if self
            .fail_first
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
            .is_ok()
        {
            return Err(SinkError("store unavailable".into()));
        }
        self.accepted.lock().unwrap().push(mail);
        Ok(())
    }

    async fn accept_all(&self, mails: Vec<InboundMail>) -> Vec<Result<(), SinkError>> {
        let bytes = mails.iter().map(|m| m.raw.len()).sum();
        self.batch_bytes.lock().unwrap().push(bytes);
        let mut results = Vec::with_capacity(mails.len());
        for mail in mails {
            results.push(self.accept(mail).await);
        }
        results
    }
}

fn account(dovecot: &Dovecot, check_interval: u64) -> MailAccount {
    dovecot.add_user(USER, "secret");
    let config = MailAccountConfig {
        address: USER.into(),
        password: Some(Secret::new("secret")),
        imap_server: "127.0.0.1".into(),
        imap_port: Some(dovecot.imap_port().to_string()),
        imap_security: Some("plain".into()),
        check_interval: Some(check_interval),
        ..Default::default()
    };
    expand(&config).expect("valid account").remove(0)
}

fn message(n: usize) -> Vec<u8> {
    format!(
        "From: Customer <customer@example.net>\r\nTo: {USER}\r\nSubject: question {n}\r\n\
         Message-ID: <q{n}@example.net>\r\n\r\nHello, question {n}.\r\n"
    )
    .into_bytes()
}

struct Running {
    events: Arc<RecordingEvents>,
    shutdown: CancellationToken,
    task: tokio::task::JoinHandle<()>,
}

impl Running {
    async fn stop(self) -> Arc<RecordingEvents> {
        self.shutdown.cancel();
        tokio::time::timeout(Duration::from_secs(5), self.task)
            .await
            .expect("watcher stops promptly on shutdown")
            .expect("watcher task");
        self.events
    }
}

fn watch(watcher: ImapWatcher, sink: Arc<Sink>, events: Arc<RecordingEvents>) -> Running {
    let shutdown = CancellationToken::new();
    let task = tokio::spawn(watcher.run(sink, shutdown.clone()));
    Running {
        events,
        shutdown,
        task,
    }
}

fn start(account: MailAccount, sink: Arc<Sink>) -> Running {
    let events = Arc::new(RecordingEvents::default());
    let watcher = ImapWatcher::new(account, events.clone())
        .with_backoff(Duration::from_millis(100), Duration::from_millis(500));
    watch(watcher, sink, events)
}

async fn wait_running(events: &RecordingEvents) {
    eventually(WAIT, || async {
        (events.last_status() == Some(ChannelStatus::Running)).then_some(())
    })
    .await
    .expect("watcher reaches Running");
}

#[tokio::test]
async fn watcher_marks_a_message_seen_only_after_the_sink_accepted_it() {
    let dovecot = Dovecot::start();
    let account = account(&dovecot, 1);
    dovecot.deliver(USER, &message(1)).await;
    let gate = Arc::new(Semaphore::new(0));
    let sink = Arc::new(Sink {
        gate: Some(gate.clone()),
        ..Default::default()
    });
    let running = start(account, sink.clone());
    eventually(WAIT, || async {
        (sink.calls.load(Ordering::SeqCst) == 1).then_some(())
    })
    .await
    .expect("message offered to the sink");
    assert_eq!(
        dovecot.unseen_uids(USER).await,
        [1],
        "still unseen while the sink works"
    );
    gate.add_permits(1);
    eventually(WAIT, || async {
        dovecot.unseen_uids(USER).await.is_empty().then_some(())
    })
    .await
    .expect("marked seen after accept");
    let mail = sink.accepted.lock().unwrap()[0].clone();
    assert_eq!(
        (mail.account.as_str(), mail.mailbox.as_str(), mail.uid),
        (USER, "INBOX", 1)
    );
    assert!(mail.uidvalidity > 0);
    assert!(
        mail.raw.ends_with(&message(1)),
        "raw message after Dovecot's trace headers"
    );
    let events = running.stop().await;
    assert_eq!(
        events.status_list(),
        [
            ChannelStatus::Starting,
            ChannelStatus::Running,
            ChannelStatus::Stopped
        ]
    );
}

#[tokio::test]
async fn a_message_someone_already_read_is_not_picked_up() {
    let dovecot = Dovecot::start();
    let account = account(&dovecot, 1);
    dovecot.deliver(USER, &message(1)).await;
    dovecot.deliver(USER, &message(2)).await;
    dovecot.mark_seen(USER, 1).await;
    let sink = Arc::new(Sink::default());
    let running = start(account, sink.clone());
    eventually(WAIT, || async { (sink.count() == 1).then_some(()) })
        .await
        .expect("unread message picked up");
    tokio::time::sleep(Duration::from_millis(1500)).await; // one more poll round
    assert_eq!(sink.uids(), [2]);
    running.stop().await;
}

#[tokio::test]
async fn a_sink_error_leaves_the_message_unseen_and_it_is_offered_again() {
    let dovecot = Dovecot::start();
    let account = account(&dovecot, 1);
    dovecot.deliver(USER, &message(1)).await;
    let sink = Arc::new(Sink {
        fail_first: AtomicUsize::new(1),
        ..Default::default()
    });
    let running = start(account, sink.clone());
    eventually(WAIT, || async {
        (sink.calls.load(Ordering::SeqCst) >= 1).then_some(())
    })
    .await
    .expect("offered once");
    assert_eq!(
        dovecot.unseen_uids(USER).await,
        [1],
        "unseen after the sink failed"
    );
    eventually(WAIT, || async { (sink.count() == 1).then_some(()) })
        .await
        .expect("offered again and stored");
    eventually(WAIT, || async {
        dovecot.unseen_uids(USER).await.is_empty().then_some(())
    })
    .await
    .expect("seen once stored");
    let events = running.stop().await;
    assert!(
        events.lines(mailbot::transport::LogLevel::Warn)[0].contains("left unseen"),
        "the failure is in the channel log"
    );
}

#[tokio::test]
async fn idle_wakes_the_watcher_promptly_on_a_new_delivery() {
    let dovecot = Dovecot::start();
    // A long check interval: only IDLE can explain a quick pickup.
    let account = account(&dovecot, 120);
    let sink = Arc::new(Sink::default());
    let running = start(account, sink.clone());
    wait_running(&running.events).await;
    tokio::time::sleep(Duration::from_millis(300)).await; // let IDLE begin
    let delivered = Instant::now();
    dovecot.deliver(USER, &message(1)).await;
    eventually(Duration::from_secs(5), || async {
        (sink.count() == 1).then_some(())
    })
    .await
    .expect("picked up through IDLE");
    assert!(
        delivered.elapsed() < Duration::from_secs(3),
        "took {:?}",
        delivered.elapsed()
    );
    running.stop().await;
}

#[tokio::test]
async fn watcher_reconnects_after_dovecot_restarts() {
    let mut dovecot = Dovecot::start();
    let account = account(&dovecot, 1);
    let sink = Arc::new(Sink::default());
    let running = start(account, sink.clone());
    dovecot.deliver(USER, &message(1)).await;
    eventually(WAIT, || async { (sink.count() == 1).then_some(()) })
        .await
        .expect("first message");
    dovecot.restart();
    dovecot.deliver(USER, &message(2)).await;
    eventually(WAIT, || async { (sink.count() == 2).then_some(()) })
        .await
        .expect("second message after the restart");
    let events = running.stop().await;
    let statuses = events.status_list();
    let error_at = statuses
        .iter()
        .position(|s| *s == ChannelStatus::Error)
        .expect("the lost connection was reported");
    assert!(
        statuses[error_at..].contains(&ChannelStatus::Running),
        "{statuses:?}"
    );
    assert_eq!(sink.uids(), [1, 2]);
}

#[tokio::test]
async fn a_large_mailbox_is_picked_up_in_batches() {
    let dovecot = Dovecot::start();
    let account = account(&dovecot, 1);
    for n in 0..120 {
        dovecot.deliver(USER, &message(n)).await;
    }
    let sink = Arc::new(Sink::default());
    let events = Arc::new(RecordingEvents::default());
    let watcher = ImapWatcher::new(account, events.clone()).with_batch_size(25);
    let running = watch(watcher, sink.clone(), events);
    eventually(WAIT, || async { (sink.count() == 120).then_some(()) })
        .await
        .expect("all 120 picked up");
    eventually(WAIT, || async {
        dovecot.unseen_uids(USER).await.is_empty().then_some(())
    })
    .await
    .expect("all marked seen");
    assert_eq!(sink.uids(), (1..=120).collect::<Vec<u32>>());
    running.stop().await;
}

#[tokio::test]
async fn large_mail_is_fetched_in_batches_bounded_in_bytes() {
    let dovecot = Dovecot::start();
    let account = account(&dovecot, 1);
    // Five mails of about 300 KB, then two short ones.
    let line = "x".repeat(998);
    let large = |n: usize| {
        let mut mail = message(n);
        for _ in 0..300 {
            mail.extend_from_slice(line.as_bytes());
            mail.extend_from_slice(b"\r\n");
        }
        mail
    };
    for n in 0..5 {
        dovecot.deliver(USER, &large(n)).await;
    }
    for n in 5..7 {
        dovecot.deliver(USER, &message(n)).await;
    }
    let sink = Arc::new(Sink::default());
    let events = Arc::new(RecordingEvents::default());
    let budget = 700_000;
    let watcher = ImapWatcher::new(account, events.clone()).with_batch_bytes(budget);
    let running = watch(watcher, sink.clone(), events);
    eventually(WAIT, || async { (sink.count() == 7).then_some(()) })
        .await
        .expect("all 7 picked up");
    running.stop().await;
    assert_eq!(sink.uids(), (1..=7).collect::<Vec<u32>>());
    let batches = sink.batch_bytes.lock().unwrap().clone();
    assert!(
        batches.len() >= 3 && batches.iter().all(|&b| b as u64 <= budget),
        "batches of at most {budget} bytes: {batches:?}"
    );
}

#[tokio::test]
async fn check_login_names_the_account_and_protocol() {
    let dovecot = Dovecot::start();
    let mut account = account(&dovecot, 1);
    let events = RecordingEvents::default();
    check_login(&account, &events)
        .await
        .expect("good password signs in");
    account.auth = mailbot::transport::accounts::AccountAuth::Password(Secret::new("wrong"));
    let error = check_login(&account, &events)
        .await
        .unwrap_err()
        .to_string();
    assert!(
        error.starts_with(&format!("imap {USER}: login failed")),
        "{error}"
    );
    account.imap.port = crate::support::free_port();
    let error = check_login(&account, &events)
        .await
        .unwrap_err()
        .to_string();
    assert!(
        error.starts_with(&format!("imap {USER}: connect to")),
        "{error}"
    );
}

/// `account` (on a Dovecot with TLS) refuses the server's certificate
/// until it is trusted, then signs in and picks mail up over `security`.
async fn reads_once_the_certificate_is_trusted(dovecot: &Dovecot, mut account: MailAccount) {
    let events = RecordingEvents::default();
    let error = check_login(&account, &events)
        .await
        .unwrap_err()
        .to_string();
    assert!(
        error.contains("tls"),
        "an unknown certificate is refused: {error}"
    );
    account.tls_ca_file = Some(dovecot.cert_path());
    check_login(&account, &events)
        .await
        .expect("signs in once the certificate is trusted");
    dovecot.deliver(USER, &message(1)).await;
    let sink = Arc::new(Sink::default());
    let running = start(account, sink.clone());
    eventually(WAIT, || async { (sink.count() == 1).then_some(()) })
        .await
        .expect("picked up over TLS");
    running.stop().await;
}

#[tokio::test]
async fn watcher_reads_over_implicit_tls_trusting_a_configured_certificate() {
    let dovecot = Dovecot::start_with_tls();
    let mut account = account(&dovecot, 1);
    account.imap.host = "localhost".into();
    account.imap.port = dovecot.imaps_port().expect("tls port");
    account.imap.security = mailbot::transport::Security::Tls;
    reads_once_the_certificate_is_trusted(&dovecot, account).await;
}

#[tokio::test]
async fn watcher_reads_over_starttls_on_the_plain_port() {
    let dovecot = Dovecot::start_with_tls();
    let mut account = account(&dovecot, 1);
    account.imap.host = "localhost".into();
    account.imap.security = mailbot::transport::Security::StartTls;
    reads_once_the_certificate_is_trusted(&dovecot, account).await;
}
