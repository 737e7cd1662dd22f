//! What each environment runs, promotion one environment at a time, and
//! rollback to a version an environment ran before. Runners read the
//! deployment when they queue an execution, so a change applies to the
//! next execution.

use axum::Json;
use axum::extract::{Path, State};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use wolfe_store::{Role, Runbook};

use crate::api::{lookup, views};
use crate::auth::Caller;
use crate::body::Body;
use crate::{ApiError, AppState};

/// What each environment runs, and every change of it, newest first.
#[derive(Serialize, JsonSchema)]
pub struct Deployments {
    pub items: Vec<views::Deployment>,
    pub history: Vec<views::DeploymentChange>,
}

pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    Path(name): Path<String>,
) -> Result<Json<Deployments>, ApiError> {
    let runbook = lookup::runbook(&state, &caller, &name).await?;
    let deployments = state.store.deployments(&runbook.id).await?;
    let history = state.store.deployment_history(&runbook.id, None).await?;
    Ok(Json(Deployments {
        items: deployments.iter().map(views::deployment).collect(),
        history: history.iter().map(views::deployment_change).collect(),
    }))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Promotion {
    /// The environment to promote into.
    to: String,
    /// Which version; default: the one the previous environment runs.
    #[serde(default)]
    version: Option<i64>,
    /// Skip the order of environments (operators only).
    #[serde(default)]
    force: bool,
}

pub async fn promote(
    State(state): State<AppState>,
    caller: Caller,
    Path(name): Path<String>,
    Body(promotion): Body<Promotion>,
) -> Result<Json<DeploymentResult>, ApiError> {
    let runbook = lookup::runbook(&state, &caller, &name).await?;
    let index = state.environment_index(&promotion.to)?;
    let needed = if promotion.force {
        Role::Operator
    } else {
        state.role_to_change(&promotion.to)
    };
    caller.require(needed)?;
    lookup::writable(&runbook)?;
    if index == 0 {
        return Err(ApiError::invalid(format!(
            "{} is the first environment: saving a version deploys it there",
            promotion.to
        ))
        .with("field", "to"));
    }
    let previous = &state.environments[index - 1];
    let upstream = state.store.deployment(&runbook.id, previous).await?;
    let version = match (promotion.version, &upstream) {
        (Some(number), _) => lookup::version(&state, &runbook, number).await?.version,
        (None, Some(upstream)) => {
            lookup::version(&state, &runbook, upstream.version_number)
                .await?
                .version
        }
        (None, None) => {
            return Err(ApiError::conflict(format!(
                "nothing is deployed in {previous} to promote to {}",
                promotion.to
            )));
        }
    };
    let runs_upstream = upstream
        .as_ref()
        .is_some_and(|u| u.version_id == version.id);
    if !runs_upstream && !promotion.force {
        return Err(ApiError::conflict(format!(
            "version {} does not run in {previous}: promote it through {previous} first \
             (an operator may force it)",
            version.number
        )));
    }
    change(
        &state,
        &caller,
        &runbook,
        &promotion.to,
        &version,
        "promote",
    )
    .await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rollback {
    environment: String,
    /// Which earlier version; default: the one that ran before the current.
    #[serde(default)]
    version: Option<i64>,
}

pub async fn rollback(
    State(state): State<AppState>,
    caller: Caller,
    Path(name): Path<String>,
    Body(rollback): Body<Rollback>,
) -> Result<Json<DeploymentResult>, ApiError> {
    let runbook = lookup::runbook(&state, &caller, &name).await?;
    state.environment_index(&rollback.environment)?;
    caller.require(state.role_to_change(&rollback.environment))?;
    lookup::writable(&runbook)?;
    let environment = &rollback.environment;
    let current = state
        .store
        .deployment(&runbook.id, environment)
        .await?
        .ok_or_else(|| ApiError::conflict(format!("nothing is deployed in {environment}")))?;
    let history = state
        .store
        .deployment_history(&runbook.id, Some(environment))
        .await?;
    let target = match rollback.version {
        Some(number) => {
            let ran = history.iter().any(|h| h.version_number == number);
            if number == current.version_number || !ran {
                return Err(ApiError::conflict(format!(
                    "version {number} is not an earlier version of {environment} \
                     (it runs v{} and ran {:?}); promote it instead",
                    current.version_number,
                    ran_versions(&history)
                )));
            }
            number
        }
        None => history
            .iter()
            .find(|h| h.version_id != current.version_id)
            .map(|h| h.version_number)
            .ok_or_else(|| {
                ApiError::conflict(format!(
                    "{environment} has run no other version to roll back to"
                ))
            })?,
    };
    let version = lookup::version(&state, &runbook, target).await?.version;
    change(&state, &caller, &runbook, environment, &version, "rollback").await
}

fn ran_versions(history: &[wolfe_store::DeploymentChange]) -> Vec<i64> {
    let mut numbers: Vec<i64> = history.iter().map(|h| h.version_number).collect();
    numbers.sort_unstable();
    numbers.dedup();
    numbers
}

/// What a promotion or rollback did.
#[derive(Serialize, JsonSchema)]
pub struct DeploymentResult {
    pub environment: String,
    /// The version number it runs now.
    pub version: i64,
    pub version_id: String,
    /// The version number it ran before, if any.
    pub previous_version: Option<i64>,
    /// False when it already ran that version.
    pub changed: bool,
    /// promote | rollback
    pub action: String,
}

async fn change(
    state: &AppState,
    caller: &Caller,
    runbook: &Runbook,
    environment: &str,
    version: &wolfe_store::Version,
    action: &str,
) -> Result<Json<DeploymentResult>, ApiError> {
    let before = state.store.deployment(&runbook.id, environment).await?;
    let changed = before.as_ref().is_none_or(|b| b.version_id != version.id);
    if changed {
        state
            .store
            .set_deployment(
                &runbook.id,
                environment,
                &version.id,
                action,
                &caller.actor(),
            )
            .await?;
    }
    Ok(Json(DeploymentResult {
        environment: environment.to_owned(),
        version: version.number,
        version_id: version.id.clone(),
        previous_version: before.map(|b| b.version_number),
        changed,
        action: action.to_owned(),
    }))
}
