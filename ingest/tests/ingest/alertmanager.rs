use serde_json::json;
use wolfe_ingest::Format;

use crate::support::{accept, edited, fixture, reject, source};

const FIRING: &str = "alertmanager/firing-group.json";

#[test]
fn every_alert_of_a_firing_group_becomes_one_event() {
    let events = accept(&source(Format::Alertmanager), &fixture(FIRING));

    assert_eq!(events.len(), 3);
    assert!(events.iter().all(|e| e.source == "test-source"));
    assert!(events.iter().all(|e| e.kind == "alert.firing"));
    let services: Vec<_> = events
        .iter()
        .map(|e| &e.payload["labels"]["service"])
        .collect();
    assert_eq!(services, ["checkout", "gift-cards", "payments-api"]);

    assert_eq!(
        events[0].payload,
        json!({
            "status": "firing",
            "labels": {
                "alertname": "HighErrorRate",
                "namespace": "shop-prod",
                "service": "checkout",
                "severity": "page",
                "team": "payments"
            },
            "annotations": {
                "description": "5xx ratio over 5m is above 2% (rule threshold).",
                "summary": "checkout is failing 8.4% of requests",
                "value": "0.084"
            },
            "startsAt": "2024-05-01T11:40:00Z",
            "endsAt": null,
            "generatorURL": "http://prometheus.shop-prod:9090/graph?g0.expr=job%3Ahttp_5xx%3Aratio5m%7Bservice%3D%22checkout%22%7D+%3E+0.02&g0.tab=1",
            "fingerprint": "5b1e7c2d9a3f4e60",
            "receiver": "wolfe",
            "groupKey": "{}/{severity=\"page\"}:{alertname=\"HighErrorRate\", namespace=\"shop-prod\"}",
            "groupLabels": {"alertname": "HighErrorRate", "namespace": "shop-prod"},
            "externalURL": "http://alertmanager.shop-prod:9093",
            "truncatedAlerts": 0
        })
    );
    assert_eq!(
        events[0].dedupe_key.as_deref(),
        Some("5b1e7c2d9a3f4e60:firing:2024-05-01T11:40:00Z")
    );
}

#[test]
fn timestamps_are_normalized_to_utc_keeping_their_precision() {
    let events = accept(&source(Format::Alertmanager), &fixture(FIRING));

    // Sent as 2024-05-01T05:12:30.125+02:00.
    assert_eq!(events[1].payload["startsAt"], "2024-05-01T03:12:30.125Z");
    assert_eq!(
        events[1].dedupe_key.as_deref(),
        Some("e09a4c71b2d35f88:firing:2024-05-01T03:12:30.125Z")
    );
    assert_eq!(
        events[2].payload["startsAt"],
        "2024-05-01T11:52:15.739266876Z"
    );
}

#[test]
fn a_resolved_alert_keeps_its_end_and_is_a_distinct_occurrence() {
    let config = source(Format::Alertmanager);
    let resolved = accept(&config, &fixture("alertmanager/resolved.json"));
    let firing = accept(&config, &fixture(FIRING));

    assert_eq!(resolved.len(), 1);
    assert_eq!(resolved[0].kind, "alert.resolved");
    assert_eq!(resolved[0].payload["status"], "resolved");
    assert_eq!(resolved[0].payload["endsAt"], "2024-05-01T12:02:00Z");
    assert_eq!(
        resolved[0].dedupe_key.as_deref(),
        Some("5b1e7c2d9a3f4e60:resolved:2024-05-01T11:40:00Z")
    );
    // Same alert, same occurrence, but the resolution is its own event.
    assert_eq!(
        firing[0].payload["fingerprint"],
        resolved[0].payload["fingerprint"]
    );
    assert_ne!(firing[0].dedupe_key, resolved[0].dedupe_key);
}

