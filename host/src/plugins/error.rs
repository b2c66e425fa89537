//! Typed errors of plugin calls: every failure names the plugin and the hook.

use super::loaded::Hook;

/// What went wrong in a plugin call.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PluginErrorKind {
    /// The call ran past its wall-clock deadline and was interrupted.
    #[error("deadline of {0} ms exceeded")]
    Deadline(u64),
    /// The guest tried to grow its memory beyond the cap.
    #[error("memory limit of {0} bytes exceeded")]
    MemoryLimit(usize),
    /// The guest trapped (panic, unreachable, out-of-bounds access...).
    #[error("trapped: {0}")]
    Trap(String),
    /// The guest ran and returned an error of its own.
    #[error("returned an error: {0}")]
    Guest(String),
    /// No plugin of that name is loaded.
    #[error("is not loaded")]
    NotLoaded,
    /// The component could not be instantiated (missing import, limits of
    /// the instance pool).
    #[error("could not be instantiated: {0}")]
    Instantiate(String),
}

/// A failed plugin call.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("plugin {plugin} ({hash_short}) hook {hook}: {kind}")]
pub struct PluginError {
    /// Name of the plugin.
    pub plugin: String,
    /// Content hash of the plugin version called.
    pub hash: String,
    // First 12 hex digits of `hash`, for messages.
    hash_short: String,
    /// The hook (or `describe`) that was called.
    pub hook: Hook,
    /// What went wrong.
    pub kind: PluginErrorKind,
}

impl PluginError {
    pub(crate) fn new(plugin: &str, hash: &str, hook: Hook, kind: PluginErrorKind) -> Self {
        PluginError {
            plugin: plugin.to_owned(),
            hash: hash.to_owned(),
            hash_short: hash.chars().take(12).collect(),
            hook,
            kind,
        }
    }
}
