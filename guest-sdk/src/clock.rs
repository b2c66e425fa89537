//! The host clock (`clock` import); plugins have no clock of their own.
//!
//! Natively the time is [`testing::set_now`](crate::testing::set_now) (zero
//! until set).

use crate::HostError;

/// Milliseconds since the Unix epoch.
pub fn now() -> Result<u64, HostError> {
    #[cfg(target_arch = "wasm32")]
    return crate::wit::mailbot::plugin::clock::now().map_err(HostError::from);
    #[cfg(not(target_arch = "wasm32"))]
    crate::testing::double::now()
}
