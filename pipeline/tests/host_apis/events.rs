//! Emitting events: into the pipeline with their chain depth, cut at the
//! depth limit, once even when a retried attempt emits again.

use std::sync::Arc;
use std::time::Duration;

use serde_json::json;
use wolfe_engine::Services;
use wolfe_host_apis::CallerIdentity;
use wolfe_host_apis::ledger::{CallRecord, Claim, EffectLedger, KeyClaim};
use wolfe_host_apis::providers::Providers;
use wolfe_pipeline::host::{StoreLedger, store_services};

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

/// The store's ledger, but attempt 1's calls go unrecorded: as if its
/// runner died right after the emit committed the event.
struct LosesFirstAttempt(StoreLedger);

#[async_trait::async_trait]
impl EffectLedger for LosesFirstAttempt {
    async fn replay(
        &self,
        caller: &CallerIdentity,
        key: &str,
    ) -> Result<Option<serde_json::Value>, String> {
        self.0.replay(caller, key).await
    }

    async fn record(&self, caller: &CallerIdentity, record: &CallRecord) -> Result<(), String> {
        if caller.attempt == 1 {
            return Ok(());
        }
        self.0.record(caller, record).await
    }

    async fn claim_key(
        &self,
        caller: &CallerIdentity,
        claim: &KeyClaim<'_>,
    ) -> Result<Claim, String> {
        self.0.claim_key(caller, claim).await
    }

    async fn finish_key(
        &self,
        caller: &CallerIdentity,
        key: &str,
        result: &serde_json::Value,
        ttl: Option<Duration>,
    ) -> Result<(), String> {
        self.0.finish_key(caller, key, result, ttl).await
    }

    async fn release_key(&self, caller: &CallerIdentity, key: &str) -> Result<(), String> {
        self.0.release_key(caller, key).await
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_retried_attempt_that_emits_again_yields_one_event() {
    let mut h = Harness::start(None, Providers::default()).await;
    h.services = Arc::new(Services {
        ledger: Arc::new(LosesFirstAttempt(StoreLedger::new(h.store.clone()))),
        ..store_services(&h.store, h.intake.clone(), None, Default::default())
    });
    let granted = grant(json!({"events": ["chain.*"]}));
    for probe in PROBES {
        let calls = [emit("chain.next")];
        let id = h.queue(probe, &calls, false).await;
        let first = h.attempt(probe, &id, &calls, &granted, false, 1, 0).await;
        assert!(h.audit(&id).await.is_empty(), "attempt 1 left no record");
        // With no record to replay, attempt 2 emits again...
        let second = h.attempt(probe, &id, &calls, &granted, false, 2, 0).await;
        assert_eq!(
            ok(&second.only())["id"],
            ok(&first.only())["id"],
            "{probe:?}: ...and gets the event attempt 1 committed"
        );
        let outcomes: Vec<String> = h.audit(&id).await.into_iter().map(|c| c.outcome).collect();
        assert_eq!(outcomes, ["succeeded"]);
        let emitted = h.store.recent_events("processed", 100).await.unwrap();
        let mine = emitted
            .iter()
            .filter(|e| e.emitted_by.as_deref() == Some(id.as_str()))
            .count();
        assert_eq!(mine, 1, "{probe:?}: one event");
    }
}
