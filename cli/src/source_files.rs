//! A runbook directory's source: the text files a version keeps beside
//! its component, so the Studio can show (and diff) what was deployed.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::Context as _;
use walkdir::WalkDir;

/// Not part of the component (the same as the local build skips).
const NOT_SOURCES: &[&str] = &["target", "tests", "events", "rules", "__pycache__"];

/// The runbook's text files by relative path.
pub fn source_files(dir: &Path) -> anyhow::Result<BTreeMap<String, String>> {
    let mut files = BTreeMap::new();
    let walker = WalkDir::new(dir)
        .min_depth(1)
        .into_iter()
        .filter_entry(|e| {
            let name = e.file_name().to_string_lossy();
            !(name.starts_with('.')
                || name == "__pycache__"
                || e.depth() == 1 && NOT_SOURCES.contains(&name.as_ref()))
        });
    for entry in walker {
        let entry = entry?;
        if !entry.file_type().is_file() || entry.path().extension().is_some_and(|e| e == "wasm") {
            continue;
        }
        let relative = entry
            .path()
            .strip_prefix(dir)?
            .to_string_lossy()
            .replace('\\', "/");
        let text = std::fs::read_to_string(entry.path()).with_context(|| {
            format!(
                "{}: only text files can be deployed",
                entry.path().display()
            )
        })?;
        files.insert(relative, text);
    }
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sources_skip_tests_build_output_and_hidden_files() {
        let dir = tempfile::tempdir().unwrap();
        for path in [
            "wolfe.toml",
            "main.py",
            "lib/util.py",
            "tests/test_main.py",
            "target/x.wasm",
            ".env",
            "lib/__pycache__/u.pyc",
        ] {
            let path = dir.path().join(path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, "x").unwrap();
        }
        let files = source_files(dir.path()).unwrap();
        assert_eq!(
            files.keys().collect::<Vec<_>>(),
            ["lib/util.py", "main.py", "wolfe.toml"]
        );
    }
}
