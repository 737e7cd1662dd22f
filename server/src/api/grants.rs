//! Per runbook and environment: the grant (what it may do through the host
//! interfaces, deny by default) and the notify targets told when an
//! execution does not succeed. Operators set both.

use axum::Json;
use axum::extract::{Path, State};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use wolfe_host_apis::Grant;
use wolfe_store::Role;

use crate::api::lookup;
use crate::auth::Caller;
use crate::body::Body;
use crate::{ApiError, AppState};

#[derive(Serialize, JsonSchema)]
pub struct EnvironmentGrant {
    pub environment: String,
    /// The `Grant` (`{}`: nothing granted).
    pub grant: Value,
}

#[derive(Serialize, JsonSchema)]
pub struct EnvironmentTargets {
    pub environment: String,
    pub targets: Vec<String>,
}

pub async fn show(
    State(state): State<AppState>,
    caller: Caller,
    Path((name, environment)): Path<(String, String)>,
) -> Result<Json<EnvironmentGrant>, ApiError> {
    let runbook = lookup::runbook(&state, &caller, &name).await?;
    lookup::environment(&state, &environment)?;
    let grant = state.store.grant(&runbook.id, &environment).await?;
    Ok(Json(EnvironmentGrant {
        environment,
        grant: grant.unwrap_or_else(|| json!({})),
    }))
}

pub async fn update(
    State(state): State<AppState>,
    caller: Caller,
    Path((name, environment)): Path<(String, String)>,
    Body(grant): Body<Value>,
) -> Result<Json<EnvironmentGrant>, ApiError> {
    let runbook = lookup::runbook(&state, &caller, &name).await?;
    lookup::environment(&state, &environment)?;
    caller.require(Role::Operator)?;
    lookup::writable(&runbook)?;
    // Stored as given once it parses as a `Grant` (unknown keys refused),
    // so the engine reads exactly what the operator saw.
    let parsed: Grant = crate::body::parse_field(&grant, "grant")?;
    let normalized = serde_json::to_value(&parsed).map_err(|e| ApiError::invalid(e.to_string()))?;
    state
        .store
        .set_grant(&runbook.id, &environment, &normalized, &caller.actor())
        .await?;
    Ok(Json(EnvironmentGrant {
        environment,
        grant: normalized,
    }))
}

pub async fn show_notifications(
    State(state): State<AppState>,
    caller: Caller,
    Path((name, environment)): Path<(String, String)>,
) -> Result<Json<EnvironmentTargets>, ApiError> {
    let runbook = lookup::runbook(&state, &caller, &name).await?;
    lookup::environment(&state, &environment)?;
    let targets = state
        .store
        .failure_notifications(&runbook.id, &environment)
        .await?;
    Ok(Json(EnvironmentTargets {
        environment,
        targets,
    }))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Targets {
    /// Notify target names from the service's `[providers]` configuration.
    targets: Vec<String>,
}

pub async fn update_notifications(
    State(state): State<AppState>,
    caller: Caller,
    Path((name, environment)): Path<(String, String)>,
    Body(body): Body<Targets>,
) -> Result<Json<EnvironmentTargets>, ApiError> {
    let runbook = lookup::runbook(&state, &caller, &name).await?;
    lookup::environment(&state, &environment)?;
    caller.require(Role::Operator)?;
    lookup::writable(&runbook)?;
    if let Some((index, _)) = body
        .targets
        .iter()
        .enumerate()
        .find(|(_, t)| t.trim().is_empty() || t.len() > 128)
    {
        return Err(ApiError::invalid(format!(
            "targets[{index}] must be a target name of 1-128 characters"
        ))
        .with("field", format!("targets[{index}]")));
    }
    state
        .store
        .set_failure_notifications(&runbook.id, &environment, &body.targets, &caller.actor())
        .await?;
    Ok(Json(EnvironmentTargets {
        environment,
        targets: body.targets,
    }))
}
