//! End-to-end figures of `mailbot serve`: emails per second from a real
//! Dovecot mailbox (IMAP IDLE) through the whole host pipeline with the
//! shipped default plugins to a real SMTP server (Postfix's `smtp-sink`),
//! and the latency from a mail's delivery into the mailbox to its reply
//! being accepted by the SMTP server. Run:
//! `cargo bench -p mailbot-tests --bench pipeline` (needs Dovecot and
//! smtp-sink: `scripts/install-test-deps`).
//!
//! A plain `main` (`harness = false` without criterion) because criterion
//! times repetitions of one routine and reports their mean and median,
//! while these figures are one batch's throughput and the p50/p99 of
//! per-mail latencies taken from timestamps the host itself records.
//!
//! - Latency: mails from distinct customers (each opens a conversation the
//!   default policy acknowledges) are delivered over LMTP one at a time;
//!   the next is delivered once the previous reply reached the sink. A
//!   mail's latency runs from the moment Dovecot acknowledged the LMTP
//!   delivery to the `sent_at` the outbox records once the SMTP server
//!   accepted the reply (`250` to DATA); the host's own state history
//!   splits it into pickup (IDLE wake-up, fetch, stored and fsynced),
//!   pipeline (parse, screen, five hooks, reply composed and queued) and
//!   send (outbox to SMTP accepted).
//! - Throughput: a batch of mails from distinct customers is delivered as
//!   fast as Dovecot takes them over 8 LMTP connections, each delivering
//!   its share in turn; emails per
//!   second run from the first delivery to the last reply accepted. Dovecot
//!   takes the LMTP deliveries on the same two cores meanwhile.
//! - Backlog: the host is stopped, a batch of the same size is delivered
//!   into the mailbox, and the host started again; emails per second run
//!   from the start (plugins loaded from the compile cache, IMAP sign-in)
//!   to the last reply accepted: the host's own pace with the cores to
//!   itself, as after an outage or when an inbox is first connected.
//!
//! Every mail is a plain-text customer message of about 4 KB. The host
//! runs in-process on a multi-threaded Tokio runtime, as `mailbot serve`
//! does, with 4 pipeline workers (the test harness's `[server]` section;
//! `MAILBOT_TEST_WORKERS` changes it) and no log subscriber. `MAILBOT_BENCH_LATENCY_MAILS` (default 200) and
//! `MAILBOT_BENCH_THROUGHPUT_MAILS` (default 500) change the sizes. Run
//! without `--bench` (as `cargo test --benches` does) it makes a quick
//! pass with a handful of mails.

// The harness serves every test module; the bench uses part of it.
#[allow(unused_imports)]
#[path = "../all/support/mod.rs"]
mod support;

use std::collections::{BTreeMap, HashMap};
use std::time::{Duration, Instant};

use mailbot::store::{MessageState, Millis, Order, PageRequest, Store, StoredMessage, now_ms};

use support::{Dovecot, Host, LmtpSession, SmtpSink, customer_mail, mailbox_channel_config};

const BOT: &str = "support@example.com";
/// LMTP connections delivering at once during the throughput batch.
const DELIVERY_CONCURRENCY: usize = 8;
/// How long any one wait lasts before the run is declared stuck.
const STUCK: Duration = Duration::from_secs(600);

/// Question `n` from its own customer, about 4 KB in all.
fn question(n: usize) -> (String, Vec<u8>) {
    let paragraph = "I ordered a pair of walking boots two weeks ago and the tracking page \
        has said \"label created\" ever since. Could you tell me whether the parcel has left \
        your warehouse, and which carrier will bring it? I am travelling at the end of the \
        month and would like to plan around the delivery.\r\n\r\n";
    let mut body = String::from("Hello,\r\n\r\n");
    while body.len() + paragraph.len() < 3700 {
        body.push_str(paragraph);
    }
    body.push_str("Best regards,\r\nJane Doe\r\n+44 20 7946 0958");
    let id = format!("q{n}@example.net");
    let raw = customer_mail(
        &format!("customer{n}@example.net"),
        BOT,
        &format!("Where is my order {n}?"),
        &id,
        &body,
    );
    (id, raw)
}

/// Sizes of one run.
struct Plan {
    warm_up: usize,
    latency: usize,
    throughput: usize,
}

impl Plan {
    fn from_args() -> Plan {
        let size = |var: &str, default: usize| {
            std::env::var(var)
                .ok()
                .and_then(|v| v.parse().ok())
                .unwrap_or(default)
        };
        if std::env::args().any(|a| a == "--bench") {
            Plan {
                warm_up: 10,
                latency: size("MAILBOT_BENCH_LATENCY_MAILS", 200),
                throughput: size("MAILBOT_BENCH_THROUGHPUT_MAILS", 500),
            }
        } else {
            Plan {
                warm_up: 1,
                latency: 3,
                throughput: 10,
            }
        }
    }
}

