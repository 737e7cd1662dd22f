use serde_json::json;
use wolfe_ingest::Format;

use crate::support::{accept, edited, fixture, reject, source};

const TRIGGERED: &str = "atlas/triggered.json";

/// Wraps a message the way SNS delivers it to a subscribed queue.
fn sns(message: &serde_json::Value) -> Vec<u8> {
    json!({
        "Type": "Notification",
        "MessageId": "b1946ac9-2492-5d0a-8f1c-3a6c1e3f0c7d",
        "TopicArn": "arn:aws:sns:us-east-1:123456789012:atlas-alerts",
        "Message": message.to_string(),
        "Timestamp": "2024-05-01T11:40:00.512Z"
    })
    .to_string()
    .into_bytes()
}

#[test]
fn a_triggered_alert_becomes_one_normalized_event() {
    let events = accept(&source(Format::Atlas), &fixture(TRIGGERED));

    assert_eq!(events.len(), 1);
    let event = &events[0];
    assert_eq!(event.kind, "atlas.alert.triggered");
    assert_eq!(event.source, "test-source");
    let payload = &event.payload;
    assert_eq!(payload["alertId"], "3f2b9c4e-7a1d-4e8b-9c0f-5d6e7f8a9b0c");
    assert_eq!(payload["alertName"], "nccp-cpu-high");
    assert_eq!(payload["state"], "triggered");
    assert_eq!(payload["tags"]["nf.node"], "i-0a1b2c3d4e5f67890");
    assert_eq!(payload["tags"]["nf.asg"], "nccp-prod-v042");
    assert_eq!(payload["value"], 93.7);
    assert_eq!(payload["threshold"], 80);
    // Epoch milliseconds become RFC 3339 UTC.
    assert_eq!(payload["timestamp"], "2024-05-01T11:40:00Z");
    // Pinned: the fingerprint is part of stored dedupe keys, so changing
    // its encoding would let redeliveries across an upgrade through.
    // (First 8 bytes of SHA-256 over the sorted tags, each key and value
    // prefixed by its length as a little-endian u64.)
    assert_eq!(payload["fingerprint"], "986ef614b13ae7c6");
    assert_eq!(
        event.dedupe_key.as_deref(),
        Some(
            "3f2b9c4e-7a1d-4e8b-9c0f-5d6e7f8a9b0c:986ef614b13ae7c6:triggered:2024-05-01T11:40:00Z"
        )
    );
}

#[test]
fn the_sns_envelope_is_unwrapped_to_the_same_event() {
    let config = source(Format::Atlas);
    let raw = accept(&config, &fixture(TRIGGERED));
    let wrapped = accept(&config, &fixture("atlas/triggered-sns.json"));

    assert_eq!(raw, wrapped);
}

#[test]
fn a_cleared_alert_normalizes_state_and_keeps_unknown_fields() {
    let events = accept(&source(Format::Atlas), &fixture("atlas/cleared.json"));

    let event = &events[0];
    assert_eq!(event.kind, "atlas.alert.cleared");
    assert_eq!(event.payload["state"], "cleared");
    assert_eq!(event.payload["timestamp"], "2024-05-01T11:55:00Z");
    assert_eq!(event.payload["runbookHint"], "check GC logs first");
    assert!(
        event
            .dedupe_key
            .as_deref()
            .unwrap()
            .ends_with(":cleared:2024-05-01T11:55:00Z")
    );
}

#[test]
fn the_fingerprint_identifies_the_signal_not_the_order_of_its_tags() {
    let config = source(Format::Atlas);
    let triggered = &accept(&config, &fixture(TRIGGERED))[0];
    let cleared = &accept(&config, &fixture("atlas/cleared.json"))[0];
    assert_eq!(
        triggered.payload["fingerprint"],
        cleared.payload["fingerprint"]
    );

    // Same tags in another order: same signal.
    let reordered = r#"{"alertId": "a", "alertName": "n", "state": "triggered", "expression": "e",
        "timestamp": 1714563600000, "tags": {"nf.node": "i-1", "nf.app": "nccp"}}"#;
    let ordered = reordered.replace(
        r#""nf.node": "i-1", "nf.app": "nccp""#,
        r#""nf.app": "nccp", "nf.node": "i-1""#,
    );
    assert_ne!(reordered, ordered);
    assert_eq!(
        accept(&config, reordered.as_bytes())[0].dedupe_key,
        accept(&config, ordered.as_bytes())[0].dedupe_key
    );

    // Another instance of the same grouped policy at the same moment is a
    // different occurrence.
    let other_node = edited(TRIGGERED, |m| {
        m["tags"]["nf.node"] = json!("i-0fedcba9876543210")
    });
    let other = &accept(&config, &other_node)[0];
    assert_ne!(
        other.payload["fingerprint"],
        triggered.payload["fingerprint"]
    );
    assert_ne!(other.dedupe_key, triggered.dedupe_key);
}

#[test]
fn dedupe_keys_are_stable_across_redelivery_and_time_formats() {
    let config = source(Format::Atlas);
    let first = accept(&config, &fixture(TRIGGERED));
    let redelivered = accept(&config, &fixture(TRIGGERED));
    let as_text = accept(
        &config,
        &edited(TRIGGERED, |m| {
            m["timestamp"] = json!("2024-05-01T13:40:00.000+02:00")
        }),
    );
    assert_eq!(first[0].dedupe_key, redelivered[0].dedupe_key);
    assert_eq!(first[0].dedupe_key, as_text[0].dedupe_key);

    let later = accept(
        &config,
        &edited(TRIGGERED, |m| m["timestamp"] = json!(1714564200000_i64)),
    );
    assert_ne!(first[0].dedupe_key, later[0].dedupe_key);
}

