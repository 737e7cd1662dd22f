//! The webhook sensor: answers 202 only once the events are committed.

use axum::Json;
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use serde_json::{Value, json};
use wolfe_ingest::IngestError;
use wolfe_pipeline::intake::IntakeError;
use wolfe_store::Accepted;

use crate::{ApiError, AppState};

pub async fn receive(
    State(state): State<AppState>,
    Path(source_name): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let source = state
        .sources
        .get(&source_name)
        .ok_or_else(|| ApiError::not_found(format!("event source {source_name:?}")))?;
    let limit = source.config.max_body_bytes;
    let Ok(body) = axum::body::to_bytes(body, limit).await else {
        let message = format!("body exceeds the limit of {limit} bytes for source {source_name:?}");
        let id = state.intake.reject(source, &[], &message).await?;
        return Err(
            ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large", message)
                .recorded_as(id),
        );
    };
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    if let Err(error) = wolfe_ingest::verify(&source.config.auth, header, &body) {
        // The body is kept for forensics; the error never echoes credentials.
        let id = state
            .intake
            .reject(source, &body, &error.to_string())
            .await?;
        return Err(ApiError::unauthorized(error.to_string()).recorded_as(id));
    }
    match state.intake.receive(source, &body).await {
        Ok(accepted) => Ok((StatusCode::ACCEPTED, Json(accepted_body(&accepted)))),
        Err(IntakeError::Rejected { error, event_id }) => {
            let (status, code) = match error {
                IngestError::TooLarge { .. } => {
                    (StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large")
                }
                IngestError::Malformed(_) => (StatusCode::BAD_REQUEST, "malformed_event"),
            };
            Err(ApiError::new(status, code, error.to_string()).recorded_as(event_id))
        }
        Err(IntakeError::Store(error)) => Err(error.into()),
    }
}

fn accepted_body(accepted: &[Accepted]) -> Value {
    let events: Vec<Value> = accepted
        .iter()
        .map(|a| match a {
            Accepted::New {
                event_id,
                executions,
            } => {
                json!({"event_id": event_id, "duplicate": false, "executions": executions})
            }
            Accepted::Duplicate { event_id } => {
                json!({"event_id": event_id, "duplicate": true, "executions": []})
            }
        })
        .collect();
    let event_ids: Vec<&str> = accepted.iter().map(Accepted::event_id).collect();
    json!({"event_ids": event_ids, "events": events})
}
