//! OAuth 2.0 for XOAUTH2: exchanging a refresh token for access tokens.
//!
//! A [`TokenSource`] belongs to one account and is shared by its IMAP watcher
//! and SMTP sender. It caches the access token until a minute before it
//! expires, keeps the newest refresh token when the server rotates it (and
//! reports it through [`ChannelEvents::refresh_token_rotated`] so the host can
//! store it), and warns in the channel log when the server says the refresh
//! token itself will expire soon.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use serde::Deserialize;

use super::accounts::Secret;
use super::lifecycle::{ChannelEvents, LogLevel};

/// Refresh the access token this long before the server says it expires.
const EXPIRY_MARGIN: Duration = Duration::from_secs(60);
/// Warn when the refresh token has less than this left to live.
const REFRESH_TOKEN_WARNING: Duration = Duration::from_secs(7 * 24 * 3600);
/// Deadline for one token request.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// What is needed to obtain access tokens for one account.
#[derive(Debug, Clone)]
pub struct OAuthConfig {
    /// OAuth client id.
    pub client_id: String,
    /// OAuth client secret.
    pub client_secret: Secret,
    /// Long-lived refresh token.
    pub refresh_token: Secret,
    /// Token endpoint URL.
    pub token_uri: String,
}

/// Why no access token could be obtained.
#[derive(Debug, thiserror::Error)]
pub enum OAuthError {
    /// The endpoint could not be reached.
    #[error("token request to {uri} failed: {detail}")]
    Http {
        /// Token endpoint.
        uri: String,
        /// Transport error.
        detail: String,
    },
    /// The endpoint answered with an error (revoked or wrong credentials).
    #[error("token endpoint {uri} refused the refresh token: HTTP {status}: {body}")]
    Refused {
        /// Token endpoint.
        uri: String,
        /// HTTP status.
        status: u16,
        /// Response body (the OAuth error code and description).
        body: String,
    },
    /// The answer was not a token response.
    #[error("token endpoint {uri} sent an unreadable answer: {detail}")]
    BadResponse {
        /// Token endpoint.
        uri: String,
        /// Parse error.
        detail: String,
    },
}

/// The result of one refresh-token exchange.
#[derive(Debug, Clone)]
pub struct AccessToken {
    /// Bearer token for XOAUTH2.
    pub token: Secret,
    /// When the token stops working, if the server said.
    pub expires_at: Option<Instant>,
    /// A new refresh token, when the server rotated it.
    pub new_refresh_token: Option<Secret>,
    /// How long the refresh token itself stays valid, if the server said.
    pub refresh_token_expires_in: Option<Duration>,
}

#[derive(Deserialize)]
struct TokenResponse {
    access_token: String,
    #[serde(default)]
    expires_in: Option<u64>,
    #[serde(default)]
    refresh_token: Option<String>,
    #[serde(default)]
    refresh_token_expires_in: Option<u64>,
}

/// `application/x-www-form-urlencoded` encoding of one value.
fn form_encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for b in value.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'*' => {
                out.push(b as char)
            }
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// Exchanges `config.refresh_token` at `config.token_uri` (RFC 6749 §6).
pub async fn exchange_refresh_token(
    http: &reqwest::Client,
    config: &OAuthConfig,
) -> Result<AccessToken, OAuthError> {
    let uri = config.token_uri.clone();
    let body = format!(
        "grant_type=refresh_token&client_id={}&client_secret={}&refresh_token={}",
        form_encode(&config.client_id),
        form_encode(config.client_secret.expose()),
        form_encode(config.refresh_token.expose()),
    );
    let http_err = |e: reqwest::Error| OAuthError::Http {
        uri: uri.clone(),
        detail: e.to_string(),
    };
    let response = http
        .post(&config.token_uri)
        .header("content-type", "application/x-www-form-urlencoded")
        .header("accept", "application/json")
        .body(body)
        .send()
        .await
        .map_err(http_err)?;
    let status = response.status();
    let text = response.text().await.map_err(http_err)?;
    if !status.is_success() {
        return Err(OAuthError::Refused {
            uri,
            status: status.as_u16(),
            body: text.chars().take(300).collect(),
        });
    }
    let parsed: TokenResponse =
        serde_json::from_str(&text).map_err(|e| OAuthError::BadResponse {
            uri: uri.clone(),
            detail: e.to_string(),
        })?;
    let now = Instant::now();
    Ok(AccessToken {
        token: Secret::new(parsed.access_token),
        expires_at: parsed.expires_in.map(|s| now + Duration::from_secs(s)),
        new_refresh_token: parsed
            .refresh_token
            .filter(|t| !t.is_empty() && t != config.refresh_token.expose())
            .map(Secret::new),
        refresh_token_expires_in: parsed.refresh_token_expires_in.map(Duration::from_secs),
    })
}

