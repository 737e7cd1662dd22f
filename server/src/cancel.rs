//! Cancelling an execution: a queued one at once; a running one is marked
//! cancelled at once and its runner, in whichever instance, stops the
//! sandbox when it next checks its leases. Another team's execution is not
//! found; cancelling needs the role that may run in its environment.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use wolfe_store::Cancelled;

use crate::auth::Caller;
use crate::{ApiError, AppState};

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct CancelRequest {
    /// Why, for the audit log and the execution's error message.
    reason: Option<String>,
}

#[derive(Serialize, JsonSchema)]
pub struct CancelledExecution {
    pub id: String,
    /// Always `cancelled`.
    pub status: String,
    /// queued | running
    pub previous_status: String,
}

pub async fn cancel(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> Result<Json<CancelledExecution>, ApiError> {
    let execution = state
        .store
        .team_execution(&caller.team.id, &id)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("execution {id:?}")))?;
    caller.require(state.role_to_change(&execution.environment))?;
    // The body is optional: an empty POST cancels without a reason.
    let request: CancelRequest = if body.iter().all(u8::is_ascii_whitespace) {
        CancelRequest::default()
    } else {
        crate::body::parse(&body)?
    };
    match state
        .store
        .cancel_execution(&id, &caller.actor(), request.reason.as_deref())
        .await?
    {
        Cancelled::Now { previous } => Ok(Json(CancelledExecution {
            id,
            status: "cancelled".to_owned(),
            previous_status: previous.as_str().to_owned(),
        })),
        Cancelled::AlreadyEnded(status) => Err(ApiError::new(
            StatusCode::CONFLICT,
            "already_finished",
            format!("execution {id:?} already ended: {}", status.as_str()),
        )),
        Cancelled::NotFound => Err(ApiError::not_found(format!("execution {id:?}"))),
    }
}
