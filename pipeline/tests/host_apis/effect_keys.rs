//! Explicit idempotency keys (`wolfe:runbook/effects`) from both probes,
//! paging a PagerDuty peer through the real store: once per key across
//! executions, per runbook, until the key expires; racing executions page
//! once; failures free the key; dry-run claims nothing.

use std::sync::Arc;
use std::time::Duration;

use serde_json::{Value, json};
use wolfe_host_apis::HostLimits;
use wolfe_host_apis::providers::Providers;
use wolfe_host_apis::providers::notify::NotifyProvider;
use wolfe_store::{EffectKeyClaim, EffectKeyScope, EffectKeyState};
use wolfe_testkit::peers::pagerduty::PagerDuty;

use crate::support::*;

async fn harness(pagerduty: &PagerDuty, limits: HostLimits) -> Harness {
    let config = serde_json::from_value(json!({
        "targets": {
            "pager": {"kind": "pagerduty", "routing_key": "R0UT1NGKEY0123456789ABCDEFGHIJKL", "url": pagerduty.url()},
        },
    }))
    .unwrap();
    let providers = Providers {
        notify: Some(Arc::new(NotifyProvider::new(config).unwrap())),
        ..Providers::default()
    };
    Harness::start_with(None, providers, limits).await
}

fn pager() -> wolfe_engine::Grant {
    grant(json!({"notify": ["pager"]}))
}

fn keyed(key: &str, ttl_seconds: Option<u32>) -> Value {
    call(
        "effects.set_idempotency_key",
        json!({"key": key, "ttl_seconds": ttl_seconds}),
    )
}

fn page(summary: &str) -> Value {
    call(
        "notify.page_trigger",
        json!({"target": "pager", "summary": summary, "severity": "critical", "source": "kafka-3", "dedup_key": null, "details": null}),
    )
}

/// Pages once under `key`: what a runbook paging per incident does.
fn page_once(key: &str, ttl_seconds: Option<u32>) -> [Value; 2] {
    [keyed(key, ttl_seconds), page("kafka down")]
}

/// (outcome, idempotency key) of each side effect in the trail.
async fn trail(h: &Harness, execution_id: &str) -> Vec<(String, Option<String>)> {
    h.audit(execution_id)
        .await
        .into_iter()
        .map(|c| (c.outcome, c.idempotency_key))
        .collect()
}

