//! The on-disk cache of compiled components.

use serde_json::json;
use wolfe_engine::{Outcome, Runtime, RuntimeConfig};

use crate::support::{quotas, request};

fn runtime_with_cache(dir: &std::path::Path) -> Runtime {
    Runtime::new(RuntimeConfig {
        max_concurrent_executions: 1,
        cache_dir: Some(dir.to_path_buf()),
        ..RuntimeConfig::default()
    })
    .unwrap()
}

fn cached_files(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn compiles_once_reuses_and_replaces_a_corrupt_entry() {
    let bytes = std::fs::read(wolfe_testkit::built(&wolfe_testkit::guest_dir(
        "hostile-rust",
    )))
    .unwrap();
    let cache = tempfile::tempdir().unwrap();

    let first = runtime_with_cache(cache.path()).load(&bytes).unwrap();
    let files = cached_files(cache.path());
    assert_eq!(files.len(), 1, "one compiled file per artifact");
    let file = &files[0];
    assert!(
        file.file_name()
            .unwrap()
            .to_string_lossy()
            .starts_with(first.sha256())
    );
    let written = std::fs::metadata(file).unwrap().modified().unwrap();

    // A new process (runtime) loads it instead of compiling again.
    runtime_with_cache(cache.path()).load(&bytes).unwrap();
    assert_eq!(
        std::fs::metadata(file).unwrap().modified().unwrap(),
        written
    );

    // A torn file is recompiled and replaced, and the runbook still runs.
    std::fs::write(file, b"garbage").unwrap();
    let runtime = runtime_with_cache(cache.path());
    let loaded = runtime.load(&bytes).unwrap();
    assert_ne!(std::fs::read(file).unwrap(), b"garbage");
    let result = runtime
        .execute(
            &loaded,
            &request(json!({"mode": "echo"}), vec![]),
            &quotas(),
        )
        .await
        .unwrap();
    assert_eq!(result.outcome, Outcome::Succeeded);
}

#[test]
fn concurrent_loads_of_one_artifact_compile_it_once() {
    // A Python component: compiling it takes long enough for the loads to
    // overlap (a run started right after a save precompiled it).
    let bytes = std::fs::read(wolfe_testkit::built(&wolfe_testkit::guest_dir(
        "hostile-py",
    )))
    .unwrap();
    let runtime = Runtime::new(RuntimeConfig {
        max_concurrent_executions: 1,
        cache_dir: None,
        ..RuntimeConfig::default()
    })
    .unwrap();
    let loads: Vec<String> = std::thread::scope(|scope| {
        let threads: Vec<_> = (0..3)
            .map(|_| scope.spawn(|| runtime.load(&bytes).unwrap().sha256().to_owned()))
            .collect();
        threads.into_iter().map(|t| t.join().unwrap()).collect()
    });
    assert!(loads.windows(2).all(|w| w[0] == w[1]));
    assert_eq!(runtime.cold_loads(), 1, "the others waited for the first");
    runtime.load(&bytes).unwrap();
    assert_eq!(runtime.cold_loads(), 1, "then answered from memory");
}

/// A long-running engine sees every version ever deployed: only the most
/// recently used stay compiled in memory, the others are loaded again when
/// they next run.
#[test]
fn loaded_runbooks_past_the_bound_are_evicted_least_recently_used_first() {
    let component = |dir: std::path::PathBuf| std::fs::read(wolfe_testkit::built(&dir)).unwrap();
    let first = component(wolfe_testkit::guest_dir("hostile-rust"));
    let second = component(wolfe_testkit::guest_dir("api-probe-rust"));
    let third = component(wolfe_testkit::example_dir("disk-pressure-rust"));
    let runtime = Runtime::new(RuntimeConfig {
        max_concurrent_executions: 1,
        cache_dir: None,
        max_loaded_runbooks: 2,
        ..RuntimeConfig::default()
    })
    .unwrap();
    let first_sha = runtime.load(&first).unwrap().sha256().to_owned();
    let second_sha = runtime.load(&second).unwrap().sha256().to_owned();
    assert!(
        runtime.loaded(&first_sha).is_some(),
        "first is now the most recent"
    );
    let third_sha = runtime.load(&third).unwrap().sha256().to_owned();
    assert_eq!(runtime.cold_loads(), 3);
    assert!(runtime.is_loaded(&first_sha));
    assert!(runtime.is_loaded(&third_sha));
    assert!(
        !runtime.is_loaded(&second_sha),
        "the least recently used made room"
    );
    runtime.load(&second).unwrap();
    assert_eq!(
        runtime.cold_loads(),
        4,
        "an evicted runbook is loaded again"
    );
}

#[test]
fn a_runtime_that_may_keep_no_runbook_is_refused() {
    let refused = Runtime::new(RuntimeConfig {
        max_loaded_runbooks: 0,
        ..RuntimeConfig::default()
    });
    let error = refused.err().expect("0 loaded runbooks is refused");
    assert!(error.to_string().contains("max_loaded_runbooks"), "{error}");
}
