//! PostgreSQL crashes and comes back while an engine takes a stream of
//! events and runs executions: the same engine process carries on, every
//! event gets its one execution and it finishes.

use std::io::Write;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use serde_json::json;
use wolfe_store::{ExecutionRecord, ExecutionStatus};
use wolfe_testkit::postgres::PgCluster;

use crate::harness::{
    Db, Delivery, RunbookSpec, Scene, deliver, serial, statuses, wait_for, wait_until_all_ended,
};

const SENDERS: usize = 2;
const PER_SENDER: usize = 15;
/// PostgreSQL restarts once this many events were accepted, each time.
const RESTARTS_AFTER: [usize; 2] = [8, 20];

/// A database of its own cluster, with commits durable across a crash of
/// the server. The test cluster runs with `synchronous_commit=off` for
/// speed, which lets an immediate stop lose the last commits: events the
/// engine rightly answered 202 for would vanish with the restart.
fn durable_database(cluster: &PgCluster) -> String {
    format!(
        "{}?options=-c%20synchronous_commit%3Don",
        cluster.fresh_database()
    )
}

fn sleeping(seconds: f64) -> RunbookSpec {
    RunbookSpec {
        max_attempts: 10,
        params: json!({"mode": {"value": "sleep"}, "seconds": {"value": seconds}}),
    }
}

/// The execution once it has ended; store errors (the database is
/// restarting) count as "not yet".
fn ended(db: &Db, id: &str, timeout: Duration) -> ExecutionRecord {
    wait_for(&format!("execution {id} ends"), timeout, || {
        db.execution(id).ok().filter(|e| e.status.is_terminal())
    })
}

