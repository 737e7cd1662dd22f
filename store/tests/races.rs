//! PostgreSQL: several instances acting at the same instant. Claims never
//! take a runbook past its concurrency limit; events of one correlation
//! group make one execution. (SQLite has one writer: neither can overlap
//! there.)

use std::sync::Arc;

use serde_json::json;
use tokio::sync::Barrier;
use wolfe_store::{Accepted, Correlation, NewEvent, NewExecution, Store, new_id, now_ms};
use wolfe_testkit::seed::{RunbookSeed, deployed_runbook};

const CLAIMERS: usize = 12;
const ROUNDS: usize = 25;
const INTAKES: usize = 6;
const GROUP_ROUNDS: usize = 15;

/// A fresh database with one deployed runbook, an admin store, and
/// `count` more stores: separate pools, as separate instances have.
async fn open_instances(concurrency_limit: i64, count: usize) -> (Store, String, Vec<Store>) {
    let url = wolfe_testkit::postgres::PgCluster::shared().fresh_database();
    let admin = Store::open(&url).await.unwrap();
    let runbook = deployed_runbook(
        &admin,
        RunbookSeed {
            team: "sre",
            name: "raced",
            component: b"\0asm not run here",
            max_attempts: 3,
            concurrency_limit,
            environment: "dev",
        },
    )
    .await
    .runbook_id;
    let mut instances = Vec::new();
    for _ in 0..count {
        let store = Store::open(&url).await.unwrap();
        store.count_executions("running").await.unwrap();
        instances.push(store);
    }
    (admin, runbook, instances)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_claimers_never_pass_a_limit_of_one() {
    let (admin, runbook, instances) = open_instances(1, CLAIMERS).await;

    for round in 0..ROUNDS {
        for i in 0..CLAIMERS {
            queue(&admin, &runbook, &format!("{round}-{i}")).await;
        }
        let barrier = Arc::new(Barrier::new(CLAIMERS));
        let mut claims = Vec::new();
        for (i, store) in instances.iter().enumerate() {
            let (store, barrier) = (store.clone(), barrier.clone());
            claims.push(tokio::spawn(async move {
                barrier.wait().await;
                store
                    .claim("dev", &format!("claimer-{i}"), 30_000)
                    .await
                    .unwrap()
            }));
        }
        let mut claimed = Vec::new();
        for claim in claims {
            claimed.extend(claim.await.unwrap());
        }
        assert_eq!(
            admin.count_executions("running").await.unwrap(),
            1,
            "round {round}: the limit is 1, claimed {:?}",
            claimed.iter().map(|c| &c.id).collect::<Vec<_>>()
        );
        assert_eq!(claimed.len(), 1, "round {round}");
        // Clear the round: nothing running, nothing queued.
        for id in queued_and_running(&admin).await {
            admin.cancel(&id).await.unwrap();
        }
    }
}

async fn queue(store: &Store, runbook_id: &str, key: &str) {
    let (event, planned) = event_and_execution(runbook_id, Some(key), None);
    let accepted = store.accept_event(&event, &[planned]).await.unwrap();
    assert!(matches!(accepted, Accepted::New { executions, .. } if executions.len() == 1));
}

/// An event (with `dedupe_key`, if any) and the execution its rule plans
/// for it, correlated when `correlation` is given.
fn event_and_execution(
    runbook_id: &str,
    dedupe_key: Option<&str>,
    correlation: Option<Correlation>,
) -> (NewEvent, NewExecution) {
    let event = NewEvent {
        id: new_id(),
        environment: "dev".into(),
        source: "test".into(),
        kind: "test".into(),
        dedupe_key: dedupe_key.map(Into::into),
        payload: json!({}),
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
        correlation,
    };
    (event, planned)
}

async fn queued_and_running(store: &Store) -> Vec<String> {
    let mut ids = Vec::new();
    for event in store.recent_events("processed", 10_000).await.unwrap() {
        for execution in store.executions_for_event(&event.id).await.unwrap() {
            if !execution.status.is_terminal() {
                ids.push(execution.id);
            }
        }
    }
    ids
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_intakes_of_one_group_make_one_execution() {
    let (admin, runbook, instances) = open_instances(10, INTAKES).await;

    for round in 0..GROUP_ROUNDS {
        let key = format!("broker-{round}");
        let barrier = Arc::new(Barrier::new(INTAKES));
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
            "round {round}: {INTAKES} events of one group opened {groups:?}"
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

/// An event and the execution its rule plans for it, in the group `key`.
fn correlated(runbook_id: &str, key: &str) -> (NewEvent, NewExecution) {
    let correlation = Correlation {
        key: key.into(),
        window_ms: 60_000,
    };
    event_and_execution(runbook_id, None, Some(correlation))
}
