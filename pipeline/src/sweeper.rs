//! Puts the work of dead runners back in the queue.

use std::time::Duration;

use tokio::sync::{Notify, watch};
use wolfe_store::Store;

/// Every `every`, requeues executions whose lease expired (or abandons them
/// when their attempts are spent) and wakes local runners if it requeued
/// anything. Safe to run in every instance: the update is idempotent.
pub async fn sweep_expired_leases(
    store: Store,
    every: Duration,
    wake: std::sync::Arc<Notify>,
    mut shutdown: watch::Receiver<bool>,
) {
    while !*shutdown.borrow() {
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
        tokio::select! {
            _ = tokio::time::sleep(every) => {}
            _ = shutdown.changed() => {}
        }
    }
}
