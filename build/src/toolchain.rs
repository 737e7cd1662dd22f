//! The external tools a build needs, found once and passed in.

use std::path::{Path, PathBuf};

use crate::error::BuildError;

/// Paths of the tools used to build runbooks. Missing tools are reported
/// only when a build actually needs them.
#[derive(Debug, Clone, Default)]
pub struct Toolchain {
    /// `componentize-py`, pinned by the project's Python environment.
    pub componentize_py: Option<PathBuf>,
    /// The Python interpreter of that environment, used for `pip`.
    pub python: Option<PathBuf>,
    /// `cargo`, for Rust runbooks.
    pub cargo: PathBuf,
    /// Where cargo puts Rust runbook builds; `None` leaves it to cargo.
    pub rust_target_dir: Option<PathBuf>,
}

impl Toolchain {
    /// Finds the tools: `componentize_py` if given, else a `.venv/bin` in one
    /// of `search_roots` or their ancestors, else `componentize-py` on PATH.
    pub fn discover(componentize_py: Option<PathBuf>, search_roots: &[&Path]) -> Self {
        let componentize_py = componentize_py
            .or_else(|| find_in_venv(search_roots))
            .or_else(|| find_on_path("componentize-py"));
        // A venv's interpreter sits next to its scripts.
        let python = componentize_py
            .as_ref()
            .and_then(|c| c.parent())
            .map(|bin| bin.join("python"))
            .filter(|p| p.exists())
            .or_else(|| find_on_path("python3"));
        Self {
            componentize_py,
            python,
            cargo: std::env::var_os("CARGO").map_or_else(|| "cargo".into(), PathBuf::from),
            rust_target_dir: None,
        }
    }

    pub(crate) fn componentize_py(&self) -> Result<&Path, BuildError> {
        self.componentize_py
            .as_deref()
            .ok_or_else(|| BuildError::ToolMissing {
                tool: "componentize-py".into(),
                hint: "run ./scripts/setup.sh (creates .venv with the pinned componentize-py) \
                       or set WOLFE_COMPONENTIZE_PY"
                    .into(),
            })
    }

    pub(crate) fn python(&self) -> Result<&Path, BuildError> {
        self.python
            .as_deref()
            .ok_or_else(|| BuildError::ToolMissing {
                tool: "python".into(),
                hint: "needed to install the runbook's Python requirements".into(),
            })
    }
}

fn find_in_venv(roots: &[&Path]) -> Option<PathBuf> {
    roots
        .iter()
        .flat_map(|root| root.ancestors())
        .map(|dir| dir.join(".venv/bin/componentize-py"))
        .find(|candidate| candidate.is_file())
}

fn find_on_path(tool: &str) -> Option<PathBuf> {
    std::env::split_paths(&std::env::var_os("PATH")?)
        .map(|dir| dir.join(tool))
        .find(|candidate| candidate.is_file())
}
