//! kv from both probes, on SQLite and PostgreSQL.

use serde_json::json;
use wolfe_host_apis::providers::Providers;

use crate::support::*;

async fn harness(url: Option<String>) -> Harness {
    Harness::start(url, Providers::default()).await
}

async fn round_trip(h: Harness) {
    let granted = grant(json!({"kv": "runbook"}));
    for probe in PROBES {
        let calls = [
            call(
                "kv.set",
                json!({"scope": "runbook", "key": "broker/3", "value": "offline", "ttl_seconds": null}),
            ),
            call("kv.get", json!({"scope": "runbook", "key": "broker/3"})),
            call(
                "kv.compare_and_set",
                json!({"scope": "runbook", "key": "broker/3", "expected": "offline", "value": "draining", "ttl_seconds": null}),
            ),
            call(
                "kv.compare_and_set",
                json!({"scope": "runbook", "key": "broker/3", "expected": "offline", "value": "lost", "ttl_seconds": null}),
            ),
            call(
                "kv.compare_and_set",
                json!({"scope": "runbook", "key": "lock", "expected": null, "value": "me", "ttl_seconds": 60}),
            ),
            call(
                "kv.compare_and_set",
                json!({"scope": "runbook", "key": "lock", "expected": null, "value": "you", "ttl_seconds": 60}),
            ),
            call(
                "kv.scan",
                json!({"scope": "runbook", "prefix": "broker/", "limit": 10}),
            ),
            call("kv.delete", json!({"scope": "runbook", "key": "broker/3"})),
            call("kv.get", json!({"scope": "runbook", "key": "broker/3"})),
        ];
        let results = h.run(probe, &granted, &calls).await.results();
        assert_eq!(ok(&results[0]), json!({"simulated": false}), "{probe:?}");
        assert_eq!(ok(&results[1]), json!("offline"), "{probe:?}");
        assert_eq!(
            ok(&results[2]),
            json!({"swapped": true, "simulated": false})
        );
        assert_eq!(
            ok(&results[3]),
            json!({"swapped": false, "simulated": false})
        );
        assert_eq!(
            ok(&results[4])["swapped"],
            json!(true),
            "lock taken when absent"
        );
        assert_eq!(
            ok(&results[5])["swapped"],
            json!(false),
            "lock already held"
        );
        assert_eq!(
            ok(&results[6]),
            json!([{"key": "broker/3", "value": "draining"}])
        );
        assert_eq!(ok(&results[8]), json!(null), "{probe:?}: deleted");
    }
}

async fn scopes_keep_runbooks_apart_and_teams_together(h: Harness) {
    let team = grant(json!({"kv": "team"}));
    let set = |scope: &str| {
        call(
            "kv.set",
            json!({"scope": scope, "key": "k", "value": format!("{scope}-value"), "ttl_seconds": null}),
        )
    };
    h.run(Probe::Python, &team, &[set("runbook"), set("team")])
        .await;
    let get = |scope: &str| call("kv.get", json!({"scope": scope, "key": "k"}));
    let results = h
        .run(Probe::Rust, &team, &[get("runbook"), get("team")])
        .await
        .results();
    assert_eq!(ok(&results[0]), json!(null), "another runbook's own key");
    assert_eq!(
        ok(&results[1]),
        json!("team-value"),
        "the team's shared key"
    );
}

async fn expired_values_read_as_absent(h: Harness) {
    let granted = grant(json!({"kv": "runbook"}));
    let calls = [call(
        "kv.set",
        json!({"scope": "runbook", "key": "short", "value": "v", "ttl_seconds": 1}),
    )];
    h.run(Probe::Python, &granted, &calls).await;
    tokio::time::sleep(std::time::Duration::from_millis(1_100)).await;
    let get = [call("kv.get", json!({"scope": "runbook", "key": "short"}))];
    let run = h.run(Probe::Python, &granted, &get).await;
    assert_eq!(ok(&run.only()), json!(null));
}

wolfe_testkit::on_both_backends!(
    super::harness;
    round_trip,
    scopes_keep_runbooks_apart_and_teams_together,
    expired_values_read_as_absent,
);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kv_outside_the_grant_is_denied_and_recorded() {
    let h = harness(None).await;
    let runbook_only = grant(json!({"kv": "runbook"}));
    for probe in PROBES {
        let team_get = [call("kv.get", json!({"scope": "team", "key": "k"}))];
        let run = h.run(probe, &runbook_only, &team_get).await;
        assert_eq!(error_kind(&run.only()), "denied", "{probe:?}");
        let set = [call(
            "kv.set",
            json!({"scope": "runbook", "key": "k", "value": "v", "ttl_seconds": null}),
        )];
        let run = h.run(probe, &Default::default(), &set).await;
        assert_eq!(
            error_kind(&run.only()),
            "denied",
            "{probe:?}: nothing granted"
        );
        let audit = h.audit(&run.execution_id).await;
        assert_eq!(audit.len(), 1);
        assert_eq!(
            (
                audit[0].interface.as_str(),
                audit[0].operation.as_str(),
                audit[0].outcome.as_str()
            ),
            ("kv", "set", "denied")
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn oversized_values_are_refused() {
    let h = harness(None).await;
    let granted = grant(json!({"kv": "runbook"}));
    let big = "x".repeat(70_000);
    let calls = [call(
        "kv.set",
        json!({"scope": "runbook", "key": "k", "value": big, "ttl_seconds": null}),
    )];
    for probe in PROBES {
        let run = h.run(probe, &granted, &calls).await;
        assert_eq!(error_kind(&run.only()), "too_large", "{probe:?}");
    }
}
