//! Rule firings that produced no execution: the rule's criteria matched an
//! event but its parameters could not be mapped from it. Without this list
//! such an alert would vanish silently for the runbook's authors.

use axum::Json;
use axum::extract::{Path, State};
use serde::Deserialize;
use wolfe_store::Cursor;

use crate::api::lookup;
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
    Path(name): Path<String>,
    Query(filters): Query<Filters>,
) -> Result<Json<Page<views::RuleError>>, ApiError> {
    let runbook = lookup::runbook(&state, &caller, &name).await?;
    let limit = page_limit(filters.limit)?;
    let after = cursor(filters.cursor.as_deref())?;
    let mut rows = state
        .store
        .runbook_rule_errors(&runbook.id, after.as_ref(), limit + 1)
        .await?;
    let next = next_cursor(&mut rows, limit, |e| Cursor {
        at: e.at,
        id: e.id.clone(),
    });
    Ok(Json(views::page(
        rows.iter().map(views::rule_error).collect(),
        next,
    )))
}
