//! The `mailbot` command line as a user runs it: `inspect`, `policy run`
//! and `check`, including the errors a user meets (one sentence, non-zero
//! exit, no panic).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use crate::support::{Dovecot, MailRelay, config_text};

fn mailbot(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_mailbot-under-test"))
        .args(args)
        .env("MAILBOT_LOG", "off")
        .output()
        .expect("run mailbot")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// A file of the shared corpus (../shared beside the checkout).
fn corpus(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/corpus")
        .join(path)
}

/// Asserts a failed run said one `mailbot: ...` sentence and did not panic.
fn assert_one_line_error(output: &Output, needle: &str) {
    let err = stderr(output);
    assert!(!output.status.success(), "must fail: {err}");
    assert!(
        err.starts_with("mailbot: ") && err.contains(needle),
        "{err}"
    );
    assert_eq!(err.trim_end().lines().count(), 1, "one line: {err}");
    assert!(!err.contains("panicked"), "{err}");
}

/// The entry of `policy run --json` output for `name`.
fn hook<'a>(json: &'a serde_json::Value, name: &str) -> &'a serde_json::Value {
    json["hooks"]
        .as_array()
        .expect("a hooks list")
        .iter()
        .find(|h| h["hook"] == name)
        .unwrap_or_else(|| panic!("no {name} hook in {json}"))
}

#[test]
fn inspect_whose_reader_goes_away_ends_quietly() {
    // `mailbot inspect big.eml | head`: the output is larger than a pipe
    // holds, and the reader is gone before it is written.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("big.eml");
    let body = "A long line of the customer's story, told at length.\r\n".repeat(4_000);
    std::fs::write(
        &file,
        format!("From: a@example.net\r\nTo: b@example.com\r\nSubject: Long\r\n\r\n{body}"),
    )
    .unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_mailbot-under-test"))
        .args(["inspect", "--json", file.to_str().unwrap()])
        .env("MAILBOT_LOG", "off")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("run mailbot");
    drop(child.stdout.take());
    let output = child.wait_with_output().expect("mailbot ends");
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(stderr(&output).is_empty(), "{}", stderr(&output));
}

