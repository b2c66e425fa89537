//! One SMTP session over any byte stream, parsed with `smtp-proto`.
//!
//! Replies are buffered and written when the input buffer has been consumed,
//! so pipelined commands get their replies in one write. Parsing is
//! smtp-proto's; this file only decides what to answer.

use std::borrow::Cow;
use std::io;

use smtp_proto::request::receiver::{DataReceiver, DummyDataReceiver, RequestReceiver};
use smtp_proto::{
    AUTH_PLAIN, EXT_8BIT_MIME, EXT_AUTH, EXT_ENHANCED_STATUS_CODES, EXT_PIPELINING, EXT_SIZE,
    EXT_SMTP_UTF8, EXT_START_TLS, EhloResponse, Request,
};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio_util::sync::CancellationToken;

use super::{SmtpInConfig, SmtpInHandler};

/// Close the connection after this many bad commands.
const MAX_ERRORS: usize = 20;

/// How a session ended.
pub(crate) enum SessionEnd<S> {
    /// QUIT, end of input, timeout, too many errors or shutdown.
    Closed,
    /// The client asked for STARTTLS and got `220`: wrap `S` in TLS and run a
    /// new session over it (any bytes pipelined after STARTTLS were dropped).
    StartTls(S),
}

/// Everything a session needs besides its stream.
pub(crate) struct SessionContext<'a> {
    /// Decides recipients and stores messages.
    pub handler: &'a dyn SmtpInHandler,
    /// Limits and TLS.
    pub config: &'a SmtpInConfig,
    /// Peer address for the Received header and logs.
    pub peer: &'a str,
    /// Whether the stream is already TLS (then STARTTLS is not offered).
    pub tls_active: bool,
    /// Server shutdown: close between commands with 421.
    pub shutdown: &'a CancellationToken,
}

/// What the session is reading.
enum Reading {
    /// Commands.
    Commands,
    /// The message after `354`.
    Data(DataReceiver, Vec<u8>),
    /// The rest of a message already over the size limit.
    Discarding(DummyDataReceiver),
}

/// What a command asks the connection loop to do next.
enum Next {
    Continue,
    Data,
    StartTls,
    Quit,
}

/// The envelope being built.
#[derive(Default)]
struct Transaction {
    /// Name given in EHLO/HELO; commands other than those need it first.
    helo: Option<String>,
    /// Reverse-path once MAIL FROM was accepted (`""` for `<>`).
    mail_from: Option<String>,
    /// Accepted recipients.
    recipients: Vec<String>,
}

impl Transaction {
    fn reset(&mut self) {
        self.mail_from = None;
        self.recipients.clear();
    }
}

fn reply(out: &mut Vec<u8>, code: u16, status: &str, text: &str) {
    out.extend_from_slice(format!("{code} {status} {text}\r\n").as_bytes());
}

/// A DATA receiver that treats the start of the message as the start of a
/// line, so a first line beginning with "." is unstuffed and an immediate
/// ".\r\n" ends an empty message (smtp-proto's fresh receiver does not).
fn data_receiver() -> DataReceiver {
    let mut receiver = DataReceiver::new();
    let mut scratch = Vec::new();
    receiver.ingest(&mut b"\r\n".iter(), &mut scratch);
    receiver
}

fn received_header(ctx: &SessionContext<'_>, helo: &str) -> String {
    let date = time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc2822)
        .unwrap_or_default();
    let with = if ctx.tls_active { "ESMTPS" } else { "ESMTP" };
    format!(
        "Received: from {helo} ([{}])\r\n\tby {} (mailbot) with {with};\r\n\t{date}\r\n",
        ctx.peer, ctx.config.hostname
    )
}

