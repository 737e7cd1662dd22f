//! Sizing of the runtime, fixed for the life of a [`crate::Runtime`].

use std::path::PathBuf;
use std::time::Duration;

use serde::{Deserialize, Serialize};

/// How big the sandbox pool is and where compiled components are cached.
///
/// The pool is sized up front (the pooling allocator reserves its slots at
/// start), so these are ceilings for every execution: a runbook's own memory
/// quota must fit inside `max_memory_per_execution`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RuntimeConfig {
    /// Executions that may be instantiated at the same time; more wait.
    pub max_concurrent_executions: u32,
    /// Largest linear memory one execution may grow to, in bytes.
    pub max_memory_per_execution: u64,
    /// Table elements per table. CPython needs ~5,700.
    pub max_table_elements: usize,
    /// Core instances per component. A componentize-py component has 14.
    pub max_core_instances_per_component: u32,
    /// Memory kept mapped between executions of a warm pool slot, in bytes;
    /// resetting it in place instead of unmapping it makes Python executions
    /// about twice as fast (CPython's heap image is 12.6 MB, so keep more).
    pub keep_resident_bytes: u64,
    /// Pool slots that keep `keep_resident_bytes` between executions, and
    /// are used first. Executions beyond this many at once run in slots that
    /// give their memory back when they end: slower, but a burst leaves
    /// nothing resident. What the pool holds when idle is about
    /// `warm_slots` × the runbooks' working sets (~14 MB for Python).
    /// Defaults to two per CPU.
    pub warm_slots: u32,
    /// Where compiled components are cached; `None` compiles in memory only.
    pub cache_dir: Option<PathBuf>,
    /// Compiled runbooks kept in memory, ready to run (least recently used
    /// evicted first; one evicted is loaded again from `cache_dir` when it
    /// next runs). A compiled Python runbook maps tens of MB of code.
    pub max_loaded_runbooks: usize,
    /// Granularity of wall-clock deadlines and of yielding to other tasks.
    #[serde(with = "crate::duration_serde")]
    pub epoch_tick: Duration,
}

impl Default for RuntimeConfig {
    fn default() -> Self {
        Self {
            max_concurrent_executions: 64,
            max_memory_per_execution: 256 << 20,
            max_table_elements: 20_000,
            max_core_instances_per_component: 32,
            keep_resident_bytes: 16 << 20,
            warm_slots: 2 * cpus(),
            cache_dir: None,
            max_loaded_runbooks: 64,
            epoch_tick: Duration::from_millis(10),
        }
    }
}

fn cpus() -> u32 {
    std::thread::available_parallelism().map_or(1, |n| n.get() as u32)
}
