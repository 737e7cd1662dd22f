use serde_json::json;
use wolfe_ingest::{Format, MAX_EVENTS_PER_BODY, SourceConfig};

use crate::support::{accept, fixture, reject, source};

fn with_paths(kind_path: Option<&str>, id_path: Option<&str>) -> SourceConfig {
    SourceConfig {
        kind_path: kind_path.map(Into::into),
        id_path: id_path.map(Into::into),
        ..source(Format::Generic)
    }
}

#[test]
fn an_object_is_one_event_with_the_payload_unchanged() {
    let body = fixture("generic/deploy.json");
    let events = accept(&source(Format::Generic), &body);

    assert_eq!(events.len(), 1);
    assert_eq!(events[0].kind, "event");
    assert_eq!(events[0].dedupe_key, None);
    assert_eq!(
        events[0].payload,
        serde_json::from_slice::<serde_json::Value>(&body).unwrap()
    );
}

#[test]
fn kind_and_id_come_from_the_configured_pointers() {
    let config = with_paths(Some("/type"), Some("/id"));
    let events = accept(&config, &fixture("generic/deploy.json"));
    assert_eq!(events[0].kind, "deploy.finished");
    assert_eq!(events[0].dedupe_key.as_deref(), Some("deploy-8841"));

    let nested = br#"{"meta": {"event": {"type": "backup.done", "seq": 7}}}"#;
    let config = with_paths(Some("/meta/event/type"), Some("/meta/event/seq"));
    let events = accept(&config, nested);
    assert_eq!(events[0].kind, "backup.done");
    assert_eq!(events[0].dedupe_key.as_deref(), Some("7"));
}

#[test]
fn an_array_is_one_event_per_element_in_order() {
    let config = with_paths(Some("/type"), Some("/id"));
    let events = accept(&config, &fixture("generic/batch.json"));

    let summary: Vec<_> = events
        .iter()
        .map(|e| {
            (
                e.kind.as_str(),
                e.dedupe_key.as_deref().unwrap(),
                e.payload["job"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            ("job.failed", "9001", "nightly-billing"),
            ("job.failed", "9002", "nightly-reports"),
            ("job.succeeded", "9003", "nightly-backup"),
        ]
    );
}

#[test]
fn the_batch_limit_is_inclusive_and_enforced() {
    let config = source(Format::Generic);
    let batch = |n: usize| serde_json::to_vec(&vec![json!({"n": 1}); n]).unwrap();

    assert_eq!(
        accept(&config, &batch(MAX_EVENTS_PER_BODY)).len(),
        MAX_EVENTS_PER_BODY
    );
    assert_eq!(
        reject(&config, &batch(MAX_EVENTS_PER_BODY + 1)),
        "body: array of 1001 events exceeds the limit of 1000 per body"
    );
    assert!(accept(&config, b"[]").is_empty());
}

#[test]
fn every_rejection_is_precise() {
    let plain = source(Format::Generic);
    let paths = with_paths(Some("/type"), Some("/id"));
    let cases: [(&SourceConfig, &str, &str); 14] = [
        (
            &plain,
            "42",
            "body: expected a JSON object or an array of objects, got a number",
        ),
        (
            &plain,
            "\"hello\"",
            "body: expected a JSON object or an array of objects, got a string",
        ),
        (
            &plain,
            "null",
            "body: expected a JSON object or an array of objects, got null",
        ),
        (
            &plain,
            r#"[{"a": 1}, [], {"b": 2}]"#,
            "[1]: expected an object, got an array",
        ),
        (&paths, r#"{"id": "x"}"#, "/type: not found (kind_path)"),
        (
            &paths,
            r#"{"type": null, "id": "x"}"#,
            "/type: not found (kind_path)",
        ),
        (
            &paths,
            r#"[{"type": "a", "id": 1}, {"type": 7, "id": 2}]"#,
            "[1]/type: expected a string for the event kind, got a number",
        ),
        (
            &paths,
            r#"{"type": "", "id": "x"}"#,
            "/type: the event kind must not be empty",
        ),
        (
            &paths,
            r#"{"type": "a\nb", "id": "x"}"#,
            "/type: the event kind contains control characters",
        ),
        (&paths, r#"{"type": "a"}"#, "/id: not found (id_path)"),
        (
            &paths,
            r#"{"type": "a", "id": ""}"#,
            "/id: the event id must not be empty",
        ),
        (
            &paths,
            r#"{"type": "a", "id": 1.5}"#,
            "/id: expected a string or an integer for the event id, got a number",
        ),
        (
            &paths,
            r#"{"type": "a", "id": {"v": 1}}"#,
            "/id: expected a string or an integer for the event id, got an object",
        ),
        (
            &paths,
            r#"[{"type": "a", "id": 1}, {"type": "b", "id": 2}, {"type": "c"}]"#,
            "[2]/id: not found (id_path)",
        ),
    ];
    for (config, body, expected) in cases {
        assert_eq!(reject(config, body.as_bytes()), expected, "{body}");
    }
}

#[test]
fn kinds_and_ids_are_bounded() {
    let config = with_paths(Some("/type"), Some("/id"));
    let ok = json!({"type": "k".repeat(128), "id": "i".repeat(512)});
    assert_eq!(accept(&config, ok.to_string().as_bytes()).len(), 1);

    let long_kind = json!({"type": "k".repeat(129), "id": "x"});
    assert_eq!(
        reject(&config, long_kind.to_string().as_bytes()),
        "/type: the event kind is longer than 128 bytes"
    );
    let long_id = json!({"type": "k", "id": "i".repeat(513)});
    assert_eq!(
        reject(&config, long_id.to_string().as_bytes()),
        "/id: the event id is longer than 512 bytes"
    );
}
