//! The executions list: the team's executions newest first, filtered by
//! runbook, environment, status and time range, paged by cursor.

use axum::Json;
use axum::extract::State;
use serde::Deserialize;
use wolfe_store::{Cursor, ExecutionQuery};

use crate::api::lookup;
use crate::api::views::{self, Page};
use crate::auth::Caller;
use crate::body::{Query, cursor, next_cursor, page_limit};
use crate::{ApiError, AppState};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Filters {
    /// Runbook name.
    runbook: Option<String>,
    environment: Option<String>,
    /// queued | running | succeeded | failed | ... | abandoned | cancelled
    status: Option<String>,
    /// Queued at or after, ms since the epoch.
    since: Option<i64>,
    /// Queued before, ms since the epoch.
    until: Option<i64>,
    cursor: Option<String>,
    limit: Option<i64>,
}

pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    Query(filters): Query<Filters>,
) -> Result<Json<Page<views::Execution>>, ApiError> {
    let limit = page_limit(filters.limit)?;
    let runbook_id = match &filters.runbook {
        Some(name) => Some(lookup::runbook(&state, &caller, name).await?.id),
        None => None,
    };
    if let Some(environment) = &filters.environment {
        state.environment_index(environment)?;
    }
    if let (Some(since), Some(until)) = (filters.since, filters.until)
        && since >= until
    {
        return Err(ApiError::invalid(format!(
            "since ({since}) must be before until ({until})"
        )));
    }
    let query = ExecutionQuery {
        team_id: caller.team.id.clone(),
        runbook_id,
        environment: filters.environment,
        status: filters.status,
        since: filters.since,
        until: filters.until,
        after: cursor(filters.cursor.as_deref())?,
        // One more than asked: whether there is a next page.
        limit: limit + 1,
    };
    let mut rows = state.store.list_executions(&query).await?;
    let next = next_cursor(&mut rows, limit, |e| Cursor {
        at: e.queued_at,
        id: e.id.clone(),
    });
    Ok(Json(views::page(
        rows.iter().map(views::execution).collect(),
        next,
    )))
}
