//! Rust runbooks that misbehave: traps are classified precisely.

use std::time::Duration;

use serde_json::json;
use wolfe_engine::{Outcome, Quotas};

use crate::support::{assert_engine_healthy, hostile_rust, quotas, run};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_infinite_loop_exhausts_its_fuel() {
    let guest = hostile_rust();
    let quotas = Quotas {
        fuel: 50_000_000,
        ..quotas()
    };
    let result = run(&guest, json!({"mode": "spin"}), &quotas).await;
    assert_eq!(result.outcome, Outcome::FuelExhausted);
    assert_engine_healthy(&guest).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cpu_loop_with_ample_fuel_hits_the_wall_clock_deadline() {
    // Fuel would last minutes; only the epoch deadline can stop this one.
    let guest = hostile_rust();
    let quotas = Quotas {
        fuel: u64::MAX / 2,
        timeout: Duration::from_millis(200),
        ..quotas()
    };
    let result = run(&guest, json!({"mode": "spin"}), &quotas).await;
    assert_eq!(result.outcome, Outcome::TimedOut);
    assert!(
        result.wall_time < Duration::from_secs(3),
        "{:?}",
        result.wall_time
    );
    assert_engine_healthy(&guest).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unbounded_recursion_crashes_with_a_backtrace() {
    let guest = hostile_rust();
    let result = run(&guest, json!({"mode": "recurse"}), &quotas()).await;
    assert_eq!(result.outcome, Outcome::Crashed);
    let failure = result.failure.unwrap();
    assert!(
        failure.message.contains("call stack exhausted"),
        "{}",
        failure.message
    );
    let backtrace = failure.detail.unwrap();
    assert!(backtrace.contains("recurse"), "{backtrace}");
    assert_engine_healthy(&guest).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_panic_crashes_with_a_backtrace() {
    let guest = hostile_rust();
    let result = run(&guest, json!({"mode": "panic"}), &quotas()).await;
    assert_eq!(result.outcome, Outcome::Crashed);
    let failure = result.failure.unwrap();
    assert!(
        failure.message.contains("unreachable"),
        "{}",
        failure.message
    );
    assert!(failure.detail.unwrap().contains("wasm backtrace"));
    // The panic message went to stderr, which is the execution's log.
    assert!(
        result
            .logs
            .records
            .iter()
            .any(|r| r.message.contains("the runbook panicked on purpose"))
    );
    assert_engine_healthy(&guest).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn allocating_without_bound_exceeds_memory() {
    let guest = hostile_rust();
    let quotas = Quotas {
        memory_bytes: 32 << 20,
        ..quotas()
    };
    let result = run(&guest, json!({"mode": "allocate"}), &quotas).await;
    assert_eq!(result.outcome, Outcome::MemoryExceeded);
    assert!(result.peak_memory_bytes <= 32 << 20);
    assert_engine_healthy(&guest).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sleeping_past_the_deadline_times_out() {
    let guest = hostile_rust();
    let quotas = Quotas {
        timeout: Duration::from_millis(200),
        ..quotas()
    };
    let result = run(&guest, json!({"mode": "sleep"}), &quotas).await;
    assert_eq!(result.outcome, Outcome::TimedOut);
    assert_engine_healthy(&guest).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_returned_failure_is_failed_not_crashed() {
    let result = run(&hostile_rust(), json!({"mode": "nonsense"}), &quotas()).await;
    assert_eq!(result.outcome, Outcome::Failed);
    assert_eq!(result.failure.unwrap().message, "unknown mode \"nonsense\"");
}
