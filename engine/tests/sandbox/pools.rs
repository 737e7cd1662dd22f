//! Warm and cold pool slots: executions beyond `warm_slots` run in slots
//! that give their memory back, under the same quotas, and a burst leaves
//! only the warm slots resident.

use std::sync::Arc;
use std::time::Duration;

use serde_json::json;
use wolfe_engine::{LoadedRunbook, Outcome, Quotas, Runtime, RuntimeConfig};

use crate::support::{quotas, request};

/// A runtime of its own, so that what its pools keep is this test's alone.
fn runtime(slots: u32, warm_slots: u32) -> (Runtime, LoadedRunbook) {
    let runtime = Runtime::new(RuntimeConfig {
        max_concurrent_executions: slots,
        warm_slots,
        cache_dir: Some(wolfe_testkit::compiled_cache_dir()),
        ..RuntimeConfig::default()
    })
    .expect("runtime starts");
    let component = wolfe_testkit::built(&wolfe_testkit::guest_dir("hostile-py"));
    let guest = runtime.load_file(&component).expect("guest loads");
    (runtime, guest)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_burst_leaves_only_the_warm_slots_resident() {
    let (runtime, guest) = runtime(6, 2);
    let runtime = Arc::new(runtime);
    let sleep = Arc::new(request(json!({"mode": "sleep", "seconds": 0.3}), vec![]));
    let burst: Vec<_> = (0..6)
        .map(|_| {
            let (runtime, guest, sleep) = (runtime.clone(), guest.clone(), sleep.clone());
            tokio::spawn(async move { runtime.execute(&guest, &sleep, &quotas()).await })
        })
        .collect();
    for execution in burst {
        let result = execution.await.unwrap().expect("valid request");
        assert_eq!(result.outcome, Outcome::Succeeded, "{:?}", result.failure);
        assert_eq!(result.output, Some(json!("woke up")));
    }
    let resident = runtime.idle_resident_bytes();
    let keep = runtime.config().keep_resident_bytes;
    // Two warm slots keep what their executions wrote, up to
    // `keep_resident_bytes` each (plus tables and small memories); the four
    // cold ones keep nothing (each would otherwise hold most of CPython's
    // 12.6 MB heap image).
    assert!(
        (1..=2 * (keep + (4 << 20))).contains(&resident),
        "{resident} bytes resident after the burst"
    );
}

/// Minor page faults this thread has taken so far (`/proc/thread-self/stat`).
fn minor_faults_of_this_thread() -> u64 {
    let stat = std::fs::read_to_string("/proc/thread-self/stat").expect("procfs");
    // After "pid (comm) ": state ppid pgrp session tty_nr tpgid flags minflt.
    let after_comm = &stat[stat.rfind(')').expect("comm") + 2..];
    after_comm.split(' ').nth(7).unwrap().parse().unwrap()
}

/// The single-threaded runtime polls the guest on this thread, so the
/// thread's fault counter sees every fault of the execution.
#[tokio::test(flavor = "current_thread")]
async fn a_warm_slot_keeps_the_pages_the_runbook_wrote() {
    let (runtime, guest) = runtime(1, 1);
    let echo = request(json!({"mode": "echo", "n": 1}), vec![]);
    let mut faults = Vec::new();
    for _ in 0..8 {
        let before = minor_faults_of_this_thread();
        let result = runtime.execute(&guest, &echo, &quotas()).await.unwrap();
        faults.push(minor_faults_of_this_thread() - before);
        assert_eq!(result.outcome, Outcome::Succeeded, "{:?}", result.failure);
    }
    // The first execution faults CPython's heap in; every later one in the
    // same slot finds the pages it writes still mapped (wasmtime resets
    // just those in place, which needs the patched region limit in
    // vendor/). Measured: 0 per execution; with wasmtime's 32-region limit
    // the reset gave most of them back and every execution took ~180.
    eprintln!("minor faults per execution: {faults:?}");
    let steady = faults[3..].iter().max().unwrap();
    assert!(*steady < 50, "page faults per execution: {faults:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cold_slots_keep_nothing_and_enforce_every_quota() {
    let (runtime, guest) = runtime(2, 0);
    let run = |params, quotas: Quotas| {
        let request = request(params, vec![]);
        let (runtime, guest) = (&runtime, &guest);
        async move { runtime.execute(guest, &request, &quotas).await.unwrap() }
    };

    let echoed = run(json!({"mode": "echo", "n": 1}), quotas()).await;
    assert_eq!(echoed.outcome, Outcome::Succeeded, "{:?}", echoed.failure);
    assert_eq!(runtime.idle_resident_bytes(), 0);

    let fuel = Quotas {
        fuel: 50_000_000,
        ..quotas()
    };
    assert_eq!(
        run(json!({"mode": "spin"}), fuel).await.outcome,
        Outcome::FuelExhausted
    );
    // A busy guest is stopped by the epoch ticker, which must tick the cold
    // pool's engine too.
    let deadline = Quotas {
        timeout: Duration::from_millis(300),
        ..quotas()
    };
    let spun = run(json!({"mode": "spin"}), deadline).await;
    assert_eq!(spun.outcome, Outcome::TimedOut);
    assert!(
        spun.wall_time < Duration::from_secs(5),
        "{:?}",
        spun.wall_time
    );
    let echoed = run(json!({"mode": "echo", "n": 2}), quotas()).await;
    assert_eq!(echoed.outcome, Outcome::Succeeded, "{:?}", echoed.failure);
}
