//! One execution in full: status, result, parameters, attempts, the events
//! it received, its logs and the audit trail of its host calls. Another
//! team's execution is not found.

use axum::Json;
use axum::extract::{Path, State};
use serde_json::{Value, json};

use crate::api::views;
use crate::auth::Caller;
use crate::{ApiError, AppState};

pub async fn show(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let execution = state
        .store
        .team_execution(&caller.team.id, &id)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("execution {id:?}")))?;
    let logs = state.store.execution_logs(&id).await?;
    let calls = state.store.host_calls(&id).await?;
    let attempts = state.store.attempts(&id).await?;
    let events = state.store.execution_events(&id).await?;
    let runbook = state.store.runbook(&execution.runbook_id).await?;
    let mut body = views::execution(&execution);
    body["runbook"] = runbook.map(|r| r.name).into();
    body["logs"] = logs.iter().map(views::log_line).collect();
    body["host_calls"] = calls.iter().map(views::host_call).collect();
    body["attempts"] = attempts.iter().map(views::attempt).collect();
    body["events"] = events.iter().map(views::event).collect();
    body["duration_ms"] = json!(execution.finished_at.map(|f| f - execution.queued_at));
    Ok(Json(body))
}
