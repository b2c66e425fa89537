//! The `mailbot` command line: serve, check, inspect, and the plugin
//! developer's commands. Errors are sentences, never panics.

mod plugin_dev;

use std::path::PathBuf;

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
    /// Develop plugins.
    #[command(subcommand)]
    Plugin(PluginCommand),
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
            Command::Plugin(PluginCommand::New { name, dir, sdk }) => {
                let root = plugin_dev::new_plugin(&name, &dir, sdk.as_deref())?;
                println!("created {}", root.display());
                println!("build it with: mailbot plugin build {}", root.display());
                Ok(())
            }
            Command::Plugin(PluginCommand::Build { dir }) => {
                let wasm = plugin_dev::build_plugin(&dir)?;
                println!("{}", wasm.display());
                Ok(())
            }
        }
    }
}
