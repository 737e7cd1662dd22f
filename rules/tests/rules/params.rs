//! Parameter mapping: paths, types, defaults, templates, literals, and the
//! correlation key.

use std::time::Duration;

use serde_json::{Value, json};
use wolfe_rules::{Correlation, EventView};

use crate::support::{atlas_alert, compile, evaluate, kafka_alert, map};

#[test]
fn path_without_type_keeps_the_json() {
    let atlas = atlas_alert();
    let params = map(
        json!({
            "first_metric": {"path": "$.metrics[*].value"},
            "tags": {"path": "$.tags"},
            "metric": {"path": "$.metrics[1]"}
        }),
        &atlas,
    )
    .unwrap();
    // Several nodes: the first, in document order.
    assert_eq!(params["first_metric"], json!(142.5));
    assert_eq!(params["tags"], json!(["gateway", "tier1", "paging"]));
    assert_eq!(params["metric"], atlas["metrics"][1]);
}

#[test]
fn path_conversions() {
    let alert = kafka_alert();
    let params = map(
        json!({
            "broker": {"path": "$.labels.broker", "type": "integer"},
            "value": {"path": "$.annotations.value", "type": "number"},
            "broker_text": {"path": "$.labels.broker", "type": "string"},
            "labels": {"path": "$.labels", "type": "json"}
        }),
        &alert,
    )
    .unwrap();
    assert_eq!(params["broker"], json!(3));
    assert_eq!(params["value"], json!(0.084));
    assert_eq!(params["broker_text"], json!("3"));
    assert_eq!(params["labels"], alert["labels"]);

    let atlas = atlas_alert();
    let params = map(
        json!({
            "count": {"path": "$.thresholdCount", "type": "string"},
            "flag": {"path": "$.paging", "type": "boolean"},
            "ms": {"path": "$.timestamp", "type": "integer"}
        }),
        &json!({"thresholdCount": 3, "paging": "true", "timestamp": atlas["timestamp"]}),
    )
    .unwrap();
    assert_eq!(params["count"], json!("3"));
    assert_eq!(params["flag"], json!(true));
    assert_eq!(params["ms"], json!(1_746_349_951_000_u64));
}

