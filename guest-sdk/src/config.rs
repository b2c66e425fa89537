//! This plugin's settings for the current inbox and bot (`config` import):
//! string keys to string values, as written in the host's configuration.
//!
//! Natively the values come from [`testing::set_config`](crate::testing::set_config).

use crate::HostError;

/// Returns the value of `key`; `Ok(None)` when the key is not set.
pub fn get(key: &str) -> Result<Option<String>, HostError> {
    #[cfg(target_arch = "wasm32")]
    return crate::wit::mailbot::plugin::config::get(key).map_err(HostError::from);
    #[cfg(not(target_arch = "wasm32"))]
    crate::testing::double::config_get(key)
}

/// Returns every (key, value) pair set for this plugin, sorted by key.
pub fn all() -> Result<Vec<(String, String)>, HostError> {
    #[cfg(target_arch = "wasm32")]
    return crate::wit::mailbot::plugin::config::all().map_err(HostError::from);
    #[cfg(not(target_arch = "wasm32"))]
    crate::testing::double::config_all()
}

/// Returns the value of `key`, or `default` when it is not set.
pub fn get_or(key: &str, default: &str) -> Result<String, HostError> {
    Ok(get(key)?.unwrap_or_else(|| default.to_owned()))
}

/// Returns `key` parsed as a boolean (see [`parse_bool`]), or `default` when
/// it is not set.
pub fn get_bool(key: &str, default: bool) -> Result<bool, String> {
    match get(key).map_err(|e| format!("config `{key}`: {e}"))? {
        Some(value) => parse_bool(key, &value),
        None => Ok(default),
    }
}

/// Parses `value`, the value of config `key`, as a boolean (`true/false`,
/// `yes/no`, `on/off`, `1/0`, ignoring case and surrounding blanks); `Err`
/// names the key when the value is none of those. For a plugin that read
/// everything at once with [`all`].
///
/// ```
/// use mailbot_guest::config::parse_bool;
/// assert_eq!(parse_bool("refund", " Yes "), Ok(true));
/// assert_eq!(
///     parse_bool("refund", "maybe"),
///     Err("config `refund`: expected true or false, got `maybe`".to_owned())
/// );
/// ```
pub fn parse_bool(key: &str, value: &str) -> Result<bool, String> {
    match value.trim().to_ascii_lowercase().as_str() {
        "true" | "yes" | "on" | "1" => Ok(true),
        "false" | "no" | "off" | "0" => Ok(false),
        _ => Err(format!(
            "config `{key}`: expected true or false, got `{value}`"
        )),
    }
}
