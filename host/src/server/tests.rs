//! What `serve` sets up at start: a refresh token the server rotated to in
//! an earlier run is used again, unless the configuration names a new one;
//! the data directory is private to the user running mailbot.

use crate::config::{Config, EnvOverrides};
use crate::store::{SqliteStore, Store};
use crate::transport::accounts::AccountAuth;

use super::declare::declare;
use super::events::{Event, write};

fn oauth_config(dir: &std::path::Path, refresh_token: &str) -> Config {
    let path = dir.join(format!("{refresh_token}.toml"));
    let text = format!(
        r#"
[[channels]]
name = "gmail"
address = "support@example.com"
imap_server = "imap.example.com"
oauth_client_id = "client"
oauth_client_secret = "client-secret"
oauth_refresh_token = "{refresh_token}"
"#
    );
    std::fs::write(&path, text).unwrap();
    Config::load(Some(&path), &EnvOverrides::from_pairs(&[])).unwrap()
}

fn refresh_token(config: &Config) -> String {
    match &config.channels[0].accounts[0].auth {
        AccountAuth::OAuth2(source) => source.refresh_token().expose().to_owned(),
        AccountAuth::Password(_) => panic!("an OAuth account"),
    }
}

#[tokio::test]
async fn a_rotated_refresh_token_survives_a_restart_until_a_new_one_is_configured() {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open_in_memory().unwrap();

    let first_run = oauth_config(dir.path(), "configured");
    let declared = declare(&store, &first_run).await.unwrap();
    let channel = declared.channel_of_account["support@example.com"].clone();
    write(&store, Event::Rotated(channel.clone(), "rotated".into()))
        .await
        .unwrap();

    let restart = oauth_config(dir.path(), "configured");
    declare(&store, &restart).await.unwrap();
    assert_eq!(refresh_token(&restart), "rotated");
    let again = oauth_config(dir.path(), "configured");
    declare(&store, &again).await.unwrap();
    assert_eq!(
        refresh_token(&again),
        "rotated",
        "kept across several restarts"
    );

    let reauthorised = oauth_config(dir.path(), "reauthorised");
    declare(&store, &reauthorised).await.unwrap();
    assert_eq!(refresh_token(&reauthorised), "reauthorised");
    let stored = store.channel(&channel).await.unwrap();
    assert!(
        stored.config.get("rotated_refresh_token").is_none(),
        "{}",
        stored.config
    );
}

#[cfg(unix)]
#[test]
fn the_data_directory_is_created_readable_by_its_user_alone() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("var").join("mailbot-data");
    super::create_private_dir(&data).unwrap();
    let mode = std::fs::metadata(&data).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o700, "{mode:o}");
    // Creating it again (every start) is fine.
    super::create_private_dir(&data).unwrap();
}
