//! The store's contract, run against SQLite and PostgreSQL alike.

mod common;

use common::{Seeded, event, finished, planned, seed};
use serde_json::json;
use wolfe_store::{
    Accepted, Cancelled, Correlation, DroppedLog, EventIntake, ExecutionStatus, Finished,
    HeldLease, LogLine, NewEvent, NewExecution, NewRule, NewRuleError, NewVersion, RejectedEvent,
    Store,
};

/// Runs each listed scenario once per backend.
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test]
                async fn $name() {
                    let dir = tempfile::tempdir().unwrap();
                    let url = format!("sqlite://{}", dir.path().join("wolfe.db").display());
                    super::$name(wolfe_store::Store::open(&url).await.unwrap()).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test]
                async fn $name() {
                    let url = wolfe_testkit::postgres::PgCluster::shared().fresh_database();
                    super::$name(wolfe_store::Store::open(&url).await.unwrap()).await;
                }
            )*
        }
    };
}

on_both_backends!(
    migrations_are_idempotent_and_versions_number_themselves,
    an_event_and_its_executions_commit_together_and_redelivery_creates_nothing,
    one_execution_per_event_and_rule_even_if_planned_twice,
    a_runbook_without_deployment_gets_no_execution,
    claim_run_and_finish_with_fencing,
    an_expired_lease_requeues_then_abandons,
    the_concurrency_limit_holds_executions_back,
    rejected_bodies_are_kept_with_their_reason,
    cancelled_executions_discard_late_results,
    correlated_events_join_one_execution_held_until_the_window_closes,
    a_batch_claim_takes_the_oldest_within_each_runbooks_limit,
    cancelling_records_who_and_closes_the_attempt,
    a_runner_notices_the_leases_it_lost,
    many_log_lines_are_stored_in_order,
    log_lines_written_while_running_are_fenced_by_the_lease,
    a_cancelled_attempt_keeps_its_log_until_its_runner_stops_it,
    a_batch_of_results_records_each_whose_lease_is_held,
    a_batch_of_events_answers_each_and_knows_its_own_duplicates,
);

async fn migrations_are_idempotent_and_versions_number_themselves(store: Store) {
    let seeded = seed(&store, 3, 4).await;
    let second = store
        .create_version(NewVersion {
            runbook_id: seeded.runbook_id.clone(),
            artifact_sha256: "abc123".into(),
            language: "python".into(),
            source: None,
            author: "bob".into(),
            message: "second".into(),
            capabilities: None,
            build_log: None,
        })
        .await
        .unwrap();
    assert_eq!(second.number, 2);
    // Storing the same artifact again is a no-op, not a conflict.
    store
        .put_artifact("abc123", b"\0asm component")
        .await
        .unwrap();
    assert_eq!(
        store.artifact("abc123").await.unwrap().unwrap(),
        b"\0asm component"
    );
    let deployed = store
        .deployment(&seeded.runbook_id, "dev")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(deployed.version_number, 1);
    let audit = store.audit_log(10).await.unwrap();
    let actions: Vec<_> = audit.iter().map(|a| a.action.as_str()).collect();
    assert!(actions.contains(&"deployment.set") && actions.contains(&"version.create"));
}

async fn an_event_and_its_executions_commit_together_and_redelivery_creates_nothing(store: Store) {
    let seeded = seed(&store, 3, 4).await;
    let first = event("fp-1:firing:t0");
    let accepted = store
        .accept_event(
            &first,
            &[
                planned(&seeded, &first, "rule-a"),
                planned(&seeded, &first, "rule-b"),
            ],
        )
        .await
        .unwrap();
    let Accepted::New {
        event_id,
        executions,
    } = accepted
    else {
        panic!("first delivery is new");
    };
    assert_eq!(executions.len(), 2, "one event, two rules: one-to-many");
    let stored = store.event(&event_id).await.unwrap().unwrap();
    assert_eq!(stored.status, "processed");

    let redelivered = event("fp-1:firing:t0");
    let again = store
        .accept_event(&redelivered, &[planned(&seeded, &redelivered, "rule-a")])
        .await
        .unwrap();
    assert_eq!(
        again,
        Accepted::Duplicate {
            event_id: event_id.clone()
        }
    );
    assert!(store.event(&redelivered.id).await.unwrap().is_none());
    assert_eq!(
        store.executions_for_event(&event_id).await.unwrap().len(),
        2
    );
}

