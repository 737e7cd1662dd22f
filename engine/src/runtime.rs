//! The long-lived runtime: one wasmtime engine, its linker and caches.

use std::collections::HashMap;
use std::num::NonZeroUsize;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use lru::LruCache;
use sha2::{Digest, Sha256};
use wasmtime::Engine;
use wasmtime::component::Linker;
use wolfe_host_apis::Services;
use wolfe_host_apis::bindings::RunbookPre;

use crate::cache::ComponentCache;
use crate::config::RuntimeConfig;
use crate::epoch::EpochTicker;
use crate::pools::{PoolIndex, Pools};
use crate::state::ExecState;

/// The interface every runbook must export, named in errors.
pub(crate) const HANDLER_EXPORT: &str = "wolfe:runbook/handler@0.1.0";

/// Why a component cannot be run by this host.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("cannot read {path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("not a valid WebAssembly component: {0}")]
    NotAComponent(String),
    #[error("runbook needs something this host does not provide: {0}")]
    MissingImport(String),
    #[error("runbook does not export {HANDLER_EXPORT} (no entry point): {0}")]
    MissingHandler(String),
}

/// A compiled runbook, ready to instantiate. Cheap to clone.
#[derive(Clone)]
pub struct LoadedRunbook {
    pub(crate) sha256: String,
    /// One per pool of the runtime (see `crate::pools`), in pool order.
    pres: Arc<[RunbookPre<ExecState>]>,
}

impl LoadedRunbook {
    /// Ready to instantiate in a slot of `pool`.
    pub(crate) fn pre(&self, pool: PoolIndex) -> &RunbookPre<ExecState> {
        &self.pres[pool]
    }

    /// Hex sha256 of the component bytes: the artifact's identity.
    pub fn sha256(&self) -> &str {
        &self.sha256
    }
}

/// Runs runbook executions. Create one per process and share it.
pub struct Runtime {
    pub(crate) pools: Pools,
    /// One per pool, in pool order.
    linkers: Vec<Linker<ExecState>>,
    cache: ComponentCache,
    /// Compiled runbooks in memory, at most `max_loaded_runbooks`; the
    /// least recently used goes first (executions running it keep their
    /// own handle). A long-running engine sees every version ever
    /// deployed: without a bound it would keep all of them.
    loaded: Mutex<LruCache<String, LoadedRunbook>>,
    /// One gate per artifact being loaded, so concurrent loads of one
    /// artifact (a run right after a save precompiled it) compile it once.
    loading: Mutex<HashMap<String, Arc<Mutex<()>>>>,
    /// Loads that were not answered from memory (compiled, or read from
    /// the disk cache, and linked).
    cold_loads: AtomicU64,
    pub(crate) config: RuntimeConfig,
    /// For executions run without host services of their own.
    pub(crate) offline: Arc<Services>,
    _ticker: EpochTicker,
}

impl Runtime {
    pub fn new(config: RuntimeConfig) -> anyhow::Result<Self> {
        let max_loaded = NonZeroUsize::new(config.max_loaded_runbooks)
            .ok_or_else(|| anyhow::anyhow!("runtime.max_loaded_runbooks must be at least 1"))?;
        let pools = Pools::new(&config)?;
        let linkers = pools.engines().map(linker).collect::<anyhow::Result<_>>()?;
        let first = pools.engines().next().expect("at least one pool");
        let cache = ComponentCache::new(first, config.cache_dir.clone());
        let ticker = EpochTicker::start(pools.engines().cloned().collect(), config.epoch_tick)?;
        Ok(Self {
            pools,
            linkers,
            cache,
            loaded: Mutex::new(LruCache::new(max_loaded)),
            loading: Mutex::default(),
            cold_loads: AtomicU64::new(0),
            config,
            offline: Arc::new(Services::offline()),
            _ticker: ticker,
        })
    }

    pub fn config(&self) -> &RuntimeConfig {
        &self.config
    }

    /// Bytes the sandbox pools keep resident in slots no execution is using
    /// (wasmtime's own accounting). Bounded by the warm slots: see
    /// [`RuntimeConfig::warm_slots`].
    pub fn idle_resident_bytes(&self) -> u64 {
        self.pools.idle_resident_bytes()
    }

    /// Reads and loads a component file.
    pub fn load_file(&self, path: &Path) -> Result<LoadedRunbook, LoadError> {
        let bytes = std::fs::read(path).map_err(|source| LoadError::Read {
            path: path.display().to_string(),
            source,
        })?;
        self.load(&bytes)
    }

    /// Compiles (or fetches from the caches) and links a component.
    pub fn load(&self, bytes: &[u8]) -> Result<LoadedRunbook, LoadError> {
        let sha256 = hex::encode(Sha256::digest(bytes));
        if let Some(hit) = self.lock_loaded().get(&sha256) {
            return Ok(hit.clone());
        }
        let gate = self
            .loading
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .entry(sha256.clone())
            .or_default()
            .clone();
        let _loading = gate.lock().unwrap_or_else(|e| e.into_inner());
        // Whoever held the gate before may have loaded it meanwhile.
        if let Some(hit) = self.lock_loaded().get(&sha256) {
            return Ok(hit.clone());
        }
        let loaded = self.compile_and_link(bytes, sha256.clone());
        self.loading
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(&sha256);
        loaded
    }

    /// The compiled runbook of this artifact if it is in memory (it then
    /// counts as just used).
    pub fn loaded(&self, sha256: &str) -> Option<LoadedRunbook> {
        self.lock_loaded().get(sha256).cloned()
    }

    /// Whether the artifact with this sha256 is loaded in memory.
    pub fn is_loaded(&self, sha256: &str) -> bool {
        self.lock_loaded().contains(sha256)
    }

    /// How many loads were not answered from memory so far.
    pub fn cold_loads(&self) -> u64 {
        self.cold_loads.load(Ordering::Relaxed)
    }

    fn compile_and_link(&self, bytes: &[u8], sha256: String) -> Result<LoadedRunbook, LoadError> {
        self.cold_loads.fetch_add(1, Ordering::Relaxed);
        let engines: Vec<&Engine> = self.pools.engines().collect();
        let components = self
            .cache
            .load_into_each(&engines, bytes, &sha256)
            .map_err(|e| LoadError::NotAComponent(format!("{e:#}")))?;
        let mut pres = Vec::with_capacity(components.len());
        for (linker, component) in self.linkers.iter().zip(&components) {
            let instance_pre = linker
                .instantiate_pre(component)
                .map_err(|e| LoadError::MissingImport(format!("{e:#}")))?;
            let pre = RunbookPre::new(instance_pre)
                .map_err(|e| LoadError::MissingHandler(format!("{e:#}")))?;
            pres.push(pre);
        }
        let loaded = LoadedRunbook {
            sha256,
            pres: pres.into(),
        };
        self.lock_loaded()
            .put(loaded.sha256.clone(), loaded.clone());
        Ok(loaded)
    }

    fn lock_loaded(&self) -> std::sync::MutexGuard<'_, LruCache<String, LoadedRunbook>> {
        self.loaded.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// The host interfaces every runbook may import, for one engine.
fn linker(engine: &Engine) -> anyhow::Result<Linker<ExecState>> {
    let mut linker = Linker::new(engine);
    wasmtime_wasi::p2::add_to_linker_async(&mut linker)?;
    wolfe_host_apis::log::add_to_linker(&mut linker, |state: &mut ExecState| &mut state.log)?;
    wolfe_host_apis::add_to_linker(&mut linker, |state: &mut ExecState| &mut state.host)?;
    Ok(linker)
}
