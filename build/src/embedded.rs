//! The Python SDK and the WIT package, carried inside the binary so that a
//! `wolfe` executable builds runbooks without a source checkout.

use std::path::Path;

use include_dir::{Dir, include_dir};

use crate::error::BuildError;

static PYTHON_SDK: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/../sdk-python/src/wolfe");
static WIT: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/../wit");

/// Writes the `wolfe` Python package into `dir/wolfe`, without any
/// `__pycache__` a local test run left in the source tree.
pub fn extract_python_sdk(dir: &Path) -> Result<(), BuildError> {
    extract_sources(&PYTHON_SDK, &dir.join("wolfe"))
}

fn extract_sources(embedded: &Dir<'_>, target: &Path) -> Result<(), BuildError> {
    std::fs::create_dir_all(target).map_err(|e| BuildError::io(target, e))?;
    for file in embedded.files() {
        let name = file.path().file_name().expect("embedded files have names");
        let path = target.join(name);
        std::fs::write(&path, file.contents()).map_err(|e| BuildError::io(&path, e))?;
    }
    for sub in embedded.dirs() {
        let name = sub.path().file_name().expect("embedded dirs have names");
        if name != "__pycache__" {
            extract_sources(sub, &target.join(name))?;
        }
    }
    Ok(())
}

/// Writes the WIT package into `dir`.
pub fn extract_wit(dir: &Path) -> Result<(), BuildError> {
    std::fs::create_dir_all(dir).map_err(|e| BuildError::io(dir, e))?;
    WIT.extract(dir).map_err(|e| BuildError::io(dir, e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sdk_is_extracted_as_a_package_without_bytecode() {
        let dir = tempfile::tempdir().unwrap();
        extract_python_sdk(dir.path()).unwrap();
        assert!(dir.path().join("wolfe/__init__.py").is_file());
        assert!(dir.path().join("wolfe/_component.py").is_file());
        assert!(dir.path().join("wolfe/testing/__init__.py").is_file());
        let bytecode = walkdir::WalkDir::new(dir.path())
            .into_iter()
            .filter_map(Result::ok)
            .any(|e| e.file_name() == "__pycache__");
        assert!(!bytecode);
    }
}