#[test]
fn impossible_conversions_name_the_parameter_path_and_value() {
    let mut alert = kafka_alert();
    alert["labels"]["broker"] = json!("three");
    let error = map(
        json!({"broker_id": {"path": "$.labels.broker", "type": "integer"}}),
        &alert,
    );
    assert_eq!(
        error.unwrap_err(),
        r#"params.broker_id: path $.labels.broker yielded "three", not an integer"#
    );
    let error = map(
        json!({"ratio": {"path": "$.labels", "type": "number"}}),
        &alert,
    );
    assert!(
        error
            .unwrap_err()
            .starts_with(r#"params.ratio: path $.labels yielded {"alertname":"#),
    );
    let error = map(
        json!({"on": {"path": "$.status", "type": "boolean"}}),
        &alert,
    );
    assert_eq!(
        error.unwrap_err(),
        r#"params.on: path $.status yielded "firing", not a boolean"#
    );
}

#[test]
fn defaults_apply_only_when_the_path_is_missing() {
    let alert = kafka_alert();
    let params = map(
        json!({
            "cluster": {"path": "$.labels.cluster", "type": "string", "default": "unknown"},
            "owner": {"path": "$.labels.owner", "type": "string", "default": "unknown"},
            "replicas": {"path": "$.labels.replicas", "type": "integer", "default": "2"},
            "extra": {"path": "$.labels.extra", "default": null}
        }),
        &alert,
    )
    .unwrap();
    assert_eq!(params["cluster"], json!("kafka-prod-eu1"));
    assert_eq!(params["owner"], json!("unknown"));
    // The default is converted to the type when the rule is compiled.
    assert_eq!(params["replicas"], json!(2));
    assert_eq!(params["extra"], Value::Null);
}

#[test]
fn missing_path_without_default_is_an_error() {
    let error = map(json!({"owner": {"path": "$.labels.owner"}}), &kafka_alert());
    assert_eq!(
        error.unwrap_err(),
        "params.owner: path $.labels.owner matched nothing and there is no default"
    );
}

#[test]
fn templates_see_payload_and_event() {
    let rule = compile(json!({
        "source": "*", "kind": "*",
        "params": {
            "summary": {"template": "{{ payload.labels.alertname }} on {{ payload.labels.instance }}"},
            "origin": {"template": "{{ event.source }}/{{ event.kind }} {{ event.id }} at {{ event.received_at }}"},
            "nodes": {"template": "{% for m in payload.metrics %}{{ m.node }}{% if not loop.last %},{% endif %}{% endfor %}"},
            "owner": {"template": "{{ payload.labels.owner | default('nobody') }}"}
        }
    }));
    let mut payload = kafka_alert();
    payload["metrics"] = atlas_alert()["metrics"].clone();
    let event = EventView {
        id: "evt-42",
        source: "alertmanager",
        kind: "alert.firing",
        received_at: "2026-05-04T09:12:32Z",
        payload: &payload,
    };
    let params = rule.evaluate(&event).unwrap().unwrap().params;
    assert_eq!(
        params["summary"],
        json!("KafkaBrokerOffline on kafka-3.eu1.internal:9308")
    );
    assert_eq!(
        params["origin"],
        json!("alertmanager/alert.firing evt-42 at 2026-05-04T09:12:32Z")
    );
    assert_eq!(params["nodes"], json!("i-0a1b2c3d,i-0e4f5a6b"));
    assert_eq!(params["owner"], json!("nobody"));
}

#[test]
fn templates_are_strict_about_undefined_values() {
    let error = map(
        json!({"summary": {"template": "{{ payload.labels.alertname }} owned by {{ payload.labels.owner }}"}}),
        &kafka_alert(),
    );
    let error = error.unwrap_err();
    assert!(
        error.starts_with("params.summary: template failed: undefined value"),
        "{error}"
    );
    assert!(error.contains("payload.labels.owner"), "{error}");
}

#[test]
fn template_results_are_strings_unless_typed() {
    let alert = kafka_alert();
    let params = map(
        json!({
            "text": {"template": "{{ payload.labels.broker }}"},
            "broker": {"template": "{{ payload.labels.broker }}", "type": "integer"},
            "threshold": {"template": "{{ payload.annotations.value }}", "type": "number"},
            "hosts": {"template": "[\"{{ payload.labels.instance }}\"]", "type": "json"}
        }),
        &alert,
    )
    .unwrap();
    assert_eq!(params["text"], json!("3"));
    assert_eq!(params["broker"], json!(3));
    assert_eq!(params["threshold"], json!(0.084));
    assert_eq!(params["hosts"], json!(["kafka-3.eu1.internal:9308"]));

    let error = map(
        json!({"n": {"template": "{{ payload.labels.cluster }}", "type": "integer"}}),
        &alert,
    );
    assert_eq!(
        error.unwrap_err(),
        r#"params.n: template rendered "kafka-prod-eu1", not an integer"#
    );
    let error = map(
        json!({"j": {"template": "{{ payload.labels.cluster }}", "type": "json"}}),
        &alert,
    );
    assert!(
        error
            .unwrap_err()
            .starts_with(r#"params.j: template rendered "kafka-prod-eu1", not JSON: "#)
    );
}

#[test]
fn template_output_is_not_html_escaped() {
    let payload = json!({"annotations": {"description": "p99 > 2s & rising <fast>"}});
    let params = map(
        json!({"page.html": {"template": "{{ payload.annotations.description }}"}}),
        &payload,
    );
    assert_eq!(
        params.unwrap()["page.html"],
        json!("p99 > 2s & rising <fast>")
    );
}

#[test]
fn runaway_templates_run_out_of_fuel() {
    let error = map(
        json!({"x": {"template": "{% for i in range(10000) %}{% for j in range(10000) %}x{% endfor %}{% endfor %}"}}),
        &json!({}),
    );
    assert!(error.unwrap_err().contains("out of fuel"));
}

#[test]
fn literal_values_are_passed_through() {
    let params = map(
        json!({"dry_run": {"value": true}, "limits": {"value": {"max": 3}}, "none": {"value": null}}),
        &kafka_alert(),
    )
    .unwrap();
    assert_eq!(params["dry_run"], json!(true));
    assert_eq!(params["limits"], json!({"max": 3}));
    assert_eq!(params["none"], Value::Null);
}

#[test]
fn correlation_key_is_rendered_and_window_parsed() {
    let rule = compile(json!({
        "source": "atlas", "kind": "alert",
        "correlation": {"key": "{{ payload.app }}@{{ payload.region }}", "window": "1h 30m"}
    }));
    let atlas = atlas_alert();
    let found = rule
        .evaluate(&crate::support::event("atlas", "alert", &atlas))
        .unwrap()
        .unwrap();
    assert_eq!(
        found.correlation,
        Some(Correlation {
            key: "api-gateway@us-east-1".into(),
            window: Duration::from_secs(5400)
        })
    );
}

#[test]
fn correlation_without_key_groups_the_whole_rule() {
    let rule = compile(json!({"source": "*", "kind": "*", "correlation": {"window": "30s"}}));
    let found = evaluate(&rule, &kafka_alert()).unwrap().unwrap();
    assert_eq!(
        found.correlation,
        Some(Correlation {
            key: String::new(),
            window: Duration::from_secs(30)
        })
    );
}

#[test]
fn correlation_key_failure_is_a_mapping_error() {
    let rule = compile(json!({
        "source": "*", "kind": "*",
        "correlation": {"key": "{{ payload.labels.shard }}", "window": "5m"}
    }));
    let error = evaluate(&rule, &kafka_alert()).unwrap_err();
    assert_eq!(error.location, "correlation.key");
    assert!(
        error
            .problem
            .starts_with("template failed: undefined value"),
        "{error}"
    );
}

#[test]
fn mapping_errors_only_happen_when_criteria_match() {
    let rule = compile(json!({
        "source": "*", "kind": "*",
        "criteria": {"path": "$.status", "op": "eq", "value": "resolved"},
        "params": {"owner": {"path": "$.labels.owner"}}
    }));
    assert_eq!(evaluate(&rule, &kafka_alert()), Ok(None));
}
