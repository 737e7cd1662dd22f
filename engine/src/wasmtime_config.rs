//! The one wasmtime `Config` every execution runs under. Each choice is
//! explained here because each one is a trade-off someone will revisit.

use wasmtime::{Config, Enabled, InstanceAllocationStrategy, OptLevel, PoolingAllocationConfig};

use crate::config::RuntimeConfig;

/// Memories, tables and core instances one component may hold. A
/// componentize-py component has 14 core instances, 3 memories and 4 tables;
/// Rust components far fewer.
const MEMORIES_PER_COMPONENT: u32 = 8;
const TABLES_PER_COMPONENT: u32 = 8;

/// What a pool slot keeps between executions (see `crate::pools`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SlotPolicy {
    /// Keep `keep_resident_bytes` of memory and tables mapped and reset them
    /// in place: the next execution in the slot takes no page faults there.
    KeepResident,
    /// Give every page back to the kernel when an execution ends.
    Release,
}

/// The config of an engine whose pool has `slots` slots kept as `policy` says.
pub fn wasmtime_config(config: &RuntimeConfig, slots: u32, policy: SlotPolicy) -> Config {
    let mut wasm = Config::new();

    // Fuel meters CPU deterministically: the same runbook on the same input
    // burns the same fuel on any machine, so CPU quotas are reproducible.
    wasm.consume_fuel(true);

    // Epochs bound wall-clock time for code that burns no fuel-visible
    // progress quickly enough, and let long-running guests yield to other
    // executions on the same worker thread at every tick.
    wasm.epoch_interruption(true);

    // Cranelift at full speed: compilation happens once per artifact and
    // machine (see the disk cache), execution happens every time.
    wasm.cranelift_opt_level(OptLevel::Speed);

    // Copy-on-write memory images: instantiation maps the initialised heap
    // (CPython's snapshot is ~12 MiB) instead of copying it.
    wasm.memory_init_cow(true);

    // The pooling allocator reserves every slot up front: instantiation is a
    // few page-table operations, and the host's footprint is bounded by
    // configuration rather than by how many executions arrive at once. The
    // default on-demand allocator measured slower here with a second thread.
    let keep_resident = match policy {
        SlotPolicy::KeepResident => config.keep_resident_bytes as usize,
        SlotPolicy::Release => 0,
    };
    let mut pool = PoolingAllocationConfig::default();
    pool.total_component_instances(slots)
        .total_core_instances(slots * config.max_core_instances_per_component)
        .total_memories(slots * MEMORIES_PER_COMPONENT)
        .total_tables(slots * TABLES_PER_COMPONENT)
        .total_stacks(slots)
        .max_core_instances_per_component(config.max_core_instances_per_component)
        .max_memories_per_component(MEMORIES_PER_COMPONENT)
        .max_tables_per_component(TABLES_PER_COMPONENT)
        .max_memory_size(config.max_memory_per_execution as usize)
        .table_elements(config.max_table_elements)
        // Keeping the first pages of each slot resident and resetting them in
        // place (instead of madvise + page faults) made Python executions
        // about twice as fast; it also keeps that memory for as long as the
        // process lives, hence only in the warm pool.
        .linear_memory_keep_resident(keep_resident)
        .table_keep_resident(keep_resident);
    if policy == SlotPolicy::KeepResident {
        // Reset only the pages the execution wrote (Linux ≥ 6.7 reports them
        // through PAGEMAP_SCAN; elsewhere the whole kept prefix is copied
        // back). CPython writes ~1.3 MB of its 12.6 MB heap image per
        // execution: copying those back instead of the whole image took a
        // Python execution from 1.79 to 1.06 ms of CPU. It needs the patched
        // wasmtime in vendor/: with wasmtime's 32-region limit the scan
        // stopped early and the pages after it faulted in again every time.
        pool.pagemap_scan(Enabled::Auto);
    }
    if policy == SlotPolicy::Release {
        // Fiber stacks are otherwise left as the last execution dirtied
        // them; released slots give those pages back too.
        wasm.async_stack_zeroing(true);
    }
    wasm.allocation_strategy(InstanceAllocationStrategy::Pooling(pool));

    wasm
}
