//! Test guest: `route` never returns (a busy loop), so the host's deadline
//! must stop it.

use mailbot_guest::{Hook, Inbox, Message, Plugin, RouteDecision, export_plugin};

/// Loops forever in `route`.
#[derive(Default)]
pub struct Runaway;

impl Plugin for Runaway {
    const NAME: &'static str = "runaway";
    const VERSION: &'static str = env!("CARGO_PKG_VERSION");
    const HOOKS: &'static [Hook] = &[Hook::Route];

    fn route(&self, msg: &Message, _inbox: &Inbox) -> Result<RouteDecision, String> {
        // `black_box` keeps the optimiser from proving the loop has no effect.
        let mut spins: u64 = 0;
        loop {
            spins = std::hint::black_box(spins.wrapping_add(msg.subject.len() as u64 + 1));
        }
    }
}

export_plugin!(Runaway);
