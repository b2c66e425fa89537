//! The per-call store data and the host imports. Every import checks the
//! caller's grants first, with an exhaustive match, and answers a denied
//! call with `host-error::denied` (a dropped line for `log`).

use wasmtime::component::ResourceTable;
use wasmtime_wasi::{WasiCtx, WasiCtxView, WasiView};

use super::bindings::host::{clock, config, knowledge, kv, llm, log, types};
use super::bindings::types::HostError;
use super::capability::Capability;
use super::invoke::CallContext;
use super::services::ServiceError;

/// Longest key a plugin may store, in bytes.
const MAX_KV_KEY: usize = 256;
/// Largest value a plugin may store, in bytes.
const MAX_KV_VALUE: usize = 64 * 1024;
/// Log lines a plugin may write per call; further lines are dropped.
const MAX_LOG_LINES: u32 = 64;
/// Longest log line kept, in bytes; longer lines are cut.
const MAX_LOG_LINE: usize = 4096;

/// Caps a call's linear memory and remembers whether the cap was hit, so a
/// guest that aborts on a failed allocation is reported as out of memory
/// rather than as a generic trap.
#[derive(Debug)]
pub(crate) struct MemoryCap {
    max_bytes: usize,
    // Set when a grow beyond `max_bytes` was refused.
    pub(crate) hit: bool,
}

impl MemoryCap {
    pub(crate) fn new(max_bytes: usize) -> Self {
        MemoryCap {
            max_bytes,
            hit: false,
        }
    }
}

impl wasmtime::ResourceLimiter for MemoryCap {
    fn memory_growing(
        &mut self,
        _current: usize,
        desired: usize,
        _maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        if desired > self.max_bytes {
            self.hit = true;
            return Ok(false);
        }
        Ok(true)
    }

    fn table_growing(
        &mut self,
        _current: usize,
        desired: usize,
        _maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        Ok(desired <= 100_000)
    }
}

/// Everything one hook call's `Store` holds.
pub(crate) struct CallState {
    // WASI with no preopens, no environment, no network and a frozen clock;
    // Rust's std for wasm32-wasip2 links against it.
    wasi: WasiCtx,
    table: ResourceTable,
    pub(crate) memory: MemoryCap,
    // Name of the plugin being called, for log lines and kv scoping.
    plugin: String,
    ctx: CallContext,
    // Log lines written during this call, to enforce MAX_LOG_LINES.
    log_lines: u32,
}

impl CallState {
    pub(crate) fn new(plugin: &str, ctx: CallContext, max_memory: usize) -> Self {
        CallState {
            wasi: sandboxed_wasi(),
            table: ResourceTable::new(),
            memory: MemoryCap::new(max_memory),
            plugin: plugin.to_owned(),
            ctx,
            log_lines: 0,
        }
    }

    fn deny(&self, cap: Capability) -> Option<HostError> {
        if self.ctx.grants.allows(cap) {
            None
        } else {
            Some(HostError::Denied(format!(
                "plugin `{}` is not granted `{cap}`",
                self.plugin
            )))
        }
    }
}

impl WasiView for CallState {
    fn ctx(&mut self) -> WasiCtxView<'_> {
        WasiCtxView {
            ctx: &mut self.wasi,
            table: &mut self.table,
        }
    }
}

/// A WASI context that gives the guest nothing of the host: no files, no
/// environment, no arguments, no sockets, no name lookup, empty stdio, and
/// clocks stuck at zero (plugins ask `clock.now`, which is a capability).
fn sandboxed_wasi() -> WasiCtx {
    WasiCtx::builder()
        .allow_tcp(false)
        .allow_udp(false)
        .allow_ip_name_lookup(false)
        .wall_clock(FrozenClock)
        .monotonic_clock(FrozenClock)
        .build()
}

/// A clock that always reads zero.
struct FrozenClock;

impl wasmtime_wasi::HostWallClock for FrozenClock {
    fn resolution(&self) -> std::time::Duration {
        std::time::Duration::from_secs(1)
    }
    fn now(&self) -> std::time::Duration {
        std::time::Duration::ZERO
    }
}

impl wasmtime_wasi::HostMonotonicClock for FrozenClock {
    fn resolution(&self) -> u64 {
        1_000_000_000
    }
    fn now(&self) -> u64 {
        0
    }
}

fn to_host_error(e: ServiceError) -> HostError {
    match e {
        ServiceError::Unavailable(m) => HostError::Unavailable(m),
        ServiceError::Invalid(m) => HostError::Invalid(m),
        ServiceError::Failed(m) => HostError::Failed(m),
    }
}

impl types::Host for CallState {}

