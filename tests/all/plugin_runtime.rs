//! The plugin sandbox and hot reload, with real components built from
//! tests/guests and plugins/ by the build scripts.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use mailbot::plugins::types::{Address, Inbox, Message, RouteDecision};
use mailbot::plugins::{
    CallScope, Capability, EngineLimits, Grants, HostServices, LoadError, PluginBinding,
    PluginEngine, PluginErrorKind, PluginRegistry, PolicyChain, ReloadEvent, watch_plugins_dir,
};

fn engine(cache: Option<&Path>) -> Arc<PluginEngine> {
    let limits = EngineLimits {
        deadline: Duration::from_millis(300),
        max_memory: 16 << 20,
        max_instances: 32,
    };
    Arc::new(PluginEngine::new(limits, cache).expect("engine starts"))
}

fn registry() -> Arc<PluginRegistry> {
    Arc::new(PluginRegistry::new(engine(None)))
}

pub fn sample_message(body: &str) -> Message {
    let from = Address {
        name: Some("Jane Doe".into()),
        email: "jane@example.com".into(),
    };
    Message {
        id: "m1".into(),
        message_id: Some("abc@example.com".into()),
        in_reply_to: None,
        references: vec![],
        from,
        reply_to: None,
        to: vec![Address {
            name: None,
            email: "support@acme.test".into(),
        }],
        cc: vec![],
        delivered_to: "support@acme.test".into(),
        subject: "Order 1234".into(),
        normalized_subject: "Order 1234".into(),
        new_text: body.into(),
        quoted_text: String::new(),
        signature_text: String::new(),
        full_text: body.into(),
        html: None,
        headers: vec![],
        attachments: vec![],
        received_at: 0,
    }
}

pub fn sample_inbox() -> Inbox {
    Inbox {
        id: "inbox-1".into(),
        name: "ACME Support".into(),
        address: "support@acme.test".into(),
    }
}

fn scope() -> CallScope {
    CallScope {
        inbox_id: "inbox-1".into(),
        bot_id: "bot-1".into(),
        message_id: Some("m1".into()),
    }
}

fn chain(registry: &Arc<PluginRegistry>, plugin: &str, grants: Grants) -> PolicyChain {
    let binding = PluginBinding {
        plugin: plugin.into(),
        grants,
        config: Arc::new(BTreeMap::new()),
    };
    PolicyChain::new(registry.clone(), vec![binding], HostServices::in_memory())
}

fn load(registry: &PluginRegistry, path: &str) -> String {
    registry
        .load_file(Path::new(path))
        .unwrap_or_else(|e| panic!("{e}"))
        .name
        .clone()
}

#[test]
fn runaway_plugin_is_stopped_at_its_deadline_and_the_next_call_succeeds() {
    let registry = registry();
    let runaway = load(&registry, env!("GUEST_RUNAWAY"));
    let echo = load(&registry, env!("GUEST_ECHO_VERSION"));
    let msg = sample_message("hello");

    let outcome = chain(&registry, &runaway, Grants::NONE).route(&scope(), &msg, &sample_inbox());
    let error = outcome.error.expect("the runaway call fails");
    assert_eq!(error.kind, PluginErrorKind::Deadline(300));
    assert_eq!(error.plugin, runaway);
    assert_eq!(error.hook, mailbot::plugins::Hook::Route);

    let next = chain(&registry, &echo, Grants::NONE).route(&scope(), &msg, &sample_inbox());
    assert!(next.error.is_none(), "{:?}", next.error);
    assert!(matches!(next.decision, Some(RouteDecision::Handle(_))));
}

#[test]
fn memory_hungry_plugin_is_stopped_at_its_cap() {
    let registry = registry();
    let hog = load(&registry, env!("GUEST_MEMORY_HOG"));
    let outcome =
        chain(&registry, &hog, Grants::NONE).route(&scope(), &sample_message("x"), &sample_inbox());
    let error = outcome.error.expect("the hog fails");
    assert_eq!(
        error.kind,
        PluginErrorKind::MemoryLimit(16 << 20),
        "{error}"
    );
    assert!(error.to_string().contains(&hog), "{error}");
}

