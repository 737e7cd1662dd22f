//! Python runbooks that misbehave, each ending with its precise outcome.

use std::time::Duration;

use serde_json::json;
use wolfe_engine::{LogLevel, LogStream, Outcome, Quotas};

use crate::support::{assert_engine_healthy, hostile_python, quotas, run};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_infinite_loop_exhausts_its_fuel() {
    let guest = hostile_python();
    let quotas = Quotas {
        fuel: 2_000_000_000,
        ..quotas()
    };
    let result = run(&guest, json!({"mode": "spin"}), &quotas).await;
    assert_eq!(result.outcome, Outcome::FuelExhausted);
    assert_eq!(result.fuel_consumed, 2_000_000_000);
    assert!(result.failure.unwrap().message.contains("fuel quota"));
    assert_engine_healthy(&guest).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sleeping_past_the_deadline_times_out() {
    let guest = hostile_python();
    let quotas = Quotas {
        timeout: Duration::from_millis(300),
        ..quotas()
    };
    let result = run(&guest, json!({"mode": "sleep", "seconds": 60}), &quotas).await;
    assert_eq!(result.outcome, Outcome::TimedOut);
    assert!(result.wall_time >= Duration::from_millis(300));
    assert!(
        result.wall_time < Duration::from_secs(5),
        "{:?}",
        result.wall_time
    );
    assert_engine_healthy(&guest).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn allocating_without_bound_exceeds_memory() {
    let guest = hostile_python();
    let quotas = Quotas {
        memory_bytes: 48 << 20,
        ..quotas()
    };
    let result = run(&guest, json!({"mode": "allocate"}), &quotas).await;
    assert_eq!(result.outcome, Outcome::MemoryExceeded);
    assert!(result.peak_memory_bytes <= 48 << 20);
    assert!(
        result.peak_memory_bytes > 40 << 20,
        "{}",
        result.peak_memory_bytes
    );
    assert!(
        result
            .failure
            .unwrap()
            .message
            .contains("memory quota of 48.0 MiB")
    );
    assert_engine_healthy(&guest).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unbounded_recursion_is_a_recursion_error() {
    let guest = hostile_python();
    let result = run(&guest, json!({"mode": "recurse"}), &quotas()).await;
    assert_eq!(result.outcome, Outcome::Failed);
    let failure = result.failure.unwrap();
    assert!(
        failure.message.starts_with("RecursionError"),
        "{}",
        failure.message
    );
    assert!(failure.detail.unwrap().contains("in down"));
    assert_engine_healthy(&guest).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_huge_output_is_refused() {
    let guest = hostile_python();
    let result = run(
        &guest,
        json!({"mode": "huge_output", "bytes": 2 << 20}),
        &quotas(),
    )
    .await;
    assert_eq!(result.outcome, Outcome::OutputTooLarge);
    assert_eq!(result.output, None);
    assert!(
        result
            .failure
            .unwrap()
            .message
            .contains("exceeds the limit of 1.0 MiB")
    );
    assert_engine_healthy(&guest).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_log_flood_is_capped_and_counted() {
    let guest = hostile_python();
    let quotas = Quotas {
        max_log_lines: 100,
        ..quotas()
    };
    let result = run(&guest, json!({"mode": "log_flood", "lines": 5000}), &quotas).await;
    assert_eq!(result.outcome, Outcome::Succeeded);
    assert_eq!(result.logs.records.len(), 100);
    assert_eq!(result.logs.dropped_lines, 4900);
    let last = result.logs.records.last().unwrap();
    assert_eq!((last.level, last.stream), (LogLevel::Info, LogStream::Log));
    assert_eq!(last.fields["line"], json!(99));
    assert_engine_healthy(&guest).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stdout_is_captured_into_the_log_and_capped() {
    let guest = hostile_python();
    let quotas = Quotas {
        max_log_lines: 50,
        ..quotas()
    };
    let result = run(
        &guest,
        json!({"mode": "print_flood", "lines": 2000}),
        &quotas,
    )
    .await;
    assert_eq!(result.outcome, Outcome::Succeeded);
    assert_eq!(result.logs.records.len(), 50);
    assert_eq!(result.logs.dropped_lines, 1950);
    let first = &result.logs.records[0];
    assert_eq!(first.stream, LogStream::Stdout);
    assert_eq!(first.message, "printed line 0");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_host_filesystem_is_not_visible() {
    let result = run(&hostile_python(), json!({"mode": "read_passwd"}), &quotas()).await;
    assert_eq!(result.outcome, Outcome::Succeeded);
    assert_eq!(result.output, Some(json!({"error": "FileNotFoundError"})));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_host_environment_is_not_visible() {
    // SAFETY-free check: the test process has variables (PATH at least).
    assert!(std::env::var_os("PATH").is_some());
    let result = run(&hostile_python(), json!({"mode": "read_env"}), &quotas()).await;
    assert_eq!(result.output, Some(json!({"environ": {}})));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sockets_are_unavailable() {
    let result = run(&hostile_python(), json!({"mode": "open_socket"}), &quotas()).await;
    assert_eq!(result.outcome, Outcome::Succeeded);
    let output = result.output.unwrap();
    assert_eq!(output["connected"], json!(false), "{output}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_exception_fails_with_its_traceback() {
    let guest = hostile_python();
    let result = run(&guest, json!({"mode": "raise"}), &quotas()).await;
    assert_eq!(result.outcome, Outcome::Failed);
    let failure = result.failure.unwrap();
    assert_eq!(failure.message, "ValueError: broker 3 is on fire");
    let traceback = failure.detail.unwrap();
    assert!(traceback.starts_with("Traceback"), "{traceback}");
    assert!(traceback.contains("in inner"), "{traceback}");
    let logged = result
        .logs
        .records
        .iter()
        .find(|r| r.level == LogLevel::Error)
        .expect("traceback logged");
    assert!(logged.message.contains("ValueError"));
    assert_engine_healthy(&guest).await;
}
