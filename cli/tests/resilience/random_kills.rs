//! Three engine instances on one PostgreSQL, a stream of events, and a
//! killer that SIGKILLs a random instance every 1–2 s and starts a new one
//! with the same configuration: every accepted event ends with exactly one
//! execution, succeeded.

use std::collections::BTreeSet;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use serde_json::json;
use wolfe_store::ExecutionStatus;

use crate::harness::{
    Delivery, Engine, Rng, RunbookSpec, Scene, deliver, serial, statuses, wait_until_all_ended,
};

/// Printed, so a failing run can be replayed with the same choices.
const SEED: u64 = 0x00C0_FFEE_5EED_2024;
const INSTANCES: usize = 3;
const EVENTS: usize = 40;

/// Sets the flag when dropped, also while unwinding: the killer thread
/// stops even if the sender fails, so the scope can end.
struct StopOnDrop<'a>(&'a AtomicBool);

impl Drop for StopOnDrop<'_> {
    fn drop(&mut self) {
        self.0.store(true, Ordering::SeqCst);
    }
}

#[test]
fn engines_sigkilled_at_random_lose_and_duplicate_nothing_on_postgres() {
    let _serial = serial();
    let started = Instant::now();
    eprintln!("random kills: seed {SEED:#x}");
    let scene = Scene::new(
        |_| wolfe_testkit::postgres::PgCluster::shared().fresh_database(),
        &RunbookSpec {
            max_attempts: 10,
            params: json!({"mode": {"value": "sleep"}, "seconds": {"value": 0.4}}),
        },
    );
    let db = &scene.db;
    // Each slot keeps the address of its last instance, dead or alive: like
    // a load balancer, the sender learns of a death by failing to reach it.
    let engines: Mutex<Vec<(String, Option<Engine>)>> = Mutex::new(
        (0..INSTANCES)
            .map(|i| {
                let engine = scene.start_engine(&format!("e{i}-gen0"));
                (engine.address.clone(), Some(engine))
            })
            .collect(),
    );
    let stop = AtomicBool::new(false);

    let (deliveries, kills) = std::thread::scope(|scope| {
        let killer = scope.spawn(|| {
            let mut rng = Rng::new(SEED ^ 0x9E37_79B9_7F4A_7C15);
            let mut generation = [0u32; INSTANCES];
            let mut kills = Vec::new();
            'killing: loop {
                let pause_until = Instant::now() + rng.millis(1_000, 2_000);
                while Instant::now() < pause_until {
                    if stop.load(Ordering::SeqCst) {
                        break 'killing;
                    }
                    std::thread::sleep(Duration::from_millis(20));
                }
                let i = rng.below(INSTANCES as u64) as usize;
                let victim = engines.lock().unwrap()[i].1.take();
                if let Some(victim) = victim {
                    kills.push(format!("{} (pid {})", victim.label, victim.pid()));
                    victim.sigkill();
                }
                generation[i] += 1;
                let fresh = scene.start_engine(&format!("e{i}-gen{}", generation[i]));
                engines.lock().unwrap()[i] = (fresh.address.clone(), Some(fresh));
            }
            kills
        });

        let _stop_killer = StopOnDrop(&stop);
        let mut rng = Rng::new(SEED);
        let deadline = Instant::now() + Duration::from_secs(90);
        let mut deliveries: Vec<(String, Delivery)> = Vec::new();
        for n in 0..EVENTS {
            let key = format!("evt-{n:02}");
            let body = json!({"id": key, "n": n, "host": format!("web-{}", n % 7)});
            let delivery = deliver(
                || {
                    let i = rng.below(INSTANCES as u64) as usize;
                    Some(engines.lock().unwrap()[i].0.clone())
                },
                &body,
                deadline,
            );
            deliveries.push((key, delivery));
            std::thread::sleep(rng.millis(150, 450));
        }
        // Keep killing while the last executions run.
        std::thread::sleep(Duration::from_secs(3));
        stop.store(true, Ordering::SeqCst);
        (deliveries, killer.join().unwrap())
    });
    let sent_in = started.elapsed();

    let event_ids: Vec<String> = deliveries.iter().map(|(_, d)| d.event_id.clone()).collect();
    let executions = wait_until_all_ended(db, &event_ids, Duration::from_secs(120));

    let distinct: BTreeSet<&String> = event_ids.iter().collect();
    assert_eq!(distinct.len(), EVENTS, "one event per key: {deliveries:?}");
    let mut retried = 0;
    for ((key, delivery), executions) in deliveries.iter().zip(&executions) {
        assert_eq!(
            executions.len(),
            1,
            "{key} ({}) has {:?}",
            delivery.event_id,
            statuses(executions)
        );
        let execution = &executions[0];
        assert_eq!(
            execution.status,
            ExecutionStatus::Finished("succeeded".into()),
            "{key}: {execution:?}"
        );
        assert_eq!(
            execution.rule_id.as_deref(),
            Some(scene.seeded.rule_id.as_str())
        );
        if !delivery.duplicate {
            assert_eq!(
                delivery.execution_ids,
                std::slice::from_ref(&execution.id),
                "{key}"
            );
        }
        if execution.attempt > 1 {
            retried += 1;
        }
    }

    // Nothing beyond them: no extra event, no extra execution, nothing rejected.
    let stored = db
        .block(db.store.recent_events("processed", 1_000))
        .unwrap();
    let keys: BTreeSet<String> = stored.iter().filter_map(|e| e.dedupe_key.clone()).collect();
    let expected: BTreeSet<String> = deliveries.iter().map(|(k, _)| k.clone()).collect();
    assert_eq!(stored.len(), EVENTS, "events stored");
    assert_eq!(keys, expected);
    let rejected = db.block(db.store.recent_events("rejected", 100)).unwrap();
    assert!(rejected.is_empty(), "rejected: {rejected:?}");
    assert_eq!(db.count("succeeded"), EVENTS as i64);
    for status in ["queued", "running", "abandoned", "cancelled"] {
        assert_eq!(db.count(status), 0, "executions {status}");
    }
    assert!(
        kills.len() >= 5,
        "only {} kills happened: {kills:?}",
        kills.len()
    );

    let failed_tries: u32 = deliveries.iter().map(|(_, d)| d.failed_tries).sum();
    let duplicates = deliveries.iter().filter(|(_, d)| d.duplicate).count();
    let max_attempt = executions.iter().map(|e| e[0].attempt).max().unwrap_or(0);
    eprintln!(
        "random kills: seed {SEED:#x}, {} SIGKILLs ({}), {EVENTS} events in {sent_in:?}, \
         {failed_tries} failed deliveries retried, {duplicates} retries found the event \
         already committed, {retried} executions needed more than one attempt (max {max_attempt}); \
         all {EVENTS} succeeded once; test took {:?}",
        kills.len(),
        kills.join(", "),
        started.elapsed()
    );
}
