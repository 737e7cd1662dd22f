//! Runbooks' key-value data, read-only: one runbook's keys in an
//! environment, or the team's shared keys there (the namespaces the kv
//! host interface writes).

use axum::Json;
use axum::extract::{Path, State};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::api::lookup;
use crate::auth::Caller;
use crate::body::{Query, page_limit};
use crate::{ApiError, AppState};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Filters {
    /// A runbook's own keys; without it, the team's shared keys.
    runbook: Option<String>,
    #[serde(default)]
    prefix: String,
    limit: Option<i64>,
}

/// Entries of one namespace, in key order.
#[derive(Serialize, JsonSchema)]
pub struct KvEntries {
    /// `runbook/<team>/<runbook>/<environment>` or `team/<team>/<environment>`
    pub namespace: String,
    pub items: Vec<KvEntry>,
}

#[derive(Serialize, JsonSchema)]
pub struct KvEntry {
    pub key: String,
    pub value: String,
}

pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    Path(environment): Path<String>,
    Query(filters): Query<Filters>,
) -> Result<Json<KvEntries>, ApiError> {
    lookup::environment(&state, &environment)?;
    let limit = page_limit(filters.limit)?;
    let team = &caller.team.name;
    let namespace = match &filters.runbook {
        Some(name) => {
            let runbook = lookup::runbook(&state, &caller, name).await?;
            format!("runbook/{team}/{}/{environment}", runbook.name)
        }
        None => format!("team/{team}/{environment}"),
    };
    let entries = state
        .store
        .kv_scan(&namespace, &filters.prefix, limit)
        .await?;
    let items = entries
        .into_iter()
        .map(|(key, value)| KvEntry { key, value })
        .collect();
    Ok(Json(KvEntries { namespace, items }))
}
