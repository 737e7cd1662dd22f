//! One error format for every endpoint: `{"error": {"code", "message"}}`,
//! with codes that never change meaning:
//!
//! | code | status | meaning |
//! |---|---|---|
//! | `invalid_request` | 400 | the body, query or a field is wrong; the message names it |
//! | `malformed_event` | 400 | a webhook body could not be parsed |
//! | `unauthorized` | 401 | no token, or not a live one |
//! | `forbidden` | 403 | the token's role is too weak (within its own team) |
//! | `not_found` | 404 | no such thing *in the caller's team* (other teams' things included) |
//! | `conflict` | 409 | the change contradicts the current state (name taken, nothing to promote, ...) |
//! | `not_deployed` | 409 | nothing is deployed where a run was asked for |
//! | `already_finished` | 409 | an execution to cancel had already ended |
//! | `payload_too_large` | 413 | a webhook body over its source's limit |
//! | `build_failed` | 422 | the source did not build; `file`, `line` and `log` say where |
//! | `invalid_component` | 422 | an uploaded component is not a runbook this host can run; the message says why |
//! | `store_unavailable` | 503 | the database did not answer |
//! | `unavailable` | 503 | a feature is not configured (secrets key, build toolchain) |

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};

#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    code: &'static str,
    message: String,
    /// Further fields of the error object (`rejected_event_id`, `file`, ...).
    extra: Map<String, Value>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            status,
            code,
            message: message.into(),
            extra: Map::new(),
        }
    }

    /// Where a rejected body was recorded, for the sender's support request.
    pub fn recorded_as(self, event_id: String) -> Self {
        self.with("rejected_event_id", event_id)
    }

    /// Adds a field to the error object.
    pub fn with(mut self, key: &str, value: impl Into<Value>) -> Self {
        self.extra.insert(key.to_owned(), value.into());
        self
    }

    pub fn not_found(what: impl std::fmt::Display) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "not_found",
            format!("{what} not found"),
        )
    }

    pub fn unauthorized(message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "unauthorized", message)
    }

    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, "forbidden", message)
    }

    pub fn invalid(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "invalid_request", message)
    }

    pub fn conflict(message: impl Into<String>) -> Self {
        Self::new(StatusCode::CONFLICT, "conflict", message)
    }

    pub fn unavailable(message: impl Into<String>) -> Self {
        Self::new(StatusCode::SERVICE_UNAVAILABLE, "unavailable", message)
    }

    pub fn status(&self) -> StatusCode {
        self.status
    }

    pub fn code(&self) -> &'static str {
        self.code
    }
}

impl From<wolfe_store::StoreError> for ApiError {
    fn from(error: wolfe_store::StoreError) -> Self {
        match error {
            wolfe_store::StoreError::NotFound(what) => Self::not_found(what),
            wolfe_store::StoreError::Conflict(message) => Self::conflict(message),
            error => {
                tracing::error!("store error: {error}");
                Self::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "store_unavailable",
                    "the store is unavailable; retry later",
                )
            }
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut error = self.extra;
        error.insert("code".into(), self.code.into());
        error.insert("message".into(), self.message.into());
        (self.status, Json(json!({ "error": error }))).into_response()
    }
}
