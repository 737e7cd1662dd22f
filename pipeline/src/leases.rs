//! One task per runner keeps the leases of everything the runner runs:
//! every `renew_every` it extends them all in one statement, and every
//! `cancel_check` in between it reads which ones it still holds. An
//! execution whose lease is gone (cancelled through the API of any
//! instance, or expired and handed to another runner) is stopped at once,
//! so its sandbox slot is freed instead of running to a discarded result.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use tokio::sync::watch;
use wolfe_engine::CancellationToken;
use wolfe_store::HeldLease;

use crate::runner::Runner;

/// The executions a runner has in flight: attempt and cancel token by id.
#[derive(Default)]
pub(crate) struct InFlight {
    running: Mutex<HashMap<String, (i64, CancellationToken)>>,
}

impl InFlight {
    /// Registers a claimed attempt and returns the token that stops it.
    pub(crate) fn insert(&self, id: &str, attempt: i64) -> CancellationToken {
        let token = CancellationToken::new();
        self.lock().insert(id.to_owned(), (attempt, token.clone()));
        token
    }

    pub(crate) fn remove(&self, id: &str, attempt: i64) {
        let mut running = self.lock();
        if running.get(id).is_some_and(|(a, _)| *a == attempt) {
            running.remove(id);
        }
    }

    fn held(&self) -> Vec<HeldLease> {
        self.lock()
            .iter()
            .map(|(id, (attempt, _))| HeldLease {
                id: id.clone(),
                attempt: *attempt,
            })
            .collect()
    }

    /// Stops every attempt of `asked` that is not in `still_held`.
    fn stop_lost(&self, asked: &[HeldLease], still_held: &[HeldLease]) {
        let running = self.lock();
        for lease in asked.iter().filter(|l| !still_held.contains(l)) {
            if let Some((attempt, token)) = running.get(&lease.id)
                && *attempt == lease.attempt
            {
                tracing::info!(execution = %lease.id, attempt, "cancelled or lease lost; stopping it");
                token.cancel();
            }
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, (i64, CancellationToken)>> {
        self.running.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// Renews and checks `runner`'s leases until `stop` turns true (after the
/// runner's last execution ended).
pub(crate) async fn keep_leases(runner: Arc<Runner>, mut stop: watch::Receiver<bool>) {
    let config = &runner.config;
    let lease_ms = config.lease.as_millis() as i64;
    let mut renewed_at = Instant::now();
    loop {
        tokio::select! {
            _ = stop.changed() => return,
            _ = tokio::time::sleep(config.cancel_check.min(config.renew_every)) => {}
        }
        let asked = runner.in_flight.held();
        if asked.is_empty() {
            // A lease taken from now on is fresh: nothing to renew yet.
            renewed_at = Instant::now();
            continue;
        }
        let renew = renewed_at.elapsed() >= config.renew_every;
        let still_held = if renew {
            runner
                .store
                .renew_leases(&config.runner_id, &asked, lease_ms)
                .await
        } else {
            runner.store.leases_held(&config.runner_id, &asked).await
        };
        match still_held {
            Ok(still_held) => {
                if renew {
                    renewed_at = Instant::now();
                }
                runner.in_flight.stop_lost(&asked, &still_held);
            }
            // Not proof of anything: keep running, retry at the next tick.
            Err(error) => tracing::warn!(
                runner = %config.runner_id,
                "cannot renew or check leases, will retry: {error}"
            ),
        }
    }
}
