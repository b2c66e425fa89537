//! Why a host import did not do what was asked.

use std::fmt;

/// Why a host import did not do what was asked.
///
/// Plugins that merely *use* an optional capability (knowledge, llm) should
/// treat [`HostError::Denied`] and [`HostError::Unavailable`] as "carry on
/// without it" rather than as a failure of the hook.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum HostError {
    /// The plugin was not granted this capability in configuration.
    Denied(String),
    /// The capability exists but is not set up here (e.g. no model configured).
    Unavailable(String),
    /// The request was invalid (e.g. a key or value too large).
    Invalid(String),
    /// The host tried and failed (e.g. storage or network error).
    Failed(String),
}

impl HostError {
    /// True for [`HostError::Denied`] and [`HostError::Unavailable`]: the
    /// capability cannot be used here, which is not the plugin's failure.
    pub fn is_not_available(&self) -> bool {
        matches!(self, HostError::Denied(_) | HostError::Unavailable(_))
    }

    /// The host's explanation.
    pub fn message(&self) -> &str {
        match self {
            HostError::Denied(m)
            | HostError::Unavailable(m)
            | HostError::Invalid(m)
            | HostError::Failed(m) => m,
        }
    }
}

impl fmt::Display for HostError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match self {
            HostError::Denied(_) => "denied",
            HostError::Unavailable(_) => "unavailable",
            HostError::Invalid(_) => "invalid",
            HostError::Failed(_) => "failed",
        };
        write!(f, "{kind}: {}", self.message())
    }
}

impl std::error::Error for HostError {}

/// A host import a plugin may be granted; used by [`crate::testing`] to
/// simulate denied or failing capabilities.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Capability {
    /// [`crate::log`].
    Log,
    /// [`crate::config`].
    Config,
    /// [`crate::kv`].
    Kv,
    /// [`crate::clock`].
    Clock,
    /// [`crate::knowledge`].
    Knowledge,
    /// [`crate::llm`].
    Llm,
}

impl Capability {
    /// The name used in the host's configuration, e.g. `kv`.
    pub fn as_str(self) -> &'static str {
        match self {
            Capability::Log => "log",
            Capability::Config => "config",
            Capability::Kv => "kv",
            Capability::Clock => "clock",
            Capability::Knowledge => "knowledge",
            Capability::Llm => "llm",
        }
    }
}

impl fmt::Display for Capability {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
