//! all / any / not, nesting, the depth limit and the documented example.

use serde_json::{Value, json};

use crate::support::{compile, evaluate, holds, kafka_alert, rule_error};

fn firing() -> Value {
    json!({"path": "$.status", "op": "eq", "value": "firing"})
}

fn resolved() -> Value {
    json!({"path": "$.status", "op": "eq", "value": "resolved"})
}

#[test]
fn all_any_not() {
    let alert = kafka_alert();
    assert!(holds(
        json!({"all": [firing(), {"path": "$.labels.team", "op": "exists"}]}),
        &alert
    ));
    assert!(!holds(json!({"all": [firing(), resolved()]}), &alert));
    assert!(holds(json!({"any": [resolved(), firing()]}), &alert));
    assert!(!holds(json!({"any": [resolved(), resolved()]}), &alert));
    assert!(holds(json!({"not": resolved()}), &alert));
    assert!(!holds(json!({"not": firing()}), &alert));
}

#[test]
fn nested_combinators() {
    let alert = kafka_alert();
    let criterion = json!({"all": [
        {"not": {"any": [resolved(), {"path": "$.labels.env", "op": "glob", "value": "staging-*"}]}},
        {"any": [
            {"all": [firing(), {"not": {"not": {"path": "$.labels.broker", "op": "eq", "value": 3}}}]},
            resolved()
        ]}
    ]});
    assert!(holds(criterion, &alert));
    let criterion =
        json!({"any": [{"all": [firing(), {"not": firing()}]}, {"not": {"any": [firing()]}}]});
    assert!(!holds(criterion, &alert));
}

#[test]
fn not_of_a_missing_path_holds() {
    let alert = kafka_alert();
    let criterion = json!({"not": {"path": "$.labels.maintenance", "op": "eq", "value": "true"}});
    assert!(holds(criterion, &alert));
}

/// A chain of `not`s, `levels` deep counting the condition at the bottom.
fn nested(levels: usize) -> Value {
    (1..levels).fold(firing(), |inner, _| json!({"not": inner}))
}

#[test]
fn nesting_is_limited_to_max_depth() {
    assert_eq!(wolfe_rules::MAX_DEPTH, 32);
    // 31 `not`s around a condition that holds.
    assert!(!holds(nested(32), &kafka_alert()));
    assert!(holds(nested(31), &kafka_alert()));
    let error = rule_error(json!({"source": "*", "kind": "*", "criteria": nested(33)}));
    let location = format!("criteria{}", ".not".repeat(32));
    assert_eq!(
        error,
        format!("{location}: criteria nest deeper than 32 levels")
    );
}

#[test]
fn the_documented_example_matches_a_kafka_alert() {
    let rule = compile(json!({
        "source": "alertmanager",
        "kind": "alert.*",
        "criteria": {"all": [
            {"path": "$.labels.severity", "op": "in", "value": ["critical", "page"]},
            {"path": "$.status", "op": "eq", "value": "firing"},
            {"not": {"path": "$.labels.env", "op": "glob", "value": "staging-*"}},
            {"any": [{"path": "$.annotations.value", "op": "gt", "value": 0.05},
                     {"path": "$.labels.alertname", "op": "regex", "value": "^Kafka.*Offline$"}]},
            {"path": "$.labels.team", "op": "exists"}
        ]},
        "params": {
            "broker_id": {"path": "$.labels.broker", "type": "integer"},
            "cluster": {"path": "$.labels.cluster", "type": "string", "default": "unknown"},
            "summary": {"template": "{{ payload.labels.alertname }} on {{ payload.labels.instance }}"},
            "dry_run_threshold": {"value": 3}
        },
        "correlation": {"key": "{{ payload.labels.cluster }}", "window": "5m"}
    }));
    let found = evaluate(&rule, &kafka_alert())
        .unwrap()
        .expect("rule matches");
    assert_eq!(
        Value::Object(found.params),
        json!({
            "broker_id": 3,
            "cluster": "kafka-prod-eu1",
            "summary": "KafkaBrokerOffline on kafka-3.eu1.internal:9308",
            "dry_run_threshold": 3
        })
    );
    let correlation = found.correlation.expect("rule correlates");
    assert_eq!(correlation.key, "kafka-prod-eu1");
    assert_eq!(correlation.window, std::time::Duration::from_secs(300));

    let mut staging = kafka_alert();
    staging["labels"]["env"] = json!("staging-eu1");
    assert_eq!(evaluate(&rule, &staging).unwrap(), None);
    let mut resolved = kafka_alert();
    resolved["status"] = json!("resolved");
    assert_eq!(evaluate(&rule, &resolved).unwrap(), None);
}
