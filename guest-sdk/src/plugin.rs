//! The [`Plugin`] trait every plugin implements, and the [`export_plugin!`]
//! macro that turns it into a component's exports.
//!
//! [`export_plugin!`]: crate::export_plugin

use crate::{
    Bot, Contact, Conversation, EscalateDecision, Hook, Inbox, Message, PluginInfo, ReplyDecision,
    RouteDecision, Signature,
};

/// A mailbot policy plugin.
///
/// Implement the hooks you need and list exactly those in [`Plugin::HOOKS`];
/// the host asks `describe` which hooks a plugin implements and calls only
/// those. Every hook defaults to "no opinion", so an unlisted hook is never
/// asked and a listed hook you forgot to implement answers like an absent one.
///
/// The host creates a fresh instance (and calls `Default::default()`) for
/// every hook call: nothing survives between calls except what the plugin
/// stores through [`kv`](crate::kv).
///
/// A hook returns `Err(text)` when the plugin itself failed (a malformed
/// configuration, an unexpected host error); the host records the text and
/// follows the inbox's fallback. A panic traps the instance and is recorded
/// the same way, so prefer `Err` for anything a user can fix.
pub trait Plugin: Default {
    /// Plugin name, e.g. `rules-router`.
    const NAME: &'static str;
    /// Plugin version (semver), usually `env!("CARGO_PKG_VERSION")`.
    const VERSION: &'static str;
    /// The hooks this plugin implements. Listing a hook you did not implement
    /// is harmless (it answers "no opinion"); implementing one you did not
    /// list means the host never calls it.
    const HOOKS: &'static [Hook];

    /// Decides who handles an inbound message.
    fn route(&self, _msg: &Message, _inbox: &Inbox) -> Result<RouteDecision, String> {
        Ok(RouteDecision::NoOpinion)
    }

    /// Returns contact fields found in the message; `None` when nothing was found.
    fn collect_contact(
        &self,
        _msg: &Message,
        _conv: &Conversation,
    ) -> Result<Option<Contact>, String> {
        Ok(None)
    }

    /// Decides whether a human must take over.
    fn escalate(&self, _msg: &Message, _conv: &Conversation) -> Result<EscalateDecision, String> {
        Ok(EscalateDecision::NoOpinion)
    }

    /// Decides the reply to send.
    fn generate_reply(
        &self,
        _msg: &Message,
        _conv: &Conversation,
        _bot: &Bot,
    ) -> Result<ReplyDecision, String> {
        Ok(ReplyDecision::NoOpinion)
    }

    /// Returns the signature for a reply in this conversation; `None` for no signature.
    fn signature(&self, _conv: &Conversation, _inbox: &Inbox) -> Result<Option<Signature>, String> {
        Ok(None)
    }
}

/// What `P` answers to `describe`: its name, version and hooks (sorted into
/// pipeline order, duplicates removed).
pub fn describe<P: Plugin>() -> PluginInfo {
    let mut hooks = P::HOOKS.to_vec();
    hooks.sort();
    hooks.dedup();
    PluginInfo {
        name: P::NAME.to_owned(),
        version: P::VERSION.to_owned(),
        hooks,
    }
}

/// Exports a [`Plugin`] as the component's `mailbot:plugin/policy` interface.
///
/// Use it once per crate, at the top level, with the plugin type:
///
/// ```
/// use mailbot_guest::{Hook, Plugin, export_plugin};
///
/// #[derive(Default)]
/// pub struct Quiet;
///
/// impl Plugin for Quiet {
///     const NAME: &'static str = "quiet";
///     const VERSION: &'static str = "1.0.0";
///     const HOOKS: &'static [Hook] = &[];
/// }
///
/// export_plugin!(Quiet);
/// # fn main() {}
/// ```
///
/// On non-wasm targets the macro only checks that the type implements
/// [`Plugin`], so several plugin crates can be linked into one native test
/// or benchmark binary.
#[macro_export]
macro_rules! export_plugin {
    ($plugin:ty) => {
        const _: () = {
            fn assert_implements_plugin<P: $crate::Plugin>() {}
            let _ = assert_implements_plugin::<$plugin>;
        };

        #[cfg(target_arch = "wasm32")]
        #[allow(unsafe_code)]
        const _: () = {
            use $crate::__private as __mb;

            struct MailbotPluginExports;

            impl __mb::Guest for MailbotPluginExports {
                fn describe() -> __mb::PluginInfo {
                    __mb::describe::<$plugin>()
                }
                fn route(
                    msg: __mb::Message,
                    inbox: __mb::Inbox,
                ) -> ::core::result::Result<__mb::RouteDecision, __mb::String> {
                    __mb::route::<$plugin>(msg, inbox)
                }
                fn collect_contact(
                    msg: __mb::Message,
                    conv: __mb::Conversation,
                ) -> ::core::result::Result<::core::option::Option<__mb::Contact>, __mb::String>
                {
                    __mb::collect_contact::<$plugin>(msg, conv)
                }
                fn escalate(
                    msg: __mb::Message,
                    conv: __mb::Conversation,
                ) -> ::core::result::Result<__mb::EscalateDecision, __mb::String> {
                    __mb::escalate::<$plugin>(msg, conv)
                }
                fn generate_reply(
                    msg: __mb::Message,
                    conv: __mb::Conversation,
                    bot: __mb::Bot,
                ) -> ::core::result::Result<__mb::ReplyDecision, __mb::String> {
                    __mb::generate_reply::<$plugin>(msg, conv, bot)
                }
                fn signature(
                    conv: __mb::Conversation,
                    inbox: __mb::Inbox,
                ) -> ::core::result::Result<
                    ::core::option::Option<__mb::SignatureBlock>,
                    __mb::String,
                > {
                    __mb::signature::<$plugin>(conv, inbox)
                }
            }

    $crate::wit::__export_plugin_world!(MailbotPluginExports with_types_in $crate::wit);
        };
    };
}

