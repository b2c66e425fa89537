//! The `mailbot` command line: serve, check, inspect, and the plugin
//! developer's commands. Errors are sentences, never panics.

/// `println!` for what a command prints: a reader that went away
/// (`mailbot inspect … | head`) ends the output quietly instead of a
/// panic; any other write error is returned.
macro_rules! outln {
    () => {
        $crate::cli::write_out("\n")
    };
    ($($arg:tt)*) => {
        $crate::cli::write_out(&format!("{}\n", format_args!($($arg)*)))
    };
}

mod inspect;
mod plugin_dev;
pub mod policy_run;
mod serve;

use std::path::PathBuf;

use anyhow::Context as _;
use clap::{Parser, Subcommand};

/// mailbot turns any mailbox into an inbox an AI agent answers.
#[derive(Debug, Parser)]
#[command(name = "mailbot", version, about)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the host: answer the configured inboxes until SIGTERM or Ctrl-C.
    Serve {
        /// Configuration file; without it, the built-in default (one
        /// generated inbox on 127.0.0.1:2525, replies to the outbox folder).
        #[arg(long)]
        config: Option<PathBuf>,
    },
    /// Sign in to every configured mailbox over IMAP and SMTP.
    Check {
        /// Configuration file.
        #[arg(long)]
        config: Option<PathBuf>,
    },
    /// Show what mailbot sees in one message.
    Inspect {
        /// The message (`.eml`).
        file: PathBuf,
        /// Print one JSON object.
        #[arg(long)]
        json: bool,
    },
    /// Run policy plugins on a message.
    #[command(subcommand)]
    Policy(PolicyCommand),
    /// Develop plugins.
    #[command(subcommand)]
    Plugin(PluginCommand),
}

#[derive(Debug, Subcommand)]
enum PolicyCommand {
    /// Run every hook of the given plugins, in order, on one message.
    Run {
        /// A plugin component; repeat for a chain, asked in order.
        #[arg(long = "plugin", required = true)]
        plugins: Vec<PathBuf>,
        /// A setting `KEY=VALUE` for every plugin, or `PLUGIN.KEY=VALUE`.
        #[arg(long = "config")]
        settings: Vec<String>,
        /// The message (`.eml`).
        message: PathBuf,
        /// Print one JSON object.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
enum PluginCommand {
    /// Scaffold a plugin crate on the guest SDK.
    New {
        /// Plugin name, e.g. `my-router`.
        name: String,
        /// Folder to create the crate in.
        #[arg(long, default_value = ".")]
        dir: PathBuf,
        /// Path to the guest SDK (mailbot's guest-sdk folder).
        #[arg(long)]
        sdk: Option<PathBuf>,
    },
    /// Build a plugin crate to a component and print its path.
    Build {
        /// The plugin crate's folder.
        #[arg(default_value = ".")]
        dir: PathBuf,
    },
}

impl Cli {
    /// Runs the command; the error is printed by `main` as one sentence.
    pub fn run(self) -> anyhow::Result<()> {
        match self.command {
            Command::Serve { config } => serve::serve(config.as_deref()),
            Command::Check { config } => serve::check(config.as_deref()),
            Command::Inspect { file, json } => inspect::run(&file, json),
            Command::Policy(PolicyCommand::Run {
                plugins,
                settings,
                message,
                json,
            }) => policy_run::run(&plugins, &settings, &message, json),
            Command::Plugin(PluginCommand::New { name, dir, sdk }) => {
                let root = plugin_dev::new_plugin(&name, &dir, sdk.as_deref())?;
                outln!("created {}", root.display())?;
                outln!("build it with: mailbot plugin build {}", root.display())?;
                Ok(())
            }
            Command::Plugin(PluginCommand::Build { dir }) => {
                let wasm = plugin_dev::build_plugin(&dir)?;
                outln!("{}", wasm.display())?;
                Ok(())
            }
        }
    }
}

/// Writes `text` to standard output; a closed pipe is not an error.
fn write_out(text: &str) -> anyhow::Result<()> {
    use std::io::Write as _;
    let mut stdout = std::io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => Ok(other.context("cannot write to standard output")?),
    }
}
