//! Test guest: `describe` reports its version and `route` answers
//! `handle("v<VERSION>")`. The version is `ECHO_VERSION` at build time when
//! set (the test build script builds it twice, as 1.0.0 and 2.0.0, to get a
//! "new version" of the same plugin for hot-reload checks), else `../VERSION`.

use mailbot_guest::{Hook, Inbox, Message, Plugin, RouteDecision, export_plugin};

/// The version: `ECHO_VERSION` at build time, else the `VERSION` file.
pub const VERSION: &str = match option_env!("ECHO_VERSION") {
    Some(version) => version,
    None => include_str!("../VERSION").trim_ascii(),
};

/// Echoes its version.
#[derive(Default)]
pub struct EchoVersion;

impl Plugin for EchoVersion {
    const NAME: &'static str = "echo-version";
    const VERSION: &'static str = VERSION;
    const HOOKS: &'static [Hook] = &[Hook::Route];

    fn route(&self, _msg: &Message, _inbox: &Inbox) -> Result<RouteDecision, String> {
        Ok(RouteDecision::Handle(format!("v{VERSION}")))
    }
}

export_plugin!(EchoVersion);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn route_answers_with_the_version_from_the_file() {
        assert!(!VERSION.is_empty() && !VERSION.ends_with('\n'));
        assert_eq!(
            EchoVersion.route(&Message::default(), &Inbox::default()),
            Ok(RouteDecision::Handle(format!("v{VERSION}")))
        );
        assert_eq!(mailbot_guest::describe::<EchoVersion>().version, VERSION);
    }
}
