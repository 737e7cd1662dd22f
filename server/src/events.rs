//! The webhook sensor: answers 202 only once the events are committed.

use axum::Json;
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use schemars::JsonSchema;
use serde::Serialize;
use wolfe_ingest::IngestError;
use wolfe_pipeline::intake::IntakeError;
use wolfe_store::Accepted;

use crate::{ApiError, AppState};

pub async fn receive(
    State(state): State<AppState>,
    Path(source_name): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> Result<(StatusCode, Json<AcceptedEvents>), ApiError> {
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

/// The events a webhook body became, each committed with its executions.
#[derive(Serialize, JsonSchema)]
pub struct AcceptedEvents {
    pub event_ids: Vec<String>,
    pub events: Vec<AcceptedEvent>,
}

#[derive(Serialize, JsonSchema)]
pub struct AcceptedEvent {
    pub event_id: String,
    /// Already received under its dedupe key: nothing was created again.
    pub duplicate: bool,
    /// The executions its rules queued.
    pub executions: Vec<String>,
}

fn accepted_body(accepted: &[Accepted]) -> AcceptedEvents {
    let events = accepted
        .iter()
        .map(|a| match a {
            Accepted::New {
                event_id,
                executions,
            } => AcceptedEvent {
                event_id: event_id.clone(),
                duplicate: false,
                executions: executions.clone(),
            },
            Accepted::Duplicate { event_id } => AcceptedEvent {
                event_id: event_id.clone(),
                duplicate: true,
                executions: Vec::new(),
            },
        })
        .collect();
    let event_ids = accepted.iter().map(|a| a.event_id().to_owned()).collect();
    AcceptedEvents { event_ids, events }
}
