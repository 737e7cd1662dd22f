//! Running a runbook by hand with a sample event, optionally as a dry run
//! (side-effecting host calls are recorded, not performed). Running in the
//! last environment needs an operator, elsewhere an author.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::api::lookup;
use crate::auth::Caller;
use crate::body::Body;
use crate::{ApiError, AppState};

/// `POST /api/v1/runs`: the runbook named in the body (the original form).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RunRequest {
    /// Optional; when given it must be the token's team.
    #[serde(default)]
    team: Option<String>,
    runbook: String,
    environment: String,
    #[serde(default)]
    payload: Value,
    #[serde(default = "empty_object")]
    params: Value,
    #[serde(default)]
    dry_run: bool,
}

/// `POST /api/v1/runbooks/{runbook}/runs`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Run {
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

/// A queued execution: follow it at `/api/v1/executions/{execution_id}`.
#[derive(Serialize, JsonSchema)]
pub struct RunStarted {
    pub execution_id: String,
    pub dry_run: bool,
}

pub async fn create(
    State(state): State<AppState>,
    caller: Caller,
    Body(request): Body<RunRequest>,
) -> Result<(StatusCode, Json<RunStarted>), ApiError> {
    if let Some(team) = &request.team
        && team != &caller.team.name
    {
        return Err(ApiError::not_found(format!("team {team:?}")));
    }
    let run = Run {
        environment: request.environment,
        payload: request.payload,
        params: request.params,
        dry_run: request.dry_run,
    };
    start(&state, &caller, &request.runbook, run).await
}

pub async fn create_for_runbook(
    State(state): State<AppState>,
    caller: Caller,
    Path(name): Path<String>,
    Body(run): Body<Run>,
) -> Result<(StatusCode, Json<RunStarted>), ApiError> {
    start(&state, &caller, &name, run).await
}

async fn start(
    state: &AppState,
    caller: &Caller,
    name: &str,
    run: Run,
) -> Result<(StatusCode, Json<RunStarted>), ApiError> {
    let runbook = lookup::runbook(state, caller, name).await?;
    state.environment_index(&run.environment)?;
    caller.require(state.role_to_change(&run.environment))?;
    lookup::writable(&runbook)?;
    if !run.params.is_object() {
        return Err(ApiError::invalid("params must be a JSON object").with("field", "params"));
    }
    let execution = state
        .intake
        .run_manually(
            &run.environment,
            &runbook.id,
            run.payload.clone(),
            run.params.clone(),
            run.dry_run,
        )
        .await?
        .ok_or_else(|| {
            ApiError::new(
                StatusCode::CONFLICT,
                "not_deployed",
                format!(
                    "runbook {name:?} has no version deployed in {:?}",
                    run.environment
                ),
            )
        })?;
    let detail =
        json!({"runbook": runbook.name, "environment": run.environment, "dry_run": run.dry_run});
    state
        .store
        .record_audit(
            &caller.team.id,
            &caller.actor(),
            "execution.run",
            &format!("execution:{execution}"),
            Some(&detail),
        )
        .await?;
    Ok((
        StatusCode::ACCEPTED,
        Json(RunStarted {
            execution_id: execution,
            dry_run: run.dry_run,
        }),
    ))
}
