//! Events as received: those that reached the team's runbooks (accepted),
//! and bodies no sensor accepted (rejected). Sources are configured for the
//! whole service, so rejected bodies belong to no team: only admins see them.

use axum::Json;
use axum::extract::State;
use serde::Deserialize;
use wolfe_store::{Cursor, Role};

use crate::api::views::{self, Page};
use crate::auth::Caller;
use crate::body::{Query, cursor, next_cursor, page_limit};
use crate::{ApiError, AppState};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Filters {
    /// `accepted` (default) or `rejected`.
    status: Option<String>,
    cursor: Option<String>,
    limit: Option<i64>,
}

pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    Query(filters): Query<Filters>,
) -> Result<Json<Page<views::Event>>, ApiError> {
    let limit = page_limit(filters.limit)?;
    let after = cursor(filters.cursor.as_deref())?;
    let mut rows = match filters.status.as_deref().unwrap_or("accepted") {
        "accepted" => {
            state
                .store
                .team_events(&caller.team.id, after.as_ref(), limit + 1)
                .await?
        }
        "rejected" => {
            caller.require(Role::Admin)?;
            state
                .store
                .rejected_events(after.as_ref(), limit + 1)
                .await?
        }
        other => {
            return Err(ApiError::invalid(format!(
                "status {other:?} is not one of accepted, rejected"
            )));
        }
    };
    let next = next_cursor(&mut rows, limit, |e| Cursor {
        at: e.received_at,
        id: e.id.clone(),
    });
    Ok(Json(views::page(
        rows.iter().map(views::event).collect(),
        next,
    )))
}
