//! Secrets: granted by name, never visible in logs, outputs or the audit.

use serde_json::json;
use wolfe_host_apis::providers::Providers;

use crate::support::*;

const VALUE: &str = "hunter2-correct-horse";

async fn harness_with_secret() -> Harness {
    let h = Harness::start(None, Providers::default()).await;
    let cipher = wolfe_store::SecretCipher::from_hex(&"11".repeat(32)).unwrap();
    h.store
        .put_secret(&cipher, &h.team_id, ENV, "db-password", VALUE, "test")
        .await
        .unwrap();
    h
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_granted_secret_is_read_but_never_leaves_in_output_or_logs() {
    let h = harness_with_secret().await;
    let granted = grant(json!({"secrets": ["db-password"], "kv": "runbook"}));
    for probe in PROBES {
        let calls = [
            call("secrets.get", json!({"name": "db-password"})),
            // A runbook that logs and prints the secret, and uses it as a key.
            call(
                "log.info",
                json!({"message": format!("connecting with {VALUE}")}),
            ),
            call(
                "kv.set",
                json!({"scope": "runbook", "key": VALUE, "value": "x", "ttl_seconds": null}),
            ),
        ];
        let run = h.run(probe, &granted, &calls).await;
        let results = run.results();
        assert_eq!(
            ok(&results[0]),
            json!("[redacted]"),
            "{probe:?}: output redacted"
        );
        let everything = format!(
            "{} {:?} {:?}",
            serde_json::to_string(&run.result.output).unwrap(),
            run.result.logs,
            h.audit(&run.execution_id).await
        );
        assert!(!everything.contains(VALUE), "{probe:?}: {everything}");
        let log = &run.result.logs.records;
        assert!(
            log.iter()
                .any(|r| r.message == "connecting with [redacted]"),
            "{probe:?}: {log:?}"
        );
        assert_eq!(
            log.iter()
                .filter(|r| r.message.contains("[redacted]"))
                .count(),
            2,
            "{probe:?}: the log record and the printed line: {log:?}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn secrets_outside_the_grant_or_missing_are_refused() {
    let h = harness_with_secret().await;
    let other = grant(json!({"secrets": ["api-token"]}));
    for probe in PROBES {
        let run = h
            .run(
                probe,
                &other,
                &[call("secrets.get", json!({"name": "db-password"}))],
            )
            .await;
        assert_eq!(error_kind(&run.only()), "denied", "{probe:?}");
        let run = h
            .run(
                probe,
                &other,
                &[call("secrets.get", json!({"name": "api-token"}))],
            )
            .await;
        assert_eq!(
            error_kind(&run.only()),
            "not_found",
            "{probe:?}: granted but unset"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn secrets_are_encrypted_at_rest() {
    let h = harness_with_secret().await;
    let wrong = wolfe_store::SecretCipher::from_hex(&"22".repeat(32)).unwrap();
    let read = h.store.secret(&wrong, TEAM, ENV, "db-password").await;
    assert!(read.is_err(), "another key cannot decrypt it");
    let right = wolfe_store::SecretCipher::from_hex(&"11".repeat(32)).unwrap();
    let read = h
        .store
        .secret(&right, TEAM, ENV, "db-password")
        .await
        .unwrap();
    assert_eq!(read.as_deref(), Some(VALUE));
}
