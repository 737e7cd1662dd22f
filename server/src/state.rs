use std::collections::HashMap;
use std::sync::Arc;

use axum::http::HeaderMap;
use subtle::ConstantTimeEq;
use wolfe_pipeline::intake::{Intake, Source};
use wolfe_store::Store;

use crate::ApiError;

/// The audit log's name for whoever holds the API token.
pub const API_TOKEN_ACTOR: &str = "api-token";

/// What every handler shares.
#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub intake: Arc<Intake>,
    /// Webhook sources by name.
    pub sources: Arc<HashMap<String, Source>>,
    /// Bearer token of the run/inspect API.
    pub api_token: Arc<String>,
}

impl AppState {
    /// Checks the API bearer token in constant time and returns who the
    /// caller is, for the audit log. There is one API token so far, so its
    /// holder is `api-token`; per-person tokens will name their owner.
    pub fn authorize(&self, headers: &HeaderMap) -> Result<String, ApiError> {
        let presented = headers
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| {
                v.strip_prefix("Bearer ")
                    .or_else(|| v.strip_prefix("bearer "))
            })
            .ok_or_else(|| ApiError::unauthorized("missing bearer token"))?;
        if bool::from(presented.as_bytes().ct_eq(self.api_token.as_bytes())) {
            Ok(API_TOKEN_ACTOR.to_owned())
        } else {
            Err(ApiError::unauthorized("invalid bearer token"))
        }
    }
}
