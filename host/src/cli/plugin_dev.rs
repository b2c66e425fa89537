//! `mailbot plugin new` and `mailbot plugin build`: the plugin developer's
//! loop of scaffolding a crate on the guest SDK and building it to a
//! component.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::{Context, bail};

include!("../../guest_link.rs");

/// Where the guest SDK of the checkout this binary was built from lives.
fn default_sdk_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../guest-sdk")
}

/// Scaffolds a plugin crate named `name` in `dir/name`.
pub fn new_plugin(name: &str, dir: &Path, sdk: Option<&Path>) -> anyhow::Result<PathBuf> {
    if name.is_empty()
        || !name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        || name.starts_with('-')
    {
        bail!(
            "plugin name `{name}` must be lower-case letters, digits and dashes, like `my-router`"
        );
    }
    let sdk = match sdk {
        Some(sdk) => sdk.to_owned(),
        None => default_sdk_dir(),
    };
    let sdk = sdk.canonicalize().with_context(|| {
        format!(
            "the guest SDK was not found at {} (pass --sdk PATH to a mailbot checkout's guest-sdk folder)",
            sdk.display()
        )
    })?;
    let root = dir.join(name);
    if root.exists() {
        bail!(
            "{} already exists; choose another name or --dir",
            root.display()
        );
    }
    std::fs::create_dir_all(root.join("src"))
        .with_context(|| format!("creating {}", root.display()))?;
    let struct_name: String = name
        .split('-')
        .map(|part| {
            let mut chars = part.chars();
            chars
                .next()
                .map(|c| c.to_ascii_uppercase().to_string() + chars.as_str())
                .unwrap_or_default()
        })
        .collect();
    let files = [
        ("Cargo.toml", cargo_toml(name, &sdk)),
        ("rust-toolchain.toml", TOOLCHAIN.to_owned()),
        (
            "src/lib.rs",
            LIB_RS
                .replace("{{name}}", name)
                .replace("{{Struct}}", &struct_name),
        ),
        (".gitignore", "/target\n".to_owned()),
    ];
    for (file, text) in files {
        let path = root.join(file);
        std::fs::write(&path, text).with_context(|| format!("writing {}", path.display()))?;
    }
    Ok(root)
}

fn cargo_toml(name: &str, sdk: &Path) -> String {
    format!(
        r#"[package]
name = "{name}"
version = "0.1.0"
edition = "2024"

[lib]
crate-type = ["cdylib", "rlib"]

[dependencies]
mailbot-guest = {{ path = {sdk:?} }}

[profile.release]
opt-level = "s"
lto = true

# A plugin is its own workspace.
[workspace]
"#,
        sdk = sdk.display().to_string()
    )
}

const TOOLCHAIN: &str = r#"[toolchain]
channel = "stable"
targets = ["wasm32-wasip2"]
"#;

const LIB_RS: &str = r#"//! {{name}}: a mailbot policy plugin.
//!
//! Build it with `mailbot plugin build`, then drop the `.wasm` into the
//! plugins folder of a running mailbot.

use mailbot_guest::{export_plugin, Hook, Message, Inbox, Plugin, RouteDecision};

/// The plugin.
#[derive(Default)]
pub struct {{Struct}};

impl Plugin for {{Struct}} {
    const NAME: &'static str = "{{name}}";
    const VERSION: &'static str = env!("CARGO_PKG_VERSION");
    const HOOKS: &'static [Hook] = &[Hook::Route];

    fn route(&self, msg: &Message, _inbox: &Inbox) -> Result<RouteDecision, String> {
        if msg.subject.to_lowercase().contains("unsubscribe") {
            return Ok(RouteDecision::Drop("asks to unsubscribe".into()));
        }
        Ok(RouteDecision::NoOpinion)
    }
}

export_plugin!({{Struct}});

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unsubscribe_requests_are_dropped() {
        let mut msg = Message::default();
        msg.subject = "Please unsubscribe me".into();
        let decision = {{Struct}}.route(&msg, &Inbox::default()).unwrap();
        assert!(matches!(decision, RouteDecision::Drop(_)));
    }
}
"#;

/// Builds the plugin crate in `dir` to a wasm32-wasip2 component and
/// returns the component's path.
pub fn build_plugin(dir: &Path) -> anyhow::Result<PathBuf> {
    let manifest = dir.join("Cargo.toml");
    if !manifest.exists() {
        bail!("{} has no Cargo.toml: is it a plugin crate?", dir.display());
    }
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let output = Command::new(cargo)
        .arg("build")
        .arg("--release")
        .arg("--target=wasm32-wasip2")
        .arg("--config")
        .arg(guest_link_config())
        .arg("--message-format=json-render-diagnostics")
        .arg("--manifest-path")
        .arg(&manifest)
        .stderr(Stdio::inherit())
        .output()
        .context("running cargo (is Rust installed?)")?;
    if !output.status.success() {
        bail!("cargo build failed for {}", dir.display());
    }
    let stdout = String::from_utf8_lossy(&output.stdout);
    let mut wasm = None;
    for line in stdout.lines() {
        let Ok(msg) = serde_json::from_str::<serde_json::Value>(line) else {
            continue;
        };
        if msg["reason"] != "compiler-artifact" {
            continue;
        }
        if let Some(files) = msg["filenames"].as_array() {
            for file in files.iter().filter_map(|f| f.as_str()) {
                if file.ends_with(".wasm") {
                    wasm = Some(PathBuf::from(file));
                }
            }
        }
    }
    wasm.with_context(|| {
        format!(
            "cargo built {} but produced no .wasm: does Cargo.toml say crate-type = [\"cdylib\"]?",
            dir.display()
        )
    })
}
