//! A runbook's quotas: attempts, concurrency and the engine's per-execution
//! limits (fuel, memory, timeout, output and log sizes). Operators set them.

use axum::Json;
use axum::extract::{Path, State};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use wolfe_engine::Quotas;
use wolfe_store::{Role, RunbookSettings};

use crate::api::lookup;
use crate::auth::Caller;
use crate::body::Body;
use crate::{ApiError, AppState};

/// Upper bounds that keep one runbook from monopolising an engine.
const MAX_ATTEMPTS: i64 = 20;
const MAX_CONCURRENCY: i64 = 1_000;

#[derive(Serialize, JsonSchema)]
pub struct QuotaSettings {
    pub max_attempts: i64,
    pub concurrency_limit: i64,
    /// The overrides as set (the engine's `Quotas`, any subset).
    pub quotas: Value,
    /// What the engine applies: the overrides over its defaults.
    pub effective: Option<Value>,
}

fn quotas_body(max_attempts: i64, concurrency_limit: i64, quotas: &Value) -> QuotaSettings {
    let effective = serde_json::from_value::<Quotas>(quotas.clone())
        .ok()
        .and_then(|q| serde_json::to_value(q).ok());
    QuotaSettings {
        max_attempts,
        concurrency_limit,
        quotas: quotas.clone(),
        effective,
    }
}

pub async fn show(
    State(state): State<AppState>,
    caller: Caller,
    Path(name): Path<String>,
) -> Result<Json<QuotaSettings>, ApiError> {
    let runbook = lookup::runbook(&state, &caller, &name).await?;
    Ok(Json(quotas_body(
        runbook.max_attempts,
        runbook.concurrency_limit,
        &runbook.quotas,
    )))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QuotasBody {
    max_attempts: i64,
    concurrency_limit: i64,
    /// The engine's `Quotas`; omitted fields take the engine's defaults.
    #[serde(default = "empty")]
    quotas: Value,
}

fn empty() -> Value {
    json!({})
}

pub async fn update(
    State(state): State<AppState>,
    caller: Caller,
    Path(name): Path<String>,
    Body(body): Body<QuotasBody>,
) -> Result<Json<QuotaSettings>, ApiError> {
    let runbook = lookup::runbook(&state, &caller, &name).await?;
    caller.require(Role::Operator)?;
    lookup::writable(&runbook)?;
    if !(1..=MAX_ATTEMPTS).contains(&body.max_attempts) {
        return Err(ApiError::invalid(format!(
            "max_attempts must be between 1 and {MAX_ATTEMPTS}, got {}",
            body.max_attempts
        ))
        .with("field", "max_attempts"));
    }
    if !(1..=MAX_CONCURRENCY).contains(&body.concurrency_limit) {
        return Err(ApiError::invalid(format!(
            "concurrency_limit must be between 1 and {MAX_CONCURRENCY}, got {}",
            body.concurrency_limit
        ))
        .with("field", "concurrency_limit"));
    }
    let quotas: Quotas = crate::body::parse_field(&body.quotas, "quotas")?;
    if quotas.fuel == 0 || quotas.memory_bytes == 0 || quotas.timeout.is_zero() {
        return Err(ApiError::invalid(
            "quotas.fuel, quotas.memory_bytes and quotas.timeout must be positive",
        )
        .with("field", "quotas"));
    }
    let settings = RunbookSettings {
        description: runbook.description.clone(),
        max_attempts: body.max_attempts,
        concurrency_limit: body.concurrency_limit,
        quotas: body.quotas.clone(),
    };
    state
        .store
        .update_runbook_settings(&runbook.id, &settings, &caller.actor())
        .await?;
    Ok(Json(quotas_body(
        body.max_attempts,
        body.concurrency_limit,
        &body.quotas,
    )))
}
