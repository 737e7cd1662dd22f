//! What the store's test files share: a team with one runbook deployed in
//! dev, events, planned executions and results.
// Each test file uses its own part of it.
#![allow(dead_code)]

use serde_json::json;
use wolfe_store::{
    DroppedLog, Finished, LogLine, NewEvent, NewExecution, NewRunbook, NewVersion, Store, new_id,
    now_ms,
};

/// A store on a fresh database: SQLite in a temporary directory, or the
/// PostgreSQL database `url` names.
pub struct Db {
    pub store: Store,
    pub url: String,
    _dir: tempfile::TempDir,
}

pub async fn open(url: Option<String>) -> Db {
    let dir = tempfile::tempdir().unwrap();
    let url = url.unwrap_or_else(|| format!("sqlite://{}", dir.path().join("wolfe.db").display()));
    Db {
        store: Store::open(&url).await.unwrap(),
        url,
        _dir: dir,
    }
}

pub struct Seeded {
    pub runbook_id: String,
    pub version_id: String,
}

pub async fn seed(store: &Store, max_attempts: i64, concurrency_limit: i64) -> Seeded {
    let team = store
        .create_team(&format!("sre-{}", new_id()))
        .await
        .unwrap();
    let runbook = store
        .create_runbook(NewRunbook {
            team_id: team.id,
            name: "kafka-broker-offline".into(),
            description: None,
            max_attempts,
            concurrency_limit,
            quotas: json!({"fuel": 1000}),
        })
        .await
        .unwrap();
    store
        .put_artifact("abc123", b"\0asm component")
        .await
        .unwrap();
    let version = store
        .create_version(NewVersion {
            runbook_id: runbook.id.clone(),
            artifact_sha256: "abc123".into(),
            language: "python".into(),
            source: Some("print('hi')".into()),
            author: "alice".into(),
            message: "first".into(),
            capabilities: None,
            build_log: None,
        })
        .await
        .unwrap();
    store
        .deploy(&runbook.id, "dev", &version.id, "alice")
        .await
        .unwrap();
    Seeded {
        runbook_id: runbook.id,
        version_id: version.id,
    }
}

pub fn event(dedupe: &str) -> NewEvent {
    NewEvent {
        id: new_id(),
        environment: "dev".into(),
        source: "alertmanager".into(),
        kind: "alert.firing".into(),
        dedupe_key: Some(dedupe.into()),
        payload: json!({"labels": {"broker": "3"}}),
        received_at: now_ms(),
        depth: 0,
        emitted_by: None,
    }
}

pub fn planned(seeded: &Seeded, event: &NewEvent, rule_id: &str) -> NewExecution {
    NewExecution {
        runbook_id: seeded.runbook_id.clone(),
        rule_id: Some(rule_id.into()),
        trigger_event_id: Some(event.id.clone()),
        params: json!({"broker": 3}),
        dry_run: false,
        event_ids: vec![event.id.clone()],
        correlation: None,
    }
}

pub fn finished(id: &str, runner: &str, attempt: i64) -> Finished {
    Finished {
        id: id.into(),
        runner: runner.into(),
        attempt,
        outcome: "succeeded".into(),
        output: Some(json!({"action": "restart_broker"})),
        error_message: None,
        error_detail: None,
        fuel_consumed: 1_600_000,
        peak_memory_bytes: 13 << 20,
        wall_time_us: 900,
        logs: vec![LogLine {
            attempt,
            seq: 0,
            at_ms: 1,
            level: "info".into(),
            stream: "log".into(),
            message: "diagnosing".into(),
            fields: Some(json!({"broker": 3})),
        }],
        log_dropped: DroppedLog::default(),
    }
}
