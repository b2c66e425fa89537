//! Configuration tests: defaults, overrides, and problems reported together.

use std::io::Write;

use super::*;

fn load_text(text: &str, env: &[(&str, &str)]) -> Result<Config, ConfigError> {
    let mut file = tempfile::NamedTempFile::new().expect("temp file");
    file.write_all(text.as_bytes()).expect("write");
    Config::load(Some(file.path()), &EnvOverrides::from_pairs(env))
}

#[test]
fn the_built_in_defaults_are_a_valid_configuration() {
    let config = Config::load(None, &EnvOverrides::default()).expect("defaults load");
    assert_eq!(config.inboxes.len(), 1);
    assert_eq!(config.inboxes[0].address, "support@localhost");
    assert!(config.smtp_in.is_some());
    assert_eq!(config.inboxes[0].plugins.len(), 4, "the shipped chain");
}

#[test]
fn the_shipped_chain_acknowledges_in_the_inbox_s_name() {
    let config = load_text(
        "[[bots]]\nname = \"b\"\n[[inboxes]]\nname = \"Acme support\"\nslug = \"help\"\nbot = \"b\"\n\
         [smtp_in]\nlisten = \"127.0.0.1:0\"\ndomain = \"in.example\"\n",
        &[],
    )
    .expect("loads");
    let reply = config.inboxes[0]
        .plugins
        .iter()
        .find(|p| p.name == "template-reply")
        .expect("the acknowledgement");
    assert_eq!(
        reply.config.get("inbox-name").map(String::as_str),
        Some("Acme support")
    );
}

#[test]
fn unknown_keys_and_other_problems_are_reported_together() {
    let err = load_text(
        r#"
[server]
colour = "blue"
[[bots]]
name = "b"
[[inboxes]]
name = "x"
slug = "x"
bot = "nobody"
[[channels]]
name = "c"
address = "a@example.com"
password = "pw"
imap_server = "imap.example.com"
imap_sever = "typo"
"#,
        &[("CHECK_INTERVAL", "soon")],
    )
    .expect_err("invalid");
    let text = err.to_string();
    for needle in [
        "server.colour",
        "channels.0.imap_sever",
        "unknown bot `nobody`",
        "no [smtp_in]",
        "CHECK_INTERVAL",
    ] {
        assert!(text.contains(needle), "missing `{needle}` in:\n{text}");
    }
    assert!(err.problems.len() >= 5, "{text}");
}

#[test]
fn environment_variables_override_the_file_defaults() {
    let config = load_text(
        r#"
[defaults]
email_name = "File"
[smtp_in]
listen = "127.0.0.1:2525"
domain = "in.example.com"
[[inboxes]]
name = "x"
slug = "x"
"#,
        &[
            ("EMAIL_NAME", "Env Name"),
            ("MESSAGE_CONTENT_TYPE", "text/html"),
            ("EMAIL_MAX_ATTACHMENT_BYTES", "0"),
            ("SMTP_SIGNATURE", "Regards, {{ sender_name }}"),
        ],
    )
    .expect("valid");
    let inbox = &config.inboxes[0];
    assert_eq!(inbox.address, "x@in.example.com");
    assert_eq!(inbox.email_name.as_deref(), Some("Env Name"));
    assert_eq!(inbox.content_type, ContentType::Html);
    assert_eq!(inbox.max_attachment_bytes, 0);
    let sig = inbox
        .plugins
        .iter()
        .find(|p| p.name == "signature-template")
        .expect("signature plugin");
    assert_eq!(
        sig.config.get("text").map(String::as_str),
        Some("Regards, {{ sender_name }}")
    );
}

#[test]
fn comma_separated_channels_give_one_inbox_per_address_and_hide_secrets() {
    let config = load_text(
        r#"
[[bots]]
name = "b"
[[channels]]
name = "c"
bot = "b"
address = "a@example.com,b@example.com"
password = "hunter2,swordfish"
imap_server = "imap.example.com"
imap_port = 993
"#,
        &[("IMAP_MAILBOX", "Support")],
    )
    .expect("valid");
    assert_eq!(config.inboxes.len(), 2);
    assert!(config.inboxes.iter().all(|i| i.bot.as_deref() == Some("b")));
    assert!(
        config.channels[0]
            .accounts
            .iter()
            .all(|a| a.mailbox == "Support")
    );
    let printed = format!("{config:?}");
    assert!(
        !printed.contains("hunter2") && !printed.contains("swordfish"),
        "secret printed"
    );
}
