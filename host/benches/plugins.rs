//! The plugin runtime: what one hook call costs through the real runtime
//! (`PolicyChain` → fresh instance from the pre-linked `InstancePre` → the
//! shipped component) beside the same plugin compiled natively and called
//! on an equivalent message, and how long a hot reload takes from writing
//! a changed `.wasm` into the watched plugins folder to the new version
//! answering. Run: `cargo bench -p mailbot --bench plugins`.
//!
//! - `hook/<plugin>/wasm-4KB`: `escalation-rules`' `escalate` and
//!   `contact-collector`'s `collect-contact` on a 4 KB customer message
//!   (parsed by the host's mail core and turned into the WIT record exactly
//!   as the pipeline does), with the grants the default chain gets. Each
//!   call makes a fresh instance, lowers the message into it, runs the hook
//!   and serialises the answer into the decision record.
//! - `hook/<plugin>/native-4KB`: the plugin crate linked natively (the SDK's
//!   `testing` double serves the imports) called with the same message as
//!   SDK types: the plugin's own logic alone.
//! - `hook/<plugin>/wasm-tiny`, `native-tiny`: the same on a two-word
//!   message; their difference is the runtime's per-call cost (fresh
//!   instance, imports, crossing the boundary) plus whatever the plugin
//!   redoes in every fresh instance that a native process does once (lazily
//!   compiled regexes).
//! - `hook/runtime-floor/wasm-*`: `contact-collector` with every source
//!   turned off (it reads three settings and answers none): the fresh
//!   instance, the imports and the boundary crossing with next to no logic.
//! - `reload/load_file`: compile (on-disk compile cache enabled and missed,
//!   as in `mailbot serve`), link and describe a changed component.
//! - `reload/watched`: replace the file in a folder watched by
//!   `watch_plugins_dir` (write a temp file, rename it over the old one, as
//!   a deploy does), poll `registry.get` until the content hash changes,
//!   then call the hook once on the new version. Each iteration writes a
//!   new build: the shipped component with a custom section carrying a
//!   build number appended, so the hash changes and every reload compiles.

use std::collections::BTreeMap;
use std::hint::black_box;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use criterion::{Criterion, SamplingMode, criterion_group, criterion_main};
use mailbot::mail::parse::{ParseLimits, parse};
use mailbot::pipeline::records;
use mailbot::plugins::types as wit;
use mailbot::plugins::{
    CallScope, EngineLimits, Grants, HostServices, PluginBinding, PluginEngine, PluginRegistry,
    PolicyChain, SHIPPED_PLUGINS, load_shipped, watch_plugins_dir,
};
use mailbot_guest::Plugin as _;
use mailbot_plugin_contact_collector::ContactCollector;
use mailbot_plugin_escalation_rules::EscalationRules;

const INBOX: &str = "support@shop.example";

/// A calm plain-text customer message of about 4 KB (headers included):
/// several paragraphs about an order, a sign-off and a signature block.
fn customer_mail_4kb() -> Vec<u8> {
    let paragraph = "I ordered a pair of walking boots (order 4711) two weeks ago and the \
        tracking page has said \"label created\" ever since. Could you tell me whether the \
        parcel has left your warehouse, and which carrier will bring it? I am travelling at \
        the end of the month and would like to plan around the delivery.\r\n\r\n";
    let mut raw = String::from(
        "From: Jane Doe <jane.doe@customer.example>\r\nTo: support@shop.example\r\n\
         Subject: Where is my order 4711?\r\nMessage-ID: <bench-4k@customer.example>\r\n\
         Date: Mon, 23 Nov 2026 10:00:00 +0000\r\nMIME-Version: 1.0\r\n\
         Content-Type: text/plain; charset=utf-8\r\n\r\nHello,\r\n\r\n",
    );
    let signature = "Best regards,\r\nJane Doe\r\nCustomer Example Ltd\r\n+44 20 7946 0958\r\n";
    while raw.len() + paragraph.len() + signature.len() <= 4096 {
        raw.push_str(paragraph);
    }
    raw.push_str(signature);
    raw.into_bytes()
}

