//! The team's secrets, write-only: names are listed, values are set and
//! deleted but never returned (runbooks read them through the secrets host
//! interface, within their grant).

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use wolfe_store::Role;

use crate::api::lookup;
use crate::api::views::{self, List};
use crate::auth::Caller;
use crate::body::Body;
use crate::{ApiError, AppState};

const MAX_SECRET_BYTES: usize = 64 << 10;

/// A secret as listed: never its value.
#[derive(Serialize, JsonSchema)]
pub struct SecretName {
    pub environment: String,
    pub name: String,
    pub updated_at: i64,
}

pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<List<SecretName>>, ApiError> {
    let names = state.store.secret_names(&caller.team.id).await?;
    let items = names
        .into_iter()
        .map(|s| SecretName {
            environment: s.environment,
            name: s.name,
            updated_at: s.updated_at,
        })
        .collect();
    Ok(Json(views::list(items)))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SecretValue {
    value: String,
}

fn check_secret_name(name: &str) -> Result<(), ApiError> {
    let valid = (1..=128).contains(&name.len())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_-.".contains(c));
    if valid {
        Ok(())
    } else {
        Err(ApiError::invalid(format!(
            "secret name {name:?} must be 1-128 characters of letters, digits, '_', '-' and '.'"
        )))
    }
}

pub async fn put(
    State(state): State<AppState>,
    caller: Caller,
    Path((environment, name)): Path<(String, String)>,
    Body(secret): Body<SecretValue>,
) -> Result<StatusCode, ApiError> {
    lookup::environment(&state, &environment)?;
    caller.require(Role::Operator)?;
    check_secret_name(&name)?;
    if secret.value.len() > MAX_SECRET_BYTES {
        return Err(
            ApiError::invalid(format!("value exceeds {MAX_SECRET_BYTES} bytes"))
                .with("field", "value"),
        );
    }
    let cipher = state.secrets.as_ref().ok_or_else(|| {
        ApiError::unavailable("no secrets_key is configured: secrets cannot be stored")
    })?;
    state
        .store
        .put_secret(
            cipher,
            &caller.team.id,
            &environment,
            &name,
            &secret.value,
            &caller.actor(),
        )
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn delete(
    State(state): State<AppState>,
    caller: Caller,
    Path((environment, name)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    lookup::environment(&state, &environment)?;
    let exists = state
        .store
        .secret_names(&caller.team.id)
        .await?
        .iter()
        .any(|s| s.environment == environment && s.name == name);
    if !exists {
        return Err(ApiError::not_found(format!(
            "secret {name:?} in {environment}"
        )));
    }
    caller.require(Role::Operator)?;
    state
        .store
        .delete_secret(&caller.team.id, &environment, &name, &caller.actor())
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
