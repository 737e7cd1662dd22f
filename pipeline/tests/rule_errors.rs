//! A rule whose criteria match but whose parameters cannot be mapped is
//! recorded with the event, durably, on SQLite and PostgreSQL.

use std::sync::Arc;

use serde_json::json;
use tokio::sync::Notify;
use wolfe_ingest::NormalizedEvent;
use wolfe_pipeline::intake::Intake;
use wolfe_store::{Accepted, Store};
use wolfe_testkit::seed::{Deployed, RunbookSeed, deployed_runbook, rule};

struct Fixture {
    store: Store,
    intake: Intake,
    deployed: Deployed,
    _dir: tempfile::TempDir,
}

impl Fixture {
    async fn start(url: Option<String>) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let url =
            url.unwrap_or_else(|| format!("sqlite://{}", dir.path().join("wolfe.db").display()));
        let store = Store::open(&url).await.unwrap();
        let deployed = deployed_runbook(
            &store,
            RunbookSeed {
                team: "sre",
                name: "restart-host",
                component: b"\0asm not run here",
                max_attempts: 3,
                concurrency_limit: 4,
                environment: "dev",
            },
        )
        .await;
        Self {
            intake: Intake::new(store.clone(), Arc::new(Notify::new())),
            store,
            deployed,
            _dir: dir,
        }
    }
}

fn alert(dedupe: &str, labels: serde_json::Value) -> NormalizedEvent {
    NormalizedEvent {
        source: "alertmanager".into(),
        kind: "alert.firing".into(),
        dedupe_key: Some(dedupe.into()),
        payload: json!({"labels": labels}),
    }
}

wolfe_testkit::on_both_backends!(
    super::Fixture::start;
    a_matching_rule_whose_params_fail_is_recorded_with_the_event,
);

async fn a_matching_rule_whose_params_fail_is_recorded_with_the_event(f: Fixture) {
    let needs_host = rule(
        &f.store,
        &f.deployed,
        "dev",
        "needs-host",
        json!({"source": "alertmanager", "kind": "alert.*",
               "params": {"host": {"path": "$.labels.host", "type": "string"}}}),
    )
    .await;
    let fine = rule(
        &f.store,
        &f.deployed,
        "dev",
        "fine",
        json!({"source": "alertmanager", "kind": "alert.*",
               "params": {"mode": {"value": "echo"}}}),
    )
    .await;
    let elsewhere = rule(
        &f.store,
        &f.deployed,
        "dev",
        "other-source",
        json!({"source": "atlas", "kind": "*",
               "params": {"host": {"path": "$.labels.host", "type": "string"}}}),
    )
    .await;

    let event = alert("no-host", json!({"severity": "page"}));
    let accepted = f.intake.accept("dev", event.clone()).await.unwrap();
    let Accepted::New {
        event_id,
        executions,
    } = accepted
    else {
        panic!("a new event");
    };
    assert_eq!(executions.len(), 1, "the other rule still fires");

    let errors = f.store.rule_errors_for_event(&event_id).await.unwrap();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0].rule_id, needs_host);
    assert_eq!(errors[0].environment, "dev");
    assert!(
        errors[0].message.contains("$.labels.host")
            && errors[0].message.contains("matched nothing"),
        "{}",
        errors[0].message
    );
    let of_rule = f
        .store
        .recent_rule_errors(Some(&needs_host), 10)
        .await
        .unwrap();
    assert_eq!(of_rule, errors);
    for quiet in [&fine, &elsewhere] {
        assert!(
            f.store
                .recent_rule_errors(Some(quiet), 10)
                .await
                .unwrap()
                .is_empty(),
            "a rule that mapped, or did not match, records nothing"
        );
    }

    // A redelivery creates nothing, errors included.
    let again = f.intake.accept("dev", event).await.unwrap();
    assert_eq!(again, Accepted::Duplicate { event_id });
    assert_eq!(f.store.recent_rule_errors(None, 10).await.unwrap().len(), 1);

    // An event the rule can map runs it and records no error.
    let ok = f
        .intake
        .accept("dev", alert("with-host", json!({"host": "kafka-3"})))
        .await
        .unwrap();
    let Accepted::New { executions, .. } = ok else {
        panic!()
    };
    assert_eq!(executions.len(), 2);
    assert_eq!(f.store.recent_rule_errors(None, 10).await.unwrap().len(), 1);
}
