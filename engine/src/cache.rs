//! On-disk cache of compiled components.
//!
//! Compiling a Python component with Cranelift takes seconds; loading the
//! serialized result takes milliseconds. The key is the artifact's sha256
//! plus a digest of everything that makes native code incompatible (wasmtime
//! version, target, compiler flags, engine tunables), so an upgrade or a
//! config change never loads stale code.

use std::hash::{Hash, Hasher};
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use sha2::{Digest, Sha256};
use wasmtime::Engine;
use wasmtime::component::Component;

pub struct ComponentCache {
    dir: Option<PathBuf>,
    engine_key: String,
}

impl ComponentCache {
    pub fn new(engine: &Engine, dir: Option<PathBuf>) -> Self {
        let mut hasher = Sha256Hasher(Sha256::new());
        engine.precompile_compatibility_hash().hash(&mut hasher);
        let engine_key = hex::encode(&hasher.0.finalize()[..8]);
        Self { dir, engine_key }
    }

    fn path_for(&self, sha256: &str) -> Option<PathBuf> {
        let dir = self.dir.as_ref()?;
        Some(dir.join(format!("{sha256}-{}.cwasm", self.engine_key)))
    }

    /// Loads the compiled form of `bytes` from disk, or compiles and stores it.
    pub fn load_or_compile(
        &self,
        engine: &Engine,
        bytes: &[u8],
        sha256: &str,
    ) -> wasmtime::Result<Component> {
        let Some(path) = self.path_for(sha256) else {
            return Component::new(engine, bytes);
        };
        if path.exists() {
            match deserialize(engine, &path) {
                Ok(component) => return Ok(component),
                // A torn or foreign file: recompile and replace it.
                Err(error) => tracing::warn!(
                    path = %path.display(),
                    "discarding unusable compiled component: {error:#}"
                ),
            }
        }
        let component = Component::new(engine, bytes)?;
        if let Err(error) = store(&path, &component.serialize()?) {
            tracing::warn!(path = %path.display(), "cannot cache compiled component: {error:#}");
        }
        Ok(component)
    }

    /// Loads `bytes` into every one of `engines` (which differ only in how
    /// their pools keep memory, so they share one compatibility hash),
    /// compiling at most once.
    pub fn load_into_each(
        &self,
        engines: &[&Engine],
        bytes: &[u8],
        sha256: &str,
    ) -> wasmtime::Result<Vec<Component>> {
        let (first, others) = engines.split_first().expect("at least one engine");
        let compiled = self.load_or_compile(first, bytes, sha256)?;
        let mut components = vec![compiled.clone()];
        for engine in others {
            components.push(self.load_compiled(engine, &compiled, sha256)?);
        }
        Ok(components)
    }

    /// `compiled`, already compiled by a compatible engine, for `engine`.
    fn load_compiled(
        &self,
        engine: &Engine,
        compiled: &Component,
        sha256: &str,
    ) -> wasmtime::Result<Component> {
        // From the cache file if there is one: every engine then maps the
        // same file, whose pages (code, heap image) the kernel shares.
        if let Some(path) = self.path_for(sha256).filter(|path| path.exists())
            && let Ok(component) = deserialize(engine, &path)
        {
            return Ok(component);
        }
        let bytes = compiled.serialize()?;
        // SAFETY: the bytes were serialized just now by this process from a
        // component compiled for an engine of the same configuration, and
        // wasmtime re-checks compatibility on load.
        #[allow(unsafe_code)]
        unsafe {
            Component::deserialize(engine, &bytes)
        }
    }
}

#[allow(unsafe_code)]
fn deserialize(engine: &Engine, path: &Path) -> wasmtime::Result<Component> {
    // SAFETY: the file was written by `store` below from `Component::serialize`
    // of this same engine configuration (the engine key is in its name), and
    // wasmtime re-checks version and configuration compatibility on load.
    // Files in the cache directory are trusted like the binary itself.
    unsafe { Component::deserialize_file(engine, path) }
}

/// Writes atomically: concurrent processes never see a partial file.
fn store(path: &Path, compiled: &[u8]) -> anyhow::Result<()> {
    let dir = path.parent().context("cache path has no directory")?;
    std::fs::create_dir_all(dir)?;
    let mut file = tempfile::NamedTempFile::new_in(dir)?;
    file.write_all(compiled)?;
    file.persist(path)?;
    Ok(())
}

/// Feeds `Hash` output into sha256, which, unlike `DefaultHasher`, is stable
/// across processes and Rust versions.
struct Sha256Hasher(Sha256);

impl Hasher for Sha256Hasher {
    fn write(&mut self, bytes: &[u8]) {
        self.0.update(bytes);
    }

    fn finish(&self) -> u64 {
        0 // unused: callers read the sha256 digest
    }
}
