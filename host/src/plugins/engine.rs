//! The one wasmtime engine: pooling allocator, epoch interruption, the
//! linker with the sandboxed WASI and the mailbot imports, and loading a
//! component (compile or cache, link, describe) into a [`LoadedPlugin`].

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use wasmtime::component::{Component, HasSelf, Linker};
use wasmtime::{
    Config, Enabled, Engine, InstanceAllocationStrategy, PoolingAllocationConfig,
    ProfilingStrategy, Store,
};

use super::bindings::Plugin;
use super::cache::CompileCache;
use super::exports::ContractExports;
use super::invoke::CallContext;
use super::loaded::{Hook, LoadedPlugin};
use super::registry::LoadError;
use super::state::CallState;

/// How often the epoch advances; the granularity of call deadlines.
const EPOCH_TICK: Duration = Duration::from_millis(2);

/// Linear memory a pool slot keeps mapped between instances: as much as a
/// plugin built by mailbot starts with (`host/guest_link.rs`), of which a
/// fresh instance touches the top of the stack, its heap and the message.
/// Keeping it resident spares the page faults of touching it again and the
/// `madvise` of giving it back after every call. Linux's
/// `PAGEMAP_SCAN` (kernel 6.7 and later) lets only the pages the last
/// instance dirtied be reset; older kernels reset the whole kept range.
const MEMORY_KEEP_RESIDENT: usize = 2 << 20;
/// The same for tables (function pointers), which are small.
const TABLE_KEEP_RESIDENT: usize = 64 << 10;

/// Set to `perfmap` to have the engine write `/tmp/perf-<pid>.map`, so that
/// `perf record`/`perf report` name the functions of compiled plugins.
const PROFILER_ENV: &str = "MAILBOT_WASM_PROFILER";

/// The package version of the contract this host serves.
pub const CONTRACT_VERSION: &str = "0.1.0";

/// Sandbox limits applied to every plugin call.
#[derive(Debug, Clone)]
pub struct EngineLimits {
    /// Wall-clock budget of one hook call (host imports included).
    pub deadline: Duration,
    /// Linear memory cap of one instance, in bytes.
    pub max_memory: usize,
    /// Instances that may exist at once (concurrent calls).
    pub max_instances: u32,
}

impl Default for EngineLimits {
    fn default() -> Self {
        EngineLimits {
            deadline: Duration::from_secs(5),
            max_memory: 64 << 20,
            max_instances: 128,
        }
    }
}

/// The engine, linker and compile cache shared by every plugin.
pub struct PluginEngine {
    engine: Engine,
    linker: Linker<CallState>,
    pub(crate) limits: EngineLimits,
    cache: Option<CompileCache>,
    // Stops the epoch thread when the engine is dropped.
    ticker_stop: Arc<AtomicBool>,
}

impl std::fmt::Debug for PluginEngine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PluginEngine")
            .field("limits", &self.limits)
            .field("cache", &self.cache)
            .finish_non_exhaustive()
    }
}

impl PluginEngine {
    /// Creates the engine; `cache_dir` enables the on-disk compile cache.
    pub fn new(limits: EngineLimits, cache_dir: Option<&Path>) -> anyhow::Result<Self> {
        let mut pool = PoolingAllocationConfig::default();
        pool.total_component_instances(limits.max_instances)
            .total_core_instances(limits.max_instances * 8)
            .total_memories(limits.max_instances * 2)
            .total_tables(limits.max_instances * 4)
            .max_memory_size(limits.max_memory)
            .linear_memory_keep_resident(MEMORY_KEEP_RESIDENT.min(limits.max_memory))
            .table_keep_resident(TABLE_KEEP_RESIDENT)
            .pagemap_scan(Enabled::Auto);
        let mut config = Config::new();
        config
            .wasm_component_model(true)
            .epoch_interruption(true)
            .allocation_strategy(InstanceAllocationStrategy::Pooling(pool));
        if std::env::var_os(PROFILER_ENV).is_some_and(|v| v == "perfmap") {
            // `perf record` can then name the plugins' compiled functions.
            config.profiler(ProfilingStrategy::PerfMap);
        }
        let engine = Engine::new(&config).map_err(|e| anyhow::anyhow!("wasm engine: {e}"))?;

        let mut linker = Linker::<CallState>::new(&engine);
        wasmtime_wasi::p2::add_to_linker_sync(&mut linker)
            .map_err(|e| anyhow::anyhow!("linking WASI: {e}"))?;
        Plugin::add_to_linker::<CallState, HasSelf<CallState>>(&mut linker, |state| state)
            .map_err(|e| anyhow::anyhow!("linking mailbot imports: {e}"))?;

        let cache = match cache_dir {
            Some(dir) => Some(
                CompileCache::new(dir, &engine)
                    .map_err(|e| anyhow::anyhow!("compile cache {}: {e}", dir.display()))?,
            ),
            None => None,
        };

        let ticker_stop = Arc::new(AtomicBool::new(false));
        spawn_epoch_ticker(engine.clone(), ticker_stop.clone());
        Ok(PluginEngine {
            engine,
            linker,
            limits,
            cache,
            ticker_stop,
        })
    }