async fn one_execution_per_event_and_rule_even_if_planned_twice(store: Store) {
    let seeded = seed(&store, 3, 4).await;
    let e = event("fp-2");
    let plan = planned(&seeded, &e, "rule-a");
    let accepted = store.accept_event(&e, &[plan.clone(), plan]).await.unwrap();
    let Accepted::New { executions, .. } = accepted else {
        panic!()
    };
    assert_eq!(executions.len(), 1);
}

async fn a_runbook_without_deployment_gets_no_execution(store: Store) {
    let seeded = seed(&store, 3, 4).await;
    let mut e = event("fp-3");
    e.environment = "prod".into();
    let accepted = store
        .accept_event(&e, &[planned(&seeded, &e, "r")])
        .await
        .unwrap();
    assert_eq!(
        accepted,
        Accepted::New {
            event_id: e.id.clone(),
            executions: vec![]
        }
    );
}

async fn claim_run_and_finish_with_fencing(store: Store) {
    let seeded = seed(&store, 3, 4).await;
    let e = event("fp-4");
    store
        .accept_event(&e, &[planned(&seeded, &e, "r")])
        .await
        .unwrap();

    let claimed = store
        .claim("dev", "runner-1", 30_000)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(claimed.attempt, 1);
    assert_eq!(claimed.version_id, seeded.version_id);
    assert_eq!(claimed.artifact_sha256, "abc123");
    assert_eq!(claimed.runbook_name, "kafka-broker-offline");
    assert_eq!(claimed.params, json!({"broker": 3}));
    assert_eq!(claimed.quotas, json!({"fuel": 1000}));
    assert_eq!(claimed.events.len(), 1);
    assert_eq!(
        claimed.events[0].payload,
        Some(json!({"labels": {"broker": "3"}}))
    );
    assert!(
        store
            .claim("dev", "runner-2", 30_000)
            .await
            .unwrap()
            .is_none(),
        "claimed once"
    );

    assert!(
        store
            .renew_lease(&claimed.id, "runner-1", 1, 30_000)
            .await
            .unwrap()
    );
    assert!(
        !store
            .renew_lease(&claimed.id, "runner-2", 1, 30_000)
            .await
            .unwrap()
    );
    assert!(
        !store
            .finish(&finished(&claimed.id, "runner-2", 1))
            .await
            .unwrap(),
        "not the holder"
    );
    let mut result = finished(&claimed.id, "runner-1", 1);
    result.log_dropped = DroppedLog {
        lines: 7,
        bytes: 4096,
    };
    assert!(store.finish(&result).await.unwrap());

    let attempts = store.attempts(&claimed.id).await.unwrap();
    assert_eq!(attempts[0].outcome.as_deref(), Some("succeeded"));
    assert_eq!(
        attempts[0].log_dropped, result.log_dropped,
        "the log is known to be cut"
    );
    let record = store.execution(&claimed.id).await.unwrap().unwrap();
    assert_eq!(record.status, ExecutionStatus::Finished("succeeded".into()));
    assert!(record.status.is_terminal());
    assert_eq!(record.output, Some(json!({"action": "restart_broker"})));
    assert_eq!(record.peak_memory_bytes, Some(13 << 20));
    let logs = store.execution_logs(&claimed.id).await.unwrap();
    assert_eq!(logs[0].fields, Some(json!({"broker": 3})));
}

async fn an_expired_lease_requeues_then_abandons(store: Store) {
    let seeded = seed(&store, 2, 4).await;
    let e = event("fp-5");
    store
        .accept_event(&e, &[planned(&seeded, &e, "r")])
        .await
        .unwrap();

    let first = store
        .claim("dev", "dead-runner", -1)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(store.expire_leases().await.unwrap(), 1);
    let record = store.execution(&first.id).await.unwrap().unwrap();
    assert_eq!(record.status, ExecutionStatus::Queued);

    let second = store
        .claim("dev", "other-runner", -1)
        .await
        .unwrap()
        .unwrap();
    assert_eq!((second.id.as_str(), second.attempt), (first.id.as_str(), 2));
    // The dead runner's late result is refused: it no longer holds the lease.
    assert!(
        !store
            .finish(&finished(&first.id, "dead-runner", 1))
            .await
            .unwrap()
    );

    assert_eq!(store.expire_leases().await.unwrap(), 1);
    let record = store.execution(&first.id).await.unwrap().unwrap();
    assert_eq!(
        record.status,
        ExecutionStatus::Abandoned,
        "two attempts spent"
    );
    assert!(record.error_message.unwrap().contains("abandoned"));
    assert!(
        store
            .claim("dev", "other-runner", 30_000)
            .await
            .unwrap()
            .is_none()
    );
}

