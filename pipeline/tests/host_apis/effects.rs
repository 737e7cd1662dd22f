//! The rules every side effect follows: audited, simulated in dry-run,
//! never repeated by a retried attempt.

use serde_json::json;
use wolfe_host_apis::providers::Providers;

use crate::support::*;

fn set(key: &str, value: &str) -> serde_json::Value {
    call(
        "kv.set",
        json!({"scope": "runbook", "key": key, "value": value, "ttl_seconds": null}),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dry_run_records_side_effects_without_performing_them() {
    let h = Harness::start(None, Providers::default()).await;
    let granted = grant(json!({"kv": "runbook"}));
    for probe in PROBES {
        let calls = [
            set("mode", "drain"),
            call("kv.get", json!({"scope": "runbook", "key": "mode"})),
        ];
        let run = h.dry_run(probe, &granted, &calls).await;
        let results = run.results();
        assert_eq!(ok(&results[0]), json!({"simulated": true}), "{probe:?}");
        assert_eq!(
            ok(&results[1]),
            json!(null),
            "{probe:?}: reads happen, the write did not"
        );
        let audit = h.audit(&run.execution_id).await;
        assert_eq!(audit.len(), 1, "reads are not audited");
        assert_eq!(audit[0].outcome, "simulated");
        assert!(audit[0].side_effect);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_retried_attempt_gets_the_recorded_result_instead_of_acting_again() {
    let h = Harness::start(None, Providers::default()).await;
    let granted = grant(json!({"kv": "runbook"}));
    for probe in PROBES {
        // Attempt 1 takes the lock; its runner "dies" before reporting.
        let calls = [call(
            "kv.compare_and_set",
            json!({"scope": "runbook", "key": "lock", "expected": null, "value": "held", "ttl_seconds": null}),
        )];
        let id = h.queue(probe, &calls, false).await;
        let first = h.attempt(probe, &id, &calls, &granted, false, 1, 0).await;
        assert_eq!(ok(&first.only())["swapped"], json!(true));
        // Attempt 2 repeats the call: performed again it would find the
        // lock held and answer swapped=false.
        let second = h.attempt(probe, &id, &calls, &granted, false, 2, 0).await;
        assert_eq!(
            ok(&second.only())["swapped"],
            json!(true),
            "{probe:?}: replayed"
        );
        let outcomes: Vec<(i64, String)> = h
            .audit(&id)
            .await
            .into_iter()
            .map(|c| (c.attempt, c.outcome))
            .collect();
        assert_eq!(
            outcomes,
            vec![(1, "succeeded".into()), (2, "replayed".into())]
        );
        // A new execution is not a retry: it acts (and finds the lock held).
        let other = h.run(probe, &granted, &calls).await;
        assert_eq!(ok(&other.only())["swapped"], json!(false));
        let cleanup = [call(
            "kv.delete",
            json!({"scope": "runbook", "key": "lock"}),
        )];
        h.run(probe, &granted, &cleanup).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_audit_trail_names_each_side_effect() {
    let h = Harness::start(None, Providers::default()).await;
    let granted = grant(json!({"kv": "runbook"}));
    let calls = [
        set("a", "1"),
        set("b", "2"),
        call("kv.delete", json!({"scope": "runbook", "key": "a"})),
    ];
    let run = h.run(Probe::Rust, &granted, &calls).await;
    let audit = h.audit(&run.execution_id).await;
    let named: Vec<(String, String, Option<String>)> = audit
        .iter()
        .map(|c| {
            (
                c.operation.clone(),
                c.target.clone(),
                c.idempotency_key.clone(),
            )
        })
        .collect();
    let key = |n: u32| Some(format!("{}:{n}", run.execution_id));
    assert_eq!(
        named,
        vec![
            ("set".into(), "a".into(), key(1)),
            ("set".into(), "b".into(), key(2)),
            ("delete".into(), "a".into(), key(3)),
        ]
    );
    assert!(audit.iter().all(|c| c.outcome == "succeeded"));
}
