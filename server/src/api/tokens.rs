//! Tokens of the caller's team (admin only). A token's secret is shown
//! once, when it is created; the store keeps only its sha256.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use wolfe_store::Role;

use crate::api::lookup;
use crate::api::views::{self, List, Token};
use crate::auth::Caller;
use crate::body::Body;
use crate::{ApiError, AppState};

pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<List<Token>>, ApiError> {
    caller.require(Role::Admin)?;
    let tokens = state.store.tokens(&caller.team.id).await?;
    Ok(Json(views::list(tokens.iter().map(views::token).collect())))
}

/// A token just created, with the secret that is shown exactly once.
#[derive(Serialize, JsonSchema)]
pub struct IssuedToken {
    pub token: Token,
    pub secret: String,
}

impl From<wolfe_store::IssuedToken> for IssuedToken {
    fn from(issued: wolfe_store::IssuedToken) -> Self {
        Self {
            token: views::token(&issued.record),
            secret: issued.secret,
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewToken {
    name: String,
    role: String,
}

pub async fn create(
    State(state): State<AppState>,
    caller: Caller,
    Body(new): Body<NewToken>,
) -> Result<(StatusCode, Json<IssuedToken>), ApiError> {
    caller.require(Role::Admin)?;
    lookup::check_name("token", &new.name)?;
    let role = Role::parse(&new.role).ok_or_else(|| {
        ApiError::invalid(format!(
            "role {:?} is not one of viewer, author, operator, admin",
            new.role
        ))
        .with("field", "role")
    })?;
    let issued = state
        .store
        .create_token(&caller.team.id, &new.name, role, &caller.actor())
        .await?;
    Ok((StatusCode::CREATED, Json(issued.into())))
}

pub async fn revoke(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    // Another team's token is not found, whatever the caller's role.
    let known = state
        .store
        .tokens(&caller.team.id)
        .await?
        .into_iter()
        .any(|t| t.id == id);
    if !known {
        return Err(ApiError::not_found(format!("token {id:?}")));
    }
    caller.require(Role::Admin)?;
    if state
        .store
        .revoke_token(&caller.team.id, &id, &caller.actor())
        .await?
    {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(ApiError::conflict(format!(
            "token {id:?} is already revoked"
        )))
    }
}