#[test]
fn optional_fields_may_be_absent() {
    let body = json!({
        "alertId": "a-1",
        "alertName": "minimal",
        "state": "Triggered",
        "expression": "name,x,:eq,:sum,1,:gt",
        "tags": {},
        "timestamp": "2024-05-01T11:40:00Z"
    });
    let events = accept(&source(Format::Atlas), body.to_string().as_bytes());
    assert_eq!(events[0].kind, "atlas.alert.triggered");
    assert_eq!(events[0].payload.get("value"), None);
    assert_eq!(events[0].payload["tags"], json!({}));
}

#[test]
fn every_rejection_names_the_field() {
    let config = source(Format::Atlas);
    type Edit = fn(&mut serde_json::Value);
    let cases: [(Edit, &str); 14] = [
        (
            |m| {
                m.as_object_mut().unwrap().remove("alertId");
            },
            "body: missing field \"alertId\"",
        ),
        (
            |m| m["alertId"] = json!(42),
            "alertId: expected a string, got a number",
        ),
        (
            |m| m["alertId"] = json!("x".repeat(257)),
            "alertId: longer than 256 bytes",
        ),
        (
            |m| m["alertName"] = json!(""),
            "alertName: must not be empty",
        ),
        (
            |m| m["state"] = json!("firing"),
            "state: expected \"triggered\" or \"cleared\", got \"firing\"",
        ),
        (
            |m| {
                m.as_object_mut().unwrap().remove("expression");
            },
            "body: missing field \"expression\"",
        ),
        (
            |m| m["tags"] = json!(["nf.app", "nccp"]),
            "tags: expected an object, got an array",
        ),
        (
            |m| m["tags"]["nf.node"] = json!(null),
            "tags.nf.node: expected a string, got null",
        ),
        (
            |m| {
                m.as_object_mut().unwrap().remove("timestamp");
            },
            "body: missing field \"timestamp\"",
        ),
        (
            |m| m["timestamp"] = json!(1714563600),
            "timestamp: 1714563600 is not milliseconds since the epoch (seconds?)",
        ),
        (
            |m| m["timestamp"] = json!(1714563600000.5),
            "timestamp: expected integer milliseconds since the epoch, got 1714563600000.5",
        ),
        (
            |m| m["timestamp"] = json!("May 1st"),
            "timestamp: not an RFC 3339 timestamp: \"May 1st\"",
        ),
        (
            |m| m["value"] = json!("93.7"),
            "value: expected a number, got a string",
        ),
        (
            |m| m["link"] = json!({"href": "x"}),
            "link: expected a string, got an object",
        ),
    ];
    for (edit, expected) in cases {
        assert_eq!(reject(&config, &edited(TRIGGERED, edit)), expected);
    }
}

#[test]
fn rejections_inside_an_sns_envelope_point_into_the_message() {
    let config = source(Format::Atlas);
    let mut message: serde_json::Value = serde_json::from_slice(&fixture(TRIGGERED)).unwrap();
    message["tags"] = json!("nf.app=nccp");
    assert_eq!(
        reject(&config, &sns(&message)),
        "Message.tags: expected an object, got a string"
    );

    message.as_object_mut().unwrap().remove("state");
    message["tags"] = json!({});
    assert_eq!(
        reject(&config, &sns(&message)),
        "Message: missing field \"state\""
    );

    assert_eq!(
        reject(&config, &sns(&json!([1]))),
        "Message: expected an object, got an array"
    );
}

#[test]
fn a_broken_sns_envelope_is_rejected_precisely() {
    let config = source(Format::Atlas);
    let cases = [
        (
            json!({"Type": "SubscriptionConfirmation", "Message": "You have chosen to subscribe"}),
            "Type: expected an SNS \"Notification\", got \"SubscriptionConfirmation\" (only notifications carry a message)",
        ),
        (
            json!({"Type": "Notification"}),
            "body: missing field \"Message\"",
        ),
        (
            json!({"Type": "Notification", "Message": {"alertId": "a"}}),
            "Message: expected a string, got an object",
        ),
        (
            json!({"Type": "Notification", "Message": ""}),
            "Message: empty",
        ),
        (
            json!({"Type": 1, "Message": "{}"}),
            "Type: expected a string, got a number",
        ),
    ];
    for (body, expected) in cases {
        assert_eq!(reject(&config, body.to_string().as_bytes()), expected);
    }
    let not_json = json!({"Type": "Notification", "Message": "CPU high on nccp"});
    assert!(
        reject(&config, not_json.to_string().as_bytes())
            .starts_with("Message: not valid JSON: expected value at line 1 column 1"),
    );
}

#[test]
fn the_inner_message_cannot_nest_deeper_than_the_body() {
    let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
    let body = json!({"Type": "Notification", "Message": deep}).to_string();
    let message = reject(&source(Format::Atlas), body.as_bytes());
    assert!(
        message.starts_with("Message: not valid JSON: recursion limit exceeded"),
        "{message}"
    );
}