#[test]
fn a_truncated_group_says_so_in_every_event_and_mixes_statuses() {
    let events = accept(
        &source(Format::Alertmanager),
        &fixture("alertmanager/truncated.json"),
    );

    assert_eq!(events.len(), 2);
    assert!(events.iter().all(|e| e.payload["truncatedAlerts"] == 2));
    assert_eq!(events[0].kind, "alert.firing");
    assert_eq!(events[1].kind, "alert.resolved");
    assert_eq!(events[1].payload["endsAt"], "2026-11-26T03:30:00Z");
    assert_eq!(events[0].payload["receiver"], "wolfe-disk");
}

#[test]
fn dedupe_keys_are_stable_across_redelivery_and_formatting() {
    let config = source(Format::Alertmanager);
    let first = accept(&config, &fixture(FIRING));
    // A repeat notification, re-serialized compactly by another replica
    // whose clock zone is +02:00.
    let again = accept(
        &config,
        &edited(FIRING, |body| {
            body["alerts"][0]["startsAt"] = json!("2024-05-01T13:40:00+02:00");
        }),
    );
    let keys = |events: &[wolfe_ingest::NormalizedEvent]| -> Vec<_> {
        events.iter().map(|e| e.dedupe_key.clone()).collect()
    };
    assert_eq!(keys(&first), keys(&again));

    // A re-fire after resolution starts later: a new occurrence.
    let refire = accept(
        &config,
        &edited(FIRING, |body| {
            body["alerts"][0]["startsAt"] = json!("2024-05-01T14:05:00Z");
        }),
    );
    assert_ne!(first[0].dedupe_key, refire[0].dedupe_key);
    assert_eq!(first[1].dedupe_key, refire[1].dedupe_key);
}

#[test]
fn optional_fields_may_be_absent_or_null() {
    let body = json!({
        "version": "4",
        "alerts": [{
            "status": "firing",
            "labels": {"alertname": "Watchdog"},
            "annotations": null,
            "startsAt": "2024-05-01T00:00:00Z",
            "fingerprint": "00000000000000aa"
        }]
    });
    let events = accept(&source(Format::Alertmanager), body.to_string().as_bytes());

    assert_eq!(events[0].payload["annotations"], json!({}));
    assert_eq!(events[0].payload["endsAt"], json!(null));
    assert_eq!(events[0].payload["generatorURL"], json!(null));
    assert_eq!(events[0].payload["receiver"], json!(null));
    assert_eq!(events[0].payload["groupLabels"], json!({}));
    assert_eq!(events[0].payload["truncatedAlerts"], 0);
}

#[test]
fn an_empty_alert_list_is_zero_events() {
    let body = br#"{"version": "4", "status": "resolved", "alerts": []}"#;
    assert!(accept(&source(Format::Alertmanager), body).is_empty());
}

#[test]
fn version_must_be_4() {
    let config = source(Format::Alertmanager);
    let cases = [
        (
            json!("3"),
            "version: expected Alertmanager webhook version 4, got \"3\"",
        ),
        (
            json!(5),
            "version: expected Alertmanager webhook version 4, got 5",
        ),
        (
            json!(null),
            "version: expected Alertmanager webhook version 4, got nothing",
        ),
        (
            json!({}),
            "version: expected Alertmanager webhook version 4, got an object",
        ),
    ];
    for (version, expected) in cases {
        let body = edited(FIRING, |body| body["version"] = version.clone());
        assert_eq!(reject(&config, &body), expected, "version {version}");
    }
    let body = edited(FIRING, |body| {
        body.as_object_mut().unwrap().remove("version");
    });
    assert_eq!(
        reject(&config, &body),
        "version: expected Alertmanager webhook version 4, got nothing"
    );
    // The number 4 means the same as Alertmanager's "4".
    let body = edited(FIRING, |body| body["version"] = json!(4));
    assert_eq!(accept(&config, &body).len(), 3);
}

