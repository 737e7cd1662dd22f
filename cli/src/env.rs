//! Every environment variable `wolfe` reads, in one place.

use std::path::PathBuf;

/// Path of the `componentize-py` executable to build Python runbooks with.
pub const COMPONENTIZE_PY: &str = "WOLFE_COMPONENTIZE_PY";
/// Directory of the compiled-component cache.
pub const CACHE_DIR: &str = "WOLFE_CACHE_DIR";
/// Path of the service configuration file (`serve`, `engine`).
pub const CONFIG: &str = "WOLFE_CONFIG";
/// Base URL of the Wolfe service for `deploy` and `promote`.
pub const SERVER: &str = "WOLFE_SERVER";
/// API token for `deploy` and `promote`.
pub const TOKEN: &str = "WOLFE_TOKEN";
/// Log filter for Wolfe's own diagnostics (tracing `EnvFilter` syntax).
pub const LOG: &str = "WOLFE_LOG";

pub fn componentize_py() -> Option<PathBuf> {
    std::env::var_os(COMPONENTIZE_PY).map(PathBuf::from)
}

/// `$WOLFE_CACHE_DIR`, else `$XDG_CACHE_HOME/wolfe/compiled`, else
/// `~/.cache/wolfe/compiled`.
pub fn cache_dir() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os(CACHE_DIR) {
        return Some(PathBuf::from(dir));
    }
    let base = std::env::var_os("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".cache")))?;
    Some(base.join("wolfe").join("compiled"))
}

pub fn log_filter() -> tracing_subscriber::EnvFilter {
    tracing_subscriber::EnvFilter::try_from_env(LOG)
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn"))
}
