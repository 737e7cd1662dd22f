//! `wolfe build`: turns a runbook directory into a WebAssembly component.
//!
//! A runbook directory holds a `wolfe.toml` and either Python sources (built
//! with componentize-py, the Wolfe Python SDK and any pure-Python
//! requirements bundled in) or a Rust crate (built with cargo for
//! `wasm32-wasip2`). The result is a component plus an artifact manifest
//! naming its sha256. This crate knows nothing of the runtime that runs it.

mod artifact;
mod embedded;
mod error;
mod manifest;
mod python;
mod rust;
mod toolchain;

use std::path::{Path, PathBuf};

pub use artifact::ArtifactManifest;
pub use error::BuildError;
pub use manifest::{Language, RunbookManifest};
pub use python::error_location;
pub use toolchain::Toolchain;

/// Version of the SDKs this build tool bundles or expects.
pub const SDK_VERSION: &str = env!("CARGO_PKG_VERSION");
/// The WIT package every runbook is built against.
pub const WIT_PACKAGE: &str = "wolfe:runbook@0.1.0";

/// Where a build put its results.
#[derive(Debug, Clone)]
pub struct BuildOutput {
    pub component: PathBuf,
    pub manifest_path: PathBuf,
    pub artifact: ArtifactManifest,
}

/// Builds the runbook in `dir` into `dir/target/wolfe/`.
pub fn build(dir: &Path, toolchain: &Toolchain) -> Result<BuildOutput, BuildError> {
    let dir = &std::path::absolute(dir).map_err(|e| BuildError::io(dir, e))?;
    let manifest = RunbookManifest::load(dir)?;
    let out_dir = dir.join("target").join("wolfe");
    std::fs::create_dir_all(&out_dir).map_err(|e| BuildError::io(&out_dir, e))?;
    let component = out_dir.join(format!("{}.wasm", manifest.name));
    match manifest.language {
        Language::Python => python::build(dir, &manifest, toolchain, &component)?,
        Language::Rust => rust::build(dir, toolchain, &component)?,
    }
    let artifact = ArtifactManifest::describe(&manifest, &component)?;
    let manifest_path = out_dir.join(format!("{}.wolfe.json", manifest.name));
    artifact.write(&manifest_path)?;
    Ok(BuildOutput {
        component,
        manifest_path,
        artifact,
    })
}
