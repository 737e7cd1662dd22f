//! One error format for every endpoint: `{"error": {"code", "message"}}`,
//! with codes that never change meaning.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::json;

#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    code: &'static str,
    message: String,
    /// Where a rejected body was recorded, for the sender's support request.
    rejected_event_id: Option<String>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            status,
            code,
            message: message.into(),
            rejected_event_id: None,
        }
    }

    pub fn recorded_as(mut self, event_id: String) -> Self {
        self.rejected_event_id = Some(event_id);
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

    pub fn invalid(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "invalid_request", message)
    }

    pub fn status(&self) -> StatusCode {
        self.status
    }
}

impl From<wolfe_store::StoreError> for ApiError {
    fn from(error: wolfe_store::StoreError) -> Self {
        tracing::error!("store error: {error}");
        Self::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "store_unavailable",
            "the store is unavailable; retry later",
        )
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut error = json!({"code": self.code, "message": self.message});
        if let Some(id) = self.rejected_event_id {
            error["rejected_event_id"] = id.into();
        }
        (self.status, Json(json!({ "error": error }))).into_response()
    }
}
