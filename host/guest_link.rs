// How a plugin component is linked: shared by the build scripts (through
// `build_wasm.rs`) and `mailbot plugin build`, so the plugins that ship, the
// test guests and a plugin author's own build are linked alike.

/// Linear memory a plugin component starts with, in bytes: the 1 MiB stack
/// Rust gives wasm, the plugin's data, and about 900 KB of heap that
/// wasi-libc's allocator hands out before it asks for more. Rust's default
/// is the stack and data alone, so the first allocations of every fresh
/// instance grew the memory, and the next instance in the same pool slot
/// had the host shrink it back with an `mprotect` (a TLB flush on every
/// core) before growing it again. A plugin that fits stays within its
/// first pages; one that needs more still grows, up to the host's cap.
const GUEST_INITIAL_MEMORY: usize = 2 << 20;

/// The `--config` argument that gives cargo's wasm32-wasip2 builds the
/// link flags above.
fn guest_link_config() -> String {
    format!(
        "target.wasm32-wasip2.rustflags=[\"-C\", \"link-arg=--initial-memory={GUEST_INITIAL_MEMORY}\"]"
    )
}
