//! Cancelling from outside: a running guest stops promptly, whatever it is
//! doing, and the runtime stays healthy.

use std::time::{Duration, Instant};

use serde_json::{Value, json};

use wolfe_engine::{CancellationToken, ExecutionResult, LoadedRunbook, Outcome};

use crate::support::{
    assert_engine_healthy, hostile_python, hostile_rust, offline_host, quotas, request, runtime,
};

/// Runs `params` and cancels it after `after`; returns the result and how
/// long the execution outlived the cancel.
async fn cancel_after(
    guest: &LoadedRunbook,
    params: Value,
    after: Duration,
) -> (ExecutionResult, Duration) {
    let cancel = CancellationToken::new();
    let trigger = cancel.clone();
    let cancelled_at = tokio::spawn(async move {
        tokio::time::sleep(after).await;
        trigger.cancel();
        Instant::now()
    });
    let request = request(params, vec![]);
    let host = offline_host(&request);
    let result = runtime()
        .execute_cancellable(guest, &request, &quotas(), host, &cancel)
        .await
        .expect("valid request");
    let lag = cancelled_at.await.unwrap().elapsed();
    (result, lag)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sleeping_python_guest_is_cancelled_at_once() {
    let guest = hostile_python();
    let (result, lag) = cancel_after(
        &guest,
        json!({"mode": "sleep", "seconds": 60}),
        Duration::from_millis(300),
    )
    .await;
    assert_eq!(result.outcome, Outcome::Cancelled, "{:?}", result.failure);
    assert!(
        lag < Duration::from_secs(1),
        "stopped {lag:?} after the cancel"
    );
    assert!(result.wall_time < Duration::from_secs(5));
    assert_engine_healthy(&guest).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_spinning_rust_guest_is_cancelled_at_its_next_epoch_tick() {
    let guest = hostile_rust();
    let (result, lag) =
        cancel_after(&guest, json!({"mode": "spin"}), Duration::from_millis(300)).await;
    assert_eq!(result.outcome, Outcome::Cancelled, "{:?}", result.failure);
    assert!(
        lag < Duration::from_secs(1),
        "stopped {lag:?} after the cancel"
    );
    assert_eq!(result.failure.unwrap().message, "cancelled while running");
    assert_engine_healthy(&guest).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_execution_cancelled_before_it_starts_runs_nothing() {
    let guest = hostile_rust();
    let cancel = CancellationToken::new();
    cancel.cancel();
    let request = request(json!({"mode": "echo"}), vec![]);
    let host = offline_host(&request);
    let result = runtime()
        .execute_cancellable(&guest, &request, &quotas(), host, &cancel)
        .await
        .unwrap();
    assert_eq!(result.outcome, Outcome::Cancelled);
    assert_eq!(result.output, None);
    assert_eq!(result.fuel_consumed, 0);
}
