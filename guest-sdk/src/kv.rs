//! A small persistent key-value store scoped to (plugin, inbox) (`kv` import).
//! Keys are at most 256 bytes and values at most 64 KiB; larger ones give
//! [`HostError::Invalid`].
//!
//! Natively the store is the [`testing`](crate::testing) double; inspect it
//! with [`testing::kv_contents`](crate::testing::kv_contents).

use crate::HostError;

/// Longest key the host accepts, in bytes.
pub const MAX_KEY_LEN: usize = 256;
/// Largest value the host accepts, in bytes.
pub const MAX_VALUE_LEN: usize = 64 * 1024;

/// Returns the value of `key`; `Ok(None)` when the key does not exist.
pub fn get(key: &str) -> Result<Option<Vec<u8>>, HostError> {
    #[cfg(target_arch = "wasm32")]
    return crate::wit::mailbot::plugin::kv::get(key).map_err(HostError::from);
    #[cfg(not(target_arch = "wasm32"))]
    crate::testing::double::kv_get(key)
}

/// Sets `key` to `value`, replacing any earlier value.
pub fn set(key: &str, value: &[u8]) -> Result<(), HostError> {
    #[cfg(target_arch = "wasm32")]
    return crate::wit::mailbot::plugin::kv::set(key, value).map_err(HostError::from);
    #[cfg(not(target_arch = "wasm32"))]
    crate::testing::double::kv_set(key, value)
}

/// Removes `key`; removing a missing key is not an error.
pub fn delete(key: &str) -> Result<(), HostError> {
    #[cfg(target_arch = "wasm32")]
    return crate::wit::mailbot::plugin::kv::delete(key).map_err(HostError::from);
    #[cfg(not(target_arch = "wasm32"))]
    crate::testing::double::kv_delete(key)
}
