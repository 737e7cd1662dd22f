//! Archiving a runbook and restoring it (operators: it stops what runs in
//! every environment). What archiving keeps and stops is the store's
//! `archive.rs`; here, an archived runbook is also read-only
//! (`lookup::writable`) until restored.

use axum::Json;
use axum::extract::{Path, State};
use schemars::JsonSchema;
use serde::Serialize;
use wolfe_store::Role;

use crate::api::{lookup, views};
use crate::auth::Caller;
use crate::{ApiError, AppState};

/// What archiving did.
#[derive(Serialize, JsonSchema)]
pub struct ArchivedAnswer {
    pub runbook: views::Runbook,
    /// Queued executions it cancelled.
    pub cancelled: u64,
    /// Executions still running; they finish.
    pub still_running: u64,
}

pub async fn archive(
    State(state): State<AppState>,
    caller: Caller,
    Path(name): Path<String>,
) -> Result<Json<ArchivedAnswer>, ApiError> {
    let runbook = lookup::runbook(&state, &caller, &name).await?;
    caller.require(Role::Operator)?;
    lookup::writable(&runbook)?;
    let Some(summary) = state
        .store
        .archive_runbook(&runbook.id, &caller.actor())
        .await?
    else {
        // Archived by someone else since the lookup.
        return Err(ApiError::conflict(format!(
            "runbook {name:?} is already archived"
        )));
    };
    // This instance's intake drops the runbook's rules now; other
    // instances within their rule cache's age (the store refuses to queue
    // for an archived runbook meanwhile).
    state.intake.rules().invalidate().await;
    let runbook = lookup::runbook(&state, &caller, &name).await?;
    Ok(Json(ArchivedAnswer {
        runbook: views::runbook(&runbook),
        cancelled: summary.cancelled,
        still_running: summary.still_running,
    }))
}

pub async fn restore(
    State(state): State<AppState>,
    caller: Caller,
    Path(name): Path<String>,
) -> Result<Json<views::Runbook>, ApiError> {
    let runbook = lookup::runbook(&state, &caller, &name).await?;
    caller.require(Role::Operator)?;
    if !state
        .store
        .restore_runbook(&runbook.id, &caller.actor())
        .await?
    {
        return Err(ApiError::conflict(format!(
            "runbook {name:?} is not archived"
        )));
    }
    state.intake.rules().invalidate().await;
    let runbook = lookup::runbook(&state, &caller, &name).await?;
    Ok(Json(views::runbook(&runbook)))
}
