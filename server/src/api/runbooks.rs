//! Runbooks of the caller's team: the list (with what each environment
//! runs and how it last ended), creation, one runbook, and its description.
//! Archiving is in `archive.rs`.

use std::collections::HashMap;

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::Deserialize;
use serde_json::{Value, json};
use wolfe_store::{NewRunbook, Role, RunbookSettings};

use crate::api::{lookup, views};
use crate::auth::Caller;
use crate::body::{Body, Query};
use crate::{ApiError, AppState};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListFilters {
    /// `true`: the archived runbooks instead of the active ones.
    #[serde(default)]
    archived: bool,
}

pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    Query(filters): Query<ListFilters>,
) -> Result<Json<Value>, ApiError> {
    let runbooks = state
        .store
        .team_runbooks(&caller.team.id, filters.archived)
        .await?;
    let mut last: HashMap<(String, String), Value> = HashMap::new();
    for outcome in state.store.last_outcomes(&caller.team.id).await? {
        last.insert(
            (outcome.runbook_id, outcome.environment),
            json!({"status": outcome.status, "queued_at": outcome.queued_at}),
        );
    }
    let mut items = Vec::with_capacity(runbooks.len());
    for runbook in &runbooks {
        let deployments = state.store.deployments(&runbook.id).await?;
        let environments: Vec<Value> = state
            .environments
            .iter()
            .map(|environment| {
                let deployed = deployments.iter().find(|d| &d.environment == environment);
                json!({
                    "environment": environment,
                    "version": deployed.map(|d| d.version_number),
                    "last_execution": last.get(&(runbook.id.clone(), environment.clone())),
                })
            })
            .collect();
        let mut item = views::runbook(runbook);
        item["environments"] = environments.into();
        items.push(item);
    }
    Ok(Json(json!({ "items": items })))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewRunbookBody {
    name: String,
    #[serde(default)]
    description: Option<String>,
}

pub async fn create(
    State(state): State<AppState>,
    caller: Caller,
    Body(new): Body<NewRunbookBody>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    caller.require(Role::Author)?;
    lookup::check_name("runbook", &new.name)?;
    let runbook = state
        .store
        .create_runbook_as(
            NewRunbook {
                team_id: caller.team.id.clone(),
                name: new.name,
                description: new.description,
                max_attempts: 3,
                concurrency_limit: 4,
                quotas: json!({}),
            },
            &caller.actor(),
        )
        .await?;
    Ok((StatusCode::CREATED, Json(views::runbook(&runbook))))
}

pub async fn show(
    State(state): State<AppState>,
    caller: Caller,
    Path(name): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let runbook = lookup::runbook(&state, &caller, &name).await?;
    let deployments = state.store.deployments(&runbook.id).await?;
    let mut body = views::runbook(&runbook);
    body["deployments"] = deployments.iter().map(views::deployment).collect();
    body["environments"] = json!(state.environments.as_slice());
    Ok(Json(body))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RunbookPatch {
    description: Option<String>,
}

/// Changes the description (the only free-text setting; quotas have their
/// own route because they need an operator).
pub async fn update(
    State(state): State<AppState>,
    caller: Caller,
    Path(name): Path<String>,
    Body(patch): Body<RunbookPatch>,
) -> Result<Json<Value>, ApiError> {
    let runbook = lookup::runbook(&state, &caller, &name).await?;
    caller.require(Role::Author)?;
    lookup::writable(&runbook)?;
    let settings = RunbookSettings {
        description: patch.description,
        max_attempts: runbook.max_attempts,
        concurrency_limit: runbook.concurrency_limit,
        quotas: runbook.quotas.clone(),
    };
    state
        .store
        .update_runbook_settings(&runbook.id, &settings, &caller.actor())
        .await?;
    let runbook = lookup::runbook(&state, &caller, &name).await?;
    Ok(Json(views::runbook(&runbook)))
}