/// Runs one session until it ends. `greet` is false after STARTTLS.
pub(crate) async fn run_session<S>(
    mut stream: S,
    ctx: &SessionContext<'_>,
    greet: bool,
) -> io::Result<SessionEnd<S>>
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    let mut out = Vec::with_capacity(512);
    if greet {
        reply(
            &mut out,
            220,
            "2.0.0",
            &format!("{} ESMTP mailbot", ctx.config.hostname),
        );
        stream.write_all(&out).await?;
        out.clear();
    }
    let mut buf = vec![0u8; 16 * 1024];
    let mut requests = RequestReceiver::default();
    let mut reading = Reading::Commands;
    let mut tx = Transaction::default();
    let mut errors = 0usize;
    loop {
        let read = tokio::select! {
            r = tokio::time::timeout(ctx.config.idle_timeout, stream.read(&mut buf)) => r,
            () = ctx.shutdown.cancelled() => {
                reply(&mut out, 421, "4.3.2", "shutting down, try again later");
                stream.write_all(&out).await.ok();
                return Ok(SessionEnd::Closed);
            }
        };
        let n = match read {
            Err(_elapsed) => {
                reply(&mut out, 421, "4.4.2", "idle too long, closing");
                stream.write_all(&out).await.ok();
                return Ok(SessionEnd::Closed);
            }
            Ok(r) => r?,
        };
        if n == 0 {
            return Ok(SessionEnd::Closed);
        }
        let mut bytes = buf[..n].iter();
        loop {
            match &mut reading {
                Reading::Commands => {
                    let request = match requests.ingest(&mut bytes) {
                        Ok(request) => request.into_owned(),
                        Err(smtp_proto::Error::NeedsMoreData { .. }) => break,
                        Err(e) => {
                            errors += 1;
                            protocol_error(&mut out, &e);
                            if errors >= MAX_ERRORS {
                                reply(&mut out, 421, "4.7.0", "too many errors");
                                stream.write_all(&out).await?;
                                return Ok(SessionEnd::Closed);
                            }
                            continue;
                        }
                    };
                    match command(ctx, &mut tx, request, &mut out).await {
                        Next::Continue => {}
                        Next::Data => reading = Reading::Data(data_receiver(), Vec::new()),
                        Next::Quit => {
                            stream.write_all(&out).await?;
                            stream.shutdown().await.ok();
                            return Ok(SessionEnd::Closed);
                        }
                        Next::StartTls => {
                            stream.write_all(&out).await?;
                            return Ok(SessionEnd::StartTls(stream));
                        }
                    }
                }
                Reading::Data(receiver, message) => {
                    let done = receiver.ingest(&mut bytes, message);
                    if message.len() > ctx.config.max_message_size {
                        reading = if done {
                            reply(&mut out, 552, "5.3.4", "message too big");
                            tx.reset();
                            Reading::Commands
                        } else {
                            Reading::Discarding(DummyDataReceiver::new_data(receiver))
                        };
                        continue;
                    }
                    if !done {
                        break;
                    }
                    let raw = std::mem::take(message);
                    reading = Reading::Commands;
                    deliver(ctx, &mut tx, raw, &mut out).await;
                }
                Reading::Discarding(receiver) => {
                    if !receiver.ingest(&mut bytes) {
                        break;
                    }
                    reply(&mut out, 552, "5.3.4", "message too big");
                    tx.reset();
                    reading = Reading::Commands;
                }
            }
        }
        if !out.is_empty() {
            stream.write_all(&out).await?;
            out.clear();
        }
    }
}

fn protocol_error(out: &mut Vec<u8>, error: &smtp_proto::Error) {
    use smtp_proto::Error as E;
    match error {
        E::UnknownCommand => reply(out, 500, "5.5.1", "unknown command"),
        E::InvalidSenderAddress => reply(out, 501, "5.1.7", "invalid sender address"),
        E::InvalidRecipientAddress => reply(out, 501, "5.1.3", "invalid recipient address"),
        E::SyntaxError { syntax } => reply(out, 501, "5.5.2", &format!("syntax: {syntax}")),
        E::InvalidParameter { param } => {
            reply(out, 501, "5.5.4", &format!("invalid parameter {param}"))
        }
        E::UnsupportedParameter { param } => {
            reply(out, 504, "5.5.4", &format!("unsupported parameter {param}"))
        }
        E::ResponseTooLong => reply(out, 500, "5.5.2", "line too long"),
        E::NeedsMoreData { .. } | E::InvalidResponse { .. } => {
            reply(out, 500, "5.5.2", "syntax error")
        }
    }
}

