//! Who is calling: the bearer token, resolved to its team and role.
//!
//! Handlers take a [`Caller`]; everything they look up is looked up within
//! `caller.team`, so another team's things are simply not found (404, never
//! 403). Within the team, [`Caller::require`] turns a too-weak role into 403.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use wolfe_store::{Role, Team};

use crate::{ApiError, AppState};

#[derive(Debug, Clone)]
pub struct Caller {
    pub token_id: String,
    pub token_name: String,
    pub team: Team,
    pub role: Role,
}

impl Caller {
    /// 403 unless the token's role is at least `role`.
    pub fn require(&self, role: Role) -> Result<(), ApiError> {
        if self.role >= role {
            Ok(())
        } else {
            Err(ApiError::forbidden(format!(
                "this needs the {} role; token {:?} is {}",
                role.as_str(),
                self.token_name,
                self.role.as_str()
            ))
            .with("required_role", role.as_str()))
        }
    }

    /// How the audit log names the caller.
    pub fn actor(&self) -> String {
        format!("{}/{}", self.team.name, self.token_name)
    }
}

fn bearer(parts: &Parts) -> Option<&str> {
    let value = parts.headers.get("authorization")?.to_str().ok()?;
    value
        .strip_prefix("Bearer ")
        .or_else(|| value.strip_prefix("bearer "))
        .map(str::trim)
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let secret = bearer(parts).ok_or_else(|| {
            ApiError::unauthorized("missing bearer token (Authorization: Bearer <token>)")
        })?;
        // The lookup is by the secret's sha256 (a unique index), so timing
        // says nothing about stored secrets.
        let (token, team) = state
            .store
            .authenticate(secret)
            .await?
            .ok_or_else(|| ApiError::unauthorized("invalid or revoked token"))?;
        Ok(Self {
            token_id: token.id,
            token_name: token.name,
            team,
            role: token.role,
        })
    }
}