fn main() {
    let plan = Plan::from_args();
    let runtime = tokio::runtime::Runtime::new().expect("the async runtime starts");
    runtime.block_on(run(plan));
}

async fn run(plan: Plan) {
    let dovecot = Dovecot::start();
    dovecot.add_user(BOT, "bot-secret");
    let sink = SmtpSink::start();
    let mut host = Host::start(&mailbox_channel_config(
        BOT,
        dovecot.imap_port(),
        sink.port(),
    ))
    .await;
    let mut next = 0;
    let mut replies = 0;

    // Warm-up: IMAP session open and idling, plugins instantiated once,
    // SMTP connection pool filled.
    for _ in 0..plan.warm_up {
        let (_, raw) = question(next);
        next += 1;
        dovecot.deliver(BOT, &raw).await;
        replies += 1;
        sink.wait_for_count(replies, STUCK).await;
    }

    // Latency: one mail in flight at a time.
    let mut latency_mails: HashMap<String, Millis> = HashMap::new();
    for _ in 0..plan.latency {
        let (id, raw) = question(next);
        next += 1;
        dovecot.deliver(BOT, &raw).await;
        latency_mails.insert(id, now_ms());
        replies += 1;
        sink.wait_for_count(replies, STUCK).await;
    }

    // Throughput: the whole batch as fast as Dovecot takes it.
    let batch: Vec<(String, Vec<u8>)> = (next..next + plan.throughput).map(question).collect();
    let mailbox = &dovecot;
    let started_ms = now_ms();
    let started = Instant::now();
    // Each lane is one LMTP connection delivering its share in turn, as an
    // MTA's LMTP client with connection caching does.
    let lanes = (0..DELIVERY_CONCURRENCY).map(|lane| {
        let share = batch.iter().skip(lane).step_by(DELIVERY_CONCURRENCY);
        async move {
            let mut lmtp = LmtpSession::connect(mailbox.lmtp_port())
                .await
                .expect("connect to Dovecot's LMTP");
            let mut delivered = Vec::new();
            for (id, raw) in share {
                lmtp.deliver("sender@localhost", &[BOT.to_owned()], raw)
                    .await
                    .unwrap_or_else(|e| panic!("lmtp delivery failed: {e}"));
                delivered.push((id.clone(), now_ms()));
            }
            lmtp.quit().await;
            delivered
        }
    });
    let delivered: Vec<(String, Millis)> = futures::future::join_all(lanes)
        .await
        .into_iter()
        .flatten()
        .collect();
    let delivery_time = started.elapsed();
    replies += plan.throughput;
    sink.wait_for_count(replies, STUCK).await;
    let throughput_mails: HashMap<String, Millis> = delivered.into_iter().collect();
    next += plan.throughput;

    // Backlog: delivered while the host is down, drained after its start.
    host.stop().await;
    let backlog: Vec<(String, Vec<u8>)> = (next..next + plan.throughput).map(question).collect();
    for (_, raw) in &backlog {
        dovecot.deliver(BOT, raw).await;
    }
    let restarted_ms = now_ms();
    host.start_again().await;
    replies += plan.throughput;
    sink.wait_for_count(replies, STUCK).await;

    let timings = timings(&host).await;
    host.stop().await;

    println!();
    println!("pipeline: Dovecot (IMAP IDLE) → mailbot serve (shipped default plugins) → smtp-sink");
    println!(
        "latency, one mail in flight ({} mails, delivered → reply accepted):",
        plan.latency
    );
    report_latency(&latency_mails, &timings);

    let last_sent = throughput_mails
        .keys()
        .map(|id| timings.get(id).expect("every batch mail was answered").sent)
        .max()
        .unwrap_or(started_ms);
    let seconds = (last_sent - started_ms).max(1) as f64 / 1000.0;
    println!();
    println!(
        "throughput ({} mails, {DELIVERY_CONCURRENCY} LMTP deliveries at a time):",
        plan.throughput
    );
    println!(
        "  {:.1} emails/s ({} replies accepted {seconds:.2} s after the first delivery; \
         delivering alone took {:.2} s, {:.0} mails/s)",
        plan.throughput as f64 / seconds,
        plan.throughput,
        delivery_time.as_secs_f64(),
        plan.throughput as f64 / delivery_time.as_secs_f64(),
    );
    println!("  latency of the batch's mails (delivered → reply accepted, under load):");
    report_latency(&throughput_mails, &timings);

    let backlog_sent = backlog
        .iter()
        .map(|(id, _)| {
            timings
                .get(id)
                .expect("every backlog mail was answered")
                .sent
        })
        .max()
        .unwrap_or(restarted_ms);
    let seconds = (backlog_sent - restarted_ms).max(1) as f64 / 1000.0;
    println!();
    println!(
        "backlog ({} mails waiting in the mailbox when the host starts):",
        plan.throughput
    );
    println!(
        "  {:.1} emails/s ({} replies accepted {seconds:.2} s after the start)",
        plan.throughput as f64 / seconds,
        plan.throughput,
    );
}