async fn command(
    ctx: &SessionContext<'_>,
    tx: &mut Transaction,
    request: Request<String>,
    out: &mut Vec<u8>,
) -> Next {
    let config = ctx.config;
    match request {
        Request::Ehlo { host } => {
            tx.reset();
            tx.helo = Some(host);
            let mut ehlo = EhloResponse::new(Cow::Borrowed(config.hostname.as_str()));
            ehlo.capabilities = EXT_PIPELINING
                | EXT_8BIT_MIME
                | EXT_ENHANCED_STATUS_CODES
                | EXT_SMTP_UTF8
                | EXT_SIZE;
            ehlo.size = config.max_message_size;
            if config.tls.is_some() && !ctx.tls_active {
                ehlo.capabilities |= EXT_START_TLS;
            }
            if ctx.handler.offers_auth() {
                ehlo.capabilities |= EXT_AUTH;
                ehlo.auth_mechanisms = AUTH_PLAIN;
            }
            ehlo.write(&mut *out).ok();
        }
        Request::Helo { host } => {
            tx.reset();
            tx.helo = Some(host);
            out.extend_from_slice(format!("250 {}\r\n", config.hostname).as_bytes());
        }
        Request::Mail { from } => {
            if tx.helo.is_none() {
                reply(out, 503, "5.5.1", "send EHLO first");
            } else if tx.mail_from.is_some() {
                reply(out, 503, "5.5.1", "nested MAIL command");
            } else if from.size > config.max_message_size {
                reply(out, 552, "5.3.4", "message too big");
            } else {
                tx.mail_from = Some(from.address);
                reply(out, 250, "2.1.0", "sender ok");
            }
        }
        Request::Rcpt { to } => {
            if tx.mail_from.is_none() {
                reply(out, 503, "5.5.1", "send MAIL first");
            } else if tx.recipients.len() >= config.max_recipients {
                reply(out, 452, "4.5.3", "too many recipients");
            } else if ctx.handler.accepts_recipient(&to.address).await {
                tx.recipients.push(to.address);
                reply(out, 250, "2.1.5", "recipient ok");
            } else {
                reply(out, 550, "5.1.1", "no such recipient here");
            }
        }
        Request::Data => {
            if tx.mail_from.is_none() {
                reply(out, 503, "5.5.1", "send MAIL first");
            } else if tx.recipients.is_empty() {
                reply(out, 554, "5.5.1", "no valid recipients");
            } else {
                out.extend_from_slice(b"354 end data with <CR><LF>.<CR><LF>\r\n");
                return Next::Data;
            }
        }
        Request::Rset => {
            tx.reset();
            reply(out, 250, "2.0.0", "ok");
        }
        Request::Noop { .. } => reply(out, 250, "2.0.0", "ok"),
        Request::Quit => {
            reply(out, 221, "2.0.0", "bye");
            return Next::Quit;
        }
        Request::StartTls => {
            if config.tls.is_none() || ctx.tls_active {
                reply(out, 502, "5.5.1", "STARTTLS not available");
            } else {
                reply(out, 220, "2.0.0", "ready to start TLS");
                return Next::StartTls;
            }
        }
        Request::Vrfy { .. } => reply(out, 252, "2.5.2", "cannot verify, send mail"),
        Request::Help { .. } => reply(out, 214, "2.0.0", "see RFC 5321"),
        Request::Auth {
            mechanism,
            initial_response,
        } => {
            auth(ctx, tx, mechanism, &initial_response, out).await;
        }
        Request::Lhlo { .. }
        | Request::Bdat { .. }
        | Request::Expn { .. }
        | Request::Etrn { .. }
        | Request::Atrn { .. }
        | Request::Burl { .. } => reply(out, 502, "5.5.1", "command not implemented"),
    }
    Next::Continue
}

/// AUTH PLAIN with an initial response (RFC 4954, RFC 4616); the only
/// form offered, and the one every client sends for PLAIN.
async fn auth(
    ctx: &SessionContext<'_>,
    tx: &mut Transaction,
    mechanism: u64,
    initial_response: &str,
    out: &mut Vec<u8>,
) {
    use base64::Engine as _;
    if !ctx.handler.offers_auth() {
        return reply(out, 502, "5.5.1", "AUTH not available");
    }
    if tx.helo.is_none() || tx.mail_from.is_some() {
        return reply(out, 503, "5.5.1", "AUTH only after EHLO and before MAIL");
    }
    if mechanism != AUTH_PLAIN {
        return reply(out, 504, "5.5.4", "only AUTH PLAIN is offered");
    }
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(initial_response.trim())
        .ok()
        .and_then(|bytes| String::from_utf8(bytes).ok());
    let Some(decoded) = decoded else {
        return reply(
            out,
            501,
            "5.5.2",
            "AUTH PLAIN needs a base64 initial response",
        );
    };
    let mut parts = decoded.split('\0');
    let (_authzid, user, password) = (parts.next(), parts.next(), parts.next());
    match (user, password) {
        (Some(user), Some(password)) if ctx.handler.authenticate(user, password).await => {
            reply(out, 235, "2.7.0", "authentication succeeded")
        }
        (Some(_), Some(_)) => reply(out, 535, "5.7.8", "authentication credentials invalid"),
        _ => reply(out, 501, "5.5.2", "malformed AUTH PLAIN response"),
    }
}

async fn deliver(
    ctx: &SessionContext<'_>,
    tx: &mut Transaction,
    message: Vec<u8>,
    out: &mut Vec<u8>,
) {
    let helo = tx.helo.clone().unwrap_or_default();
    let mut raw = received_header(ctx, &helo).into_bytes();
    raw.extend_from_slice(&message);
    let from = tx.mail_from.take().unwrap_or_default();
    let recipients = std::mem::take(&mut tx.recipients);
    match ctx.handler.deliver(&from, &recipients, raw).await {
        Ok(()) => reply(out, 250, "2.0.0", "message accepted"),
        Err(e) => {
            tracing::warn!(
                peer = ctx.peer,
                from,
                error = e,
                "smtp in: message not stored"
            );
            reply(out, 451, "4.3.0", "message not stored, try again later");
        }
    }
}
