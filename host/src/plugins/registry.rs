//! The plugins currently serving, by name. Loading a new version swaps it in
//! atomically; calls already running keep the `Arc` of the version they
//! started with and finish on it. A version that fails to load never
//! replaces the one serving, and its error stays visible until it is fixed.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};

use super::engine::PluginEngine;
use super::loaded::LoadedPlugin;

/// Why a plugin file was not loaded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LoadError {
    /// The file could not be read.
    #[error("plugin {file}: cannot read the file: {reason}")]
    Read {
        /// The file.
        file: PathBuf,
        /// The I/O error.
        reason: String,
    },
    /// Not a WebAssembly component.
    #[error("plugin {file}: {reason}")]
    NotAComponent {
        /// The file.
        file: PathBuf,
        /// What it is instead.
        reason: String,
    },
    /// wasmtime refused to compile it.
    #[error("plugin {file}: compile failed: {reason}")]
    Compile {
        /// The file.
        file: PathBuf,
        /// The compiler's error.
        reason: String,
    },
    /// Built against another version of the `mailbot:plugin` contract.
    #[error(
        "plugin {file}: built against another contract version: expected export {wanted}, found {found}"
    )]
    ContractVersion {
        /// The file.
        file: PathBuf,
        /// The export this host serves.
        wanted: String,
        /// What the component exports instead.
        found: String,
    },
    /// Its imports could not be satisfied.
    #[error("plugin {file}: link failed: {reason}")]
    Link {
        /// The file.
        file: PathBuf,
        /// The linker's error.
        reason: String,
    },
    /// `describe` trapped, timed out or returned nonsense.
    #[error("plugin {file}: describe failed: {reason}")]
    Describe {
        /// The file.
        file: PathBuf,
        /// What went wrong.
        reason: String,
    },
    /// Another file already serves a plugin of that name.
    #[error("plugin {file}: the name `{name}` is already served by {other}")]
    NameTaken {
        /// The file.
        file: PathBuf,
        /// The contested name.
        name: String,
        /// The file that has it.
        other: PathBuf,
    },
}

/// Loaded plugins by name, plus the latest load error of each file.
pub struct PluginRegistry {
    engine: Arc<PluginEngine>,
    state: RwLock<State>,
}

#[derive(Default)]
struct State {
    plugins: HashMap<String, Arc<LoadedPlugin>>,
    // Which plugin name each file serves, to remove it when the file goes.
    names_by_source: HashMap<PathBuf, String>,
    // Built-in versions shadowed by a file of the same name, restored when
    // that file is removed.
    shadowed_builtins: HashMap<String, Arc<LoadedPlugin>>,
    // The last load error of each file (cleared by a successful load).
    errors: BTreeMap<PathBuf, LoadError>,
}

impl std::fmt::Debug for PluginRegistry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PluginRegistry").finish_non_exhaustive()
    }
}

fn is_builtin(path: &Path) -> bool {
    path.to_string_lossy().starts_with("builtin:")
}

impl PluginRegistry {
    /// An empty registry on `engine`.
    pub fn new(engine: Arc<PluginEngine>) -> Self {
        PluginRegistry {
            engine,
            state: RwLock::default(),
        }
    }

    /// The engine plugins run on.
    pub fn engine(&self) -> &Arc<PluginEngine> {
        &self.engine
    }

    /// The version of `name` serving now.
    pub fn get(&self, name: &str) -> Option<Arc<LoadedPlugin>> {
        self.read().plugins.get(name).cloned()
    }

    /// Every plugin serving now, sorted by name.
    pub fn list(&self) -> Vec<Arc<LoadedPlugin>> {
        let mut all: Vec<_> = self.read().plugins.values().cloned().collect();
        all.sort_by(|a, b| a.name.cmp(&b.name));
        all
    }

    /// The files whose latest version failed to load, with the reason.
    pub fn errors(&self) -> Vec<LoadError> {
        self.read().errors.values().cloned().collect()
    }

