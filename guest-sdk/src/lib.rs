//! Write [mailbot] policy plugins in Rust.
//!
//! A mailbot plugin is a WebAssembly component (`wasm32-wasip2`) that answers
//! any subset of five policy hooks — `route`, `collect-contact`, `escalate`,
//! `generate-reply`, `signature` — for every email an inbox receives. This
//! crate is all a plugin depends on: it owns the WIT bindings, gives them
//! plain Rust types, and wraps the host's imports as functions.
//!
//! - Implement [`Plugin`] (every hook defaults to "no opinion") and list the
//!   hooks you implement in [`Plugin::HOOKS`].
//! - Call [`export_plugin!`] once with your type.
//! - Use the host through [`log`], [`config`], [`kv`], [`clock`],
//!   [`knowledge`] and [`llm`]. Each is a capability the host may deny
//!   ([`HostError::Denied`]); knowledge and llm are also
//!   [`HostError::Unavailable`] when the bot has none.
//! - Build with `mailbot plugin build`, which runs
//!   `cargo build --target wasm32-wasip2 --release` and links the component
//!   with a 2 MiB initial memory (`-C link-arg=--initial-memory=2097152`):
//!   a plugin that fits in it never grows its memory, and every call in a
//!   fresh instance is cheaper for it. Plain `cargo build` works too; the
//!   `.wasm` in `target/wasm32-wasip2/release/` is the component.
//!
//! The crate also compiles natively, where the host imports talk to the
//! [`testing`] double, so plugin logic is unit-tested with plain `cargo test`.
//!
//! Your `Cargo.toml` needs `crate-type = ["cdylib"]` (add `"rlib"` to link the
//! plugin into native tests or benchmarks) and `mailbot-guest` as its only
//! mailbot dependency.
//!
//! # Example
//!
//! A plugin that drops mail from a configured domain and hands the rest to
//! the bot named in its config:
//!
//! ```
//! use mailbot_guest::{config, export_plugin, log, Hook, Inbox, Message, Plugin, RouteDecision};
//!
//! #[derive(Default)]
//! pub struct DomainFilter;
//!
//! impl Plugin for DomainFilter {
//!     const NAME: &'static str = "domain-filter";
//!     const VERSION: &'static str = "0.1.0";
//!     const HOOKS: &'static [Hook] = &[Hook::Route];
//!
//!     fn route(&self, msg: &Message, _inbox: &Inbox) -> Result<RouteDecision, String> {
//!         let config = |key| config::get(key).map_err(|e| format!("config: {e}"));
//!         if let Some(domain) = config("drop-domain")? {
//!             if msg.from.domain() == domain {
//!                 log::info("dropping mail from a filtered domain");
//!                 return Ok(RouteDecision::Drop(format!("sender domain {domain} is filtered")));
//!             }
//!         }
//!         Ok(match config("bot")? {
//!             Some(bot) => RouteDecision::Handle(bot),
//!             None => RouteDecision::NoOpinion,
//!         })
//!     }
//! }
//!
//! export_plugin!(DomainFilter);
//!
//! // Natively, the host is the `testing` double:
//! # fn main() {
//! use mailbot_guest::{testing, Address};
//!
//! testing::clear();
//! testing::set_config("drop-domain", "spam.example");
//! testing::set_config("bot", "support");
//! let spam = Message { from: Address::new("x@spam.example"), ..Message::default() };
//! let mail = Message { from: Address::new("jane@example.com"), ..Message::default() };
//! let inbox = Inbox::default();
//! assert!(matches!(DomainFilter.route(&spam, &inbox), Ok(RouteDecision::Drop(_))));
//! assert_eq!(DomainFilter.route(&mail, &inbox), Ok(RouteDecision::Handle("support".into())));
//! # }
//! ```
//!
//! [mailbot]: https://github.com/mailbot

#![deny(missing_docs)]

// Lets the generated bindings and `export_plugin!` name this crate the same
// way from inside it and from plugin crates.
extern crate self as mailbot_guest;

pub mod clock;
pub mod config;
mod convert;
mod decisions;
mod error;
pub mod knowledge;
pub mod kv;
pub mod llm;
pub mod log;
mod plugin;
#[cfg(not(target_arch = "wasm32"))]
pub mod testing;
pub mod text;
mod types;

pub use decisions::{
    EscalateDecision, Escalation, Hook, OutboundAttachment, PluginInfo, Reply, ReplyDecision,
    RouteDecision, Signature,
};
pub use error::{Capability, HostError};
#[doc(hidden)]
pub use plugin::__private;
pub use plugin::{Plugin, describe};
pub use types::{
    Address, Attachment, Bot, Contact, Conversation, Header, Inbox, Message, Priority, Role,
    Status, Turn,
};

/// The wit-bindgen runtime the generated code refers to, so plugin crates
/// need not depend on wit-bindgen themselves.
#[doc(hidden)]
pub use wit_bindgen::rt as __rt;

/// The bindings generated from `wit/plugin.wit`; not public API.
#[doc(hidden)]
#[allow(missing_docs, unsafe_code, unused, clippy::all)]
pub mod wit {
    wit_bindgen::generate!({
        path: "../wit",
        world: "plugin",
        pub_export_macro: true,
        export_macro_name: "__export_plugin_world",
        default_bindings_module: "::mailbot_guest::wit",
        runtime_path: "::mailbot_guest::__rt",
    });
}
