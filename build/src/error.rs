use std::path::Path;

/// Why a runbook did not build. Each message names the one thing to fix.
#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    #[error("{0}: not a runbook directory (expected wolfe.toml with main.py or Cargo.toml)")]
    NotARunbook(String),
    #[error("{path}: {message}")]
    InvalidManifest { path: String, message: String },
    #[error("{0}")]
    MissingEntry(String),
    #[error("{tool} not found: {hint}")]
    ToolMissing { tool: String, hint: String },
    #[error("{summary}")]
    Compile {
        /// One line naming the problem, e.g. the Python exception.
        summary: String,
        /// The tool's full output.
        log: String,
    },
    #[error("{path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
}

impl BuildError {
    pub(crate) fn io(path: &Path, source: std::io::Error) -> Self {
        Self::Io {
            path: path.display().to_string(),
            source,
        }
    }
}
