//! The Python SDK and the WIT package, carried inside the binary so that a
//! `wolfe` executable builds runbooks without a source checkout.

use std::path::Path;

use include_dir::{Dir, include_dir};

use crate::error::BuildError;

static PYTHON_SDK: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/../sdk-python/src/wolfe");
static WIT: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/../wit");

/// Writes the `wolfe` Python package into `dir/wolfe`.
pub fn extract_python_sdk(dir: &Path) -> Result<(), BuildError> {
    let target = dir.join("wolfe");
    std::fs::create_dir_all(&target).map_err(|e| BuildError::io(&target, e))?;
    PYTHON_SDK
        .extract(&target)
        .map_err(|e| BuildError::io(&target, e))
}

/// Writes the WIT package into `dir`.
pub fn extract_wit(dir: &Path) -> Result<(), BuildError> {
    std::fs::create_dir_all(dir).map_err(|e| BuildError::io(dir, e))?;
    WIT.extract(dir).map_err(|e| BuildError::io(dir, e))
}
