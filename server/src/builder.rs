//! Building saved Python source into a component on the server.
//!
//! The files are written into a fresh temporary directory and built with
//! `wolfe-build` (componentize-py), on a blocking thread so the async
//! workers keep serving; a semaphore keeps builds from competing for the
//! CPU with each other. Errors point at the author's file and line,
//! relative to the runbook (never the temporary directory).

use std::collections::BTreeMap;
use std::path::{Component, Path};
use std::time::Instant;

use tokio::sync::Semaphore;
use wolfe_build::{BuildError, Language, Toolchain};

use crate::ApiError;

/// At most this many files and bytes of source per version.
const MAX_FILES: usize = 200;
const MAX_SOURCE_BYTES: usize = 2 << 20;

pub struct Builder {
    toolchain: Toolchain,
    slots: Semaphore,
}

/// A built component, ready to store as a version's artifact.
#[derive(Debug)]
pub struct Built {
    pub bytes: Vec<u8>,
    pub sha256: String,
    pub language: String,
    pub capabilities: Option<serde_json::Value>,
    pub log: String,
}

impl Builder {
    pub fn new(toolchain: Toolchain, concurrent_builds: usize) -> Self {
        Self {
            toolchain,
            slots: Semaphore::new(concurrent_builds.max(1)),
        }
    }

    /// The tools `wolfe` itself would use: `$WOLFE_COMPONENTIZE_PY`, or a
    /// `.venv` above the executable or the working directory.
    pub fn discover() -> Self {
        let exe = std::env::current_exe().unwrap_or_default();
        let cwd = std::env::current_dir().unwrap_or_default();
        let configured = std::env::var_os("WOLFE_COMPONENTIZE_PY").map(Into::into);
        Self::new(Toolchain::discover(configured, &[&exe, &cwd]), 1)
    }

    /// Builds `files` (relative path → content) as runbook `name`. A
    /// `wolfe.toml` among the files must name the runbook; without one, a
    /// minimal manifest is written.
    pub async fn build_python(
        &self,
        name: &str,
        files: BTreeMap<String, String>,
    ) -> Result<Built, ApiError> {
        check_files(&files)?;
        let _slot = self
            .slots
            .acquire()
            .await
            .map_err(|_| ApiError::unavailable("the builder is shutting down"))?;
        let toolchain = self.toolchain.clone();
        let name = name.to_owned();
        tokio::task::spawn_blocking(move || build_blocking(&name, &files, &toolchain))
            .await
            .map_err(|e| ApiError::unavailable(format!("the build did not finish: {e}")))?
    }
}

pub(crate) fn check_files(files: &BTreeMap<String, String>) -> Result<(), ApiError> {
    if files.is_empty() {
        return Err(ApiError::invalid(
            "files is empty; save at least the entry module (main.py)",
        ));
    }
    if files.len() > MAX_FILES {
        return Err(ApiError::invalid(format!(
            "{} files; at most {MAX_FILES}",
            files.len()
        )));
    }
    let total: usize = files.values().map(String::len).sum();
    if total > MAX_SOURCE_BYTES {
        return Err(ApiError::invalid(format!(
            "{total} bytes of source; at most {MAX_SOURCE_BYTES}"
        )));
    }
    for path in files.keys() {
        let safe = !path.is_empty()
            && path.len() <= 200
            && Path::new(path)
                .components()
                .all(|c| matches!(c, Component::Normal(_)))
            && path
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "._-/".contains(c));
        if !safe {
            return Err(ApiError::invalid(format!(
                "file name {path:?} must be a relative path of letters, digits, '.', '_', '-' and '/'"
            ))
            .with("field", format!("files.{path}")));
        }
    }
    Ok(())
}

fn build_blocking(
    name: &str,
    files: &BTreeMap<String, String>,
    toolchain: &Toolchain,
) -> Result<Built, ApiError> {
    let started = Instant::now();
    let workdir =
        tempfile::tempdir().map_err(|e| ApiError::unavailable(format!("no room to build: {e}")))?;
    let dir = workdir.path().join(name);
    let write = |path: &Path, text: &str| -> Result<(), ApiError> {
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| ApiError::unavailable(format!("no room to build: {e}")))?;
        }
        std::fs::write(path, text)
            .map_err(|e| ApiError::unavailable(format!("no room to build: {e}")))
    };
    for (path, text) in files {
        write(&dir.join(path), text)?;
    }
    if !files.contains_key("wolfe.toml") {
        write(&dir.join("wolfe.toml"), &format!("name = {name:?}\n"))?;
    }
    let manifest = wolfe_build::RunbookManifest::load(&dir).map_err(|e| failed(&e, &dir))?;
    if manifest.name != name {
        return Err(ApiError::invalid(format!(
            "wolfe.toml names the runbook {:?}, but this is runbook {name:?}",
            manifest.name
        ))
        .with("field", "files.wolfe.toml"));
    }
    if manifest.language != Language::Python {
        return Err(ApiError::invalid(
            "the server builds Python runbooks only; build others locally and upload the \
             component (`wolfe deploy` does both)",
        ));
    }
    let output = wolfe_build::build(&dir, toolchain).map_err(|e| failed(&e, &dir))?;
    let bytes = std::fs::read(&output.component)
        .map_err(|e| ApiError::unavailable(format!("reading the built component: {e}")))?;
    let artifact = output.artifact;
    let log = format!(
        "built {name} (python, SDK {}, {}) in {} ms: {} bytes, sha256 {}\n",
        artifact.sdk_version,
        artifact.wit,
        started.elapsed().as_millis(),
        artifact.size_bytes,
        artifact.sha256
    );
    Ok(Built {
        bytes,
        sha256: artifact.sha256,
        language: "python".into(),
        capabilities: Some(manifest.capabilities),
        log,
    })
}

/// A build error as the API reports it: `build_failed` with the message,
/// the file and line it points at, and the tool's log, all relative to
/// the runbook.
fn failed(error: &BuildError, dir: &Path) -> ApiError {
    let relative = |text: &str| text.replace(&format!("{}/", dir.display()), "");
    match error {
        BuildError::ToolMissing { .. } => {
            ApiError::unavailable(format!("the server cannot build: {error}"))
        }
        BuildError::Compile { summary, log } => {
            let mut api = ApiError::new(
                axum::http::StatusCode::UNPROCESSABLE_ENTITY,
                "build_failed",
                relative(summary),
            )
            .with("log", relative(log));
            if let Some((file, line)) = wolfe_build::error_location(log, dir) {
                api = api.with("file", file).with("line", line);
            }
            api
        }
        other => ApiError::new(
            axum::http::StatusCode::UNPROCESSABLE_ENTITY,
            "build_failed",
            relative(&other.to_string()),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_cannot_escape_the_runbook() {
        for bad in [
            "../x.py",
            "/etc/passwd",
            "a/../../b.py",
            "",
            "a b.py",
            "./x.py",
        ] {
            let files = BTreeMap::from([(bad.to_owned(), String::new())]);
            let error = check_files(&files).unwrap_err();
            assert_eq!(error.code(), "invalid_request", "{bad}");
        }
        let fine = BTreeMap::from([("lib/util.py".to_owned(), String::new())]);
        assert!(check_files(&fine).is_ok());
        assert!(check_files(&BTreeMap::new()).is_err());
    }
}
