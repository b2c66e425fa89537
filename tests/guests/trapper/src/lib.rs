//! Test guest: `route` panics, which traps the instance.

use mailbot_guest::{Hook, Inbox, Message, Plugin, RouteDecision, export_plugin};

/// Panics in `route`.
#[derive(Default)]
pub struct Trapper;

impl Plugin for Trapper {
    const NAME: &'static str = "trapper";
    const VERSION: &'static str = env!("CARGO_PKG_VERSION");
    const HOOKS: &'static [Hook] = &[Hook::Route];

    fn route(&self, msg: &Message, _inbox: &Inbox) -> Result<RouteDecision, String> {
        panic!("trapper plugin panics on purpose (message {})", msg.id);
    }
}

export_plugin!(Trapper);