impl log::Host for CallState {
    fn write(&mut self, level: log::Level, message: String) -> wasmtime::Result<()> {
        if self.deny(Capability::Log).is_some() || self.log_lines >= MAX_LOG_LINES {
            return Ok(());
        }
        self.log_lines += 1;
        let line = &message[..message.floor_char_boundary(MAX_LOG_LINE)];
        let plugin = self.plugin.as_str();
        let inbox = self.ctx.inbox_id.as_str();
        let msg = self.ctx.message_id.as_deref().unwrap_or("-");
        match level {
            log::Level::Trace => tracing::trace!(plugin, inbox, message = msg, "{line}"),
            log::Level::Debug => tracing::debug!(plugin, inbox, message = msg, "{line}"),
            log::Level::Info => tracing::info!(plugin, inbox, message = msg, "{line}"),
            log::Level::Warn => tracing::warn!(plugin, inbox, message = msg, "{line}"),
            log::Level::Error => tracing::error!(plugin, inbox, message = msg, "{line}"),
        }
        Ok(())
    }
}

impl config::Host for CallState {
    fn get(&mut self, key: String) -> wasmtime::Result<Result<Option<String>, HostError>> {
        if let Some(denied) = self.deny(Capability::Config) {
            return Ok(Err(denied));
        }
        Ok(Ok(self.ctx.config.get(&key).cloned()))
    }

    fn all(&mut self) -> wasmtime::Result<Result<Vec<(String, String)>, HostError>> {
        if let Some(denied) = self.deny(Capability::Config) {
            return Ok(Err(denied));
        }
        Ok(Ok(self
            .ctx
            .config
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect()))
    }
}

impl kv::Host for CallState {
    fn get(&mut self, key: String) -> wasmtime::Result<Result<Option<Vec<u8>>, HostError>> {
        if let Some(denied) = self.deny(Capability::Kv) {
            return Ok(Err(denied));
        }
        if key.len() > MAX_KV_KEY {
            return Ok(Err(HostError::Invalid(format!(
                "key longer than {MAX_KV_KEY} bytes"
            ))));
        }
        let kv = &self.ctx.services.kv;
        Ok(kv
            .get(&self.plugin, &self.ctx.inbox_id, &key)
            .map_err(to_host_error))
    }

    fn set(&mut self, key: String, value: Vec<u8>) -> wasmtime::Result<Result<(), HostError>> {
        if let Some(denied) = self.deny(Capability::Kv) {
            return Ok(Err(denied));
        }
        if key.len() > MAX_KV_KEY {
            return Ok(Err(HostError::Invalid(format!(
                "key longer than {MAX_KV_KEY} bytes"
            ))));
        }
        if value.len() > MAX_KV_VALUE {
            return Ok(Err(HostError::Invalid(format!(
                "value larger than {MAX_KV_VALUE} bytes"
            ))));
        }
        let kv = &self.ctx.services.kv;
        Ok(kv
            .set(&self.plugin, &self.ctx.inbox_id, &key, &value)
            .map_err(to_host_error))
    }

    fn delete(&mut self, key: String) -> wasmtime::Result<Result<(), HostError>> {
        if let Some(denied) = self.deny(Capability::Kv) {
            return Ok(Err(denied));
        }
        let kv = &self.ctx.services.kv;
        Ok(kv
            .delete(&self.plugin, &self.ctx.inbox_id, &key)
            .map_err(to_host_error))
    }
}

impl clock::Host for CallState {
    fn now(&mut self) -> wasmtime::Result<Result<u64, HostError>> {
        if let Some(denied) = self.deny(Capability::Clock) {
            return Ok(Err(denied));
        }
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_millis() as u64)
            .unwrap_or(0);
        Ok(Ok(now))
    }
}

impl knowledge::Host for CallState {
    fn search(
        &mut self,
        query: String,
        limit: u32,
    ) -> wasmtime::Result<Result<Vec<knowledge::Passage>, HostError>> {
        if let Some(denied) = self.deny(Capability::Knowledge) {
            return Ok(Err(denied));
        }
        let knowledge = &self.ctx.services.knowledge;
        Ok(knowledge
            .search(&self.ctx.bot_id, &query, limit.min(50))
            .map_err(to_host_error))
    }
}

impl llm::Host for CallState {
    fn complete(
        &mut self,
        messages: Vec<llm::ChatMessage>,
        max_tokens: u32,
    ) -> wasmtime::Result<Result<String, HostError>> {
        if let Some(denied) = self.deny(Capability::Llm) {
            return Ok(Err(denied));
        }
        let llm = &self.ctx.services.llm;
        Ok(llm
            .complete(&self.ctx.bot_id, &messages, max_tokens)
            .map_err(to_host_error))
    }
}