fn keyed_as(outcome: &str, key: &str) -> (String, Option<String>) {
    (outcome.into(), Some(key.into()))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_execution_with_the_key_gets_the_first_ones_page() {
    let pagerduty = PagerDuty::start().unwrap();
    let h = harness(&pagerduty, HostLimits::default()).await;
    let calls = page_once("incident-42", None);
    let first = h.run(Probe::Python, &pager(), &calls).await;
    let second = h.run(Probe::Rust, &pager(), &calls).await;
    let again = h.run(Probe::Python, &pager(), &calls).await;
    let again_rust = h.run(Probe::Rust, &pager(), &calls).await;
    assert_eq!(ok(&first.results()[0]), json!(null));
    assert_eq!(
        pagerduty.events().len(),
        2,
        "one page per runbook: the key's text is the runbooks' own"
    );
    assert_eq!(ok(&again.results()[1]), ok(&first.results()[1]));
    assert_eq!(ok(&again_rust.results()[1]), ok(&second.results()[1]));
    assert_ne!(
        ok(&first.results()[1])["dedup_key"],
        ok(&second.results()[1])["dedup_key"]
    );
    assert_eq!(
        trail(&h, &first.execution_id).await,
        [keyed_as("succeeded", "incident-42")]
    );
    assert_eq!(
        trail(&h, &again.execution_id).await,
        [keyed_as("replayed", "incident-42")]
    );
    assert_eq!(
        trail(&h, &again_rust.execution_id).await,
        [keyed_as("replayed", "incident-42")]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_expired_key_pages_again() {
    let pagerduty = PagerDuty::start().unwrap();
    let h = harness(&pagerduty, HostLimits::default()).await;
    // Long enough for a second run under load, short enough to wait out.
    let calls = page_once("incident-42", Some(4));
    for probe in PROBES {
        h.run(probe, &pager(), &calls).await;
        h.run(probe, &pager(), &calls).await;
    }
    assert_eq!(pagerduty.events().len(), 2, "replayed within the ttl");
    tokio::time::sleep(Duration::from_millis(4_100)).await;
    for probe in PROBES {
        let run = h.run(probe, &pager(), &calls).await;
        assert_eq!(
            trail(&h, &run.execution_id).await,
            [keyed_as("succeeded", "incident-42")],
            "{probe:?}"
        );
    }
    assert_eq!(pagerduty.events().len(), 4);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn racing_executions_with_one_key_page_once() {
    let pagerduty = PagerDuty::start().unwrap();
    // Slow enough that every execution claims while the first still pages.
    pagerduty.answer_after(Duration::from_millis(300));
    // Waiting long: what is tested is that they act once, not how long a
    // loaded machine takes to finish the winner's call.
    let limits = HostLimits {
        effect_key_wait_ms: 60_000,
        ..HostLimits::default()
    };
    let h = Arc::new(harness(&pagerduty, limits).await);
    let calls = page_once("storm", None);
    let mut ids = Vec::new();
    for probe in PROBES {
        for _ in 0..4 {
            ids.push((probe, h.queue(probe, &calls, false).await));
        }
    }
    let mut runs = tokio::task::JoinSet::new();
    for (probe, id) in ids {
        let (h, calls) = (h.clone(), calls.clone());
        runs.spawn(async move {
            let run = h.attempt(probe, &id, &calls, &pager(), false, 1, 0).await;
            (probe, run)
        });
    }
    let mut answers = Vec::new();
    while let Some(joined) = runs.join_next().await {
        let (probe, run) = joined.unwrap();
        let paged = ok(&run.results()[1]);
        let outcomes = trail(&h, &run.execution_id).await;
        answers.push((probe, paged, outcomes));
    }
    assert_eq!(pagerduty.events().len(), 2, "one page per runbook");
    for probe in PROBES {
        let mine: Vec<_> = answers.iter().filter(|a| a.0 == probe).collect();
        assert!(
            mine.iter().all(|a| a.1 == mine[0].1),
            "{probe:?}: one answer"
        );
        let performed = mine
            .iter()
            .filter(|a| a.2 == [keyed_as("succeeded", "storm")])
            .count();
        let replayed = mine
            .iter()
            .filter(|a| a.2 == [keyed_as("replayed", "storm")])
            .count();
        assert_eq!((performed, replayed), (1, 3), "{probe:?}: {answers:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dry_run_claims_no_key() {
    let pagerduty = PagerDuty::start().unwrap();
    let h = harness(&pagerduty, HostLimits::default()).await;
    let calls = page_once("incident-42", None);
    for probe in PROBES {
        let dry = h.dry_run(probe, &pager(), &calls).await;
        assert_eq!(ok(&dry.results()[1])["simulated"], json!(true));
        assert_eq!(
            trail(&h, &dry.execution_id).await,
            [keyed_as("simulated", "incident-42")]
        );
        let real = h.run(probe, &pager(), &calls).await;
        assert_eq!(
            trail(&h, &real.execution_id).await,
            [keyed_as("succeeded", "incident-42")],
            "{probe:?}: the key was free"
        );
    }
    assert_eq!(pagerduty.events().len(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_call_frees_the_key() {
    let pagerduty = PagerDuty::start().unwrap();
    let h = harness(&pagerduty, HostLimits::default()).await;
    let calls = page_once("incident-42", None);
    for probe in PROBES {
        pagerduty.fail_with(500);
        let failed = h.run(probe, &pager(), &calls).await;
        assert_eq!(error_kind(&failed.results()[1]), "unavailable", "{probe:?}");
        assert_eq!(
            trail(&h, &failed.execution_id).await,
            [keyed_as("failed", "incident-42")]
        );
        pagerduty.answer_normally();
        let retried = h.run(probe, &pager(), &calls).await;
        assert!(retried.results()[1].get("ok").is_some(), "{probe:?}");
    }
    assert_eq!(pagerduty.events().len(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_key_covers_the_next_side_effect_whatever_becomes_of_it() {
    let pagerduty = PagerDuty::start().unwrap();
    let h = harness(&pagerduty, HostLimits::default()).await;
    let granted = grant(json!({"notify": ["pager"], "kv": "runbook"}));
    for probe in PROBES {
        // A read leaves the key set; the first page takes it, the second
        // page runs under its per-execution key.
        let calls = [
            keyed("k", None),
            call("kv.get", json!({"scope": "runbook", "key": "a"})),
            page("first"),
            page("second"),
        ];
        let first = h.run(probe, &granted, &calls).await;
        let second = h.run(probe, &granted, &calls).await;
        assert_eq!(
            trail(&h, &second.execution_id).await,
            [
                keyed_as("replayed", "k"),
                keyed_as("succeeded", &format!("{}:2", second.execution_id)),
            ],
            "{probe:?}"
        );
        assert_eq!(ok(&second.results()[2]), ok(&first.results()[2]));
        // A denied call takes the key too (recorded with it) and claims
        // nothing: the page after it is not keyed, and the key stays free.
        let calls = [
            keyed("d", None),
            call("notify.chat", json!({"target": "ops-chat", "text": "t"})),
            page("third"),
        ];
        let denied = h.run(probe, &granted, &calls).await;
        assert_eq!(error_kind(&denied.results()[1]), "denied");
        assert_eq!(
            trail(&h, &denied.execution_id).await,
            [
                keyed_as("denied", "d"),
                keyed_as("succeeded", &format!("{}:2", denied.execution_id)),
            ]
        );
        let free = h.run(probe, &granted, &page_once("d", None)).await;
        assert_eq!(
            trail(&h, &free.execution_id).await,
            [keyed_as("succeeded", "d")]
        );
        // A key already done for a page cannot answer a chat.
        let calls = [
            keyed("k", None),
            call("notify.chat", json!({"target": "pager", "text": "t"})),
        ];
        let other = h
            .run(probe, &grant(json!({"notify": ["pager"]})), &calls)
            .await;
        assert_eq!(error_kind(&other.results()[1]), "invalid", "{probe:?}");
    }
    assert_eq!(pagerduty.events().len(), 2 * 5);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_keys_are_invalid() {
    let pagerduty = PagerDuty::start().unwrap();
    let h = harness(&pagerduty, HostLimits::default()).await;
    let calls = [
        keyed("", None),
        keyed(&"k".repeat(257), None),
        keyed("k", Some(0)),
        keyed(&"k".repeat(256), Some(1)),
    ];
    for probe in PROBES {
        let results = h.run(probe, &pager(), &calls).await.results();
        let kinds: Vec<String> = results
            .iter()
            .map(|r| r.get("error").map_or("ok".into(), |_| error_kind(r)))
            .collect();
        assert_eq!(kinds, ["invalid", "invalid", "invalid", "ok"], "{probe:?}");
        assert_eq!(
            results[1]["error"]["message"],
            json!("idempotency key of 257 bytes exceeds the limit of 256")
        );
    }
}

/// Claims `key` in the store as `execution_id`'s attempt 1 would have
/// before dying mid-call.
async fn left_pending(h: &Harness, probe: Probe, key: &str, execution_id: &str) {
    let claimed = h
        .store
        .claim_effect_key(&EffectKeyClaim {
            scope: scope(probe, key),
            execution_id: execution_id.into(),
            attempt: 1,
            interface: "notify".into(),
            operation: "page_trigger".into(),
            hold_ms: 300_000,
        })
        .await
        .unwrap();
    assert_eq!(claimed, EffectKeyState::Claimed);
}

fn scope(probe: Probe, key: &str) -> EffectKeyScope {
    EffectKeyScope {
        team: TEAM.into(),
        runbook: probe.runbook().into(),
        environment: ENV.into(),
        key: key.into(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_key_left_pending_is_waited_for_then_taken_over_by_its_own_execution() {
    let pagerduty = PagerDuty::start().unwrap();
    let limits = HostLimits {
        effect_key_wait_ms: 500,
        ..HostLimits::default()
    };
    let h = harness(&pagerduty, limits).await;
    let calls = page_once("incident-42", None);
    for probe in PROBES {
        let crashed = h.queue(probe, &calls, false).await;
        left_pending(&h, probe, "incident-42", &crashed).await;
        // Another execution waits for the claim, then gives up.
        let other = h.run(probe, &pager(), &calls).await;
        let result = &other.results()[1];
        assert_eq!(error_kind(result), "unavailable", "{probe:?}");
        let message = result["error"]["message"].as_str().unwrap();
        assert!(
            message.contains(&format!("held by execution {crashed}")),
            "{message}"
        );
        assert_eq!(
            trail(&h, &other.execution_id).await,
            [keyed_as("failed", "incident-42")]
        );
        // The crashed execution's retry takes its claim over and pages.
        let retry = h
            .attempt(probe, &crashed, &calls, &pager(), false, 2, 0)
            .await;
        assert!(retry.results()[1].get("ok").is_some(), "{probe:?}");
        assert_eq!(
            trail(&h, &crashed).await,
            [keyed_as("succeeded", "incident-42")]
        );
    }
    assert_eq!(pagerduty.events().len(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_call_waiting_for_another_execution_gets_its_result() {
    let pagerduty = PagerDuty::start().unwrap();
    let h = harness(&pagerduty, HostLimits::default()).await;
    let calls = page_once("incident-42", None);
    for probe in PROBES {
        let holder = h.queue(probe, &calls, false).await;
        left_pending(&h, probe, "incident-42", &holder).await;
        let store = h.store.clone();
        let finisher = tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(400)).await;
            let finished = store
                .finish_effect_key(
                    &scope(probe, "incident-42"),
                    &holder,
                    1,
                    &json!({"dedup_key": "paged-by-the-holder"}),
                    None,
                )
                .await
                .unwrap();
            assert!(finished);
        });
        let waiter = h.run(probe, &pager(), &calls).await;
        finisher.await.unwrap();
        assert_eq!(
            ok(&waiter.results()[1]),
            json!({"dedup_key": "paged-by-the-holder", "simulated": false}),
            "{probe:?}"
        );
        assert_eq!(
            trail(&h, &waiter.execution_id).await,
            [keyed_as("replayed", "incident-42")]
        );
    }
    assert!(pagerduty.events().is_empty());
}