/// Hands out valid access tokens for one account, refreshing as needed.
#[derive(Debug)]
pub struct TokenSource {
    /// Current settings; the refresh token changes when the server rotates it.
    config: Mutex<OAuthConfig>,
    /// Last access token and its expiry; the async lock makes concurrent
    /// callers wait for one exchange instead of each doing their own.
    cached: tokio::sync::Mutex<Option<(Secret, Option<Instant>)>>,
    /// HTTP client, built on first use (building can fail; `new` cannot).
    http: tokio::sync::OnceCell<reqwest::Client>,
}

impl TokenSource {
    /// A token source that has not fetched anything yet.
    pub fn new(config: OAuthConfig) -> Self {
        Self {
            config: Mutex::new(config),
            cached: tokio::sync::Mutex::new(None),
            http: tokio::sync::OnceCell::new(),
        }
    }

    fn config(&self) -> OAuthConfig {
        self.config
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clone()
    }

    /// The token endpoint in use.
    pub fn token_uri(&self) -> String {
        self.config().token_uri
    }

    /// The refresh token in use (the newest one after a rotation).
    pub fn refresh_token(&self) -> Secret {
        self.config().refresh_token
    }

    /// Continues from `token`, a refresh token the server rotated to in an
    /// earlier run (the configured one may no longer be valid).
    pub fn use_refresh_token(&self, token: Secret) {
        self.config
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .refresh_token = token;
    }

    /// Forget the cached access token, e.g. after the server refused it.
    pub async fn invalidate(&self) {
        *self.cached.lock().await = None;
    }

    /// A valid access token: the cached one, or a fresh one from the token
    /// endpoint. Rotation and looming expiry are reported to `events`.
    pub async fn access_token(
        &self,
        account: &str,
        events: &dyn ChannelEvents,
    ) -> Result<Secret, OAuthError> {
        let mut cached = self.cached.lock().await;
        if let Some((token, expires_at)) = cached.as_ref() {
            let fresh = expires_at.is_none_or(|at| at > Instant::now() + EXPIRY_MARGIN);
            if fresh {
                return Ok(token.clone());
            }
        }
        let config = self.config();
        let http = self
            .http
            .get_or_try_init(|| async {
                reqwest::Client::builder()
                    .timeout(REQUEST_TIMEOUT)
                    .build()
                    .map_err(|e| OAuthError::Http {
                        uri: config.token_uri.clone(),
                        detail: e.to_string(),
                    })
            })
            .await?;
        let fetched = exchange_refresh_token(http, &config).await?;
        let valid_for = fetched
            .expires_at
            .map(|at| at.saturating_duration_since(Instant::now()).as_secs());
        events.log(
            account,
            LogLevel::Info,
            &match valid_for {
                Some(s) => format!("oauth: access token refreshed, valid for {s} s"),
                None => "oauth: access token refreshed".to_owned(),
            },
        );
        if let Some(new_token) = &fetched.new_refresh_token {
            self.config
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner())
                .refresh_token = new_token.clone();
            events.log(account, LogLevel::Info, "oauth: refresh token rotated");
            events.refresh_token_rotated(account, new_token.expose());
        }
        if let Some(left) = fetched.refresh_token_expires_in
            && left < REFRESH_TOKEN_WARNING
        {
            events.log(
                account,
                LogLevel::Warn,
                &format!(
                    "oauth: refresh token expires in {} h; authorise the account again before then",
                    left.as_secs() / 3600
                ),
            );
        }
        *cached = Some((fetched.token.clone(), fetched.expires_at));
        Ok(fetched.token)
    }
}

/// The SASL XOAUTH2 initial response (before base64), as Google documents it.
pub fn xoauth2_response(user: &str, access_token: &str) -> String {
    format!("user={user}\x01auth=Bearer {access_token}\x01\x01")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_values_are_percent_encoded() {
        assert_eq!(form_encode("a b&c=d/é"), "a+b%26c%3Dd%2F%C3%A9");
        assert_eq!(form_encode("1//0g-x_y.z"), "1%2F%2F0g-x_y.z");
    }

    #[test]
    fn xoauth2_response_has_the_documented_shape() {
        assert_eq!(
            xoauth2_response("me@x.com", "tok"),
            "user=me@x.com\x01auth=Bearer tok\x01\x01"
        );
    }
}
