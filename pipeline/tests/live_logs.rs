//! An execution's log reaches the store while it runs, on SQLite and
//! PostgreSQL: a real runner and sandbox run the hostile Python guest's
//! `log_sleep_log` mode. Lines are numbered contiguously per attempt across
//! the runner's writes, each stored once; a cancelled attempt keeps what it
//! logged until its sandbox stopped, an attempt that timed out or ran out of
//! fuel keeps every line, and a runner that lost its lease writes no more.

use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use tokio::sync::Notify;
use wolfe_engine::{Runtime, RuntimeConfig};
use wolfe_pipeline::engine::{EngineHandle, start_engine};
use wolfe_pipeline::host::store_services;
use wolfe_pipeline::intake::Intake;
use wolfe_pipeline::runner::RunnerConfig;
use wolfe_store::{Cancelled, ExecutionRecord, ExecutionStatus, LogLine, RunbookSettings, Store};
use wolfe_testkit::seed::{RunbookSeed, deployed_runbook};

const ENV: &str = "dev";

fn runtime() -> Arc<Runtime> {
    static RUNTIME: OnceLock<Arc<Runtime>> = OnceLock::new();
    RUNTIME
        .get_or_init(|| {
            Arc::new(
                Runtime::new(RuntimeConfig {
                    max_concurrent_executions: 4,
                    cache_dir: Some(wolfe_testkit::compiled_cache_dir()),
                    ..RuntimeConfig::default()
                })
                .unwrap(),
            )
        })
        .clone()
}

struct Harness {
    url: String,
    store: Store,
    intake: Arc<Intake>,
    wake: Arc<Notify>,
    component: Vec<u8>,
    /// Runbook `sleeper`: the hostile Python guest, default quotas.
    sleeper: String,
    engine: Option<EngineHandle>,
    _dir: tempfile::TempDir,
}

