//! One hook call: a fresh instance from the pre-linked component, the
//! sandbox limits armed, the outcome (or a typed error) returned.

use std::collections::BTreeMap;
use std::sync::Arc;

use wasmtime::{Store, Trap};

use super::capability::Grants;
use super::engine::PluginEngine;
use super::error::{PluginError, PluginErrorKind};
use super::exports::HookCalls;
use super::loaded::{Hook, LoadedPlugin};
use super::services::HostServices;
use super::state::CallState;

/// Who is calling and with what rights: the scope of the host imports.
#[derive(Debug, Clone)]
pub struct CallContext {
    /// The inbox the message belongs to (scopes `kv`).
    pub inbox_id: String,
    /// The bot answering (scopes `knowledge` and `llm`).
    pub bot_id: String,
    /// The host's id of the message, for log lines.
    pub message_id: Option<String>,
    /// This plugin's settings for this inbox (served by `config`).
    pub config: Arc<BTreeMap<String, String>>,
    /// Capabilities granted to this plugin binding.
    pub grants: Grants,
    /// The services behind the imports.
    pub services: HostServices,
}

impl CallContext {
    /// The context of `describe` at load time: no inbox, no grants.
    pub(crate) fn describe() -> Self {
        CallContext {
            inbox_id: String::new(),
            bot_id: String::new(),
            message_id: None,
            config: Arc::default(),
            grants: Grants::NONE,
            services: HostServices::in_memory(),
        }
    }
}

impl PluginEngine {
    /// Calls `hook` of `plugin` in a fresh instance. `call` receives the
    /// instance's functions and store.
    pub(crate) fn invoke<R>(
        &self,
        plugin: &LoadedPlugin,
        hook: Hook,
        ctx: CallContext,
        call: impl FnOnce(&HookCalls<'_>, &mut Store<CallState>) -> wasmtime::Result<R>,
    ) -> Result<R, PluginError> {
        let fail = |kind| PluginError::new(&plugin.name, &plugin.hash, hook, kind);
        let mut store = self.call_store(&plugin.name, ctx);
        let instance = plugin
            .pre
            .instantiate(&mut store)
            .map_err(|e| fail(self.classify(&store, e, true)))?;
        let calls = HookCalls::new(instance, &plugin.exports);
        call(&calls, &mut store).map_err(|e| fail(self.classify(&store, e, false)))
    }

    /// A store for one call of `plugin`'s, with the sandbox limits armed.
    pub(crate) fn call_store(&self, plugin: &str, ctx: CallContext) -> Store<CallState> {
        let state = CallState::new(plugin, ctx, self.limits.max_memory);
        let mut store = Store::new(self.engine(), state);
        store.limiter(|state| &mut state.memory);
        store.set_epoch_deadline(self.deadline_ticks());
        store.epoch_deadline_trap();
        store
    }

    /// Turns a wasmtime error into what went wrong, as the guest saw it.
    pub(crate) fn classify(
        &self,
        store: &Store<CallState>,
        error: wasmtime::Error,
        instantiating: bool,
    ) -> PluginErrorKind {
        if store.data().memory.hit {
            return PluginErrorKind::MemoryLimit(self.limits.max_memory);
        }
        match error.downcast_ref::<Trap>() {
            Some(Trap::Interrupt) => {
                PluginErrorKind::Deadline(self.limits.deadline.as_millis() as u64)
            }
            Some(trap) => PluginErrorKind::Trap(trap.to_string()),
            None if instantiating => PluginErrorKind::Instantiate(format!("{error:#}")),
            None => PluginErrorKind::Trap(format!("{error:#}")),
        }
    }
}

/// Flattens a hook's own `result<T, string>` into the call's result.
pub(crate) fn guest_result<T>(
    plugin: &LoadedPlugin,
    hook: Hook,
    outcome: Result<Result<T, String>, PluginError>,
) -> Result<T, PluginError> {
    match outcome {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(message)) => Err(PluginError::new(
            &plugin.name,
            &plugin.hash,
            hook,
            PluginErrorKind::Guest(message),
        )),
        Err(e) => Err(e),
    }
}
