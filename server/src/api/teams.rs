//! Teams. A token sees only its own team; an admin may create a new team,
//! which comes with its first admin token (the only way into it).

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::Deserialize;
use serde_json::{Value, json};
use wolfe_store::Role;

use crate::api::{lookup, views};
use crate::auth::Caller;
use crate::body::Body;
use crate::{ApiError, AppState};

pub async fn list(caller: Caller) -> Json<Value> {
    Json(json!({"items": [{"id": caller.team.id, "name": caller.team.name}]}))
}

pub async fn show(caller: Caller, Path(name): Path<String>) -> Result<Json<Value>, ApiError> {
    if name != caller.team.name {
        return Err(ApiError::not_found(format!("team {name:?}")));
    }
    Ok(Json(
        json!({"id": caller.team.id, "name": caller.team.name}),
    ))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewTeam {
    name: String,
}

pub async fn create(
    State(state): State<AppState>,
    caller: Caller,
    Body(new): Body<NewTeam>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    caller.require(Role::Admin)?;
    lookup::check_name("team", &new.name)?;
    let actor = caller.actor();
    let team = state.store.create_team_as(&new.name, &actor).await?;
    let issued = state
        .store
        .create_token(&team.id, "admin", Role::Admin, &actor)
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({
            "id": team.id,
            "name": team.name,
            "admin_token": {"token": views::token(&issued.record), "secret": issued.secret},
        })),
    ))
}

/// Who the token is: its team and role (the UI's login check).
pub async fn whoami(caller: Caller) -> Json<Value> {
    Json(json!({
        "team": {"id": caller.team.id, "name": caller.team.name},
        "token": {"id": caller.token_id, "name": caller.token_name},
        "role": caller.role.as_str(),
    }))
}