impl Harness {
    async fn start(url: Option<String>) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let url =
            url.unwrap_or_else(|| format!("sqlite://{}", dir.path().join("wolfe.db").display()));
        let store = Store::open(&url).await.unwrap();
        let component = std::fs::read(wolfe_testkit::built(&wolfe_testkit::guest_dir(
            "hostile-py",
        )))
        .unwrap();
        let wake = Arc::new(Notify::new());
        let intake = Arc::new(Intake::new(store.clone(), wake.clone()));
        let mut h = Self {
            url,
            store,
            intake,
            wake,
            component,
            sleeper: String::new(),
            engine: None,
            _dir: dir,
        };
        h.sleeper = h.deploy("sleeper", json!({})).await;
        h
    }

    /// Deploys the hostile Python guest as `name` with `quotas`.
    async fn deploy(&self, name: &str, quotas: Value) -> String {
        let deployed = deployed_runbook(
            &self.store,
            RunbookSeed {
                team: "sre",
                name,
                component: &self.component,
                max_attempts: 1,
                concurrency_limit: 4,
                environment: ENV,
            },
        )
        .await;
        let settings = RunbookSettings {
            description: None,
            max_attempts: 1,
            concurrency_limit: 4,
            quotas,
        };
        self.store
            .update_runbook_settings(&deployed.runbook_id, &settings, "test")
            .await
            .unwrap();
        deployed.runbook_id
    }

    /// One runner, polling often, as `configure` leaves it.
    fn start_engine(&mut self, configure: impl FnOnce(&mut RunnerConfig)) {
        let mut runner = RunnerConfig::new(ENV, "live-runner");
        runner.poll_interval = Duration::from_millis(20);
        configure(&mut runner);
        self.engine = Some(start_engine(
            self.store.clone(),
            runtime(),
            self.wake.clone(),
            &[ENV.to_owned()],
            &runner,
            Duration::from_secs(1),
            Arc::new(store_services(
                &self.store,
                self.intake.clone(),
                None,
                Default::default(),
            )),
        ));
    }

    async fn run(&self, runbook_id: &str, params: Value) -> String {
        self.intake
            .run_manually(ENV, runbook_id, json!({}), params, false)
            .await
            .unwrap()
            .unwrap()
    }

    async fn execution(&self, id: &str) -> ExecutionRecord {
        self.store.execution(id).await.unwrap().unwrap()
    }

    async fn logs(&self, id: &str) -> Vec<LogLine> {
        self.store.execution_logs(id).await.unwrap()
    }

    /// Polls until `done` holds, for at most `within`.
    async fn wait<T>(
        &self,
        within: Duration,
        what: &str,
        mut done: impl AsyncFnMut() -> Option<T>,
    ) -> T {
        let deadline = Instant::now() + within;
        loop {
            if let Some(value) = done().await {
                return value;
            }
            assert!(Instant::now() < deadline, "{what}: not within {within:?}");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// The first lines of `id` in the store, as soon as there are any.
    async fn first_lines(&self, id: &str) -> Vec<LogLine> {
        self.wait(Duration::from_secs(60), "a line in the store", async || {
            Some(self.logs(id).await).filter(|l| !l.is_empty())
        })
        .await
    }

    async fn ended(&self, id: &str) -> ExecutionRecord {
        self.wait(Duration::from_secs(60), "the execution ended", async || {
            Some(self.execution(id).await).filter(|e| e.status.is_terminal())
        })
        .await
    }

    /// Waits until the runner of a cancelled attempt reported its sandbox
    /// stopped and its last lines written.
    async fn stopped(&self, id: &str, attempt: i64) {
        self.wait(
            Duration::from_secs(10),
            "the runner stopped it",
            async || {
                let stopping = self
                    .store
                    .cancelled_attempt_stopping(id, attempt, 60_000)
                    .await
                    .unwrap();
                (!stopping).then_some(())
            },
        )
        .await
    }

    async fn stop(mut self) {
        if let Some(engine) = self.engine.take() {
            engine.shutdown().await;
        }
    }
}

fn messages(logs: &[LogLine]) -> Vec<&str> {
    logs.iter().map(|l| l.message.as_str()).collect()
}

/// Each line once, numbered 0, 1, 2, ... in attempt 1.
fn assert_contiguous(logs: &[LogLine]) {
    let keys: Vec<_> = logs.iter().map(|l| (l.attempt, l.seq)).collect();
    let expected: Vec<_> = (0..logs.len() as i64).map(|seq| (1, seq)).collect();
    assert_eq!(keys, expected, "{:?}", messages(logs));
}

/// `before sleep 0`, `before sleep 1`, ... as the guest logs them.
fn rounds(n: usize) -> Vec<String> {
    (0..n).map(|i| format!("before sleep {i}")).collect()
}

wolfe_testkit::on_both_backends!(
    super::Harness::start;
    lines_reach_the_store_while_the_execution_runs,
    a_cancelled_execution_keeps_the_lines_it_logged_before_it_stopped,
    a_cancelled_execution_keeps_lines_its_runner_had_not_written_yet,
    attempts_that_time_out_or_run_out_of_fuel_keep_every_line,
    a_runner_that_lost_its_lease_writes_no_more_lines,
);

async fn lines_reach_the_store_while_the_execution_runs(mut h: Harness) {
    h.start_engine(|_| {});
    let id = h
        .run(&h.sleeper, json!({"mode": "log_sleep_log", "ms": 3000}))
        .await;
    let first = h.first_lines(&id).await;
    assert_eq!(
        h.execution(&id).await.status,
        ExecutionStatus::Running,
        "the first line is stored while the execution still runs"
    );
    assert_eq!(messages(&first), ["before sleep 0"]);
    assert_eq!(first[0].fields, Some(json!({"round": 0})));

    let ended = h.ended(&id).await;
    assert_eq!(ended.status, ExecutionStatus::Finished("succeeded".into()));
    let logs = h.logs(&id).await;
    assert_eq!(messages(&logs), ["before sleep 0", "after sleep"]);
    assert_contiguous(&logs);
    h.stop().await;
}

async fn a_cancelled_execution_keeps_the_lines_it_logged_before_it_stopped(mut h: Harness) {
    h.start_engine(|runner| runner.cancel_check = Duration::from_millis(100));
    let id = h
        .run(
            &h.sleeper,
            json!({"mode": "log_sleep_log", "ms": 400, "rounds": 20}),
        )
        .await;
    h.first_lines(&id).await;
    let cancelled = h.store.cancel_execution(&id, "test", None).await.unwrap();
    assert_eq!(
        cancelled,
        Cancelled::Now {
            previous: ExecutionStatus::Running
        }
    );
    h.stopped(&id, 1).await;

    let logs = h.logs(&id).await;
    assert!(!logs.is_empty());
    assert!(
        rounds(20).starts_with(
            &messages(&logs)
                .iter()
                .map(|m| m.to_string())
                .collect::<Vec<_>>()
        ),
        "{:?}",
        messages(&logs)
    );
    assert_contiguous(&logs);
    assert_eq!(h.execution(&id).await.status, ExecutionStatus::Cancelled);
    h.stop().await;
}

async fn a_cancelled_execution_keeps_lines_its_runner_had_not_written_yet(mut h: Harness) {
    h.start_engine(|runner| {
        runner.cancel_check = Duration::from_millis(100);
        // Nothing is written while it runs: only the stop can keep a line.
        runner.log_flush = Duration::from_secs(3600);
    });
    // Loaded once, the runbook starts at once when the next run is claimed.
    let warm = h.run(&h.sleeper, json!({"mode": "echo"})).await;
    h.ended(&warm).await;

    let id = h
        .run(&h.sleeper, json!({"mode": "log_sleep_log", "ms": 60_000}))
        .await;
    h.wait(Duration::from_secs(60), "running", async || {
        (h.execution(&id).await.status == ExecutionStatus::Running).then_some(())
    })
    .await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert!(h.logs(&id).await.is_empty(), "not written while it runs");
    h.store.cancel_execution(&id, "test", None).await.unwrap();
    h.stopped(&id, 1).await;

    let logs = h.logs(&id).await;
    assert_eq!(messages(&logs), ["before sleep 0"]);
    assert_contiguous(&logs);
    h.stop().await;
}

async fn attempts_that_time_out_or_run_out_of_fuel_keep_every_line(mut h: Harness) {
    let timeboxed = h.deploy("timeboxed", json!({"timeout": "2s"})).await;
    let starved = h.deploy("starved", json!({"fuel": 2_000_000_000u64})).await;
    h.start_engine(|_| {});
    let timing_out = h
        .run(
            &timeboxed,
            json!({"mode": "log_sleep_log", "ms": 600, "rounds": 10}),
        )
        .await;
    let spinning = h
        .run(
            &starved,
            json!({"mode": "log_sleep_log", "ms": 600, "then": "spin"}),
        )
        .await;

    let ended = h.ended(&timing_out).await;
    assert_eq!(ended.status, ExecutionStatus::Finished("timed_out".into()));
    let logs = h.logs(&timing_out).await;
    assert!(
        logs.len() >= 2,
        "a line every 600 ms for 2 s: {:?}",
        messages(&logs)
    );
    assert_eq!(
        messages(&logs),
        rounds(logs.len())
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>()
    );
    assert_contiguous(&logs);

    let ended = h.ended(&spinning).await;
    assert_eq!(
        ended.status,
        ExecutionStatus::Finished("fuel_exhausted".into())
    );
    let logs = h.logs(&spinning).await;
    assert_eq!(messages(&logs), ["before sleep 0", "after sleep"]);
    assert_contiguous(&logs);
    h.stop().await;
}

async fn a_runner_that_lost_its_lease_writes_no_more_lines(mut h: Harness) {
    h.start_engine(|runner| {
        // The runner does not learn of the loss from its lease keeper
        // during the test: only its own writes are refused.
        runner.cancel_check = Duration::from_secs(60);
        runner.renew_every = Duration::from_secs(60);
    });
    let id = h
        .run(
            &h.sleeper,
            json!({"mode": "log_sleep_log", "ms": 500, "rounds": 3}),
        )
        .await;
    h.first_lines(&id).await;
    sqlx::any::install_default_drivers();
    let other = sqlx::AnyPool::connect(&h.url).await.unwrap();
    let stolen = sqlx::query("UPDATE executions SET lease_owner = 'another-runner' WHERE id = $1")
        .bind(&id)
        .execute(&other)
        .await
        .unwrap()
        .rows_affected();
    assert_eq!(stolen, 1);
    let before = h.logs(&id).await;

    // The guest logs three more lines and returns within 1.5 s.
    tokio::time::sleep(Duration::from_secs(3)).await;
    let after = h.logs(&id).await;
    assert_eq!(
        messages(&after),
        messages(&before),
        "nothing written after the lease was lost"
    );
    assert!(after.len() < 4, "{:?}", messages(&after));
    let execution = h.execution(&id).await;
    assert_eq!(
        execution.status,
        ExecutionStatus::Running,
        "not its result either"
    );
    other.close().await;
    h.stop().await;
}
