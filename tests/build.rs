//! Builds the test-only guests (tests/guests/*) to wasm32-wasip2 components
//! and tells the tests where they are through `GUEST_<NAME>` variables.
//! `echo-version` is built twice, as 1.0.0 and 2.0.0, for the reload tests.

use std::path::PathBuf;

include!("../host/build_wasm.rs");

const GUESTS: &[&str] = &[
    "runaway",
    "memory-hog",
    "trapper",
    "kv-user",
    "echo-version",
];

fn main() {
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets it"));
    let workspace = manifest
        .parent()
        .expect("tests/ sits in the workspace")
        .to_owned();
    rerun_if_guest_sources_change(&workspace, &["tests/guests", "guest-sdk", "wit"]);
    println!("cargo:rerun-if-changed=../host/build_wasm.rs");

    let packages: Vec<String> = GUESTS
        .iter()
        .map(|g| format!("mailbot-test-guest-{g}"))
        .collect();
    let packages: Vec<&str> = packages.iter().map(String::as_str).collect();
    let v1 = build_wasm_packages(&workspace, &packages, "", &[("ECHO_VERSION", "1.0.0")]);
    for (guest, (_, path)) in GUESTS.iter().zip(&v1) {
        let var = guest.to_uppercase().replace('-', "_");
        println!("cargo:rustc-env=GUEST_{var}={}", path.display());
    }
    let v2 = build_wasm_packages(
        &workspace,
        &["mailbot-test-guest-echo-version"],
        "-v2",
        &[("ECHO_VERSION", "2.0.0")],
    );
    println!("cargo:rustc-env=GUEST_ECHO_VERSION_2={}", v2[0].1.display());
}
