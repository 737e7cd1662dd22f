//! An engine SIGKILLed in the middle of an execution: a second instance,
//! already running, leaves the live lease alone, then finishes the work
//! after the lease expires, as attempt 2; one execution, event kept.

use std::path::Path;
use std::time::{Duration, Instant};

use serde_json::json;
use wolfe_store::{ExecutionStatus, now_ms};

use crate::harness::{LEASE, RunbookSpec, Scene, deliver, http, serial, wait_for};

/// How long the runbook sleeps: long enough to start the second engine and
/// watch it leave the first one's lease alone before the kill.
const RUNBOOK_SECONDS: u64 = 5;

#[test]
fn sigkilled_engine_work_is_finished_by_another_instance_on_sqlite() {
    sigkilled_mid_execution(|dir| format!("sqlite://{}", dir.join("wolfe.db").display()));
}

#[test]
fn sigkilled_engine_work_is_finished_by_another_instance_on_postgres() {
    sigkilled_mid_execution(|_| wolfe_testkit::postgres::PgCluster::shared().fresh_database());
}

fn sigkilled_mid_execution(url: impl FnOnce(&Path) -> String) {
    let _serial = serial();
    let started = Instant::now();
    let scene = Scene::new(
        url,
        &RunbookSpec {
            max_attempts: 3,
            params: json!({
                "mode": {"value": "sleep"},
                "seconds": {"value": RUNBOOK_SECONDS},
            }),
        },
    );
    let db = &scene.db;
    let a = scene.start_engine("a");

    let body = json!({"id": "disk-full-db-1", "host": "db-1"});
    let delivery = deliver(
        || Some(a.address.clone()),
        &body,
        Instant::now() + Duration::from_secs(30),
    );
    assert!(!delivery.duplicate, "{delivery:?}");
    assert_eq!(delivery.execution_ids.len(), 1, "{delivery:?}");
    let id = delivery.execution_ids[0].clone();

    wait_for("engine a runs attempt 1", Duration::from_secs(30), || {
        let execution = db.execution(&id).unwrap();
        (execution.status == ExecutionStatus::Running && execution.attempt == 1).then_some(())
    });
    let claimed_at = Instant::now();

    // The second instance sweeps leases every 500 ms; a lease that is being
    // renewed must survive its sweeps.
    let mut b = scene.start_engine("b");
    while claimed_at.elapsed() < Duration::from_millis(2_000) {
        let execution = db.execution(&id).unwrap();
        assert!(
            execution.status == ExecutionStatus::Running && execution.attempt == 1,
            "a live lease was taken from engine a: {execution:?}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }

    a.sigkill();
    let killed_at_ms = now_ms();
    let killed_at = Instant::now();

    wait_for("engine b claims attempt 2", Duration::from_secs(30), || {
        (db.execution(&id).unwrap().attempt >= 2).then_some(())
    });
    let requeued_in = killed_at.elapsed();
    // The last renewal came at most `renew_every` (500 ms) before the kill.
    assert!(
        requeued_in >= LEASE - Duration::from_millis(600),
        "attempt 2 started {requeued_in:?} after the kill, before the lease could expire"
    );
    let execution = wait_for(
        "engine b finishes the execution",
        Duration::from_secs(60),
        || {
            let execution = db.execution(&id).unwrap();
            execution.status.is_terminal().then_some(execution)
        },
    );
    let recovered_in = killed_at.elapsed();
    assert_eq!(
        execution.status,
        ExecutionStatus::Finished("succeeded".into()),
        "{execution:?}"
    );
    assert_eq!(execution.attempt, 2, "{execution:?}");
    assert_eq!(execution.output, Some(json!("woke up")), "{execution:?}");
    // Attempt 2 ran in full after the crash: it is a real second run, not
    // attempt 1's result recorded late.
    let finished_at = execution.finished_at.unwrap();
    assert!(
        finished_at >= killed_at_ms + RUNBOOK_SECONDS as i64 * 1000 - 50,
        "finished {} ms after the kill, sooner than the runbook can run",
        finished_at - killed_at_ms
    );

    // The event is kept, with exactly one execution for it and its rule.
    let event = db
        .block(db.store.event(&delivery.event_id))
        .unwrap()
        .expect("the accepted event is in the store");
    assert_eq!(event.status, "processed");
    assert_eq!(event.payload, Some(body));
    let executions = db.executions_for_event(&delivery.event_id).unwrap();
    assert_eq!(executions.len(), 1, "{executions:?}");
    assert_eq!(executions[0].id, id);
    assert_eq!(
        executions[0].rule_id.as_deref(),
        Some(scene.seeded.rule_id.as_str())
    );
    assert_eq!(executions[0].runbook_id, scene.seeded.runbook_id);
    for status in ["queued", "running", "abandoned", "cancelled"] {
        assert_eq!(db.count(status), 0, "executions {status}");
    }
    assert_eq!(db.count("succeeded"), 1);

    // The surviving instance reports the same through the API.
    let (status, shown) = http(
        &b.address,
        "GET",
        &format!("/api/v1/executions/{id}"),
        &scene.seeded.viewer_token,
        b"",
    )
    .unwrap();
    assert_eq!(status, 200, "{shown}");
    assert_eq!(shown["status"], "succeeded", "{shown}");
    assert_eq!(shown["attempt"], 2, "{shown}");
    assert!(b.is_running(), "engine b is still up");
    eprintln!(
        "crash recovery: attempt 2 claimed {requeued_in:?} and succeeded {recovered_in:?} \
         after the SIGKILL (lease {LEASE:?}, runbook {RUNBOOK_SECONDS} s); test took {:?}",
        started.elapsed()
    );
}