    /// Loads a plugin that ships inside the binary.
    pub fn load_builtin(&self, label: &str, bytes: &[u8]) -> Result<Arc<LoadedPlugin>, LoadError> {
        let source = PathBuf::from(format!("builtin:{label}"));
        self.install(&source, self.engine.load(bytes, &source))
    }

    /// Loads (or reloads) the plugin in `path`. On failure the version
    /// already serving, if any, keeps serving.
    pub fn load_file(&self, path: &Path) -> Result<Arc<LoadedPlugin>, LoadError> {
        let loaded = std::fs::read(path)
            .map_err(|e| LoadError::Read {
                file: path.to_owned(),
                reason: e.to_string(),
            })
            .and_then(|bytes| self.engine.load(&bytes, path));
        self.install(path, loaded)
    }

    /// Loads every `*.wasm` file of `dir` (sorted by file name); returns the
    /// errors, which are also kept for [`PluginRegistry::errors`].
    pub fn load_dir(&self, dir: &Path) -> Vec<LoadError> {
        let mut files: Vec<PathBuf> = match std::fs::read_dir(dir) {
            Ok(entries) => entries
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|x| x == "wasm"))
                .collect(),
            Err(e) => {
                return vec![LoadError::Read {
                    file: dir.to_owned(),
                    reason: e.to_string(),
                }];
            }
        };
        files.sort();
        files
            .iter()
            .filter_map(|path| self.load_file(path).err())
            .collect()
    }

    /// Forgets the plugin served by `path` (the file was deleted). A
    /// built-in it shadowed serves again.
    pub fn remove_source(&self, path: &Path) -> Option<String> {
        let mut state = self.write();
        state.errors.remove(path);
        let name = state.names_by_source.remove(path)?;
        state.plugins.remove(&name);
        if let Some(builtin) = state.shadowed_builtins.remove(&name) {
            state.plugins.insert(name.clone(), builtin);
        }
        Some(name)
    }

    fn install(
        &self,
        source: &Path,
        loaded: Result<LoadedPlugin, LoadError>,
    ) -> Result<Arc<LoadedPlugin>, LoadError> {
        let mut state = self.write();
        let plugin = match loaded {
            Ok(plugin) => Arc::new(plugin),
            Err(e) => {
                state.errors.insert(source.to_owned(), e.clone());
                return Err(e);
            }
        };
        if let Some(current) = state.plugins.get(&plugin.name).cloned() {
            let same_source = current.source == source;
            if !same_source && !is_builtin(&current.source) {
                let e = LoadError::NameTaken {
                    file: source.to_owned(),
                    name: plugin.name.clone(),
                    other: current.source.clone(),
                };
                state.errors.insert(source.to_owned(), e.clone());
                return Err(e);
            }
            if !same_source && is_builtin(&current.source) && !is_builtin(source) {
                state.shadowed_builtins.insert(plugin.name.clone(), current);
            }
        }
        // A file that used to serve another name gives that name up.
        if let Some(old_name) = state.names_by_source.get(source).cloned()
            && old_name != plugin.name
        {
            state.plugins.remove(&old_name);
            if let Some(builtin) = state.shadowed_builtins.remove(&old_name) {
                state.plugins.insert(old_name, builtin);
            }
        }
        state.errors.remove(source);
        state
            .names_by_source
            .insert(source.to_owned(), plugin.name.clone());
        state.plugins.insert(plugin.name.clone(), plugin.clone());
        tracing::info!(
            plugin = %plugin.name,
            version = %plugin.version,
            hash = %plugin.short_hash(),
            source = %source.display(),
            cached = plugin.from_cache,
            "plugin loaded"
        );
        Ok(plugin)
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, State> {
        self.state.read().unwrap_or_else(|p| p.into_inner())
    }

    fn write(&self) -> std::sync::RwLockWriteGuard<'_, State> {
        self.state.write().unwrap_or_else(|p| p.into_inner())
    }
}
