//! Puts the work of dead runners back in the queue, cancels what was
//! queued for a runbook as it was archived, and deletes idempotency keys
//! that no longer hold.

use std::time::{Duration, Instant};

use tokio::sync::{Notify, watch};
use wolfe_store::{Store, now_ms};

/// How often expired idempotency keys are deleted: they only take room
/// (a claim takes an expired key over in place), so rarely is enough.
const PURGE_KEYS_EVERY: Duration = Duration::from_secs(600);

/// Every `every`, requeues executions whose lease expired (or abandons them
/// when their attempts are spent) and wakes local runners if it requeued
/// anything; cancels executions queued for archived runbooks; every
/// `PURGE_KEYS_EVERY`, deletes expired idempotency keys. Safe to run in
/// every instance: all are idempotent.
pub async fn sweep_expired_leases(
    store: Store,
    every: Duration,
    wake: std::sync::Arc<Notify>,
    mut shutdown: watch::Receiver<bool>,
) {
    let mut purged_at: Option<Instant> = None;
    while !*shutdown.borrow() {
        if purged_at.is_none_or(|at| at.elapsed() >= PURGE_KEYS_EVERY) {
            match store.purge_expired_effect_keys(now_ms()).await {
                Ok(0) => {}
                Ok(purged) => tracing::info!(purged, "deleted expired idempotency keys"),
                Err(error) => tracing::warn!("cannot delete expired idempotency keys: {error}"),
            }
            purged_at = Some(Instant::now());
        }
        match store.expire_leases().await {
            Ok(0) => {}
            Ok(requeued) => {
                tracing::info!(
                    requeued,
                    "requeued executions whose runner stopped renewing"
                );
                wake.notify_waiters();
            }
            Err(error) => tracing::warn!("cannot sweep expired leases, will retry: {error}"),
        }
        match store.cancel_queued_of_archived().await {
            Ok(0) => {}
            Ok(cancelled) => tracing::info!(cancelled, "cancelled executions of archived runbooks"),
            Err(error) => tracing::warn!("cannot cancel executions of archived runbooks: {error}"),
        }
        tokio::select! {
            _ = tokio::time::sleep(every) => {}
            _ = shutdown.changed() => {}
        }
    }
}
