//! `mailbot serve` and `mailbot check`: run the host for a configuration,
//! or sign in to every mailbox it names and report each account/protocol.

use std::path::Path;

use anyhow::Context;

use crate::config::{Config, EnvOverrides};
use crate::transport::lifecycle::TracingEvents;
use crate::transport::smtp_out::SmtpSender;

/// Reads the configuration (the built-in default without a file), with the
/// process environment as overrides.
pub fn load_config(path: Option<&Path>) -> anyhow::Result<Config> {
    Ok(Config::load(path, &EnvOverrides::from_process())?)
}

/// Runs the host until SIGTERM or Ctrl-C, then stops gracefully: pickup
/// stops, in-flight steps and deliveries finish, the rest resumes at the
/// next start.
pub fn serve(path: Option<&Path>) -> anyhow::Result<()> {
    init_tracing();
    let config = load_config(path)?;
    let runtime = tokio::runtime::Runtime::new().context("cannot start the async runtime")?;
    runtime.block_on(async {
        let server = crate::server::start(config).await?;
        let shutdown = server.shutdown_token();
        tokio::spawn(async move {
            wait_for_signal().await;
            tracing::info!("shutting down: finishing work in flight");
            shutdown.cancel();
        });
        server.wait().await;
        tracing::info!("stopped");
        anyhow::Ok(())
    })
}

async fn wait_for_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = term.recv() => {}
                    _ = tokio::signal::ctrl_c() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

/// Signs in to every mailbox over IMAP and SMTP and prints one line per
/// account and protocol. Fails when any sign-in failed.
pub fn check(path: Option<&Path>) -> anyhow::Result<()> {
    let config = load_config(path)?;
    let runtime = tokio::runtime::Runtime::new().context("cannot start the async runtime")?;
    let failures = runtime.block_on(async {
        let mut failures = 0;
        let events = std::sync::Arc::new(TracingEvents);
        for channel in &config.channels {
            for account in &channel.accounts {
                match crate::transport::imap::check_login(account, events.as_ref()).await {
                    Ok(()) => outln!("ok    imap {} ({})", account.address, account.imap)?,
                    Err(e) => {
                        failures += 1;
                        outln!("FAIL  {e}")?;
                    }
                }
                let Some(smtp) = &account.smtp else {
                    outln!("skip  smtp {}: no smtp_server (replies use the relay or the outbox folder)", account.address)?;
                    continue;
                };
                let result = match SmtpSender::for_account(account, events.clone()) {
                    Ok(sender) => sender.check_login().await,
                    Err(e) => Err(e),
                };
                match result {
                    Ok(()) => outln!("ok    smtp {} ({smtp})", account.address)?,
                    Err(e) => {
                        failures += 1;
                        outln!("FAIL  {e}")?;
                    }
                }
            }
        }
        if let Some(relay) = &config.relay {
            let mut settings =
                crate::transport::smtp_out::RelayConfig::new(relay.host.clone(), relay.port, relay.security);
            settings.auth = relay.credentials.as_ref().map(|(username, password)| {
                crate::transport::smtp_out::RelayAuth::Password { username: username.clone(), password: password.clone() }
            });
            let result = match SmtpSender::new(settings) {
                Ok(sender) => sender.check_login().await,
                Err(e) => Err(e),
            };
            match result {
                Ok(()) => outln!("ok    smtp relay {}:{}", relay.host, relay.port)?,
                Err(e) => {
                    failures += 1;
                    outln!("FAIL  relay: {e}")?;
                }
            }
        }
        anyhow::Ok(failures)
    })?;
    if config.channels.is_empty() && config.relay.is_none() {
        outln!("no mailboxes or relay configured: nothing to sign in to")?;
    }
    anyhow::ensure!(failures == 0, "{failures} sign-in(s) failed");
    Ok(())
}

fn init_tracing() {
    let filter = tracing_subscriber::EnvFilter::try_from_env("MAILBOT_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}
