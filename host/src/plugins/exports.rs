//! The contract's exports of one loaded component, and calling them in a
//! fresh instance.
//!
//! The generated bindings look every export up by name and check its type
//! against the contract each time they wrap a new instance: for records as
//! large as `message` that check costs more than a hook's own work on a
//! short mail. The types of a component's exports cannot change, so the
//! loader has the bindings check them once, on the instance that answers
//! `describe`, and keeps their indices ([`ContractExports`]); [`HookCalls`]
//! then calls the hooks of each fresh instance by index without checking
//! again.

use wasmtime::Store;
use wasmtime::component::{
    Component, ComponentExportIndex, ComponentNamedList, Instance, Lift, Lower, TypedFunc,
};

use super::bindings::types::{
    Bot, Contact, Conversation, EscalateDecision, Inbox, Message, ReplyDecision, RouteDecision,
    SignatureBlock,
};
use super::engine::CONTRACT_VERSION;
use super::state::CallState;

/// Indices of the contract's hooks in one component. The loader has the
/// generated bindings check their types once (see `PluginEngine::load`).
#[derive(Debug, Clone)]
pub(crate) struct ContractExports {
    route: ComponentExportIndex,
    collect_contact: ComponentExportIndex,
    escalate: ComponentExportIndex,
    generate_reply: ComponentExportIndex,
    signature: ComponentExportIndex,
}

impl ContractExports {
    /// Finds the hooks of `component`; an error names the one missing.
    pub(crate) fn find(component: &Component) -> wasmtime::Result<Self> {
        let interface_name = format!("mailbot:plugin/policy@{CONTRACT_VERSION}");
        let interface = component
            .get_export_index(None, &interface_name)
            .ok_or_else(|| wasmtime::format_err!("no export `{interface_name}`"))?;
        let func = |name: &str| {
            component
                .get_export_index(Some(&interface), name)
                .ok_or_else(|| wasmtime::format_err!("no export `{interface_name}#{name}`"))
        };
        Ok(ContractExports {
            route: func("route")?,
            collect_contact: func("collect-contact")?,
            escalate: func("escalate")?,
            generate_reply: func("generate-reply")?,
            signature: func("signature")?,
        })
    }
}

/// The contract's hooks of one fresh instance.
pub struct HookCalls<'a> {
    instance: Instance,
    exports: &'a ContractExports,
}

/// What a hook returns to the host: its answer or the guest's own error.
type HookResult<T> = wasmtime::Result<Result<T, String>>;

impl<'a> HookCalls<'a> {
    pub(crate) fn new(instance: Instance, exports: &'a ContractExports) -> Self {
        HookCalls { instance, exports }
    }

    /// Calls the hook at `index` with `params`; it answers `result<T, string>`
    /// as the contract says.
    fn hook<P, T>(
        &self,
        store: &mut Store<CallState>,
        index: &ComponentExportIndex,
        params: P,
    ) -> HookResult<T>
    where
        P: ComponentNamedList + Lower,
        (Result<T, String>,): ComponentNamedList + Lift,
    {
        let func = self
            .instance
            .get_func(&mut *store, index)
            .ok_or_else(|| wasmtime::format_err!("a checked export went missing"))?;
        // SAFETY: the loader had the generated bindings check this export of
        // this very component against the contract's types, which these
        // are, and a component's export types never change. The generated
        // bindings call their exports the same way.
        #[allow(unsafe_code)]
        let typed = unsafe { TypedFunc::<P, (Result<T, String>,)>::new_unchecked(func) };
        let (answer,) = typed.call(store, params)?;
        Ok(answer)
    }

    pub fn call_route(
        &self,
        store: &mut Store<CallState>,
        msg: &Message,
        inbox: &Inbox,
    ) -> HookResult<RouteDecision> {
        self.hook(store, &self.exports.route, (msg, inbox))
    }

    pub fn call_collect_contact(
        &self,
        store: &mut Store<CallState>,
        msg: &Message,
        conv: &Conversation,
    ) -> HookResult<Option<Contact>> {
        self.hook(store, &self.exports.collect_contact, (msg, conv))
    }

    pub fn call_escalate(
        &self,
        store: &mut Store<CallState>,
        msg: &Message,
        conv: &Conversation,
    ) -> HookResult<EscalateDecision> {
        self.hook(store, &self.exports.escalate, (msg, conv))
    }

    pub fn call_generate_reply(
        &self,
        store: &mut Store<CallState>,
        msg: &Message,
        conv: &Conversation,
        bot: &Bot,
    ) -> HookResult<ReplyDecision> {
        self.hook(store, &self.exports.generate_reply, (msg, conv, bot))
    }

    pub fn call_signature(
        &self,
        store: &mut Store<CallState>,
        conv: &Conversation,
        inbox: &Inbox,
    ) -> HookResult<Option<SignatureBlock>> {
        self.hook(store, &self.exports.signature, (conv, inbox))
    }
}