async fn the_concurrency_limit_holds_executions_back(store: Store) {
    let seeded = seed(&store, 3, 1).await;
    for key in ["a", "b"] {
        let e = event(key);
        store
            .accept_event(&e, &[planned(&seeded, &e, "r")])
            .await
            .unwrap();
    }
    let running = store.claim("dev", "r1", 30_000).await.unwrap().unwrap();
    assert!(
        store.claim("dev", "r1", 30_000).await.unwrap().is_none(),
        "limit is 1"
    );
    store.finish(&finished(&running.id, "r1", 1)).await.unwrap();
    assert!(store.claim("dev", "r1", 30_000).await.unwrap().is_some());
}

async fn rejected_bodies_are_kept_with_their_reason(store: Store) {
    let id = store
        .record_rejected(&RejectedEvent {
            environment: "dev".into(),
            source: "alertmanager".into(),
            raw_body: b"{not json".to_vec(),
            error: "body is not JSON: key must be a string at line 1 column 2".into(),
        })
        .await
        .unwrap();
    let rejected = store.recent_events("rejected", 10).await.unwrap();
    assert_eq!(rejected.len(), 1);
    assert_eq!(rejected[0].id, id);
    assert_eq!(rejected[0].raw_body.as_deref(), Some(&b"{not json"[..]));
    assert!(rejected[0].error.as_ref().unwrap().contains("not JSON"));
}

async fn cancelled_executions_discard_late_results(store: Store) {
    let seeded = seed(&store, 3, 4).await;
    let rule = store
        .create_rule(
            NewRule {
                runbook_id: seeded.runbook_id.clone(),
                environment: "dev".into(),
                name: "offline".into(),
                spec: json!({"source": "alertmanager", "kind": "alert.*"}),
            },
            "alice",
        )
        .await
        .unwrap();
    assert_eq!(
        store.enabled_rules("dev").await.unwrap(),
        vec![rule.clone()]
    );
    let e = event("fp-6");
    store
        .accept_event(&e, &[planned(&seeded, &e, &rule.id)])
        .await
        .unwrap();
    let claimed = store.claim("dev", "r1", 30_000).await.unwrap().unwrap();
    assert!(store.cancel(&claimed.id).await.unwrap());
    assert!(!store.finish(&finished(&claimed.id, "r1", 1)).await.unwrap());
    let record = store.execution(&claimed.id).await.unwrap().unwrap();
    assert_eq!(record.status, ExecutionStatus::Cancelled);
    assert!(!store.cancel(&claimed.id).await.unwrap(), "already ended");
}

async fn correlated_events_join_one_execution_held_until_the_window_closes(store: Store) {
    let seeded = seed(&store, 3, 4).await;
    let correlated = |event: &NewEvent| NewExecution {
        correlation: Some(Correlation {
            key: "kafka-events-prod".into(),
            window_ms: 400,
        }),
        ..planned(&seeded, event, "rule-c")
    };
    let (first, second) = (event("c-1"), event("c-2"));
    let a = store
        .accept_event(&first, &[correlated(&first)])
        .await
        .unwrap();
    let b = store
        .accept_event(&second, &[correlated(&second)])
        .await
        .unwrap();
    let (Accepted::New { executions: a, .. }, Accepted::New { executions: b, .. }) = (a, b) else {
        panic!("both events are new");
    };
    assert_eq!(a, b, "the second event joined the first one's execution");
    assert!(
        store.claim("dev", "r1", 30_000).await.unwrap().is_none(),
        "held until the window closes"
    );

    tokio::time::sleep(std::time::Duration::from_millis(450)).await;
    let late = event("c-3");
    let c = store
        .accept_event(&late, &[correlated(&late)])
        .await
        .unwrap();
    let Accepted::New { executions: c, .. } = c else {
        panic!()
    };
    assert_ne!(c, a, "after the window a new group starts");

    let claimed = store.claim("dev", "r1", 30_000).await.unwrap().unwrap();
    assert_eq!(claimed.id, a[0]);
    let ids: Vec<_> = claimed.events.iter().map(|e| e.id.clone()).collect();
    assert_eq!(
        ids,
        vec![first.id.clone(), second.id.clone()],
        "all events of the group, in order"
    );
}

