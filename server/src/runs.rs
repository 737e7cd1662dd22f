//! Running a runbook by hand with a sample event.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::{ApiError, AppState};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RunRequest {
    team: String,
    runbook: String,
    environment: String,
    #[serde(default)]
    payload: Value,
    #[serde(default = "empty_object")]
    params: Value,
    #[serde(default)]
    dry_run: bool,
}

fn empty_object() -> Value {
    json!({})
}

pub async fn create(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    state.authorize(&headers)?;
    let request: RunRequest = serde_json::from_slice(&body)
        .map_err(|e| ApiError::invalid(format!("invalid run request: {e}")))?;
    if !request.params.is_object() {
        return Err(ApiError::invalid("params must be a JSON object"));
    }
    let team = state
        .store
        .team_by_name(&request.team)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("team {:?}", request.team)))?;
    let runbook = state
        .store
        .runbook_by_name(&team.id, &request.runbook)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("runbook {:?}", request.runbook)))?;
    let execution = state
        .intake
        .run_manually(
            &request.environment,
            &runbook.id,
            request.payload,
            request.params,
            request.dry_run,
        )
        .await?
        .ok_or_else(|| {
            ApiError::new(
                StatusCode::CONFLICT,
                "not_deployed",
                format!(
                    "runbook {:?} has no version deployed in {:?}",
                    request.runbook, request.environment
                ),
            )
        })?;
    Ok((
        StatusCode::ACCEPTED,
        Json(json!({"execution_id": execution})),
    ))
}
