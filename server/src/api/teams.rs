//! Teams. A token sees only its own team; an admin may create a new team,
//! which comes with its first admin token (the only way into it).

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use wolfe_store::Role;

use crate::api::lookup;
use crate::api::tokens::IssuedToken;
use crate::api::views::{self, List, RoleName};
use crate::auth::Caller;
use crate::body::Body;
use crate::{ApiError, AppState};

#[derive(Serialize, JsonSchema)]
pub struct Team {
    pub id: String,
    pub name: String,
}

fn team(team: &wolfe_store::Team) -> Team {
    Team {
        id: team.id.clone(),
        name: team.name.clone(),
    }
}

pub async fn list(caller: Caller) -> Json<List<Team>> {
    Json(views::list(vec![team(&caller.team)]))
}

pub async fn show(caller: Caller, Path(name): Path<String>) -> Result<Json<Team>, ApiError> {
    if name != caller.team.name {
        return Err(ApiError::not_found(format!("team {name:?}")));
    }
    Ok(Json(team(&caller.team)))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewTeam {
    name: String,
}

/// A new team with its first admin token, whose secret is shown only here.
#[derive(Serialize, JsonSchema)]
pub struct CreatedTeam {
    pub id: String,
    pub name: String,
    pub admin_token: IssuedToken,
}

pub async fn create(
    State(state): State<AppState>,
    caller: Caller,
    Body(new): Body<NewTeam>,
) -> Result<(StatusCode, Json<CreatedTeam>), ApiError> {
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
        Json(CreatedTeam {
            id: team.id,
            name: team.name,
            admin_token: IssuedToken::from(issued),
        }),
    ))
}

/// Who the token is: its team and role (the UI's login check).
#[derive(Serialize, JsonSchema)]
pub struct WhoAmI {
    pub team: Team,
    pub token: TokenName,
    pub role: RoleName,
}

#[derive(Serialize, JsonSchema)]
pub struct TokenName {
    pub id: String,
    pub name: String,
}

pub async fn whoami(caller: Caller) -> Json<WhoAmI> {
    Json(WhoAmI {
        team: team(&caller.team),
        token: TokenName {
            id: caller.token_id,
            name: caller.token_name,
        },
        role: caller.role.into(),
    })
}