/// A two-word message: the runtime's per-call floor.
fn customer_mail_tiny() -> Vec<u8> {
    b"From: Jane Doe <jane.doe@customer.example>\r\nTo: support@shop.example\r\n\
      Subject: Hi\r\nMessage-ID: <bench-tiny@customer.example>\r\n\r\nHello there\r\n"
        .to_vec()
}

/// The WIT record the pipeline hands to plugins for `raw`.
fn wit_message(raw: &[u8]) -> wit::Message {
    let mail = parse(raw, &ParseLimits::default()).expect("the bench message parses");
    records::message("bench", &mail, INBOX, 1_764_000_000_000, false)
}

/// The conversation of a customer's first message (no earlier turns).
fn wit_conversation(msg: &wit::Message) -> wit::Conversation {
    wit::Conversation {
        id: "conv-1".into(),
        customer: msg.from.clone(),
        turns: Vec::new(),
        status: wit::Status::Open,
        priority: wit::Priority::Normal,
        contact: wit::Contact {
            name: None,
            email: None,
            phone: None,
            company: None,
            extra: Vec::new(),
        },
    }
}

fn sdk_address(a: &wit::Address) -> mailbot_guest::Address {
    mailbot_guest::Address {
        name: a.name.clone(),
        email: a.email.clone(),
    }
}

/// The same message as the plugin sees it inside the component once the
/// SDK has lifted it into its own types.
fn sdk_message(m: &wit::Message) -> mailbot_guest::Message {
    mailbot_guest::Message {
        id: m.id.clone(),
        message_id: m.message_id.clone(),
        in_reply_to: m.in_reply_to.clone(),
        references: m.references.clone(),
        from: sdk_address(&m.from),
        reply_to: m.reply_to.as_ref().map(sdk_address),
        to: m.to.iter().map(sdk_address).collect(),
        cc: m.cc.iter().map(sdk_address).collect(),
        delivered_to: m.delivered_to.clone(),
        subject: m.subject.clone(),
        normalized_subject: m.normalized_subject.clone(),
        new_text: m.new_text.clone(),
        quoted_text: m.quoted_text.clone(),
        signature_text: m.signature_text.clone(),
        full_text: m.full_text.clone(),
        html: m.html.clone(),
        headers: m
            .headers
            .iter()
            .map(|h| mailbot_guest::Header {
                name: h.name.clone(),
                value: h.value.clone(),
            })
            .collect(),
        attachments: m
            .attachments
            .iter()
            .map(|a| mailbot_guest::Attachment {
                filename: a.filename.clone(),
                content_type: a.content_type.clone(),
                size: a.size,
                skipped: a.skipped,
                content: a.content.clone(),
            })
            .collect(),
        received_at: m.received_at,
    }
}

fn sdk_conversation(c: &wit::Conversation) -> mailbot_guest::Conversation {
    mailbot_guest::Conversation {
        id: c.id.clone(),
        customer: sdk_address(&c.customer),
        ..mailbot_guest::Conversation::default()
    }
}

fn engine(cache: Option<&Path>) -> Arc<PluginEngine> {
    Arc::new(PluginEngine::new(EngineLimits::default(), cache).expect("the engine starts"))
}

fn scope() -> CallScope {
    CallScope {
        inbox_id: "inbox-1".into(),
        bot_id: "bot-1".into(),
        message_id: Some("bench".into()),
    }
}

/// A one-plugin chain with the grants the shipped default chain gets and
/// the plugin's settings `config`.
fn chain_with(
    registry: &Arc<PluginRegistry>,
    plugin: &str,
    config: &[(&str, &str)],
) -> PolicyChain {
    let binding = PluginBinding {
        plugin: plugin.into(),
        grants: Grants::parse(&["log", "config", "kv", "clock"]).expect("known capabilities"),
        config: Arc::new(
            config
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect::<BTreeMap<_, _>>(),
        ),
    };
    PolicyChain::new(registry.clone(), vec![binding], HostServices::in_memory())
}

/// A one-plugin chain with the default settings.
fn chain(registry: &Arc<PluginRegistry>, plugin: &str) -> PolicyChain {
    chain_with(registry, plugin, &[])
}