#[test]
fn inspect_json_prints_one_object_with_what_mailbot_sees() {
    let output = mailbot(&[
        "inspect",
        "--json",
        corpus("reply-text/talon/android.eml").to_str().unwrap(),
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    let json: serde_json::Value = serde_json::from_str(&stdout(&output)).expect("one JSON object");
    for key in [
        "message_id",
        "from",
        "subject",
        "new_text",
        "quoted_text",
        "signature",
        "attachments",
        "screen",
        "bounce",
        "thread",
    ] {
        assert!(json.get(key).is_some(), "missing `{key}` in {json}");
    }
    assert_eq!(json["screen"]["verdict"], "reply");
    assert!(json["bounce"].is_null());
    let expected =
        std::fs::read_to_string(corpus("reply-text/talon/android.expected.txt")).unwrap();
    assert_eq!(json["new_text"].as_str().unwrap().trim(), expected.trim());
}

#[test]
fn inspect_of_a_bounce_names_the_failed_recipient() {
    let output = mailbot(&[
        "inspect",
        "--json",
        corpus("screening/skip/rfc3464-01.eml").to_str().unwrap(),
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    let json: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(json["screen"]["verdict"], "skip", "{json}");
    assert!(
        !json["bounce"]["recipients"]
            .as_array()
            .expect("recipients")
            .is_empty(),
        "{json}"
    );
}

#[test]
fn inspect_of_a_missing_file_is_a_one_line_error() {
    assert_one_line_error(
        &mailbot(&["inspect", "/nonexistent/mail.eml"]),
        "/nonexistent/mail.eml",
    );
}

#[test]
fn policy_run_reports_each_hook_with_the_deciding_plugin_and_its_hash() {
    let dir = tempfile::tempdir().unwrap();
    let message = dir.path().join("m.eml");
    std::fs::write(
        &message,
        "From: Jane <jane@example.com>\r\nTo: s@example.com\r\nSubject: Hi\r\n\r\nHello\r\n",
    )
    .unwrap();
    let output = mailbot(&[
        "policy",
        "run",
        "--plugin",
        env!("GUEST_ECHO_VERSION"),
        "--json",
        message.to_str().unwrap(),
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    let json: serde_json::Value = serde_json::from_str(&stdout(&output)).expect("one JSON object");
    assert_eq!(json["plugins"][0]["name"], "echo-version", "{json}");
    let hash = json["plugins"][0]["hash"].as_str().expect("hash");
    let route = hook(&json, "route");
    assert!(route["decision"].to_string().contains("v1.0.0"), "{route}");
    assert_eq!(route["calls"][0]["hash"].as_str(), Some(hash), "{route}");
}

#[test]
fn policy_run_with_a_bad_plugin_file_is_a_one_line_error() {
    let dir = tempfile::tempdir().unwrap();
    let message = dir.path().join("m.eml");
    std::fs::write(&message, "Subject: Hi\r\n\r\nHello\r\n").unwrap();
    let missing = mailbot(&[
        "policy",
        "run",
        "--plugin",
        "/nonexistent/p.wasm",
        message.to_str().unwrap(),
    ]);
    assert_one_line_error(&missing, "/nonexistent/p.wasm");
    let garbage = dir.path().join("garbage.wasm");
    std::fs::write(&garbage, b"not a component").unwrap();
    let output = mailbot(&[
        "policy",
        "run",
        "--plugin",
        garbage.to_str().unwrap(),
        message.to_str().unwrap(),
    ]);
    assert!(!output.status.success());
    assert!(
        stderr(&output).contains("garbage.wasm") && !stderr(&output).contains("panicked"),
        "{}",
        stderr(&output)
    );
}

#[tokio::test]
async fn check_signs_in_to_every_mailbox_and_names_the_failing_account_and_protocol() {
    let dovecot = Dovecot::start();
    dovecot.add_user("good@example.com", "right");
    dovecot.add_user("bad@example.com", "right");
    let relay = MailRelay::start(&dovecot).await;
    let dir = tempfile::tempdir().unwrap();
    let body = format!(
        r#"
[[channels]]
name = "two"
address = "good@example.com,bad@example.com"
password = "right,wrong"
imap_server = "127.0.0.1"
imap_port = "{}"
imap_security = "plain"
smtp_server = "127.0.0.1"
smtp_port = "{}"
smtp_security = "plain"
"#,
        dovecot.imap_port(),
        relay.port()
    );
    let config = dir.path().join("mailbot.toml");
    std::fs::write(&config, config_text(dir.path(), &body)).unwrap();
    let output = tokio::task::spawn_blocking(move || {
        mailbot(&["check", "--config", config.to_str().unwrap()])
    })
    .await
    .unwrap();
    let out = stdout(&output);
    assert!(
        !output.status.success(),
        "a failed sign-in fails the check: {out}"
    );
    assert!(
        out.lines()
            .any(|l| l.starts_with("ok") && l.contains("imap good@example.com")),
        "{out}"
    );
    assert!(
        out.lines()
            .any(|l| l.starts_with("ok") && l.contains("smtp good@example.com")),
        "{out}"
    );
    let failed = out
        .lines()
        .find(|l| l.starts_with("FAIL"))
        .unwrap_or_else(|| panic!("{out}"));
    assert!(
        failed.contains("bad@example.com") && failed.to_lowercase().contains("imap"),
        "{failed}"
    );
    assert!(
        !out.contains("wrong") && !stderr(&output).contains("wrong"),
        "the password is never printed: {out}"
    );
}

#[test]
fn plugin_new_scaffolds_a_crate_that_builds_to_a_component_policy_run_loads() {
    let dir = tempfile::tempdir().unwrap();
    let new = mailbot(&[
        "plugin",
        "new",
        "unsubscribe-dropper",
        "--dir",
        dir.path().to_str().unwrap(),
    ]);
    assert!(new.status.success(), "{}", stderr(&new));
    let crate_dir = dir.path().join("unsubscribe-dropper");
    assert!(crate_dir.join("src/lib.rs").is_file(), "{}", stdout(&new));

    // The nested cargo build keeps its artifacts in the workspace's target
    // folder, so a second run of the suite does not compile the SDK again.
    let target = Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/plugin-scaffold");
    let build = Command::new(env!("CARGO_BIN_EXE_mailbot-under-test"))
        .args(["plugin", "build", crate_dir.to_str().unwrap()])
        .env("MAILBOT_LOG", "off")
        .env("CARGO_TARGET_DIR", &target)
        .output()
        .expect("run mailbot");
    assert!(build.status.success(), "{}", stderr(&build));
    let wasm = stdout(&build).trim().to_owned();
    assert!(
        wasm.ends_with(".wasm") && Path::new(&wasm).is_file(),
        "{wasm}"
    );

    let message = dir.path().join("m.eml");
    std::fs::write(
        &message,
        "From: Jane <jane@example.com>\r\nTo: s@example.com\r\n\
         Subject: Please unsubscribe me\r\n\r\nThanks\r\n",
    )
    .unwrap();
    let run = mailbot(&[
        "policy",
        "run",
        "--plugin",
        &wasm,
        "--json",
        message.to_str().unwrap(),
    ]);
    assert!(run.status.success(), "{}", stderr(&run));
    let json: serde_json::Value = serde_json::from_str(&stdout(&run)).expect("one JSON object");
    assert_eq!(json["plugins"][0]["name"], "unsubscribe-dropper", "{json}");
    let route = hook(&json, "route");
    assert!(
        route["decision"].to_string().contains("unsubscribe"),
        "the scaffold's route drops the message: {route}"
    );
}
