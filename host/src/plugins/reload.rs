//! Hot reload: the plugins folder is watched; changes are debounced, and
//! each changed file is compiled, linked and described on the watcher's own
//! thread (never on the async runtime) before the registry swaps it in.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::mpsc::{RecvTimeoutError, channel};
use std::time::Duration;

use notify::{RecursiveMode, Watcher};
use tokio::sync::broadcast;

use super::registry::{LoadError, PluginRegistry};

/// Quiet time after the last change before a file is (re)loaded, so a file
/// written in several steps is loaded once, whole.
const DEBOUNCE: Duration = Duration::from_millis(60);

/// What a reload did; sent to every subscriber of the watcher.
#[derive(Debug, Clone)]
pub enum ReloadEvent {
    /// A new version serves.
    Loaded {
        /// Plugin name.
        name: String,
        /// Content hash of the new version.
        hash: String,
        /// The file.
        path: PathBuf,
    },
    /// The file was rejected; the previous version (if any) keeps serving.
    Rejected(LoadError),
    /// The file was removed and its plugin no longer serves.
    Removed {
        /// Plugin name.
        name: String,
        /// The file.
        path: PathBuf,
    },
}

/// Keeps the folder watched while alive.
pub struct PluginWatcher {
    // Dropping the notify watcher closes the channel, which ends the thread.
    _watcher: notify::RecommendedWatcher,
    events: broadcast::Sender<ReloadEvent>,
}

impl std::fmt::Debug for PluginWatcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PluginWatcher").finish_non_exhaustive()
    }
}

impl PluginWatcher {
    /// Subscribes to reload events.
    pub fn subscribe(&self) -> broadcast::Receiver<ReloadEvent> {
        self.events.subscribe()
    }
}

/// Watches `dir` and reloads changed `*.wasm` files into `registry`.
pub fn watch_plugins_dir(
    registry: Arc<PluginRegistry>,
    dir: &Path,
) -> anyhow::Result<PluginWatcher> {
    let (tx, rx) = channel::<notify::Result<notify::Event>>();
    let mut watcher = notify::recommended_watcher(tx)
        .map_err(|e| anyhow::anyhow!("watching {}: {e}", dir.display()))?;
    watcher
        .watch(dir, RecursiveMode::NonRecursive)
        .map_err(|e| anyhow::anyhow!("watching {}: {e}", dir.display()))?;
    let (events, _) = broadcast::channel(256);
    let sender = events.clone();
    std::thread::Builder::new()
        .name("mailbot-plugin-reload".into())
        .spawn(move || {
            let mut pending = BTreeSet::new();
            loop {
                let timeout = if pending.is_empty() {
                    Duration::from_secs(3600)
                } else {
                    DEBOUNCE
                };
                match rx.recv_timeout(timeout) {
                    Ok(Ok(event)) => pending.extend(
                        event
                            .paths
                            .into_iter()
                            .filter(|p| p.extension().is_some_and(|x| x == "wasm")),
                    ),
                    Ok(Err(e)) => tracing::warn!(error = %e, "plugin folder watch error"),
                    Err(RecvTimeoutError::Timeout) => {
                        for path in std::mem::take(&mut pending) {
                            let _ = sender.send(reload_one(&registry, &path));
                        }
                    }
                    Err(RecvTimeoutError::Disconnected) => break,
                }
            }
        })?;
    Ok(PluginWatcher {
        _watcher: watcher,
        events,
    })
}

fn reload_one(registry: &PluginRegistry, path: &Path) -> ReloadEvent {
    if !path.exists() {
        let name = registry.remove_source(path).unwrap_or_default();
        tracing::info!(path = %path.display(), plugin = %name, "plugin file removed");
        return ReloadEvent::Removed {
            name,
            path: path.to_owned(),
        };
    }
    match registry.load_file(path) {
        Ok(plugin) => ReloadEvent::Loaded {
            name: plugin.name.clone(),
            hash: plugin.hash.clone(),
            path: path.to_owned(),
        },
        Err(e) => {
            tracing::error!(error = %e, "plugin rejected; the previous version keeps serving");
            ReloadEvent::Rejected(e)
        }
    }
}
