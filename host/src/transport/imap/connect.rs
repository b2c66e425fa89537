//! Opening an authenticated IMAP session: TCP, TLS or STARTTLS, then LOGIN
//! or AUTHENTICATE XOAUTH2.

use std::time::Duration;

use async_imap::{Client, Session};
use tokio::net::TcpStream;
use tokio_rustls::client::TlsStream;

use crate::transport::accounts::{AccountAuth, MailAccount, Security};
use crate::transport::lifecycle::ChannelEvents;
use crate::transport::oauth::xoauth2_response;
use crate::transport::stream::MailStream;
use crate::transport::{Protocol, TransportError, tls};

/// Deadline for connecting, the TLS handshake and signing in.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(30);

/// The byte stream under an IMAP session: plain TCP or TLS over TCP.
pub type ImapStream = MailStream;

/// An authenticated IMAP session.
pub type ImapSession = Session<ImapStream>;

/// XOAUTH2 answers the (empty) challenge with the prepared response; a second
/// challenge carries the server's JSON error and is answered empty.
struct XOAuth2(Option<String>);

impl async_imap::Authenticator for XOAuth2 {
    type Response = String;

    fn process(&mut self, _challenge: &[u8]) -> String {
        self.0.take().unwrap_or_default()
    }
}

fn connect_error(account: &MailAccount, detail: impl ToString) -> TransportError {
    TransportError::Connect {
        protocol: Protocol::Imap,
        account: account.address.clone(),
        server: account.imap.to_string(),
        detail: detail.to_string(),
    }
}

async fn tls_wrap(
    account: &MailAccount,
    tcp: TcpStream,
) -> Result<TlsStream<TcpStream>, TransportError> {
    let config = tls::client_config(account.tls_ca_file.as_deref())
        .map_err(|e| connect_error(account, e))?;
    tls::connect(config, &account.imap.host, tcp)
        .await
        .map_err(|e| connect_error(account, e))
}

/// Reads the server greeting, which must come before any command.
async fn read_greeting(
    account: &MailAccount,
    client: &mut Client<ImapStream>,
) -> Result<(), TransportError> {
    match client.read_response().await {
        Ok(Some(_)) => Ok(()),
        Ok(None) => Err(connect_error(account, "closed before greeting")),
        Err(e) => Err(connect_error(account, e)),
    }
}

async fn open_client(account: &MailAccount) -> Result<Client<ImapStream>, TransportError> {
    let tcp = TcpStream::connect((account.imap.host.as_str(), account.imap.port))
        .await
        .map_err(|e| connect_error(account, e))?;
    tcp.set_nodelay(true).ok();
    match account.imap.security {
        Security::Plain => {
            let mut client = Client::new(ImapStream::Plain(tcp));
            read_greeting(account, &mut client).await?;
            Ok(client)
        }
        Security::Tls => {
            let stream = ImapStream::Tls(Box::new(tls_wrap(account, tcp).await?));
            let mut client = Client::new(stream);
            read_greeting(account, &mut client).await?;
            Ok(client)
        }
        Security::StartTls => {
            let mut client = Client::new(ImapStream::Plain(tcp));
            read_greeting(account, &mut client).await?;
            client
                .run_command_and_check_ok("STARTTLS", None)
                .await
                .map_err(|e| connect_error(account, format!("STARTTLS: {e}")))?;
            let ImapStream::Plain(tcp) = client.into_inner() else {
                return Err(connect_error(account, "STARTTLS on a TLS stream"));
            };
            // No greeting after STARTTLS; the session continues.
            Ok(Client::new(ImapStream::Tls(Box::new(
                tls_wrap(account, tcp).await?,
            ))))
        }
    }
}

async fn sign_in(
    account: &MailAccount,
    client: Client<ImapStream>,
    events: &dyn ChannelEvents,
) -> Result<ImapSession, TransportError> {
    let login_error = |detail: String| TransportError::Login {
        protocol: Protocol::Imap,
        account: account.address.clone(),
        detail,
    };
    match &account.auth {
        AccountAuth::Password(password) => client
            .login(&account.address, password.expose())
            .await
            .map_err(|(e, _)| login_error(e.to_string())),
        AccountAuth::OAuth2(tokens) => {
            let token = tokens
                .access_token(&account.address, events)
                .await
                .map_err(|e| login_error(format!("oauth: {e}")))?;
            let response = xoauth2_response(&account.address, token.expose());
            match client
                .authenticate("XOAUTH2", XOAuth2(Some(response)))
                .await
            {
                Ok(session) => Ok(session),
                Err((e, _)) => {
                    // The token may have been revoked early; fetch a new one next time.
                    tokens.invalidate().await;
                    Err(login_error(e.to_string()))
                }
            }
        }
    }
}

/// Connects and signs in, within [`CONNECT_TIMEOUT`].
pub async fn connect(
    account: &MailAccount,
    events: &dyn ChannelEvents,
) -> Result<ImapSession, TransportError> {
    let attempt = async {
        let client = open_client(account).await?;
        sign_in(account, client, events).await
    };
    tokio::time::timeout(CONNECT_TIMEOUT, attempt)
        .await
        .map_err(|_| connect_error(account, "timed out"))?
}

/// Signs in over IMAP and out again: for `mailbot check` and start-up.
/// Errors name the account and protocol (`imap a@x.com: login failed: ...`).
pub async fn check_login(
    account: &MailAccount,
    events: &dyn ChannelEvents,
) -> Result<(), TransportError> {
    let mut session = connect(account, events).await?;
    session
        .examine(&account.mailbox)
        .await
        .map_err(|e| TransportError::Session {
            protocol: Protocol::Imap,
            account: account.address.clone(),
            detail: format!("mailbox {}: {e}", account.mailbox),
        })?;
    session.logout().await.ok();
    Ok(())
}
