//! Test support shared by the workspace's test binaries.
//!
//! Guests (the example runbooks and the hostile ones under
//! `testkit/guests/`) are built from source with the real build tool, once
//! per machine and source state: a stamp of the sources' digest sits next to
//! the component, and a file lock keeps parallel test binaries from building
//! the same guest twice. The compiled-component cache directory is shared too,
//! so Cranelift compiles each guest once.

mod backends;
pub mod moto;
pub mod peers;
pub mod postgres;
pub mod process;
pub mod seed;

use std::fs::File;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};
use walkdir::WalkDir;
use wolfe_build::Toolchain;

/// The repository root.
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("testkit lives in the repository")
        .to_path_buf()
}

/// Cargo's target directory, where shared test state lives.
pub fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo_root().join("target"))
}

/// The compiled-component cache every test runtime should use.
pub fn compiled_cache_dir() -> PathBuf {
    target_dir().join("wolfe-test-compiled")
}

/// The build toolchain: the repository's `.venv` and a separate cargo target
/// directory for wasm guests (the outer `cargo test` holds the main one).
pub fn toolchain() -> Toolchain {
    let mut toolchain = Toolchain::discover(None, &[&repo_root()]);
    toolchain.rust_target_dir = Some(target_dir().join("wolfe-guests"));
    toolchain
}

/// Path of an example runbook directory.
pub fn example_dir(name: &str) -> PathBuf {
    repo_root().join("examples").join(name)
}

/// Path of a test-only guest directory.
pub fn guest_dir(name: &str) -> PathBuf {
    repo_root().join("testkit").join("guests").join(name)
}

/// Builds the runbook in `dir` unless an up-to-date build exists, and
/// returns the component's path.
pub fn built(dir: &Path) -> PathBuf {
    let locks = target_dir().join("wolfe-test-locks");
    std::fs::create_dir_all(&locks).expect("create lock directory");
    let name = dir.file_name().expect("named directory").to_string_lossy();
    let lock = File::create(locks.join(format!("{name}.lock"))).expect("create lock file");
    lock.lock().expect("lock guest build");

    let digest = source_digest(dir);
    let stamp = dir.join("target/wolfe/.source-digest");
    if std::fs::read_to_string(&stamp).is_ok_and(|s| s == digest)
        && let Some(component) = existing_component(dir)
    {
        return component;
    }
    let output = wolfe_build::build(dir, &toolchain())
        .unwrap_or_else(|e| panic!("building {}: {e}", dir.display()));
    std::fs::write(&stamp, digest).expect("write build stamp");
    output.component
}

fn existing_component(dir: &Path) -> Option<PathBuf> {
    let manifest = wolfe_build::RunbookManifest::load(dir).ok()?;
    let path = dir.join(format!("target/wolfe/{}.wasm", manifest.name));
    path.is_file().then_some(path)
}

/// Digest of the guest's sources plus everything a build bundles with them.
fn source_digest(dir: &Path) -> String {
    let root = repo_root();
    let inputs = [
        dir.to_path_buf(),
        root.join("wit"),
        root.join("sdk-python/src"),
        root.join("sdk-rust/src"),
    ];
    let mut hasher = Sha256::new();
    for input in inputs {
        let files = WalkDir::new(&input)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|e| {
                let name = e.file_name().to_string_lossy();
                name != "target" && name != "__pycache__" && !name.starts_with('.')
            })
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_file());
        for file in files {
            hasher.update(file.path().to_string_lossy().as_bytes());
            hasher.update(std::fs::read(file.path()).unwrap_or_default());
        }
    }
    hex::encode(hasher.finalize())
}