/// What [`export_plugin!`](crate::export_plugin) expands to; not public API.
#[doc(hidden)]
pub mod __private {
    use super::Plugin;

    pub use crate::wit::exports::mailbot::plugin::policy::{
        Bot, Contact, Conversation, EscalateDecision, Guest, Inbox, Message, PluginInfo,
        ReplyDecision, RouteDecision, SignatureBlock,
    };
    pub use std::string::String;

    pub fn describe<P: Plugin>() -> PluginInfo {
        super::describe::<P>().into()
    }

    pub fn route<P: Plugin>(msg: Message, inbox: Inbox) -> Result<RouteDecision, String> {
        P::default()
            .route(&msg.into(), &inbox.into())
            .map(Into::into)
    }

    pub fn collect_contact<P: Plugin>(
        msg: Message,
        conv: Conversation,
    ) -> Result<Option<Contact>, String> {
        P::default()
            .collect_contact(&msg.into(), &conv.into())
            .map(|c| c.map(Into::into))
    }

    pub fn escalate<P: Plugin>(
        msg: Message,
        conv: Conversation,
    ) -> Result<EscalateDecision, String> {
        P::default()
            .escalate(&msg.into(), &conv.into())
            .map(Into::into)
    }

    pub fn generate_reply<P: Plugin>(
        msg: Message,
        conv: Conversation,
        bot: Bot,
    ) -> Result<ReplyDecision, String> {
        P::default()
            .generate_reply(&msg.into(), &conv.into(), &bot.into())
            .map(Into::into)
    }

    pub fn signature<P: Plugin>(
        conv: Conversation,
        inbox: Inbox,
    ) -> Result<Option<SignatureBlock>, String> {
        P::default()
            .signature(&conv.into(), &inbox.into())
            .map(|s| s.map(Into::into))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Default)]
    struct Sloppy;

    impl Plugin for Sloppy {
        const NAME: &'static str = "sloppy";
        const VERSION: &'static str = "1.2.3";
        const HOOKS: &'static [Hook] = &[Hook::Signature, Hook::Route, Hook::Signature];
    }

    #[test]
    fn describe_sorts_and_dedups_hooks() {
        let info = describe::<Sloppy>();
        assert_eq!(info.name, "sloppy");
        assert_eq!(info.version, "1.2.3");
        assert_eq!(info.hooks, [Hook::Route, Hook::Signature]);
    }

    #[test]
    fn unimplemented_hooks_have_no_opinion() {
        let (msg, conv) = (Message::default(), Conversation::default());
        assert_eq!(
            Sloppy.route(&msg, &Inbox::default()),
            Ok(RouteDecision::NoOpinion)
        );
        assert_eq!(Sloppy.collect_contact(&msg, &conv), Ok(None));
        assert_eq!(
            Sloppy.escalate(&msg, &conv),
            Ok(EscalateDecision::NoOpinion)
        );
        assert_eq!(
            Sloppy.generate_reply(&msg, &conv, &Bot::default()),
            Ok(ReplyDecision::NoOpinion)
        );
        assert_eq!(Sloppy.signature(&conv, &Inbox::default()), Ok(None));
    }

    #[test]
    fn generated_describe_carries_the_hooks() {
        let info = __private::describe::<Sloppy>();
        assert_eq!(info.hooks.len(), 2);
        assert_eq!(info.version, "1.2.3");
    }
}
