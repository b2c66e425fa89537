//! Capabilities: which host imports a plugin may call. Denied by default;
//! granted per plugin binding in configuration.

use std::fmt;
use std::str::FromStr;

/// One host import a plugin may be granted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Capability {
    /// `log.write`: structured log lines.
    Log,
    /// `config.get`/`config.all`: the plugin's own settings.
    Config,
    /// `kv.*`: the (plugin, inbox)-scoped key-value store.
    Kv,
    /// `clock.now`: the host clock.
    Clock,
    /// `knowledge.search`: the bot's knowledge.
    Knowledge,
    /// `llm.complete`: the bot's model.
    Llm,
}

impl Capability {
    /// Every capability, in a fixed order.
    pub const ALL: [Capability; 6] = [
        Capability::Log,
        Capability::Config,
        Capability::Kv,
        Capability::Clock,
        Capability::Knowledge,
        Capability::Llm,
    ];

    /// The name used in configuration files.
    pub fn name(self) -> &'static str {
        match self {
            Capability::Log => "log",
            Capability::Config => "config",
            Capability::Kv => "kv",
            Capability::Clock => "clock",
            Capability::Knowledge => "knowledge",
            Capability::Llm => "llm",
        }
    }

    fn bit(self) -> u8 {
        match self {
            Capability::Log => 1,
            Capability::Config => 1 << 1,
            Capability::Kv => 1 << 2,
            Capability::Clock => 1 << 3,
            Capability::Knowledge => 1 << 4,
            Capability::Llm => 1 << 5,
        }
    }
}

impl fmt::Display for Capability {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Capability {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Capability::ALL
            .into_iter()
            .find(|c| c.name() == s)
            .ok_or_else(|| {
                let known: Vec<_> = Capability::ALL.iter().map(|c| c.name()).collect();
                format!("unknown capability `{s}` (known: {})", known.join(", "))
            })
    }
}

/// The set of capabilities granted to one plugin binding.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Grants(u8);

impl Grants {
    /// No capability at all (the default).
    pub const NONE: Grants = Grants(0);

    /// Every capability.
    pub fn all() -> Grants {
        Capability::ALL.into_iter().collect()
    }

    /// Whether `cap` is granted.
    pub fn allows(self, cap: Capability) -> bool {
        self.0 & cap.bit() != 0
    }

    /// Returns these grants plus `cap`.
    pub fn with(self, cap: Capability) -> Grants {
        Grants(self.0 | cap.bit())
    }

    /// Parses a list of capability names, reporting every unknown one.
    pub fn parse<S: AsRef<str>>(names: &[S]) -> Result<Grants, String> {
        let mut grants = Grants::NONE;
        let mut unknown = Vec::new();
        for name in names {
            match name.as_ref().trim().parse::<Capability>() {
                Ok(cap) => grants = grants.with(cap),
                Err(e) => unknown.push(e),
            }
        }
        if unknown.is_empty() {
            Ok(grants)
        } else {
            Err(unknown.join("; "))
        }
    }
}

impl FromIterator<Capability> for Grants {
    fn from_iter<I: IntoIterator<Item = Capability>>(iter: I) -> Self {
        iter.into_iter().fold(Grants::NONE, Grants::with)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nothing_is_granted_by_default() {
        for cap in Capability::ALL {
            assert!(!Grants::default().allows(cap), "{cap} granted by default");
        }
    }

    #[test]
    fn parsed_grants_allow_exactly_what_was_named() {
        let grants = Grants::parse(&["kv", "log"]).expect("valid names");
        assert!(grants.allows(Capability::Kv));
        assert!(grants.allows(Capability::Log));
        assert!(!grants.allows(Capability::Llm));
        assert!(!grants.allows(Capability::Config));
    }

    #[test]
    fn unknown_capability_names_are_all_reported() {
        let err = Grants::parse(&["kv", "network", "fs"]).expect_err("unknown names");
        assert!(err.contains("`network`") && err.contains("`fs`"), "{err}");
    }
}