/// Queues one execution of `seeded` per key, oldest first; returns the ids.
async fn queue(store: &Store, seeded: &Seeded, keys: &[&str]) -> Vec<String> {
    let mut ids = Vec::new();
    for key in keys {
        let e = event(&format!("{}-{key}", seeded.runbook_id));
        let Accepted::New { executions, .. } = store
            .accept_event(&e, &[planned(seeded, &e, "r")])
            .await
            .unwrap()
        else {
            panic!("new event")
        };
        ids.extend(executions);
        // Distinct queue times keep "oldest first" unambiguous.
        tokio::time::sleep(std::time::Duration::from_millis(2)).await;
    }
    ids
}

async fn a_batch_claim_takes_the_oldest_within_each_runbooks_limit(store: Store) {
    let limited = seed(&store, 3, 2).await;
    let open = seed(&store, 3, 10).await;
    let a = queue(&store, &limited, &["1", "2", "3", "4"]).await;
    let b = queue(&store, &open, &["1", "2"]).await;

    let batch = store.claim_batch("dev", "r1", 30_000, 10).await.unwrap();
    let ids: Vec<_> = batch.iter().map(|c| c.id.clone()).collect();
    assert_eq!(
        ids,
        vec![a[0].clone(), a[1].clone(), b[0].clone(), b[1].clone()],
        "oldest first, the limited runbook only up to its limit of 2"
    );
    assert!(batch.iter().all(|c| c.attempt == 1 && c.events.len() == 1));
    assert_eq!(batch[2].runbook_id, open.runbook_id);
    assert_eq!(batch[2].params, json!({"broker": 3}));
    assert!(
        store
            .claim_batch("dev", "r2", 30_000, 10)
            .await
            .unwrap()
            .is_empty(),
        "claimed once; the rest waits for the limit"
    );

    store.finish(&finished(&a[0], "r1", 1)).await.unwrap();
    let next = store.claim_batch("dev", "r2", 30_000, 10).await.unwrap();
    assert_eq!(
        next.iter().map(|c| c.id.clone()).collect::<Vec<_>>(),
        vec![a[2].clone()],
        "one finished, one more may run"
    );
    assert!(
        store
            .claim_batch("dev", "r2", 30_000, 0)
            .await
            .unwrap()
            .is_empty()
    );
}

async fn cancelling_records_who_and_closes_the_attempt(store: Store) {
    let seeded = seed(&store, 3, 1).await;
    let ids = queue(&store, &seeded, &["running", "queued"]).await;
    let running = store.claim("dev", "r1", 30_000).await.unwrap().unwrap();
    assert_eq!(running.id, ids[0]);

    assert_eq!(
        store
            .cancel_execution(&ids[1], "alice", Some("not needed"))
            .await
            .unwrap(),
        Cancelled::Now {
            previous: ExecutionStatus::Queued
        }
    );
    assert_eq!(
        store.cancel_execution(&ids[0], "bob", None).await.unwrap(),
        Cancelled::Now {
            previous: ExecutionStatus::Running
        }
    );
    let record = store.execution(&ids[0]).await.unwrap().unwrap();
    assert_eq!(record.status, ExecutionStatus::Cancelled);
    assert_eq!(record.error_message.as_deref(), Some("cancelled by bob"));
    assert!(record.finished_at.is_some());
    assert_eq!(
        store.cancel_execution(&ids[0], "bob", None).await.unwrap(),
        Cancelled::AlreadyEnded(ExecutionStatus::Cancelled)
    );
    assert_eq!(
        store
            .cancel_execution("no-such-id", "bob", None)
            .await
            .unwrap(),
        Cancelled::NotFound
    );
    // The cancelled attempt is closed: the runner's late result is refused.
    assert!(!store.finish(&finished(&ids[0], "r1", 1)).await.unwrap());

    let audit = store.audit_log(10).await.unwrap();
    let cancels: Vec<_> = audit
        .iter()
        .filter(|a| a.action == "execution.cancel")
        .map(|a| {
            (
                a.actor.as_str(),
                a.target.as_str(),
                a.detail.clone().unwrap(),
            )
        })
        .collect();
    assert_eq!(cancels.len(), 2, "{audit:?}");
    assert!(cancels.contains(&(
        "alice",
        ids[1].as_str(),
        json!({"previous_status": "queued", "reason": "not needed"})
    )));
    assert!(cancels.contains(&(
        "bob",
        ids[0].as_str(),
        json!({"previous_status": "running", "reason": null})
    )));
    // The limit of 1 is free again: the cancelled execution no longer runs.
    let next = queue(&store, &seeded, &["next"]).await;
    let claimed = store.claim("dev", "r1", 30_000).await.unwrap().unwrap();
    assert_eq!(claimed.id, next[0]);
}

