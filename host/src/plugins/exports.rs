//! The contract's exports of one loaded component, and calling them in a
//! fresh instance.
//!
//! The generated bindings look every export up by name and check its type
//! against the contract each time they wrap a new instance: for records as
//! large as `message` that check costs more than a hook's own work on a
//! short mail. The types of a component's exports cannot change, so
//! [`ContractExports::check`] has the bindings check them once, when the
//! component is loaded, and keeps their indices; [`HookCalls`] then calls
//! the exports of each fresh instance by index without checking again.

use wasmtime::Store;
use wasmtime::component::{
    Component, ComponentExportIndex, ComponentNamedList, Instance, Lift, Lower, TypedFunc,
};

use super::bindings::types::{
    Bot, Contact, Conversation, EscalateDecision, Inbox, Message, PluginInfo, ReplyDecision,
    RouteDecision, SignatureBlock,
};
use super::bindings::{Plugin, PluginPre};
use super::engine::CONTRACT_VERSION;
use super::state::CallState;

/// Indices of the contract's functions in one component, whose types were
/// checked against the contract when it was loaded.
#[derive(Debug, Clone)]
pub(crate) struct ContractExports {
    describe: ComponentExportIndex,
    route: ComponentExportIndex,
    collect_contact: ComponentExportIndex,
    escalate: ComponentExportIndex,
    generate_reply: ComponentExportIndex,
    signature: ComponentExportIndex,
}

impl ContractExports {
    /// Checks every export of `component` against the contract, by having
    /// the generated bindings (`bindings`, made from its pre-linked form)
    /// wrap one instance made in `store`, and finds their indices. An error
    /// says which export is missing or mistyped.
    pub(crate) fn check(
        component: &Component,
        bindings: &PluginPre<CallState>,
        store: &mut Store<CallState>,
    ) -> wasmtime::Result<Self> {
        let _checked: Plugin = bindings.instantiate(&mut *store)?;
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
            describe: func("describe")?,
            route: func("route")?,
            collect_contact: func("collect-contact")?,
            escalate: func("escalate")?,
            generate_reply: func("generate-reply")?,
            signature: func("signature")?,
        })
    }
}

/// The contract's functions of one fresh instance.
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

    /// Calls the export at `index`, typed as the contract says it is.
    fn call<P, R>(
        &self,
        store: &mut Store<CallState>,
        index: &ComponentExportIndex,
        params: P,
    ) -> wasmtime::Result<R>
    where
        P: ComponentNamedList + Lower,
        R: ComponentNamedList + Lift,
    {
        let func = self
            .instance
            .get_func(&mut *store, index)
            .ok_or_else(|| wasmtime::format_err!("a checked export went missing"))?;
        // SAFETY: `ContractExports::check` had the generated bindings check
        // this export of this very component against these types (the
        // contract's), and a component's export types never change. The
        // generated bindings call their exports the same way.
        #[allow(unsafe_code)]
        let typed = unsafe { TypedFunc::<P, R>::new_unchecked(func) };
        typed.call(store, params)
    }

    pub fn call_describe(&self, store: &mut Store<CallState>) -> wasmtime::Result<PluginInfo> {
        let (info,) = self.call::<(), (PluginInfo,)>(store, &self.exports.describe, ())?;
        Ok(info)
    }

    pub fn call_route(
        &self,
        store: &mut Store<CallState>,
        msg: &Message,
        inbox: &Inbox,
    ) -> HookResult<RouteDecision> {
        let (answer,) = self.call::<_, (Result<RouteDecision, String>,)>(
            store,
            &self.exports.route,
            (msg, inbox),
        )?;
        Ok(answer)
    }

    pub fn call_collect_contact(
        &self,
        store: &mut Store<CallState>,
        msg: &Message,
        conv: &Conversation,
    ) -> HookResult<Option<Contact>> {
        let (answer,) = self.call::<_, (Result<Option<Contact>, String>,)>(
            store,
            &self.exports.collect_contact,
            (msg, conv),
        )?;
        Ok(answer)
    }

    pub fn call_escalate(
        &self,
        store: &mut Store<CallState>,
        msg: &Message,
        conv: &Conversation,
    ) -> HookResult<EscalateDecision> {
        let (answer,) = self.call::<_, (Result<EscalateDecision, String>,)>(
            store,
            &self.exports.escalate,
            (msg, conv),
        )?;
        Ok(answer)
    }

    pub fn call_generate_reply(
        &self,
        store: &mut Store<CallState>,
        msg: &Message,
        conv: &Conversation,
        bot: &Bot,
    ) -> HookResult<ReplyDecision> {
        let (answer,) = self.call::<_, (Result<ReplyDecision, String>,)>(
            store,
            &self.exports.generate_reply,
            (msg, conv, bot),
        )?;
        Ok(answer)
    }

    pub fn call_signature(
        &self,
        store: &mut Store<CallState>,
        conv: &Conversation,
        inbox: &Inbox,
    ) -> HookResult<Option<SignatureBlock>> {
        let (answer,) = self.call::<_, (Result<Option<SignatureBlock>, String>,)>(
            store,
            &self.exports.signature,
            (conv, inbox),
        )?;
        Ok(answer)
    }
}