#[test]
fn trapping_plugin_yields_a_typed_error_naming_plugin_and_hook() {
    let registry = registry();
    let trapper = load(&registry, env!("GUEST_TRAPPER"));
    let outcome = chain(&registry, &trapper, Grants::NONE).route(
        &scope(),
        &sample_message("x"),
        &sample_inbox(),
    );
    let error = outcome.error.expect("the trapper fails");
    assert!(matches!(error.kind, PluginErrorKind::Trap(_)), "{error}");
    let text = error.to_string();
    assert!(text.contains(&trapper) && text.contains("route"), "{text}");
    assert_eq!(outcome.records.len(), 1, "the failure is recorded");
    assert!(
        !outcome.records[0].hash.is_empty(),
        "the record names the version"
    );
}

#[test]
fn plugin_without_a_grant_cannot_call_kv() {
    let registry = registry();
    let kv_user = load(&registry, env!("GUEST_KV_USER"));
    let msg = sample_message("x");

    let denied = chain(&registry, &kv_user, Grants::NONE).route(&scope(), &msg, &sample_inbox());
    match denied.decision {
        Some(RouteDecision::Drop(reason)) => assert!(
            reason.contains("denied") || reason.contains("not granted"),
            "{reason}"
        ),
        other => panic!("expected the kv call to be denied, got {other:?}"),
    }

    let granted = chain(&registry, &kv_user, Grants::NONE.with(Capability::Kv)).route(
        &scope(),
        &msg,
        &sample_inbox(),
    );
    assert!(
        matches!(granted.decision, Some(RouteDecision::Handle(_))),
        "{:?}",
        granted.decision
    );
}

#[test]
fn every_shipped_plugin_loads_and_describes_itself() {
    let registry = registry();
    for (name, bytes) in mailbot::plugins::SHIPPED_PLUGINS {
        let plugin = registry
            .load_builtin(name, bytes)
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(&plugin.name, name);
        assert!(!plugin.hooks.is_empty(), "{name} implements no hook");
    }
}

#[test]
fn a_core_module_or_garbage_is_rejected_with_a_sentence() {
    let registry = registry();
    let dir = tempfile::tempdir().expect("tempdir");
    let core = dir.path().join("core.wasm");
    std::fs::write(&core, b"\0asm\x01\0\0\0").expect("write");
    let garbage = dir.path().join("garbage.wasm");
    std::fs::write(&garbage, b"hello, world").expect("write");

    let e = registry.load_file(&core).expect_err("core module refused");
    assert!(
        matches!(e, LoadError::NotAComponent { .. }) && e.to_string().contains("not a component"),
        "{e}"
    );
    let e = registry.load_file(&garbage).expect_err("garbage refused");
    assert!(e.to_string().contains("not a WebAssembly file"), "{e}");
    assert_eq!(registry.errors().len(), 2, "both errors are visible");
}

#[test]
fn a_restart_loads_from_the_compile_cache() {
    let cache = tempfile::tempdir().expect("tempdir");
    let first = PluginRegistry::new(engine(Some(cache.path())));
    let plugin = first
        .load_file(Path::new(env!("GUEST_ECHO_VERSION")))
        .expect("loads");
    assert!(!plugin.from_cache, "first load compiles");
    drop(first);

    let second = PluginRegistry::new(engine(Some(cache.path())));
    let plugin = second
        .load_file(Path::new(env!("GUEST_ECHO_VERSION")))
        .expect("loads");
    assert!(plugin.from_cache, "second load comes from the cache");
    let registry = Arc::new(second);
    let outcome = chain(&registry, &plugin.name, Grants::NONE).route(
        &scope(),
        &sample_message("x"),
        &sample_inbox(),
    );
    assert!(outcome.error.is_none(), "{:?}", outcome.error);
}

fn wait_for_event(
    events: &mut tokio::sync::broadcast::Receiver<ReloadEvent>,
    mut want: impl FnMut(&ReloadEvent) -> bool,
) -> ReloadEvent {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        match events.try_recv() {
            Ok(event) if want(&event) => return event,
            Ok(_) => {}
            Err(tokio::sync::broadcast::error::TryRecvError::Empty) => {
                assert!(Instant::now() < deadline, "no reload event within 60 s");
                std::thread::sleep(Duration::from_millis(5));
            }
            Err(e) => panic!("reload events: {e}"),
        }
    }
}