async fn a_runner_notices_the_leases_it_lost(store: Store) {
    let seeded = seed(&store, 3, 10).await;
    queue(&store, &seeded, &["a", "b", "c"]).await;
    let batch = store.claim_batch("dev", "r1", 30_000, 3).await.unwrap();
    let held: Vec<HeldLease> = batch
        .iter()
        .map(|c| HeldLease {
            id: c.id.clone(),
            attempt: c.attempt,
        })
        .collect();
    assert_eq!(store.leases_held("r1", &held).await.unwrap(), held);
    assert!(
        store.leases_held("r2", &held).await.unwrap().is_empty(),
        "not r2's"
    );

    assert!(store.cancel(&held[1].id).await.unwrap());
    let mut stale = held[2].clone();
    stale.attempt = 7;
    let asked = vec![held[0].clone(), held[1].clone(), stale];
    assert_eq!(
        store.leases_held("r1", &asked).await.unwrap(),
        vec![held[0].clone()],
        "a cancelled execution and another attempt are lost"
    );
    assert_eq!(
        store.renew_leases("r1", &asked, 30_000).await.unwrap(),
        vec![held[0].clone()]
    );
    assert!(
        store
            .renew_lease(&held[0].id, "r1", 1, 30_000)
            .await
            .unwrap()
    );
    assert!(
        !store
            .renew_lease(&held[1].id, "r1", 1, 30_000)
            .await
            .unwrap()
    );
}

async fn many_log_lines_are_stored_in_order(store: Store) {
    let seeded = seed(&store, 3, 4).await;
    queue(&store, &seeded, &["logs"]).await;
    let claimed = store.claim("dev", "r1", 30_000).await.unwrap().unwrap();
    let mut result = finished(&claimed.id, "r1", 1);
    result.logs = (0..1_234)
        .map(|seq| LogLine {
            attempt: 1,
            seq,
            at_ms: seq,
            level: "info".into(),
            stream: "log".into(),
            message: format!("line {seq}"),
            fields: (seq % 2 == 0).then(|| json!({"n": seq})),
        })
        .collect();
    assert!(store.finish(&result).await.unwrap());
    assert_eq!(
        store.execution_logs(&claimed.id).await.unwrap(),
        result.logs
    );
}

fn lines(attempt: i64, seqs: std::ops::Range<i64>) -> Vec<LogLine> {
    seqs.map(|seq| LogLine {
        attempt,
        seq,
        at_ms: seq * 10,
        level: "info".into(),
        stream: "log".into(),
        message: format!("line {seq}"),
        fields: None,
    })
    .collect()
}

fn seqs(logs: &[LogLine]) -> Vec<i64> {
    logs.iter().map(|l| l.seq).collect()
}

