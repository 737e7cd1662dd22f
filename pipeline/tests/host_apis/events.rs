//! Emitting events: into the pipeline with their chain depth, cut at the
//! depth limit.

use serde_json::json;
use wolfe_host_apis::providers::Providers;

use crate::support::*;

fn emit(kind: &str) -> serde_json::Value {
    call(
        "events.emit",
        json!({"kind": kind, "payload": {"broker": 3}}),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_emitted_event_enters_the_pipeline_and_fires_rules() {
    let h = Harness::start(None, Providers::default()).await;
    // A rule on runbook-emitted `chain.next` events runs the Rust probe.
    let rule = wolfe_store::NewRule {
        runbook_id: h.runbook_id(Probe::Rust).into(),
        environment: ENV.into(),
        name: "chain".into(),
        spec: json!({"source": "runbook", "kind": "chain.next"}),
    };
    h.store.create_rule(rule, "test").await.unwrap();
    let granted = grant(json!({"events": ["chain.*"]}));
    for probe in PROBES {
        let run = h.run(probe, &granted, &[emit("chain.next")]).await;
        let emitted = ok(&run.only());
        assert_eq!(emitted["simulated"], json!(false));
        let id = emitted["id"].as_str().unwrap();
        let event = h.store.event(id).await.unwrap().unwrap();
        assert_eq!(
            (event.source.as_str(), event.kind.as_str()),
            ("runbook", "chain.next")
        );
        assert_eq!(event.payload, Some(json!({"broker": 3})));
        assert_eq!(event.depth, 1);
        assert_eq!(event.emitted_by.as_deref(), Some(run.execution_id.as_str()));
        let fired = h.store.executions_for_event(id).await.unwrap();
        assert_eq!(fired.len(), 1, "the rule fired on the emitted event");
        assert_eq!(fired[0].runbook_id, h.runbook_id(Probe::Rust));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kinds_outside_the_grant_are_denied() {
    let h = Harness::start(None, Providers::default()).await;
    let granted = grant(json!({"events": ["chain.*"]}));
    for probe in PROBES {
        let run = h.run(probe, &granted, &[emit("page.everyone")]).await;
        assert_eq!(error_kind(&run.only()), "denied", "{probe:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn chains_stop_at_the_depth_limit() {
    let h = Harness::start(None, Providers::default()).await;
    let granted = grant(json!({"events": ["chain.*"]}));
    let limit = h.services.limits.max_event_depth;
    for probe in PROBES {
        let calls = [emit("chain.next")];
        let id = h.queue(probe, &calls, false).await;
        // Started by an event that is itself at the limit.
        let run = h
            .attempt(probe, &id, &calls, &granted, false, 1, limit)
            .await;
        let result = run.only();
        assert_eq!(error_kind(&result), "too_large", "{probe:?}");
        assert!(
            result["error"]["message"]
                .as_str()
                .unwrap()
                .contains("depth")
        );
        let id = h.queue(probe, &calls, false).await;
        let run = h
            .attempt(probe, &id, &calls, &granted, false, 1, limit - 1)
            .await;
        assert!(
            run.only().get("ok").is_some(),
            "one below the limit still emits"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dry_run_emits_nothing() {
    let h = Harness::start(None, Providers::default()).await;
    let granted = grant(json!({"events": ["chain.*"]}));
    for probe in PROBES {
        let run = h.dry_run(probe, &granted, &[emit("chain.next")]).await;
        assert_eq!(
            ok(&run.only()),
            json!({"id": "", "simulated": true}),
            "{probe:?}"
        );
        let audit = h.audit(&run.execution_id).await;
        assert_eq!(audit[0].outcome, "simulated");
    }
    let emitted = h.store.recent_events("processed", 100).await.unwrap();
    assert!(
        emitted.iter().all(|e| e.source != "runbook"),
        "no runbook event was committed"
    );
}
