//! Test guest: `route` writes the message id under key `last-message` in kv,
//! reads it back and answers `handle(<value read back>)`; when the host
//! refuses (kv not granted, or any other host error) it answers
//! `drop(<error text>)`, e.g. `drop("kv set: denied: ...")`.

use mailbot_guest::{Hook, Inbox, Message, Plugin, RouteDecision, export_plugin, kv};

/// The kv key `route` writes and reads.
pub const KEY: &str = "last-message";

/// Uses kv in `route`.
#[derive(Default)]
pub struct KvUser;

impl Plugin for KvUser {
    const NAME: &'static str = "kv-user";
    const VERSION: &'static str = env!("CARGO_PKG_VERSION");
    const HOOKS: &'static [Hook] = &[Hook::Route];

    fn route(&self, msg: &Message, _inbox: &Inbox) -> Result<RouteDecision, String> {
        if let Err(e) = kv::set(KEY, msg.id.as_bytes()) {
            return Ok(RouteDecision::Drop(format!("kv set: {e}")));
        }
        match kv::get(KEY) {
            Ok(Some(value)) => Ok(RouteDecision::Handle(
                String::from_utf8_lossy(&value).into_owned(),
            )),
            Ok(None) => Ok(RouteDecision::Drop(format!(
                "kv get: `{KEY}` missing right after set"
            ))),
            Err(e) => Ok(RouteDecision::Drop(format!("kv get: {e}"))),
        }
    }
}

export_plugin!(KvUser);

#[cfg(test)]
mod tests {
    use super::*;
    use mailbot_guest::{Capability, testing};

    fn msg(id: &str) -> Message {
        Message {
            id: id.into(),
            ..Message::default()
        }
    }

    #[test]
    fn route_reads_back_what_it_stored() {
        testing::clear();
        let decision = KvUser.route(&msg("m-1"), &Inbox::default());
        assert_eq!(decision, Ok(RouteDecision::Handle("m-1".into())));
        assert_eq!(testing::kv_contents()[KEY], b"m-1");
    }

    #[test]
    fn route_drops_with_the_error_when_kv_is_denied() {
        testing::clear();
        testing::deny(Capability::Kv);
        let decision = KvUser.route(&msg("m-1"), &Inbox::default());
        let Ok(RouteDecision::Drop(why)) = decision else {
            panic!("expected drop, got {decision:?}");
        };
        assert!(why.starts_with("kv set: denied"), "{why}");
    }
}
