//! The plugins that ship inside the binary, built from plugins/ by
//! `host/build.rs`, and loading them into a registry.

use super::registry::{LoadError, PluginRegistry};

include!(concat!(env!("OUT_DIR"), "/shipped_plugins.rs"));

/// Loads every shipped plugin as a built-in; a plugin file of the same name
/// in the plugins folder overrides it.
pub fn load_shipped(registry: &PluginRegistry) -> Vec<LoadError> {
    SHIPPED_PLUGINS
        .iter()
        .filter_map(|(name, bytes)| registry.load_builtin(name, bytes).err())
        .collect()
}
