//! Leases a runner holds on the executions it runs: renewal, and finding
//! out which ones it lost (cancelled, or expired and handed to another).

use std::collections::HashSet;

use sqlx::Row;

use crate::sql::placeholders;
use crate::{Store, StoreError, now_ms};

/// One attempt of one execution a runner believes it holds.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct HeldLease {
    pub id: String,
    pub attempt: i64,
}

impl Store {
    /// Extends a lease; `false` when the runner no longer holds it.
    pub async fn renew_lease(
        &self,
        id: &str,
        runner: &str,
        attempt: i64,
        lease_ms: i64,
    ) -> Result<bool, StoreError> {
        let held = [HeldLease {
            id: id.to_owned(),
            attempt,
        }];
        Ok(!self.renew_leases(runner, &held, lease_ms).await?.is_empty())
    }

    /// Extends every lease of `held` that `runner` still holds, in one
    /// statement, and returns those; the others were lost.
    pub async fn renew_leases(
        &self,
        runner: &str,
        held: &[HeldLease],
        lease_ms: i64,
    ) -> Result<Vec<HeldLease>, StoreError> {
        if held.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!(
            "UPDATE executions SET lease_expires_at = $1 \
             WHERE lease_owner = $2 AND status = 'running' AND id IN ({}) \
             RETURNING id, attempt",
            placeholders(3, held.len())
        );
        let mut query = sqlx::query(&sql).bind(now_ms() + lease_ms).bind(runner);
        for lease in held {
            query = query.bind(&lease.id);
        }
        let rows = query.fetch_all(&self.pool).await?;
        Ok(matching(held, rows))
    }

    /// Which of `held` `runner` still holds, without renewing anything: a
    /// cheap read to notice a cancel between renewals.
    pub async fn leases_held(
        &self,
        runner: &str,
        held: &[HeldLease],
    ) -> Result<Vec<HeldLease>, StoreError> {
        if held.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!(
            "SELECT id, attempt FROM executions \
             WHERE lease_owner = $1 AND status = 'running' AND id IN ({})",
            placeholders(2, held.len())
        );
        let mut query = sqlx::query(&sql).bind(runner);
        for lease in held {
            query = query.bind(&lease.id);
        }
        let rows = query.fetch_all(&self.reader).await?;
        Ok(matching(held, rows))
    }
}

/// The leases of `held` whose execution is still at the same attempt: the
/// same runner may hold a later attempt of an execution it lost earlier.
fn matching(held: &[HeldLease], rows: Vec<sqlx::any::AnyRow>) -> Vec<HeldLease> {
    let current: HashSet<HeldLease> = rows
        .iter()
        .map(|row| HeldLease {
            id: row.get("id"),
            attempt: row.get("attempt"),
        })
        .collect();
    held.iter()
        .filter(|lease| current.contains(lease))
        .cloned()
        .collect()
}
