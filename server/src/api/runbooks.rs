//! Runbooks of the caller's team: the list (with what each environment
//! runs and how it last ended), creation, one runbook, and its description.

use std::collections::HashMap;

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::json;
use wolfe_store::{NewRunbook, Role, RunbookSettings};

use crate::api::lookup;
use crate::api::views::{self, List};
use crate::auth::Caller;
use crate::body::{Body, Query};
use crate::{ApiError, AppState};

/// A runbook as listed: what each environment runs and how it last ended.
#[derive(Serialize, JsonSchema)]
pub struct RunbookSummary {
    #[serde(flatten)]
    pub runbook: views::Runbook,
    pub environments: Vec<EnvironmentSummary>,
}

#[derive(Serialize, JsonSchema)]
pub struct EnvironmentSummary {
    pub environment: String,
    /// The version number deployed there, if any.
    pub version: Option<i64>,
    pub last_execution: Option<LastExecution>,
}

#[derive(Serialize, JsonSchema, Clone)]
pub struct LastExecution {
    pub status: String,
    pub queued_at: i64,
}

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
) -> Result<Json<List<RunbookSummary>>, ApiError> {
    let runbooks = state
        .store
        .team_runbooks(&caller.team.id, filters.archived)
        .await?;
    let mut last: HashMap<(String, String), LastExecution> = HashMap::new();
    for outcome in state.store.last_outcomes(&caller.team.id).await? {
        last.insert(
            (outcome.runbook_id, outcome.environment),
            LastExecution {
                status: outcome.status,
                queued_at: outcome.queued_at,
            },
        );
    }
    let mut items = Vec::with_capacity(runbooks.len());
    for runbook in &runbooks {
        let deployments = state.store.deployments(&runbook.id).await?;
        let environments = state
            .environments
            .iter()
            .map(|environment| {
                let deployed = deployments.iter().find(|d| &d.environment == environment);
                EnvironmentSummary {
                    environment: environment.clone(),
                    version: deployed.map(|d| d.version_number),
                    last_execution: last
                        .get(&(runbook.id.clone(), environment.clone()))
                        .cloned(),
                }
            })
            .collect();
        items.push(RunbookSummary {
            runbook: views::runbook(runbook),
            environments,
        });
    }
    Ok(Json(views::list(items)))
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
) -> Result<(StatusCode, Json<views::Runbook>), ApiError> {
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

/// One runbook with what each environment runs, and the environments.
#[derive(Serialize, JsonSchema)]
pub struct RunbookDetail {
    #[serde(flatten)]
    pub runbook: views::Runbook,
    pub deployments: Vec<views::Deployment>,
    /// Every environment, in promotion order.
    pub environments: Vec<String>,
}

pub async fn show(
    State(state): State<AppState>,
    caller: Caller,
    Path(name): Path<String>,
) -> Result<Json<RunbookDetail>, ApiError> {
    let runbook = lookup::runbook(&state, &caller, &name).await?;
    let deployments = state.store.deployments(&runbook.id).await?;
    Ok(Json(RunbookDetail {
        runbook: views::runbook(&runbook),
        deployments: deployments.iter().map(views::deployment).collect(),
        environments: state.environments.to_vec(),
    }))
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
) -> Result<Json<views::Runbook>, ApiError> {
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