#[test]
fn every_rejection_names_the_alert_and_field() {
    let config = source(Format::Alertmanager);
    type Edit = fn(&mut serde_json::Value);
    let cases: [(Edit, &str); 15] = [
        (
            |b| {
                b.as_object_mut().unwrap().remove("alerts");
            },
            "body: missing field \"alerts\"",
        ),
        (
            |b| b["alerts"] = json!({}),
            "alerts: expected an array, got an object",
        ),
        (
            |b| b["alerts"][1] = json!("alert"),
            "alerts[1]: expected an object, got a string",
        ),
        (
            |b| {
                b["alerts"][2]
                    .as_object_mut()
                    .unwrap()
                    .remove("fingerprint");
            },
            "alerts[2]: missing field \"fingerprint\"",
        ),
        (
            |b| b["alerts"][2]["fingerprint"] = json!(""),
            "alerts[2].fingerprint: must not be empty",
        ),
        (
            |b| {
                b["alerts"][1].as_object_mut().unwrap().remove("status");
            },
            "alerts[1]: missing field \"status\"",
        ),
        (
            |b| b["alerts"][1]["status"] = json!("pending"),
            "alerts[1].status: expected \"firing\" or \"resolved\", got \"pending\"",
        ),
        (
            |b| {
                b["alerts"][0].as_object_mut().unwrap().remove("labels");
            },
            "alerts[0]: missing field \"labels\"",
        ),
        (
            |b| b["alerts"][2]["labels"] = json!("alertname=X"),
            "alerts[2].labels: expected an object, got a string",
        ),
        (
            |b| b["alerts"][0]["labels"]["severity"] = json!(3),
            "alerts[0].labels.severity: expected a string, got a number",
        ),
        (
            |b| b["alerts"][0]["annotations"] = json!(["x"]),
            "alerts[0].annotations: expected an object, got an array",
        ),
        (
            |b| {
                b["alerts"][1].as_object_mut().unwrap().remove("startsAt");
            },
            "alerts[1]: missing field \"startsAt\"",
        ),
        (
            |b| b["alerts"][1]["startsAt"] = json!("2024-05-01 noon"),
            "alerts[1].startsAt: not an RFC 3339 timestamp: \"2024-05-01 noon\"",
        ),
        (
            |b| b["alerts"][0]["endsAt"] = json!(1714563600),
            "alerts[0].endsAt: expected a string, got a number",
        ),
        (
            |b| b["truncatedAlerts"] = json!(-1),
            "truncatedAlerts: expected a non-negative integer, got -1",
        ),
    ];
    for (edit, expected) in cases {
        assert_eq!(reject(&config, &edited(FIRING, edit)), expected);
    }
}

#[test]
fn group_fields_are_type_checked() {
    let config = source(Format::Alertmanager);
    let cases = [
        (
            "receiver",
            json!(1),
            "receiver: expected a string, got a number",
        ),
        (
            "groupLabels",
            json!("x"),
            "groupLabels: expected an object, got a string",
        ),
        (
            "status",
            json!("unknown"),
            "status: expected \"firing\" or \"resolved\", got \"unknown\"",
        ),
    ];
    for (key, value, expected) in cases {
        let body = edited(FIRING, |body| body[key] = value.clone());
        assert_eq!(reject(&config, &body), expected);
    }
}

#[test]
fn the_malformed_fixture_is_rejected_at_its_third_alert() {
    assert_eq!(
        reject(
            &source(Format::Alertmanager),
            &fixture("alertmanager/malformed-labels.json")
        ),
        "alerts[2].labels: expected an object, got a string"
    );
}

#[test]
fn a_long_bad_value_is_quoted_short() {
    let long = "x".repeat(10_000);
    let body = edited(FIRING, |body| body["alerts"][0]["startsAt"] = json!(long));
    let message = reject(&source(Format::Alertmanager), &body);
    assert!(message.starts_with("alerts[0].startsAt: not an RFC 3339 timestamp: \"xxx"));
    assert!(message.len() < 120, "{} bytes", message.len());
}

#[test]
fn a_body_that_is_not_a_notification_object_is_rejected() {
    let config = source(Format::Alertmanager);
    assert_eq!(
        reject(&config, b"[]"),
        "body: expected an object, got an array"
    );
    assert_eq!(
        reject(&config, b"\"4\""),
        "body: expected an object, got a string"
    );
}
