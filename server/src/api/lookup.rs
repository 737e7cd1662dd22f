//! Finding things within the caller's team. Everything a route addresses is
//! looked up here first, before any role check, so another team's things
//! are "not found" to every role alike.

use axum::http::StatusCode;
use wolfe_store::{RuleRecord, Runbook, VersionDetail};

use crate::auth::Caller;
use crate::{ApiError, AppState};

pub async fn runbook(state: &AppState, caller: &Caller, name: &str) -> Result<Runbook, ApiError> {
    state
        .store
        .runbook_by_name(&caller.team.id, name)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("runbook {name:?}")))
}

/// Refuses to change an archived runbook (409 `archived`): it is read-only
/// until restored. Checked after the role, so a weaker role hears 403.
pub fn writable(runbook: &Runbook) -> Result<(), ApiError> {
    match &runbook.archived {
        None => Ok(()),
        Some(archived) => Err(ApiError::new(
            StatusCode::CONFLICT,
            "archived",
            format!(
                "runbook {:?} is archived (by {}); restore it to change or run it",
                runbook.name, archived.by
            ),
        )),
    }
}

pub async fn version(
    state: &AppState,
    runbook: &Runbook,
    number: i64,
) -> Result<VersionDetail, ApiError> {
    state
        .store
        .version_by_number(&runbook.id, number)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("version {number} of {:?}", runbook.name)))
}

pub async fn rule(state: &AppState, runbook: &Runbook, id: &str) -> Result<RuleRecord, ApiError> {
    state
        .store
        .rule(&runbook.id, id)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("rule {id:?} of {:?}", runbook.name)))
}

/// A configured environment named in a path: unknown ones are not found.
pub fn environment(state: &AppState, environment: &str) -> Result<(), ApiError> {
    if state.environments.iter().any(|e| e == environment) {
        Ok(())
    } else {
        Err(ApiError::not_found(format!("environment {environment:?}")))
    }
}

/// Names of teams, runbooks, tokens and rules: 1-64 of a-z, 0-9 and '-',
/// so they are safe in URLs, kv namespaces and file names.
pub fn check_name(what: &str, name: &str) -> Result<(), ApiError> {
    let valid = (1..=64).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if valid {
        Ok(())
    } else {
        Err(ApiError::invalid(format!(
            "{what} name {name:?} must be 1-64 characters of a-z, 0-9 and '-'"
        ))
        .with("field", "name"))
    }
}