/// What the host recorded about one mail, in store milliseconds.
struct Timing {
    /// Stored (and fsynced) after the IMAP fetch.
    received: Millis,
    /// The reply entered the outbox.
    queued: Millis,
    /// The SMTP server accepted the reply.
    sent: Millis,
    /// `plugin/hook` → how long the call took, fresh instance included (µs).
    hooks: Vec<(String, i64)>,
}

/// The host's timestamps of every answered mail, by Message-ID (without
/// angle brackets, lower-cased).
async fn timings(host: &Host) -> HashMap<String, Timing> {
    let store = host.store();
    let inbox = host.inbox(BOT).await;
    let mut out = HashMap::new();
    for message in all_messages(&*store, &inbox.id).await {
        assert_eq!(
            message.state,
            MessageState::Done,
            "{:?}: {:?}",
            message.message_id_header,
            message.reason
        );
        let history = store.message_history(&message.id).await.expect("history");
        let queued = history
            .iter()
            .find(|change| change.state == MessageState::Queued)
            .map(|change| change.at)
            .expect("the reply was queued");
        let sent = store
            .outbox_for_message(&message.id)
            .await
            .expect("outbox")
            .iter()
            .filter_map(|item| item.sent_at)
            .min()
            .expect("the reply was sent");
        let hooks = store
            .decisions(&message.id)
            .await
            .expect("decisions")
            .into_iter()
            .map(|d| (format!("{}/{}", d.plugin_name, d.hook), d.duration_us))
            .collect();
        let id = message.message_id_header.clone().unwrap_or_default();
        let timing = Timing {
            received: message.received_at,
            queued,
            sent,
            hooks,
        };
        out.insert(id.trim_matches(['<', '>']).to_ascii_lowercase(), timing);
    }
    out
}

/// Every stored message of the inbox, once all reached a final state.
async fn all_messages(store: &dyn Store, inbox_id: &str) -> Vec<StoredMessage> {
    let deadline = Instant::now() + STUCK;
    loop {
        let mut messages = Vec::new();
        let mut page = PageRequest::first(500, Order::Asc);
        loop {
            let got = store
                .list_messages(inbox_id, page.clone())
                .await
                .expect("store");
            messages.extend(got.items);
            match got.next_cursor {
                Some(cursor) => page.cursor = Some(cursor),
                None => break,
            }
        }
        if messages.iter().all(|m| m.state.is_terminal()) {
            return messages;
        }
        assert!(Instant::now() < deadline, "messages did not settle");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Prints p50/p99/max of delivered → accepted, the median of each part and
/// the median duration of each plugin call.
fn report_latency(delivered: &HashMap<String, Millis>, timings: &HashMap<String, Timing>) {
    let mut total = Vec::new();
    let mut pickup = Vec::new();
    let mut pipeline = Vec::new();
    let mut send = Vec::new();
    let mut hooks: BTreeMap<&str, Vec<i64>> = BTreeMap::new();
    for (id, at) in delivered {
        let t = timings
            .get(id)
            .unwrap_or_else(|| panic!("{id} was not answered"));
        total.push(t.sent - at);
        pickup.push(t.received - at);
        pipeline.push(t.queued - t.received);
        send.push(t.sent - t.queued);
        for (hook, micros) in &t.hooks {
            hooks.entry(hook).or_default().push(*micros);
        }
    }
    println!(
        "  p50 {} ms, p99 {} ms, max {} ms",
        percentile(&mut total, 50),
        percentile(&mut total, 99),
        percentile(&mut total, 100),
    );
    println!(
        "  medians of the parts: pickup {} ms (IDLE, fetch, stored), pipeline {} ms (parse → \
         queued), send {} ms (outbox → 250)",
        percentile(&mut pickup, 50),
        percentile(&mut pipeline, 50),
        percentile(&mut send, 50),
    );
    let calls: Vec<String> = hooks
        .iter_mut()
        .map(|(hook, micros)| format!("{hook} {:.2} ms", percentile(micros, 50) as f64 / 1000.0))
        .collect();
    println!(
        "  median plugin calls (fresh instance included): {}",
        calls.join(", ")
    );
}

/// The nearest-rank `p`th percentile (0 for no values).
fn percentile(values: &mut [Millis], p: usize) -> Millis {
    if values.is_empty() {
        return 0;
    }
    values.sort_unstable();
    let rank = (values.len() * p).div_ceil(100).max(1);
    values[rank - 1]
}