    pub(crate) fn engine(&self) -> &Engine {
        &self.engine
    }

    /// Epoch ticks a call may run for.
    pub(crate) fn deadline_ticks(&self) -> u64 {
        let tick = EPOCH_TICK.as_micros().max(1);
        (self.limits.deadline.as_micros() / tick) as u64 + 1
    }

    /// Compiles (or takes from the cache), links and describes a component.
    pub fn load(&self, bytes: &[u8], source: &Path) -> Result<LoadedPlugin, LoadError> {
        let src = || source.to_owned();
        check_is_component(bytes).map_err(|reason| LoadError::NotAComponent {
            file: src(),
            reason,
        })?;
        let hash = blake3::hash(bytes).to_hex().to_string();

        let cached = self
            .cache
            .as_ref()
            .and_then(|c| c.load(&self.engine, &hash));
        let from_cache = cached.is_some();
        let component = match cached {
            Some(component) => component,
            None => {
                let component =
                    Component::new(&self.engine, bytes).map_err(|e| LoadError::Compile {
                        file: src(),
                        reason: format!("{e:#}"),
                    })?;
                if let Some(cache) = &self.cache {
                    cache.store(&hash, &component);
                }
                component
            }
        };

        self.check_contract_version(&component, source)?;
        let link = |e: wasmtime::Error| LoadError::Link {
            file: src(),
            reason: format!("{e:#}"),
        };
        let pre = self.linker.instantiate_pre(&component).map_err(link)?;
        let exports = ContractExports::find(&component).map_err(link)?;

        // One instance answers `describe`; wrapping it, the generated
        // bindings check every export's type against the contract, once for
        // this component (hook calls later skip the check).
        let failed = |store: &Store<CallState>, e, instantiating| LoadError::Describe {
            file: src(),
            reason: self.classify(store, e, instantiating).to_string(),
        };
        let mut store = self.call_store("", CallContext::describe());
        let instance = pre
            .instantiate(&mut store)
            .map_err(|e| failed(&store, e, true))?;
        let checked = Plugin::new(&mut store, &instance).map_err(|e| failed(&store, e, true))?;
        let info = checked
            .mailbot_plugin_policy()
            .call_describe(&mut store)
            .map_err(|e| failed(&store, e, false))?;
        if info.name.trim().is_empty() {
            return Err(LoadError::Describe {
                file: src(),
                reason: "describe returned an empty name".into(),
            });
        }
        Ok(LoadedPlugin {
            name: info.name,
            version: info.version,
            hooks: info.hooks.into_iter().map(Hook::from_wit).collect(),
            hash,
            source: source.to_owned(),
            from_cache,
            pre,
            exports,
        })
    }

    /// Refuses components built against another version of the contract,
    /// with a sentence that says which.
    fn check_contract_version(
        &self,
        component: &Component,
        source: &Path,
    ) -> Result<(), LoadError> {
        let ty = component.component_type();
        let wanted = format!("mailbot:plugin/policy@{CONTRACT_VERSION}");
        let mut found = Vec::new();
        for (name, _) in ty.exports(&self.engine) {
            if name == wanted {
                return Ok(());
            }
            if name.starts_with("mailbot:plugin/policy") {
                found.push(name.to_owned());
            }
        }
        Err(LoadError::ContractVersion {
            file: source.to_owned(),
            wanted,
            found: if found.is_empty() {
                "no mailbot:plugin/policy export at all".into()
            } else {
                found.join(", ")
            },
        })
    }
}

impl Drop for PluginEngine {
    fn drop(&mut self) {
        self.ticker_stop.store(true, Ordering::Relaxed);
    }
}

fn spawn_epoch_ticker(engine: Engine, stop: Arc<AtomicBool>) {
    let spawned = std::thread::Builder::new()
        .name("mailbot-epoch".into())
        .spawn(move || {
            while !stop.load(Ordering::Relaxed) {
                std::thread::sleep(EPOCH_TICK);
                engine.increment_epoch();
            }
        });
    if let Err(e) = spawned {
        tracing::error!(error = %e, "could not start the plugin deadline thread");
    }
}

/// Tells a component from a core module or a file that is not wasm at all.
fn check_is_component(bytes: &[u8]) -> Result<(), String> {
    const MAGIC: &[u8] = b"\0asm";
    if bytes.len() < 8 || &bytes[..4] != MAGIC {
        return Err("not a WebAssembly file".into());
    }
    match bytes[4..8] {
        [0x0d, 0x00, 0x01, 0x00] => Ok(()),
        [0x01, 0x00, 0x00, 0x00] => Err(
            "a core WebAssembly module, not a component: build it for wasm32-wasip2 \
             (`mailbot plugin build`) or wrap it with `wasm-tools component new`"
                .into(),
        ),
        _ => Err("an unsupported WebAssembly binary version".into()),
    }
}

/// Where a plugins folder's compile cache lives by default.
pub fn default_cache_dir(data_dir: &Path) -> PathBuf {
    data_dir.join("cache").join("components")
}
