//! Test guest: `route` allocates without bound, so the host's memory cap must
//! stop it.

use mailbot_guest::{Hook, Inbox, Message, Plugin, RouteDecision, export_plugin};

/// Allocates 1 MiB blocks in `route` until memory runs out.
#[derive(Default)]
pub struct MemoryHog;

impl Plugin for MemoryHog {
    const NAME: &'static str = "memory-hog";
    const VERSION: &'static str = env!("CARGO_PKG_VERSION");
    const HOOKS: &'static [Hook] = &[Hook::Route];

    fn route(&self, _msg: &Message, _inbox: &Inbox) -> Result<RouteDecision, String> {
        let mut hoard: Vec<Vec<u8>> = Vec::new();
        loop {
            // Touch every page so the memory is really committed.
            hoard.push(vec![1u8; 1 << 20]);
            std::hint::black_box(&hoard);
        }
    }
}

export_plugin!(MemoryHog);