async fn log_lines_written_while_running_are_fenced_by_the_lease(store: Store) {
    let seeded = seed(&store, 3, 4).await;
    let ids = queue(&store, &seeded, &["live"]).await;
    let id = &ids[0];
    store.claim("dev", "r1", 30_000).await.unwrap().unwrap();
    assert!(
        store
            .append_logs(id, "r1", 1, &lines(1, 0..2))
            .await
            .unwrap()
    );
    assert!(
        store
            .append_logs(id, "r1", 1, &lines(1, 0..3))
            .await
            .unwrap(),
        "a retried write that had committed stores only what is new"
    );
    assert!(
        !store
            .append_logs(id, "r2", 1, &lines(1, 3..4))
            .await
            .unwrap()
    );
    assert!(
        !store
            .append_logs(id, "r1", 2, &lines(2, 0..1))
            .await
            .unwrap()
    );
    assert_eq!(seqs(&store.execution_logs(id).await.unwrap()), [0, 1, 2]);
    assert_eq!(
        seqs(&store.execution_logs_after(id, Some((1, 1))).await.unwrap()),
        [2]
    );

    let mut result = finished(id, "r1", 1);
    result.logs = lines(1, 3..5);
    assert!(store.finish(&result).await.unwrap());
    let logs = store.execution_logs(id).await.unwrap();
    assert_eq!(seqs(&logs), [0, 1, 2, 3, 4], "contiguous across writes");
    assert_eq!(logs[1].message, "line 1");
    assert!(
        !store
            .append_logs(id, "r1", 1, &lines(1, 5..6))
            .await
            .unwrap(),
        "nothing after the result"
    );
    assert!(
        !store
            .close_cancelled_attempt(id, "r1", 1, &[])
            .await
            .unwrap()
    );
    assert!(
        !store
            .cancelled_attempt_stopping(id, 1, 60_000)
            .await
            .unwrap()
    );

    // A lease that expired is lost: the attempt writes nothing more, not
    // even once the execution it went back to is cancelled.
    let ids = queue(&store, &seeded, &["expired"]).await;
    let id = &ids[0];
    store.claim("dev", "r1", -1).await.unwrap().unwrap();
    assert_eq!(store.expire_leases().await.unwrap(), 1);
    assert!(
        !store
            .append_logs(id, "r1", 1, &lines(1, 0..1))
            .await
            .unwrap()
    );
    assert!(store.cancel(id).await.unwrap());
    assert!(
        !store
            .close_cancelled_attempt(id, "r1", 1, &lines(1, 0..1))
            .await
            .unwrap()
    );
    assert!(store.execution_logs(id).await.unwrap().is_empty());
}

async fn a_cancelled_attempt_keeps_its_log_until_its_runner_stops_it(store: Store) {
    let seeded = seed(&store, 3, 4).await;
    let ids = queue(&store, &seeded, &["cancelled"]).await;
    let id = &ids[0];
    store.claim("dev", "r1", 30_000).await.unwrap().unwrap();
    assert!(
        store
            .append_logs(id, "r1", 1, &lines(1, 0..1))
            .await
            .unwrap()
    );
    assert!(store.cancel(id).await.unwrap());
    assert!(
        store
            .cancelled_attempt_stopping(id, 1, 60_000)
            .await
            .unwrap()
    );
    assert!(
        !store
            .cancelled_attempt_stopping(id, 1, -1_000)
            .await
            .unwrap(),
        "a runner that never reports is given up on"
    );
    // Until the runner has stopped the sandbox, its lines are still its own.
    assert!(
        store
            .append_logs(id, "r1", 1, &lines(1, 1..2))
            .await
            .unwrap()
    );
    assert!(
        !store
            .append_logs(id, "r2", 1, &lines(1, 2..3))
            .await
            .unwrap()
    );
    assert!(
        !store
            .close_cancelled_attempt(id, "r2", 1, &lines(1, 2..3))
            .await
            .unwrap()
    );
    assert!(
        store
            .close_cancelled_attempt(id, "r1", 1, &lines(1, 2..4))
            .await
            .unwrap()
    );
    assert!(
        !store
            .cancelled_attempt_stopping(id, 1, 60_000)
            .await
            .unwrap()
    );
    assert!(
        !store
            .append_logs(id, "r1", 1, &lines(1, 4..5))
            .await
            .unwrap()
    );
    assert!(
        !store
            .close_cancelled_attempt(id, "r1", 1, &lines(1, 4..5))
            .await
            .unwrap()
    );
    assert_eq!(seqs(&store.execution_logs(id).await.unwrap()), [0, 1, 2, 3]);
    let record = store.execution(id).await.unwrap().unwrap();
    assert_eq!(record.status, ExecutionStatus::Cancelled);
}

