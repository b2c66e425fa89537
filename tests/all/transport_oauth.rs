//! XOAUTH2 token exchange against a local token endpoint.

use std::time::Duration;

use mailbot::transport::LogLevel;
use mailbot::transport::accounts::{AccountAuth, MailAccountConfig, Secret, expand};
use mailbot::transport::imap::check_login;
use mailbot::transport::oauth::{OAuthConfig, TokenSource};

use crate::support::{RecordingEvents, TokenEndpoint};

const ACCOUNT: &str = "jane@example.com";

fn source(endpoint: &TokenEndpoint) -> TokenSource {
    TokenSource::new(OAuthConfig {
        client_id: "client-1".into(),
        client_secret: Secret::new("s3cret"),
        refresh_token: Secret::new("1//refresh-a"),
        token_uri: endpoint.url().to_owned(),
    })
}

#[tokio::test]
async fn refresh_token_is_exchanged_and_a_rotated_one_is_reported_and_used() {
    let endpoint = TokenEndpoint::start(vec![
        // Expires inside the refresh margin, so the next call refreshes again.
        (200, r#"{"access_token":"at-1","expires_in":30,"refresh_token":"1//refresh-b","token_type":"Bearer"}"#.into()),
        (200, r#"{"access_token":"at-2","expires_in":3600,"token_type":"Bearer"}"#.into()),
    ])
    .await;
    let tokens = source(&endpoint);
    let events = RecordingEvents::default();
    let first = tokens.access_token(ACCOUNT, &events).await.expect("token");
    assert_eq!(first.expose(), "at-1");
    assert_eq!(
        *events.rotated.lock().unwrap(),
        [(ACCOUNT.to_owned(), "1//refresh-b".to_owned())]
    );
    assert_eq!(tokens.refresh_token().expose(), "1//refresh-b");

    let second = tokens.access_token(ACCOUNT, &events).await.expect("token");
    assert_eq!(second.expose(), "at-2");
    let third = tokens.access_token(ACCOUNT, &events).await.expect("token");
    assert_eq!(third.expose(), "at-2", "a fresh token is cached");

    let requests = endpoint.requests();
    assert_eq!(requests.len(), 2);
    assert!(
        requests[0].contains("grant_type=refresh_token"),
        "{}",
        requests[0]
    );
    assert!(requests[0].contains("client_id=client-1"));
    assert!(requests[0].contains("refresh_token=1%2F%2Frefresh-a"));
    assert!(
        requests[1].contains("refresh_token=1%2F%2Frefresh-b"),
        "rotated token used"
    );
}

#[tokio::test]
async fn a_refresh_token_about_to_expire_is_reported_ahead_of_time() {
    let endpoint = TokenEndpoint::start(vec![(
        200,
        r#"{"access_token":"at","expires_in":3599,"refresh_token_expires_in":86400}"#.into(),
    )])
    .await;
    let events = RecordingEvents::default();
    source(&endpoint)
        .access_token(ACCOUNT, &events)
        .await
        .expect("token");
    let warnings = events.lines(LogLevel::Warn);
    assert!(
        warnings.iter().any(|w| w.contains("expires in 24 h")),
        "{warnings:?}"
    );
}

#[tokio::test]
async fn a_refused_refresh_token_fails_imap_login_naming_the_account() {
    let endpoint = TokenEndpoint::start(vec![(
        400,
        r#"{"error":"invalid_grant","error_description":"Token has been expired or revoked."}"#
            .into(),
    )])
    .await;
    let config = MailAccountConfig {
        address: ACCOUNT.into(),
        imap_server: "127.0.0.1".into(),
        imap_port: Some(crate::support::free_port().to_string()),
        imap_security: Some("plain".into()),
        oauth_client_id: Some("client-1".into()),
        oauth_client_secret: Some(Secret::new("s3cret")),
        oauth_refresh_token: Some(Secret::new("revoked")),
        oauth_token_uri: Some(endpoint.url().to_owned()),
        ..Default::default()
    };
    let account = expand(&config).expect("valid").remove(0);
    assert!(matches!(account.auth, AccountAuth::OAuth2(_)));
    // Nothing listens on the IMAP port, so point it at the token endpoint's
    // failure by checking the exchange directly as well as through IMAP.
    let AccountAuth::OAuth2(tokens) = &account.auth else {
        unreachable!()
    };
    let events = RecordingEvents::default();
    let error = tokens
        .access_token(ACCOUNT, &events)
        .await
        .unwrap_err()
        .to_string();
    assert!(
        error.contains("invalid_grant") && error.contains(endpoint.url()),
        "{error}"
    );
    let error = tokio::time::timeout(Duration::from_secs(10), check_login(&account, &events))
        .await
        .expect("in time")
        .unwrap_err()
        .to_string();
    assert!(error.starts_with(&format!("imap {ACCOUNT}:")), "{error}");
}
