//! Warm and cold pool slots: fast executions without keeping a burst's
//! memory forever.
//!
//! wasmtime's pooling allocator has one `linear_memory_keep_resident` for all
//! its slots. Keeping the pages an execution touched resident in a slot
//! makes the next execution in it about twice as fast (no page faults), but
//! every slot that ever ran a runbook then holds its working set until the
//! process exits (before warm slots were reset by page scan, a burst of 64
//! Python executions left 925 MB behind; the written pages alone are still
//! ~1.3 MB per slot for CPython, more for bigger runbooks). So the runtime
//! keeps two engines, each with its own pool:
//!
//! - **warm**: `warm_slots` slots that keep up to `keep_resident_bytes`
//!   resident between executions. Executions take these first, so steady
//!   load (about one execution per core) never leaves them.
//! - **cold**: the remaining slots, which hand all their memory back to the
//!   kernel when an execution ends (`keep_resident` 0). Only executions
//!   beyond `warm_slots` at once land here; they instantiate slower, and
//!   leave nothing behind.
//!
//! What stays resident is thus bounded by `warm_slots`, not by the largest
//! burst ever seen.

use std::sync::Arc;

use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use wasmtime::Engine;

use crate::config::RuntimeConfig;
use crate::wasmtime_config::{SlotPolicy, wasmtime_config};

/// Which pool an execution runs in; indexes [`Pools::engines`] and the
/// per-pool `RunbookPre`s of a loaded runbook.
pub(crate) type PoolIndex = usize;

/// One engine per pool, in order of preference.
pub(crate) struct Pools {
    pools: Vec<Pool>,
    /// Every slot of every pool: waiting here is the back-pressure.
    all: Arc<Semaphore>,
}

struct Pool {
    engine: Engine,
    slots: Arc<Semaphore>,
}

/// A claimed slot; dropping it frees the slot for the next execution.
pub(crate) struct Slot {
    pub(crate) pool: PoolIndex,
    // Field order is drop order: the pool's permit goes back before the
    // overall one, so every holder of a pool permit holds an overall permit.
    _in_pool: OwnedSemaphorePermit,
    _overall: OwnedSemaphorePermit,
}

impl Pools {
    pub(crate) fn new(config: &RuntimeConfig) -> anyhow::Result<Self> {
        let total = config.max_concurrent_executions;
        let warm = config.warm_slots.min(total);
        let mut pools = Vec::new();
        for (slots, policy) in [
            (warm, SlotPolicy::KeepResident),
            (total - warm, SlotPolicy::Release),
        ] {
            if slots > 0 {
                pools.push(Pool {
                    engine: Engine::new(&wasmtime_config(config, slots, policy))?,
                    slots: Arc::new(Semaphore::new(slots as usize)),
                });
            }
        }
        anyhow::ensure!(!pools.is_empty(), "max_concurrent_executions must be > 0");
        Ok(Self {
            pools,
            all: Arc::new(Semaphore::new(total as usize)),
        })
    }

    pub(crate) fn engines(&self) -> impl Iterator<Item = &Engine> {
        self.pools.iter().map(|pool| &pool.engine)
    }

    pub(crate) fn engine(&self, pool: PoolIndex) -> &Engine {
        &self.pools[pool].engine
    }

    /// Waits for a free slot, preferring the warm pool.
    pub(crate) async fn acquire(&self) -> Slot {
        let overall = self
            .all
            .clone()
            .acquire_owned()
            .await
            .expect("never closed");
        for (index, pool) in self.pools.iter().enumerate() {
            if let Ok(permit) = pool.slots.clone().try_acquire_owned() {
                return Slot {
                    pool: index,
                    _in_pool: permit,
                    _overall: overall,
                };
            }
        }
        // Unreachable while pool sizes add up to the overall count: with an
        // overall permit in hand, some pool has a free slot.
        unreachable!("an overall permit always leaves a slot in some pool")
    }

    /// Bytes wasmtime keeps resident in slots no execution is using: linear
    /// memories, tables and fiber stacks, by its own accounting.
    pub(crate) fn idle_resident_bytes(&self) -> u64 {
        self.engines()
            .filter_map(Engine::pooling_allocator_metrics)
            .map(|metrics| {
                metrics.unused_memory_bytes_resident()
                    + metrics.unused_table_bytes_resident()
                    + metrics.unused_stack_bytes_resident().unwrap_or(0)
            })
            .sum::<usize>() as u64
    }

    /// Slots free in each pool right now.
    #[cfg(test)]
    pub(crate) fn available(&self) -> Vec<usize> {
        self.pools
            .iter()
            .map(|pool| pool.slots.available_permits())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pools(total: u32, warm: u32) -> Pools {
        Pools::new(&RuntimeConfig {
            max_concurrent_executions: total,
            warm_slots: warm,
            ..RuntimeConfig::default()
        })
        .unwrap()
    }

    #[tokio::test]
    async fn warm_slots_are_taken_first_and_the_rest_go_cold() {
        let pools = pools(4, 2);
        let a = pools.acquire().await;
        let b = pools.acquire().await;
        let c = pools.acquire().await;
        assert_eq!((a.pool, b.pool, c.pool), (0, 0, 1));
        assert_eq!(pools.available(), vec![0, 1]);
    }

    #[tokio::test]
    async fn a_freed_warm_slot_is_preferred_again() {
        let pools = pools(4, 1);
        let warm = pools.acquire().await;
        let cold = pools.acquire().await;
        assert_eq!((warm.pool, cold.pool), (0, 1));
        drop(warm);
        assert_eq!(pools.acquire().await.pool, 0);
    }

    #[tokio::test]
    async fn a_full_runtime_waits_for_any_slot() {
        let pools = Arc::new(pools(2, 1));
        let _warm = pools.acquire().await;
        let cold = pools.acquire().await;
        let waiting = tokio::spawn({
            let pools = pools.clone();
            async move { pools.acquire().await.pool }
        });
        tokio::task::yield_now().await;
        assert!(!waiting.is_finished(), "a third execution must wait");
        drop(cold);
        assert_eq!(waiting.await.unwrap(), 1);
    }

    #[test]
    fn degenerate_sizes_make_one_pool() {
        assert_eq!(pools(3, 0).available(), vec![3]);
        assert_eq!(pools(3, 3).available(), vec![3]);
        assert_eq!(pools(3, 10).available(), vec![3]);
    }
}