#[test]
fn engine_recovers_from_a_postgres_restart_without_being_restarted() {
    let _serial = serial();
    let started = Instant::now();
    // Its own cluster: restarting the shared one would break other tests.
    let cluster = PgCluster::start().expect("start a PostgreSQL cluster");
    let scene = Scene::new(|_| durable_database(&cluster), &sleeping(0.5));
    let db = &scene.db;
    let mut engine = scene.start_engine("a");
    let pid = engine.pid();

    // One execution first, so the engine holds the compiled runbook before
    // the outage: a restart cutting the artifact fetch is the bug that
    // `an_artifact_fetch_cut_by_a_postgres_restart_is_retried` shows.
    let warm_up = deliver(
        || Some(engine.address.clone()),
        &json!({"id": "warm-up"}),
        Instant::now() + Duration::from_secs(30),
    );
    let first = ended(db, &warm_up.execution_ids[0], Duration::from_secs(60));
    assert_eq!(first.status, ExecutionStatus::Finished("succeeded".into()));

    let accepted = AtomicUsize::new(0);
    let (deliveries, outages) = std::thread::scope(|scope| {
        let senders: Vec<_> = (0..SENDERS)
            .map(|s| {
                let address = engine.address.clone();
                let accepted = &accepted;
                scope.spawn(move || {
                    let deadline = Instant::now() + Duration::from_secs(120);
                    (0..PER_SENDER)
                        .map(|n| {
                            let key = format!("s{s}-evt-{n:02}");
                            let body = json!({"id": key, "n": n});
                            let delivery = deliver(|| Some(address.clone()), &body, deadline);
                            accepted.fetch_add(1, Ordering::SeqCst);
                            std::thread::sleep(Duration::from_millis(150));
                            (key, delivery)
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();

        let mut outages = Vec::new();
        for after in RESTARTS_AFTER {
            wait_for(
                "events accepted and executions running before the restart",
                Duration::from_secs(60),
                || {
                    assert!(
                        !senders.iter().any(|s| s.is_finished()),
                        "a sender ended before the restart"
                    );
                    // The test's own connections break too: errors mean "not yet".
                    let running = db.block(db.store.count_executions("running"));
                    (accepted.load(Ordering::SeqCst) >= after && running.is_ok_and(|n| n > 0))
                        .then_some(())
                },
            );
            let down = Instant::now();
            cluster.restart().expect("restart PostgreSQL");
            outages.push(down.elapsed());
            eprintln!(
                "postgres restart: down and up again in {:?}, after {} accepted events",
                down.elapsed(),
                accepted.load(Ordering::SeqCst)
            );
        }
        let deliveries: Vec<(String, Delivery)> = senders
            .into_iter()
            .flat_map(|s| s.join().unwrap())
            .collect();
        (deliveries, outages)
    });
    let sent_in = started.elapsed();

    let event_ids: Vec<String> = deliveries.iter().map(|(_, d)| d.event_id.clone()).collect();
    let executions = wait_until_all_ended(db, &event_ids, Duration::from_secs(90));
    let mut retried = 0;
    for ((key, delivery), executions) in deliveries.iter().zip(&executions) {
        assert_eq!(
            executions.len(),
            1,
            "{key} ({}) has {:?}",
            delivery.event_id,
            statuses(executions)
        );
        assert_eq!(
            executions[0].status,
            ExecutionStatus::Finished("succeeded".into()),
            "{key}: {:?}",
            executions[0]
        );
        if executions[0].attempt > 1 {
            retried += 1;
        }
    }
    let total = SENDERS * PER_SENDER + 1;
    let stored = db
        .block(db.store.recent_events("processed", 1_000))
        .unwrap();
    assert_eq!(stored.len(), total, "events stored");
    assert_eq!(db.count("succeeded"), total as i64);
    for status in ["queued", "running", "abandoned", "cancelled"] {
        assert_eq!(db.count(status), 0, "executions {status}");
    }
    assert!(engine.is_running(), "the engine exited");
    assert_eq!(engine.pid(), pid);

    let failed_tries: u32 = deliveries.iter().map(|(_, d)| d.failed_tries).sum();
    let duplicates = deliveries.iter().filter(|(_, d)| d.duplicate).count();
    eprintln!(
        "postgres restart: {} events accepted in {sent_in:?} around restarts {outages:?}, \
         {failed_tries} failed deliveries retried, {duplicates} retries found the event already \
         committed, {retried} executions needed more than one attempt; all succeeded once on \
         the same engine process; test took {:?}",
        SENDERS * PER_SENDER,
        started.elapsed()
    );
}

/// A fresh engine fetches the runbook's artifact from the store right after
/// claiming its first execution. A psql session locks the artifacts table so
/// that the fetch is certainly in flight, blocked, when PostgreSQL restarts.
#[test]
fn an_artifact_fetch_cut_by_a_postgres_restart_is_retried() {
    let _serial = serial();
    let cluster = PgCluster::start().expect("start a PostgreSQL cluster");
    let scene = Scene::new(|_| durable_database(&cluster), &sleeping(0.2));
    let db = &scene.db;
    let url = db_url(&scene);
    let engine = scene.start_engine("a");

    let _lock = ArtifactsLocked::take(&url);
    let delivery = deliver(
        || Some(engine.address.clone()),
        &json!({"id": "first"}),
        Instant::now() + Duration::from_secs(30),
    );
    let id = delivery.execution_ids[0].clone();
    wait_for(
        "the engine's artifact fetch waits for the lock",
        Duration::from_secs(30),
        || {
            let waiting = psql(
                &url,
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' \
                 AND query LIKE '%FROM artifacts%'",
            );
            (waiting == "1").then_some(())
        },
    );
    assert_eq!(db.execution(&id).unwrap().status, ExecutionStatus::Running);
    cluster.restart().expect("restart PostgreSQL");

    let execution = ended(db, &id, Duration::from_secs(60));
    assert_eq!(
        execution.status,
        ExecutionStatus::Finished("succeeded".into()),
        "an outage of the store is not the runbook crashing: {execution:?}"
    );
}

fn db_url(scene: &Scene) -> String {
    let config = std::fs::read_to_string(&scene.config).unwrap();
    let line = config
        .lines()
        .find_map(|l| l.strip_prefix("database_url = "))
        .unwrap();
    serde_json::from_str(line).unwrap()
}

/// One query through psql; its only output, trimmed.
fn psql(url: &str, sql: &str) -> String {
    let output = Command::new("psql")
        .args([url, "-X", "-A", "-t", "-c", sql])
        .output()
        .expect("psql runs");
    assert!(
        output.status.success(),
        "psql: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).trim().to_owned()
}

/// A psql session in a transaction holding an ACCESS EXCLUSIVE lock on the
/// artifacts table until it is dropped or the server goes down.
struct ArtifactsLocked(Child);

impl ArtifactsLocked {
    fn take(url: &str) -> Self {
        let mut child = Command::new("psql")
            .args([url, "-X", "-q"])
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("psql runs");
        let stdin = child.stdin.as_mut().unwrap();
        writeln!(
            stdin,
            "BEGIN; LOCK TABLE artifacts IN ACCESS EXCLUSIVE MODE;"
        )
        .unwrap();
        stdin.flush().unwrap();
        wait_for(
            "psql locks the artifacts table",
            Duration::from_secs(30),
            || {
                let held = psql(
                    url,
                    "SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation \
                 WHERE c.relname = 'artifacts' AND l.mode = 'AccessExclusiveLock' AND l.granted",
                );
                (held == "1").then_some(())
            },
        );
        Self(child)
    }
}

impl Drop for ArtifactsLocked {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}
