//! Builds the plugins that ship with mailbot (plugins/*) to wasm32-wasip2
//! components and embeds them in the binary, so one command runs mailbot
//! with its default policies on a fresh machine.

use std::io::Write;
use std::path::PathBuf;

include!("build_wasm.rs");

/// (plugin name, workspace package) of the plugins that ship.
const SHIPPED: &[(&str, &str)] = &[
    ("rules-router", "mailbot-plugin-rules-router"),
    ("contact-collector", "mailbot-plugin-contact-collector"),
    ("escalation-rules", "mailbot-plugin-escalation-rules"),
    ("signature-template", "mailbot-plugin-signature-template"),
    ("template-reply", "mailbot-plugin-template-reply"),
];

fn main() {
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets it"));
    let workspace = manifest
        .parent()
        .expect("host/ sits in the workspace")
        .to_owned();
    rerun_if_guest_sources_change(&workspace, &["plugins", "guest-sdk", "wit"]);
    println!("cargo:rerun-if-changed=build_wasm.rs");

    let packages: Vec<&str> = SHIPPED.iter().map(|(_, package)| *package).collect();
    let built = build_wasm_packages(&workspace, &packages, "", &[]);

    let out = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
    let mut list =
        std::fs::File::create(out.join("shipped_plugins.rs")).expect("OUT_DIR is writable");
    writeln!(
        list,
        "/// (name, component bytes) of every plugin that ships."
    )
    .expect("write");
    writeln!(list, "pub const SHIPPED_PLUGINS: &[(&str, &[u8])] = &[").expect("write");
    for ((name, _), (_, path)) in SHIPPED.iter().zip(&built) {
        writeln!(
            list,
            "    ({name:?}, include_bytes!({:?})),",
            path.display().to_string()
        )
        .expect("write");
    }
    writeln!(list, "];").expect("write");
}
