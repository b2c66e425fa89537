//! Mail transports: how mail gets in and out of mailbot.
//!
//! - [`imap`]: an [`imap::ImapWatcher`] per mailbox picks up unread mail and
//!   hands it to an [`imap::InboundSink`]; `\Seen` is set only after the sink
//!   has stored the message.
//! - [`smtp_out`]: [`smtp_out::OutboundSender`]s deliver replies, either to an
//!   SMTP relay ([`smtp_out::SmtpSender`]) or into a folder
//!   ([`smtp_out::FolderSender`]) when no relay is configured.
//! - [`smtp_in`]: an SMTP server for generated addresses; `250` only after the
//!   [`smtp_in::SmtpInHandler`] has stored the message.
//! - [`accounts`] expands user settings into accounts, [`oauth`] obtains
//!   XOAUTH2 tokens, [`lifecycle`] is how channels report status and logs.
//! - [`tls`] and [`stream`] are the TLS setup and the plain-or-TLS stream the
//!   IMAP and SMTP clients share.
//!
//! Data flows transport → store → pipeline: transports know nothing about
//! storage; they call back into traits the host implements.

pub mod accounts;
pub mod imap;
pub mod lifecycle;
pub mod oauth;
pub mod smtp_in;
pub mod smtp_out;
pub mod stream;
pub mod tls;

pub use accounts::{MailAccount, MailAccountConfig, Secret, Security};
pub use lifecycle::{ChannelEvents, ChannelStatus, LogLevel};

/// Mail protocol named in errors.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Protocol {
    /// IMAP (mail pickup).
    Imap,
    /// SMTP (mail submission).
    Smtp,
}

impl std::fmt::Display for Protocol {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Imap => "imap",
            Self::Smtp => "smtp",
        })
    }
}

/// A connection or sign-in problem, naming the account and protocol:
/// `imap jane@example.com: login failed: ...`.
#[derive(Debug, thiserror::Error)]
pub enum TransportError {
    /// TCP or TLS could not be established.
    #[error("{protocol} {account}: connect to {server} failed: {detail}")]
    Connect {
        /// Which protocol.
        protocol: Protocol,
        /// Mailbox address.
        account: String,
        /// `host:port`.
        server: String,
        /// Cause.
        detail: String,
    },
    /// The server refused the credentials (or the OAuth exchange failed).
    #[error("{protocol} {account}: login failed: {detail}")]
    Login {
        /// Which protocol.
        protocol: Protocol,
        /// Mailbox address.
        account: String,
        /// Cause.
        detail: String,
    },
    /// Anything after sign-in: a command failed or the connection dropped.
    #[error("{protocol} {account}: {detail}")]
    Session {
        /// Which protocol.
        protocol: Protocol,
        /// Mailbox address.
        account: String,
        /// Cause.
        detail: String,
    },
    /// The account lacks what this operation needs (e.g. no SMTP server).
    #[error("{protocol} {account}: not configured: {detail}")]
    NotConfigured {
        /// Which protocol.
        protocol: Protocol,
        /// Mailbox address.
        account: String,
        /// What is missing.
        detail: String,
    },
}
