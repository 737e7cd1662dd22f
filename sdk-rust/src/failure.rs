use std::fmt::Display;

use crate::bindings::wolfe::runbook::types::Failure as WitFailure;

/// The runbook's verdict that it could not do its job: ends the execution
/// as `failed` with this message and optional detail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    pub message: String,
    pub detail: Option<String>,
}

impl Failure {
    pub fn new(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            detail: None,
        }
    }

    pub fn with_detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = Some(detail.into());
        self
    }

    pub(crate) fn into_wit(self) -> WitFailure {
        WitFailure {
            message: self.message,
            detail: self.detail,
        }
    }
}

/// Lets `?` turn any error into a failure carrying its message.
impl<E: std::error::Error> From<E> for Failure {
    fn from(error: E) -> Self {
        Self::new(error.to_string())
    }
}

impl Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}
