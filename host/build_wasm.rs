// Shared by `host/build.rs` (the plugins that ship) and `tests/build.rs`
// (the guests the tests use): builds workspace packages to wasm32-wasip2
// components with a nested cargo in a target dir of its own, so no `.wasm`
// is ever committed and an untested plugin breaks the build.

include!("guest_link.rs");


/// Builds `packages` (workspace package names) for wasm32-wasip2 in release
/// mode and returns (package, path of its component) pairs. `variant` names
/// a separate target dir, for building a package again with other `envs`.
fn build_wasm_packages(
    workspace: &std::path::Path,
    packages: &[&str],
    variant: &str,
    envs: &[(&str, &str)],
) -> Vec<(String, std::path::PathBuf)> {
    let out_dir = std::path::PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
    // OUT_DIR is <target>/<profile>/build/<pkg>-<hash>/out: keep the wasm
    // build beside the profile's own artifacts.
    let target_dir = out_dir
        .ancestors()
        .nth(3)
        .map(|p| p.join(format!("wasm-components{variant}")))
        .unwrap_or_else(|| out_dir.join(format!("wasm-components{variant}")));
    ensure_wasm_target();
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let mut cmd = std::process::Command::new(cargo);
    cmd.current_dir(workspace)
        .arg("build")
        .arg("--release")
        .arg("--target=wasm32-wasip2")
        .arg("--config")
        .arg(guest_link_config())
        .arg("--target-dir")
        .arg(&target_dir);
    for package in packages {
        cmd.arg("-p").arg(package);
    }
    cmd.envs(envs.iter().copied());
    // Flags and wrappers meant for the outer (native) build must not leak
    // into the guest build.
    for var in [
        "CARGO_ENCODED_RUSTFLAGS",
        "RUSTFLAGS",
        "RUSTC_WORKSPACE_WRAPPER",
        "CARGO_BUILD_TARGET",
        "CARGO_TARGET_DIR",
        "CARGO_BUILD_RUSTFLAGS",
        "CARGO_PRIMARY_PACKAGE",
    ] {
        cmd.env_remove(var);
    }
    let status = cmd.status().expect("running cargo for the wasm components");
    assert!(
        status.success(),
        "building the wasm32-wasip2 components {packages:?} failed (is the target installed? \
         rust-toolchain.toml asks rustup for it)"
    );
    packages
        .iter()
        .map(|package| {
            let file = format!("{}.wasm", package.replace('-', "_"));
            let path = target_dir.join("wasm32-wasip2/release").join(file);
            assert!(path.exists(), "{} was not produced", path.display());
            (package.to_string(), path)
        })
        .collect()
}

/// rust-toolchain.toml names the wasm32-wasip2 target, but rustup does not
/// add targets to a toolchain that is already installed: add it here when
/// the sysroot lacks it, so a fresh machine needs no manual step.
fn ensure_wasm_target() {
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into());
    let sysroot = std::process::Command::new(&rustc)
        .args(["--print", "sysroot"])
        .output()
        .ok()
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .map(|s| std::path::PathBuf::from(s.trim()));
    let installed = sysroot.is_some_and(|root| root.join("lib/rustlib/wasm32-wasip2").is_dir());
    if installed {
        return;
    }
    println!("cargo:warning=adding the wasm32-wasip2 target with rustup");
    let status = std::process::Command::new("rustup")
        .args(["target", "add", "wasm32-wasip2"])
        .env_remove("RUSTUP_TOOLCHAIN_SOURCE")
        .status();
    if !matches!(status, Ok(s) if s.success()) {
        println!("cargo:warning=`rustup target add wasm32-wasip2` failed; the component build will say why");
    }
}

/// Tells cargo to rerun the build script when guest sources change.
fn rerun_if_guest_sources_change(workspace: &std::path::Path, dirs: &[&str]) {
    for dir in dirs {
        println!("cargo:rerun-if-changed={}", workspace.join(dir).display());
    }
    for file in ["Cargo.lock", "host/guest_link.rs"] {
        println!("cargo:rerun-if-changed={}", workspace.join(file).display());
    }
}
