//! Archiving and restoring a runbook, on SQLite and PostgreSQL: queued
//! work is cancelled, running work finishes, nothing new is queued or
//! claimed and its rules are not loaded; an execution queued as the
//! archive committed is cancelled by the sweep; restoring brings back the
//! deployments and rules as they were.

mod common;

use common::{Db, event, finished, planned, seed};
use serde_json::json;
use wolfe_store::{Accepted, ArchiveSummary, ExecutionStatus, NewRule};

wolfe_testkit::on_both_backends!(
    super::common::open;
    an_archived_runbook_runs_nothing_until_it_is_restored,
    work_queued_as_the_archive_commits_is_cancelled_not_run,
);

async fn an_archived_runbook_runs_nothing_until_it_is_restored(db: Db) {
    let store = &db.store;
    let seeded = seed(store, 3, 4).await;
    let rule = store
        .create_rule(
            NewRule {
                runbook_id: seeded.runbook_id.clone(),
                environment: "dev".into(),
                name: "broker-offline".into(),
                spec: json!({"source": "alertmanager"}),
            },
            "alice",
        )
        .await
        .unwrap();
    let (first, second) = (event("a-1"), event("a-2"));
    for e in [&first, &second] {
        store
            .accept_event(e, &[planned(&seeded, e, &rule.id)])
            .await
            .unwrap();
    }
    let running = store
        .claim("dev", "runner-1", 30_000)
        .await
        .unwrap()
        .unwrap();

    let summary = store
        .archive_runbook(&seeded.runbook_id, "operator:bob")
        .await
        .unwrap();
    assert_eq!(
        summary,
        Some(ArchiveSummary {
            cancelled: 1,
            still_running: 1
        })
    );
    let archived = store.runbook(&seeded.runbook_id).await.unwrap().unwrap();
    assert_eq!(archived.archived.as_ref().unwrap().by, "operator:bob");
    assert_eq!(
        store
            .archive_runbook(&seeded.runbook_id, "operator:bob")
            .await
            .unwrap(),
        None,
        "archiving twice changes nothing"
    );
    let team = archived.team_id.clone();
    assert!(store.team_runbooks(&team, false).await.unwrap().is_empty());
    assert_eq!(
        store.team_runbooks(&team, true).await.unwrap(),
        vec![archived]
    );

    // The queued execution is cancelled, saying why; the running one finishes.
    let queued = store.executions_for_event(&second.id).await.unwrap();
    assert_eq!(queued[0].status, ExecutionStatus::Cancelled);
    assert_eq!(
        queued[0].error_message.as_deref(),
        Some("cancelled: runbook archived by operator:bob")
    );
    assert!(
        store
            .finish(&finished(&running.id, "runner-1", 1))
            .await
            .unwrap(),
        "a running execution finishes and is recorded"
    );

    // Nothing new: its rules are not loaded and an event queues nothing.
    assert!(store.enabled_rules("dev").await.unwrap().is_empty());
    let third = event("a-3");
    let accepted = store
        .accept_event(&third, &[planned(&seeded, &third, &rule.id)])
        .await
        .unwrap();
    assert_eq!(
        accepted,
        Accepted::New {
            event_id: third.id.clone(),
            executions: vec![]
        }
    );
    let audit = store.audit_log(10).await.unwrap();
    let entry = audit
        .iter()
        .find(|e| e.action == "runbook.archive")
        .expect("audited");
    assert_eq!(
        entry.detail,
        Some(json!({"cancelled": 1, "still_running": 1}))
    );

    // Restored: the same rule and deployment apply again.
    assert!(
        store
            .restore_runbook(&seeded.runbook_id, "operator:bob")
            .await
            .unwrap()
    );
    assert!(
        !store
            .restore_runbook(&seeded.runbook_id, "operator:bob")
            .await
            .unwrap()
    );
    assert!(
        store
            .runbook(&seeded.runbook_id)
            .await
            .unwrap()
            .unwrap()
            .archived
            .is_none()
    );
    assert_eq!(
        store.enabled_rules("dev").await.unwrap(),
        vec![rule.clone()]
    );
    let fourth = event("a-4");
    store
        .accept_event(&fourth, &[planned(&seeded, &fourth, &rule.id)])
        .await
        .unwrap();
    let claimed = store
        .claim("dev", "runner-1", 30_000)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(claimed.events[0].id, fourth.id);
    assert!(
        store
            .audit_log(10)
            .await
            .unwrap()
            .iter()
            .any(|e| e.action == "runbook.restore")
    );
}

/// On PostgreSQL an event taken in while the archive commits may still
/// queue an execution; this puts one in that state by hand.
async fn work_queued_as_the_archive_commits_is_cancelled_not_run(db: Db) {
    let store = &db.store;
    let seeded = seed(store, 3, 4).await;
    let e = event("late-1");
    store
        .accept_event(&e, &[planned(&seeded, &e, "r")])
        .await
        .unwrap();
    let late = store.executions_for_event(&e.id).await.unwrap()[0]
        .id
        .clone();
    store
        .archive_runbook(&seeded.runbook_id, "operator:bob")
        .await
        .unwrap()
        .unwrap();
    let raw = sqlx::AnyPool::connect(&db.url).await.unwrap();
    sqlx::query(
        "UPDATE executions SET status = 'queued', finished_at = NULL, error_message = NULL \
         WHERE id = $1",
    )
    .bind(&late)
    .execute(&raw)
    .await
    .unwrap();
    raw.close().await;

    assert!(
        store
            .claim("dev", "runner-1", 30_000)
            .await
            .unwrap()
            .is_none(),
        "an archived runbook's execution is not claimed"
    );
    assert_eq!(store.cancel_queued_of_archived().await.unwrap(), 1);
    let record = store.execution(&late).await.unwrap().unwrap();
    assert_eq!(record.status, ExecutionStatus::Cancelled);
    assert_eq!(
        record.error_message.as_deref(),
        Some("cancelled: its runbook was archived")
    );
    assert_eq!(store.cancel_queued_of_archived().await.unwrap(), 0);
}