async fn a_batch_of_results_records_each_whose_lease_is_held(store: Store) {
    let seeded = seed(&store, 3, 10).await;
    queue(&store, &seeded, &["1", "2", "3"]).await;
    let claimed = store.claim_batch("dev", "r1", 30_000, 3).await.unwrap();
    assert_eq!(claimed.len(), 3);
    let cancelled = &claimed[1].id;
    assert!(store.cancel(cancelled).await.unwrap());

    let mut batch: Vec<Finished> = claimed.iter().map(|c| finished(&c.id, "r1", 1)).collect();
    batch[2].outcome = "failed".into();
    batch[2].error_message = Some("broker still down".into());
    batch[2].output = None;
    batch[2].log_dropped = DroppedLog {
        lines: 7,
        bytes: 900,
    };
    batch[2].logs[0].message = "the third one's own line".into();
    let recorded = store.finish_batch(&batch).await.unwrap();
    assert_eq!(
        recorded,
        vec![true, false, true],
        "the cancelled one lost its lease"
    );

    let first = store.execution(&claimed[0].id).await.unwrap().unwrap();
    assert_eq!(first.status.as_str(), "succeeded");
    assert_eq!(
        store.execution_logs(&claimed[0].id).await.unwrap(),
        batch[0].logs
    );
    let third = store.execution(&claimed[2].id).await.unwrap().unwrap();
    assert_eq!(third.status.as_str(), "failed");
    assert_eq!(third.error_message.as_deref(), Some("broker still down"));
    assert_eq!(third.output, None);
    assert_eq!(
        store.execution_logs(&claimed[2].id).await.unwrap(),
        batch[2].logs,
        "each result's lines go to its own execution"
    );
    for (index, outcome, dropped) in [
        (0, "succeeded", DroppedLog::default()),
        (
            2,
            "failed",
            DroppedLog {
                lines: 7,
                bytes: 900,
            },
        ),
    ] {
        let attempts = store.attempts(&claimed[index].id).await.unwrap();
        assert_eq!(attempts.len(), 1);
        assert_eq!(attempts[0].outcome.as_deref(), Some(outcome));
        assert!(attempts[0].finished_at.is_some());
        assert_eq!(attempts[0].log_dropped, dropped);
    }
    let skipped = store.execution(cancelled).await.unwrap().unwrap();
    assert_eq!(skipped.status.as_str(), "cancelled");
    assert_eq!(
        store.attempts(cancelled).await.unwrap()[0]
            .outcome
            .as_deref(),
        Some("cancelled"),
        "a refused result leaves the attempt as the cancel closed it"
    );
    assert!(
        store.execution_logs(cancelled).await.unwrap().is_empty(),
        "nothing of a result refused by its fence is written"
    );
}

/// Intake's group commit: one transaction, one answer per event in order.
async fn a_batch_of_events_answers_each_and_knows_its_own_duplicates(store: Store) {
    let seeded = seed(&store, 3, 4).await;
    let earlier = event("fp-0:firing:t0");
    store
        .accept_event(&earlier, &[planned(&seeded, &earlier, "r")])
        .await
        .unwrap();
    let intake = |e: NewEvent, rule_errors: Vec<NewRuleError>| EventIntake {
        planned: vec![planned(&seeded, &e, "r")],
        event: e,
        rule_errors,
    };
    let fresh = event("fp-1:firing:t0");
    let redelivered = event("fp-0:firing:t0");
    let twice = event("fp-1:firing:t0");
    let with_error = event("fp-2:firing:t0");
    let batch = [
        intake(fresh.clone(), vec![]),
        intake(redelivered.clone(), vec![]),
        intake(twice.clone(), vec![]),
        intake(
            with_error.clone(),
            vec![NewRuleError {
                rule_id: "r".into(),
                message: "no such label".into(),
            }],
        ),
    ];
    let answers = store.accept_events(&batch).await.unwrap();
    assert_eq!(answers.len(), 4, "one answer per event: {answers:?}");
    assert!(
        matches!(&answers[0], Accepted::New { event_id, executions } if event_id == &fresh.id && executions.len() == 1),
        "{:?}",
        answers[0]
    );
    assert_eq!(
        answers[1],
        Accepted::Duplicate {
            event_id: earlier.id.clone()
        },
        "a redelivery of an event stored before"
    );
    assert_eq!(
        answers[2],
        Accepted::Duplicate {
            event_id: fresh.id.clone()
        },
        "a redelivery of an event earlier in the same batch"
    );
    assert!(matches!(&answers[3], Accepted::New { event_id, .. } if event_id == &with_error.id));
    assert!(store.event(&redelivered.id).await.unwrap().is_none());
    assert!(store.event(&twice.id).await.unwrap().is_none());
    assert_eq!(
        store.executions_for_event(&fresh.id).await.unwrap().len(),
        1
    );
    let errors = store.rule_errors_for_event(&with_error.id).await.unwrap();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0].message, "no such label");
}
