//! PostgreSQL: events of one correlation group taken in by several
//! instances at the same instant still make one execution. (SQLite has one
//! writer; intakes cannot overlap there.)

use std::sync::Arc;

use serde_json::json;
use tokio::sync::Barrier;
use wolfe_store::{Accepted, Correlation, NewEvent, NewExecution, Store, new_id, now_ms};
use wolfe_testkit::seed::{RunbookSeed, deployed_runbook};

const INSTANCES: usize = 6;
const ROUNDS: usize = 15;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_intakes_of_one_group_make_one_execution() {
    let url = wolfe_testkit::postgres::PgCluster::shared().fresh_database();
    let admin = Store::open(&url).await.unwrap();
    let runbook = deployed_runbook(
        &admin,
        RunbookSeed {
            team: "sre",
            name: "grouped",
            component: b"\0asm not run here",
            max_attempts: 3,
            concurrency_limit: 10,
            environment: "dev",
        },
    )
    .await
    .runbook_id;
    // One store per instance: separate pools, as separate instances have.
    let mut instances = Vec::new();
    for _ in 0..INSTANCES {
        let store = Store::open(&url).await.unwrap();
        store.count_executions("queued").await.unwrap();
        instances.push(store);
    }

    for round in 0..ROUNDS {
        let key = format!("broker-{round}");
        let barrier = Arc::new(Barrier::new(INSTANCES));
        let mut intakes = Vec::new();
        for store in &instances {
            let (store, barrier) = (store.clone(), barrier.clone());
            let (runbook, key) = (runbook.clone(), key.clone());
            intakes.push(tokio::spawn(async move {
                let (event, planned) = correlated(&runbook, &key);
                barrier.wait().await;
                let accepted = store.accept_event(&event, &[planned]).await.unwrap();
                let Accepted::New { executions, .. } = accepted else {
                    panic!("every event is new");
                };
                (event.id, executions)
            }));
        }
        let mut groups = Vec::new();
        let mut events = Vec::new();
        for intake in intakes {
            let (event, executions) = intake.await.unwrap();
            events.push(event);
            groups.extend(executions);
        }
        groups.sort();
        groups.dedup();
        assert_eq!(
            groups.len(),
            1,
            "round {round}: {INSTANCES} events of one group opened {groups:?}"
        );
        for event in &events {
            let executions = admin.executions_for_event(event).await.unwrap();
            assert_eq!(
                executions.iter().map(|e| &e.id).collect::<Vec<_>>(),
                vec![&groups[0]],
                "round {round}: every event joined the one group"
            );
        }
    }
}

/// An event and the correlated execution its rule plans for it.
fn correlated(runbook_id: &str, key: &str) -> (NewEvent, NewExecution) {
    let event = NewEvent {
        id: new_id(),
        environment: "dev".into(),
        source: "test".into(),
        kind: "test".into(),
        dedupe_key: None,
        payload: json!({"broker": key}),
        received_at: now_ms(),
        depth: 0,
        emitted_by: None,
    };
    let planned = NewExecution {
        runbook_id: runbook_id.into(),
        rule_id: Some("r".into()),
        trigger_event_id: Some(event.id.clone()),
        params: json!({}),
        dry_run: false,
        event_ids: vec![event.id.clone()],
        correlation: Some(Correlation {
            key: key.into(),
            window_ms: 60_000,
        }),
    };
    (event, planned)
}
