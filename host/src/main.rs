//! The `mailbot` binary.

use clap::Parser;

fn main() -> std::process::ExitCode {
    let cli = mailbot::cli::Cli::parse();
    match cli.run() {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("mailbot: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
