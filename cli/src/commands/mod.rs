pub mod build;
pub mod deploy;
pub mod engine;
mod local_host;
pub mod promote;
pub mod rules;
pub mod run;
pub mod serve;

use std::path::Path;

use wolfe_build::Toolchain;

/// Tools for building runbooks: `$WOLFE_COMPONENTIZE_PY`, else the `.venv`
/// of a checkout containing the runbook or this executable.
pub fn toolchain(runbook_dir: &Path) -> Toolchain {
    let exe = std::env::current_exe().unwrap_or_default();
    let runbook_dir = std::path::absolute(runbook_dir).unwrap_or_else(|_| runbook_dir.into());
    Toolchain::discover(crate::env::componentize_py(), &[&runbook_dir, &exe])
}
