//! The one integration-test binary: each module is a group of tests, and
//! `support` starts the real servers they run against (see its docs).

mod support;

mod cli;
mod crash_safety;
mod plugin_runtime;
mod serve_generated;
mod serve_mailbox;
mod serve_policies;
mod serve_recovery;
mod transport_imap;
mod transport_oauth;
mod transport_smtp;
