//! The team's audit log: every change, who made it and when, newest first.

use axum::Json;
use axum::extract::State;
use serde::Deserialize;
use wolfe_store::Cursor;

use crate::api::views::{self, Page};
use crate::auth::Caller;
use crate::body::{Query, cursor, next_cursor, page_limit};
use crate::{ApiError, AppState};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Filters {
    cursor: Option<String>,
    limit: Option<i64>,
}

pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    Query(filters): Query<Filters>,
) -> Result<Json<Page<views::AuditEntry>>, ApiError> {
    let limit = page_limit(filters.limit)?;
    let after = cursor(filters.cursor.as_deref())?;
    let mut rows = state
        .store
        .team_audit_log(&caller.team.id, after.as_ref(), limit + 1)
        .await?;
    let next = next_cursor(&mut rows, limit, |e| Cursor {
        at: e.at,
        id: e.id.clone(),
    });
    Ok(Json(views::page(
        rows.iter().map(views::audit).collect(),
        next,
    )))
}
