//! What host calls return when the host answers with the WIT `error`.

use std::fmt::{self, Display};

use crate::bindings::wolfe::runbook::common::Error as WitError;

/// Why a host call failed; mirrors the WIT `common.error` variant. Each case
/// carries the host's explanation.
///
/// It implements [`std::error::Error`], so `?` in a runbook's handler turns
/// it into a [`Failure`](crate::Failure) whose message names the kind:
///
/// ```ignore
/// let token = wolfe_sdk::secrets::get("kafka-admin-token")?;
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HostError {
    /// Outside the runbook's grant for this environment (the host recorded it).
    Denied(String),
    /// The arguments were rejected before anything was attempted.
    Invalid(String),
    /// The thing asked for does not exist.
    NotFound(String),
    /// The provider or remote system failed, refused or timed out; also what
    /// every call answers outside Wolfe (e.g. a runbook's native `cargo test`).
    Unavailable(String),
    /// A size or count limit was exceeded.
    TooLarge(String),
}

impl HostError {
    /// The case as the probes and the Python SDK spell it: `denied`,
    /// `invalid`, `not_found`, `unavailable` or `too_large`.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Denied(_) => "denied",
            Self::Invalid(_) => "invalid",
            Self::NotFound(_) => "not_found",
            Self::Unavailable(_) => "unavailable",
            Self::TooLarge(_) => "too_large",
        }
    }

    /// The host's explanation.
    pub fn message(&self) -> &str {
        match self {
            Self::Denied(m)
            | Self::Invalid(m)
            | Self::NotFound(m)
            | Self::Unavailable(m)
            | Self::TooLarge(m) => m,
        }
    }
}

impl Display for HostError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.kind(), self.message())
    }
}

impl std::error::Error for HostError {}

impl From<WitError> for HostError {
    fn from(error: WitError) -> Self {
        match error {
            WitError::Denied(m) => Self::Denied(m),
            WitError::Invalid(m) => Self::Invalid(m),
            WitError::NotFound(m) => Self::NotFound(m),
            WitError::Unavailable(m) => Self::Unavailable(m),
            WitError::TooLarge(m) => Self::TooLarge(m),
        }
    }
}

/// Runs one WIT import inside a component; natively answers
/// [`HostError::Unavailable`] without calling it (the import does not exist).
pub(crate) fn call<T>(import: impl FnOnce() -> Result<T, WitError>) -> Result<T, HostError> {
    #[cfg(target_family = "wasm")]
    {
        import().map_err(HostError::from)
    }
    #[cfg(not(target_family = "wasm"))]
    {
        drop(import);
        Err(HostError::Unavailable(
            "not running inside Wolfe".to_owned(),
        ))
    }
}
