//! One execution in full: status, result, parameters, attempts, the events
//! it received, its logs and the audit trail of its host calls. Another
//! team's execution is not found.

use axum::Json;
use axum::extract::{Path, State};
use schemars::JsonSchema;
use serde::Serialize;

use crate::api::views;
use crate::auth::Caller;
use crate::{ApiError, AppState};

#[derive(Serialize, JsonSchema)]
pub struct ExecutionDetail {
    #[serde(flatten)]
    pub execution: views::Execution,
    /// The runbook's name.
    pub runbook: Option<String>,
    pub logs: Vec<views::LogLine>,
    pub host_calls: Vec<views::HostCall>,
    pub attempts: Vec<views::Attempt>,
    pub events: Vec<views::Event>,
    /// From queued to finished; none while it has not.
    pub duration_ms: Option<i64>,
}

pub async fn show(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<ExecutionDetail>, ApiError> {
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
    Ok(Json(ExecutionDetail {
        execution: views::execution(&execution),
        runbook: runbook.map(|r| r.name),
        logs: logs.iter().map(views::log_line).collect(),
        host_calls: calls.iter().map(views::host_call).collect(),
        attempts: attempts.iter().map(views::attempt).collect(),
        events: events.iter().map(views::event).collect(),
        duration_ms: execution.finished_at.map(|f| f - execution.queued_at),
    }))
}
