//! The one error every host interface returns to the guest.

use serde::{Deserialize, Serialize};

use crate::bindings::wolfe::runbook::common::Error as WitError;

/// Why a host call did not do what was asked. Mirrors the WIT
/// `common.error` variant; providers return it, the glue converts it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(tag = "kind", content = "message", rename_all = "snake_case")]
pub enum ApiError {
    /// Outside the runbook's grant for this environment.
    #[error("denied: {0}")]
    Denied(String),
    /// The arguments were rejected before anything was attempted.
    #[error("invalid: {0}")]
    Invalid(String),
    /// The thing asked for does not exist.
    #[error("not found: {0}")]
    NotFound(String),
    /// The provider or the remote system failed, refused or timed out.
    #[error("unavailable: {0}")]
    Unavailable(String),
    /// A size or count limit was exceeded.
    #[error("too large: {0}")]
    TooLarge(String),
}

impl ApiError {
    /// The audit trail's name for this kind of failure.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Denied(_) => "denied",
            Self::Invalid(_) => "invalid",
            Self::NotFound(_) => "not_found",
            Self::Unavailable(_) => "unavailable",
            Self::TooLarge(_) => "too_large",
        }
    }

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

impl From<ApiError> for WitError {
    fn from(error: ApiError) -> Self {
        match error {
            ApiError::Denied(m) => Self::Denied(m),
            ApiError::Invalid(m) => Self::Invalid(m),
            ApiError::NotFound(m) => Self::NotFound(m),
            ApiError::Unavailable(m) => Self::Unavailable(m),
            ApiError::TooLarge(m) => Self::TooLarge(m),
        }
    }
}
