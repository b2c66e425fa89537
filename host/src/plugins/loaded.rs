//! A plugin version that compiled, linked and described itself: ready to
//! serve calls from fresh instances.

use std::fmt;
use std::path::PathBuf;

use wasmtime::component::InstancePre;

use super::exports::ContractExports;
use super::state::CallState;

/// A function of the plugin contract the host calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Hook {
    /// `describe`: name, version, hooks.
    Describe,
    /// `route`.
    Route,
    /// `collect-contact`.
    CollectContact,
    /// `escalate`.
    Escalate,
    /// `generate-reply`.
    GenerateReply,
    /// `signature`.
    Signature,
}

impl Hook {
    /// The five policy hooks, in pipeline order.
    pub const POLICY: [Hook; 5] = [
        Hook::Route,
        Hook::CollectContact,
        Hook::Escalate,
        Hook::GenerateReply,
        Hook::Signature,
    ];

    /// The WIT name of the hook.
    pub fn name(self) -> &'static str {
        match self {
            Hook::Describe => "describe",
            Hook::Route => "route",
            Hook::CollectContact => "collect-contact",
            Hook::Escalate => "escalate",
            Hook::GenerateReply => "generate-reply",
            Hook::Signature => "signature",
        }
    }

    pub(crate) fn from_wit(hook: super::types::Hook) -> Hook {
        use super::types::Hook as W;
        match hook {
            W::Route => Hook::Route,
            W::CollectContact => Hook::CollectContact,
            W::Escalate => Hook::Escalate,
            W::GenerateReply => Hook::GenerateReply,
            W::Signature => Hook::Signature,
        }
    }
}

impl fmt::Display for Hook {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One loaded plugin version.
pub struct LoadedPlugin {
    /// Name the plugin gave in `describe`.
    pub name: String,
    /// Version the plugin gave in `describe`.
    pub version: String,
    /// Hooks the plugin implements; only these are called.
    pub hooks: Vec<Hook>,
    /// BLAKE3 hash (hex) of the component's bytes; recorded on every decision.
    pub hash: String,
    /// Where it came from: a file of the plugins folder or `builtin:<name>`.
    pub source: PathBuf,
    /// Whether the compiled code came from the on-disk compile cache.
    pub from_cache: bool,
    // Pre-linked component: each call instantiates a fresh instance from it.
    pub(crate) pre: InstancePre<CallState>,
    // Its contract functions, checked at load.
    pub(crate) exports: ContractExports,
}

impl LoadedPlugin {
    /// Whether the plugin implements `hook`.
    pub fn implements(&self, hook: Hook) -> bool {
        hook == Hook::Describe || self.hooks.contains(&hook)
    }

    /// First 12 hex digits of the hash, for humans.
    pub fn short_hash(&self) -> &str {
        self.hash.get(..12).unwrap_or(&self.hash)
    }
}

impl fmt::Debug for LoadedPlugin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LoadedPlugin")
            .field("name", &self.name)
            .field("version", &self.version)
            .field("hooks", &self.hooks)
            .field("hash", &self.hash)
            .field("source", &self.source)
            .finish_non_exhaustive()
    }
}