fn bench_hooks(c: &mut Criterion) {
    let registry = Arc::new(PluginRegistry::new(engine(None)));
    let errors = load_shipped(&registry);
    assert!(errors.is_empty(), "shipped plugins load: {errors:?}");
    let scope = scope();

    let raw = customer_mail_4kb();
    let msg = wit_message(&raw);
    let conv = wit_conversation(&msg);
    let tiny = wit_message(&customer_mail_tiny());
    let (native_msg, native_conv) = (sdk_message(&msg), sdk_conversation(&conv));
    let native_tiny = sdk_message(&tiny);
    mailbot_guest::testing::clear();

    // Both builds must give the same answer, or the figures compare
    // different work.
    let escalation = chain(&registry, "escalation-rules");
    let wasm = escalation.escalate(&scope, &msg, &conv);
    assert!(wasm.error.is_none(), "{:?}", wasm.error);
    assert!(matches!(wasm.decision, Some(wit::EscalateDecision::Keep)));
    let native = EscalationRules.escalate(&native_msg, &native_conv);
    assert_eq!(native, Ok(mailbot_guest::EscalateDecision::Keep));

    let contacts = chain(&registry, "contact-collector");
    let wasm = contacts.collect_contact(&scope, &msg, &conv);
    assert!(wasm.error.is_none(), "{:?}", wasm.error);
    let wasm_contact = wasm.decision.expect("the wasm build finds the contact");
    let native_contact = ContactCollector
        .collect_contact(&native_msg, &native_conv)
        .expect("collect_contact succeeds")
        .expect("the native build finds the contact");
    assert_eq!(wasm_contact.name, native_contact.name);
    assert_eq!(wasm_contact.phone, native_contact.phone);
    assert_eq!(wasm_contact.company, native_contact.company);

    let mut group = c.benchmark_group("hook/escalation-rules");
    group.bench_function("wasm-4KB", |b| {
        b.iter(|| black_box(escalation.escalate(&scope, black_box(&msg), &conv)))
    });
    group.bench_function("native-4KB", |b| {
        b.iter(|| black_box(EscalationRules.escalate(black_box(&native_msg), &native_conv)))
    });
    group.bench_function("wasm-tiny", |b| {
        b.iter(|| black_box(escalation.escalate(&scope, black_box(&tiny), &conv)))
    });
    group.bench_function("native-tiny", |b| {
        b.iter(|| black_box(EscalationRules.escalate(black_box(&native_tiny), &native_conv)))
    });
    group.finish();

    let mut group = c.benchmark_group("hook/contact-collector");
    group.bench_function("wasm-4KB", |b| {
        b.iter(|| black_box(contacts.collect_contact(&scope, black_box(&msg), &conv)))
    });
    group.bench_function("native-4KB", |b| {
        b.iter(|| black_box(ContactCollector.collect_contact(black_box(&native_msg), &native_conv)))
    });
    group.bench_function("wasm-tiny", |b| {
        b.iter(|| black_box(contacts.collect_contact(&scope, black_box(&tiny), &conv)))
    });
    group.bench_function("native-tiny", |b| {
        b.iter(|| {
            black_box(ContactCollector.collect_contact(black_box(&native_tiny), &native_conv))
        })
    });
    group.finish();

    // The runtime's own cost: contact-collector with every source turned
    // off reads its three settings and answers none without looking at the
    // message, so what remains is the fresh instance, four imported calls,
    // the message crossing the boundary and the decision record.
    let floor = chain_with(
        &registry,
        "contact-collector",
        &[
            ("from-header", "false"),
            ("signature", "false"),
            ("phrases", "false"),
        ],
    );
    let answer = floor.collect_contact(&scope, &msg, &conv);
    assert!(
        answer.error.is_none() && answer.decision.is_none(),
        "{answer:?}"
    );
    let mut group = c.benchmark_group("hook/runtime-floor");
    group.bench_function("wasm-4KB", |b| {
        b.iter(|| black_box(floor.collect_contact(&scope, black_box(&msg), &conv)))
    });
    group.bench_function("wasm-tiny", |b| {
        b.iter(|| black_box(floor.collect_contact(&scope, black_box(&tiny), &conv)))
    });
    group.finish();
}

