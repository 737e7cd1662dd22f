//! Inspecting an execution: status, result, events and logs.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use serde_json::{Value, json};

use crate::{ApiError, AppState};

pub async fn show(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Json<Value>, ApiError> {
    state.authorize(&headers)?;
    let execution = state
        .store
        .execution(&id)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("execution {id:?}")))?;
    let logs: Vec<Value> = state
        .store
        .execution_logs(&id)
        .await?
        .into_iter()
        .map(|l| {
            json!({"attempt": l.attempt, "at_ms": l.at_ms, "level": l.level, "stream": l.stream,
                   "message": l.message, "fields": l.fields})
        })
        .collect();
    Ok(Json(json!({
        "id": execution.id,
        "runbook_id": execution.runbook_id,
        "environment": execution.environment,
        "version_id": execution.version_id,
        "rule_id": execution.rule_id,
        "status": execution.status.as_str(),
        "attempt": execution.attempt,
        "max_attempts": execution.max_attempts,
        "params": execution.params,
        "dry_run": execution.dry_run,
        "output": execution.output,
        "error": execution.error_message.map(|m| json!({"message": m, "detail": execution.error_detail})),
        "fuel_consumed": execution.fuel_consumed,
        "peak_memory_bytes": execution.peak_memory_bytes,
        "wall_time_us": execution.wall_time_us,
        "queued_at": execution.queued_at,
        "finished_at": execution.finished_at,
        "logs": logs,
    })))
}
