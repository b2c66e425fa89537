//! The `mailbot` command line, built inside the test package so tests can
//! run it as a child process (`CARGO_BIN_EXE_mailbot-under-test`) and kill
//! it with SIGKILL.

use clap::Parser;

fn main() -> std::process::ExitCode {
    match mailbot::cli::Cli::parse().run() {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("mailbot: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