fn replace_file(from: &str, to: &Path) {
    let tmp = to.with_extension("partial");
    std::fs::copy(from, &tmp).expect("copy");
    std::fs::rename(&tmp, to).expect("rename");
}

#[test]
fn hot_reload_swaps_a_changed_plugin_while_calls_run_with_zero_failed_calls() {
    let registry = registry();
    let dir = tempfile::tempdir().expect("tempdir");
    let watcher = watch_plugins_dir(registry.clone(), dir.path()).expect("watch");
    let mut events = watcher.subscribe();
    let file = dir.path().join("echo.wasm");
    replace_file(env!("GUEST_ECHO_VERSION"), &file);
    wait_for_event(&mut events, |e| matches!(e, ReloadEvent::Loaded { .. }));
    let name = registry.list()[0].name.clone();

    let stop = Arc::new(AtomicBool::new(false));
    let failed = Arc::new(AtomicUsize::new(0));
    let answered_v2 = Arc::new(AtomicUsize::new(0));
    let callers: Vec<_> = (0..2)
        .map(|_| {
            let chain = chain(&registry, &name, Grants::NONE);
            let (stop, failed, answered_v2) = (stop.clone(), failed.clone(), answered_v2.clone());
            std::thread::spawn(move || {
                let mut calls = 0;
                while !stop.load(Ordering::Relaxed) {
                    let outcome = chain.route(&scope(), &sample_message("x"), &sample_inbox());
                    calls += 1;
                    match outcome.decision {
                        Some(RouteDecision::Handle(v)) if v == "v2.0.0" => {
                            answered_v2.fetch_add(1, Ordering::Relaxed);
                        }
                        Some(RouteDecision::Handle(v)) if v == "v1.0.0" => {}
                        _ => {
                            failed.fetch_add(1, Ordering::Relaxed);
                        }
                    }
                }
                calls
            })
        })
        .collect();

    std::thread::sleep(Duration::from_millis(100));
    replace_file(env!("GUEST_ECHO_VERSION_2"), &file);
    match wait_for_event(&mut events, |e| !matches!(e, ReloadEvent::Removed { .. })) {
        ReloadEvent::Loaded { name: loaded, .. } => assert_eq!(loaded, name),
        other => panic!("expected the new version to load, got {other:?}"),
    }
    let deadline = Instant::now() + Duration::from_secs(10);
    while answered_v2.load(Ordering::Relaxed) < 10 {
        assert!(Instant::now() < deadline, "the new version never answered");
        std::thread::sleep(Duration::from_millis(5));
    }
    stop.store(true, Ordering::Relaxed);
    let calls: usize = callers.into_iter().map(|c| c.join().expect("caller")).sum();
    assert!(calls > 10, "calls ran during the reload ({calls})");
    assert_eq!(
        failed.load(Ordering::Relaxed),
        0,
        "no call failed during the swap"
    );
    assert_eq!(registry.get(&name).expect("serving").version, "2.0.0");
}

#[test]
fn a_broken_replacement_leaves_the_old_version_serving() {
    let registry = registry();
    let dir = tempfile::tempdir().expect("tempdir");
    let watcher = watch_plugins_dir(registry.clone(), dir.path()).expect("watch");
    let mut events = watcher.subscribe();
    let file = dir.path().join("echo.wasm");
    replace_file(env!("GUEST_ECHO_VERSION"), &file);
    wait_for_event(&mut events, |e| matches!(e, ReloadEvent::Loaded { .. }));
    let before = registry.list()[0].clone();

    std::fs::write(&file, b"\0asm\x0d\0\x01\0this is not a component").expect("write");
    match wait_for_event(&mut events, |e| !matches!(e, ReloadEvent::Removed { .. })) {
        ReloadEvent::Rejected(e) => assert!(e.to_string().contains("echo.wasm"), "{e}"),
        other => panic!("expected a rejection, got {other:?}"),
    }
    let serving = registry.get(&before.name).expect("still serving");
    assert_eq!(serving.hash, before.hash, "the old version keeps serving");
    assert_eq!(registry.errors().len(), 1, "the rejection stays visible");
    let outcome = chain(&registry, &before.name, Grants::NONE).route(
        &scope(),
        &sample_message("x"),
        &sample_inbox(),
    );
    assert!(matches!(outcome.decision, Some(RouteDecision::Handle(v)) if v == "v1.0.0"));
}