/// The shipped component of `name`.
fn shipped(name: &str) -> &'static [u8] {
    SHIPPED_PLUGINS
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, bytes)| *bytes)
        .unwrap_or_else(|| panic!("{name} ships"))
}

/// `component` with a custom section `mailbot-bench-build` holding `build`
/// appended: the same code under a new content hash, as a rebuild gives.
fn rebuilt(component: &[u8], build: u64) -> Vec<u8> {
    fn leb128(out: &mut Vec<u8>, mut n: usize) {
        loop {
            let byte = (n & 0x7f) as u8;
            n >>= 7;
            if n == 0 {
                out.push(byte);
                return;
            }
            out.push(byte | 0x80);
        }
    }
    let name = b"mailbot-bench-build";
    let mut section = Vec::new();
    leb128(&mut section, name.len());
    section.extend_from_slice(name);
    section.extend_from_slice(&build.to_le_bytes());
    let mut out = component.to_vec();
    out.push(0); // custom section id
    leb128(&mut out, section.len());
    out.extend_from_slice(&section);
    out
}

/// Replaces `to` atomically, as a deploy does: write beside it, rename over.
fn deploy(bytes: &[u8], to: &Path) {
    let tmp = to.with_extension("partial");
    std::fs::write(&tmp, bytes).expect("write the new build");
    std::fs::rename(&tmp, to).expect("rename it into place");
}

fn bench_reload(c: &mut Criterion) {
    let original = shipped("escalation-rules");
    let msg = wit_message(&customer_mail_4kb());
    let conv = wit_conversation(&msg);
    let scope = scope();
    let mut build = 0u64;
    let mut next_build = || {
        build += 1;
        rebuilt(original, build)
    };

    let mut group = c.benchmark_group("reload");
    group
        .sample_size(10)
        .sampling_mode(SamplingMode::Flat)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(20));

    // Compile (cache miss, then stored as `mailbot serve` does), link and
    // describe, without the watcher.
    let cache = tempfile::tempdir().expect("tempdir");
    let registry = PluginRegistry::new(engine(Some(cache.path())));
    let files = tempfile::tempdir().expect("tempdir");
    let file = files.path().join("escalation-rules.wasm");
    group.bench_function("load_file", |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                std::fs::write(&file, next_build()).expect("write");
                let started = Instant::now();
                let loaded = registry.load_file(&file).expect("the new build loads");
                total += started.elapsed();
                assert!(!loaded.from_cache, "every build is new to the cache");
            }
            total
        })
    });

    // The whole hot reload: file replaced → watcher → compile → swap → the
    // new version answers a hook call.
    let cache = tempfile::tempdir().expect("tempdir");
    let registry = Arc::new(PluginRegistry::new(engine(Some(cache.path()))));
    let dir = tempfile::tempdir().expect("tempdir");
    let _watcher = watch_plugins_dir(registry.clone(), dir.path()).expect("watch the folder");
    let file = dir.path().join("escalation-rules.wasm");
    let chain = chain(&registry, "escalation-rules");
    let serving =
        |registry: &PluginRegistry| registry.get("escalation-rules").map(|p| p.hash.clone());
    deploy(&next_build(), &file);
    wait_until(|| serving(&registry).is_some());
    group.bench_function("watched", |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                let before = serving(&registry);
                let bytes = next_build();
                let started = Instant::now();
                deploy(&bytes, &file);
                wait_until(|| serving(&registry) != before);
                let answer = chain.escalate(&scope, &msg, &conv);
                total += started.elapsed();
                let record = answer.records.first().expect("the new version was asked");
                assert_eq!(Some(&record.hash), serving(&registry).as_ref());
                assert!(answer.error.is_none(), "{:?}", answer.error);
            }
            total
        })
    });
    group.finish();
}

/// Polls `done` every 1 ms, for at most a minute.
fn wait_until(mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while !done() {
        assert!(Instant::now() < deadline, "no reload within 60 s");
        std::thread::sleep(Duration::from_millis(1));
    }
}

criterion_group!(benches, bench_hooks, bench_reload);
criterion_main!(benches);
