//! A hostile execution never affects another one running at the same time.

use std::time::Duration;

use serde_json::json;
use wolfe_engine::{Outcome, Quotas};

use crate::support::{
    hostile_python, hostile_rust, kafka_example, quotas, request, run, runtime, sample_event,
};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn memory_bombs_beside_a_well_behaved_runbook() {
    let bomb = hostile_python();
    let kafka = kafka_example();
    let event = sample_event("kafka-broker-offline", "broker-down-healthy-host.json");
    let good_request = request(json!({}), vec![event]);
    let bomb_quotas = Quotas {
        memory_bytes: 64 << 20,
        ..quotas()
    };

    let bombs: Vec<_> = (0..3)
        .map(|_| {
            let bomb = bomb.clone();
            let quotas = bomb_quotas.clone();
            tokio::spawn(async move { run(&bomb, json!({"mode": "allocate"}), &quotas).await })
        })
        .collect();
    let good = runtime()
        .execute(&kafka, &good_request, &quotas())
        .await
        .unwrap();

    assert_eq!(good.outcome, Outcome::Succeeded, "{:?}", good.failure);
    let output = good.output.unwrap();
    assert_eq!(output["action"], json!("restart_broker"));
    assert_eq!(output["broker_id"], json!(7));
    for bomb in bombs {
        assert_eq!(bomb.await.unwrap().outcome, Outcome::MemoryExceeded);
    }
}

/// On a single worker thread, a CPU-bound guest yields at every epoch tick,
/// so a short execution finishes long before the hog's deadline.
#[tokio::test(flavor = "current_thread")]
async fn a_cpu_hog_does_not_starve_other_executions_on_its_thread() {
    let hog = hostile_rust();
    let hog_quotas = Quotas {
        fuel: u64::MAX / 2,
        timeout: Duration::from_secs(3),
        ..quotas()
    };
    let hog_task =
        tokio::spawn(async move { run(&hog, json!({"mode": "spin"}), &hog_quotas).await });
    tokio::task::yield_now().await;

    let good = run(&hostile_rust(), json!({"mode": "echo"}), &quotas()).await;
    assert_eq!(good.outcome, Outcome::Succeeded);
    assert!(
        good.wall_time < Duration::from_secs(1),
        "waited {:?} behind the hog",
        good.wall_time
    );
    assert!(!hog_task.is_finished(), "the hog must still be running");
    assert_eq!(hog_task.await.unwrap().outcome, Outcome::TimedOut);
}
