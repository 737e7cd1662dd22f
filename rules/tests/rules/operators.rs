//! Every operator, numeric strings, missing paths and multi-node paths.

use serde_json::json;

use crate::support::{atlas_alert, holds, kafka_alert};

#[test]
fn eq_and_ne_compare_values() {
    let alert = kafka_alert();
    assert!(holds(
        json!({"path": "$.status", "op": "eq", "value": "firing"}),
        &alert
    ));
    assert!(!holds(
        json!({"path": "$.status", "op": "eq", "value": "resolved"}),
        &alert
    ));
    assert!(holds(
        json!({"path": "$.status", "op": "ne", "value": "resolved"}),
        &alert
    ));
    assert!(!holds(
        json!({"path": "$.status", "op": "ne", "value": "firing"}),
        &alert
    ));
    // Whole objects compare as JSON.
    assert!(holds(
        json!({"path": "$.metrics[0]", "op": "eq",
               "value": {"name": "errors", "value": 142.5, "node": "i-0a1b2c3d"}}),
        &atlas_alert()
    ));
}

#[test]
fn eq_is_case_sensitive_text_for_strings() {
    let alert = atlas_alert();
    assert!(!holds(
        json!({"path": "$.severity", "op": "eq", "value": "critical"}),
        &alert
    ));
    assert!(holds(
        json!({"path": "$.severity", "op": "eq", "value": "CRITICAL"}),
        &alert
    ));
}

#[test]
fn eq_compares_numbers_with_numeric_strings_by_value() {
    let alert = kafka_alert();
    // Alertmanager labels are strings: "3" equals 3 and 3.0, but not "3.0".
    assert!(holds(
        json!({"path": "$.labels.broker", "op": "eq", "value": 3}),
        &alert
    ));
    assert!(holds(
        json!({"path": "$.labels.broker", "op": "eq", "value": 3.0}),
        &alert
    ));
    assert!(!holds(
        json!({"path": "$.labels.broker", "op": "eq", "value": "3.0"}),
        &alert
    ));
    assert!(holds(
        json!({"path": "$.thresholdCount", "op": "eq", "value": "3"}),
        &atlas_alert()
    ));
    assert!(holds(
        json!({"path": "$.labels.broker", "op": "ne", "value": 4}),
        &alert
    ));
}

#[test]
fn numeric_comparisons_accept_numbers_and_numeric_strings() {
    let alert = kafka_alert(); // annotations.value is the string "0.084"
    let cases = [
        ("gt", json!(0.05), true),
        ("gt", json!(0.084), false),
        ("gte", json!(0.084), true),
        ("gte", json!("0.084"), true),
        ("lt", json!(0.1), true),
        ("lt", json!(0.084), false),
        ("lte", json!(0.084), true),
        ("lte", json!("0.05"), false),
    ];
    for (op, value, expected) in cases {
        let criterion = json!({"path": "$.annotations.value", "op": op, "value": value});
        assert_eq!(holds(criterion.clone(), &alert), expected, "{criterion}");
    }
    let atlas = atlas_alert();
    assert!(holds(
        json!({"path": "$.thresholdCount", "op": "gte", "value": 3}),
        &atlas
    ));
    assert!(!holds(
        json!({"path": "$.thresholdCount", "op": "gt", "value": 3}),
        &atlas
    ));
    assert!(holds(
        json!({"path": "$.timestamp", "op": "gt", "value": 1_746_349_950_999_u64}),
        &atlas
    ));
}

#[test]
fn numeric_comparison_with_a_non_numeric_value_is_no_match() {
    let alert = kafka_alert();
    for op in ["gt", "gte", "lt", "lte"] {
        // "critical" is not a number: no match, in either direction.
        let criterion = json!({"path": "$.labels.severity", "op": op, "value": 0});
        assert!(!holds(criterion, &alert), "{op}");
    }
    assert!(!holds(
        json!({"path": "$.labels", "op": "gt", "value": 0}),
        &alert
    ));
}

#[test]
fn contains_is_substring_or_element() {
    let alert = kafka_alert();
    assert!(holds(
        json!({"path": "$.annotations.summary", "op": "contains", "value": "offline"}),
        &alert
    ));
    assert!(!holds(
        json!({"path": "$.annotations.summary", "op": "contains", "value": "Offline"}),
        &alert
    ));
    let atlas = atlas_alert();
    assert!(holds(
        json!({"path": "$.tags", "op": "contains", "value": "paging"}),
        &atlas
    ));
    assert!(!holds(
        json!({"path": "$.tags", "op": "contains", "value": "page"}),
        &atlas
    ));
    // Numbers inside arrays compare by value.
    let payload = json!({"ports": [9092, 9093]});
    assert!(holds(
        json!({"path": "$.ports", "op": "contains", "value": "9093"}),
        &payload
    ));
    // Neither a string nor an array: no match.
    assert!(!holds(
        json!({"path": "$.thresholdCount", "op": "contains", "value": 3}),
        &atlas
    ));
}

#[test]
fn regex_searches_strings_unanchored() {
    let alert = kafka_alert();
    assert!(holds(
        json!({"path": "$.labels.alertname", "op": "regex", "value": "^Kafka.*Offline$"}),
        &alert
    ));
    assert!(holds(
        json!({"path": "$.labels.instance", "op": "regex", "value": r":\d+$"}),
        &alert
    ));
    assert!(holds(
        json!({"path": "$.labels.alertname", "op": "regex", "value": "Broker"}),
        &alert
    ));
    assert!(!holds(
        json!({"path": "$.labels.alertname", "op": "regex", "value": "^Broker"}),
        &alert
    ));
    // Not a string: no match.
    assert!(!holds(
        json!({"path": "$.thresholdCount", "op": "regex", "value": "3"}),
        &atlas_alert()
    ));
}

#[test]
fn glob_matches_whole_strings() {
    let alert = kafka_alert();
    assert!(holds(
        json!({"path": "$.labels.env", "op": "glob", "value": "prod-*"}),
        &alert
    ));
    assert!(!holds(
        json!({"path": "$.labels.env", "op": "glob", "value": "prod"}),
        &alert
    ));
    assert!(holds(
        json!({"path": "$.labels.env", "op": "glob", "value": "{prod,staging}-eu?"}),
        &alert
    ));
    // `*` crosses `/` and `.`: values are not file paths.
    assert!(holds(
        json!({"path": "$.generatorURL", "op": "glob", "value": "http://*/graph*"}),
        &alert
    ));
    assert!(!holds(
        json!({"path": "$.labels.env", "op": "glob", "value": "staging-*"}),
        &alert
    ));
}

#[test]
fn exists_is_true_when_the_path_selects_something() {
    let alert = kafka_alert();
    assert!(holds(
        json!({"path": "$.labels.team", "op": "exists"}),
        &alert
    ));
    assert!(!holds(
        json!({"path": "$.labels.owner", "op": "exists"}),
        &alert
    ));
    // null is a value.
    assert!(holds(
        json!({"path": "$.owner", "op": "exists"}),
        &json!({"owner": null})
    ));
}

#[test]
fn in_checks_membership_by_eq() {
    let alert = kafka_alert();
    assert!(holds(
        json!({"path": "$.labels.severity", "op": "in", "value": ["critical", "page"]}),
        &alert
    ));
    assert!(!holds(
        json!({"path": "$.labels.severity", "op": "in", "value": ["warning", "info"]}),
        &alert
    ));
    assert!(holds(
        json!({"path": "$.labels.broker", "op": "in", "value": [1, 2, 3]}),
        &alert
    ));
}

#[test]
fn missing_path_is_false_except_for_ne() {
    let alert = kafka_alert();
    for (op, value) in [
        ("eq", json!("x")),
        ("gt", json!(0)),
        ("lt", json!(0)),
        ("contains", json!("x")),
        ("regex", json!(".*")),
        ("glob", json!("*")),
        ("in", json!(["x"])),
    ] {
        let criterion = json!({"path": "$.labels.owner", "op": op, "value": value});
        assert!(!holds(criterion, &alert), "{op}");
    }
    assert!(!holds(
        json!({"path": "$.labels.owner", "op": "exists"}),
        &alert
    ));
    // `ne` is `not eq`: a missing owner is not "alice".
    assert!(holds(
        json!({"path": "$.labels.owner", "op": "ne", "value": "alice"}),
        &alert
    ));
}

#[test]
fn multi_node_paths_match_if_any_node_matches() {
    let atlas = atlas_alert(); // metrics values 142.5 and 98.0
    assert!(holds(
        json!({"path": "$.metrics[*].value", "op": "gt", "value": 100}),
        &atlas
    ));
    assert!(!holds(
        json!({"path": "$.metrics[*].value", "op": "gt", "value": 150}),
        &atlas
    ));
    assert!(holds(
        json!({"path": "$.metrics[*].node", "op": "eq", "value": "i-0e4f5a6b"}),
        &atlas
    ));
    // `ne` holds only if no node equals.
    assert!(!holds(
        json!({"path": "$.metrics[*].node", "op": "ne", "value": "i-0e4f5a6b"}),
        &atlas
    ));
    assert!(holds(
        json!({"path": "$.metrics[*].node", "op": "ne", "value": "i-ffffffff"}),
        &atlas
    ));
    // A filter selecting nothing is a missing path.
    assert!(!holds(
        json!({"path": "$.metrics[?@.value > 1000].node", "op": "exists"}),
        &atlas
    ));
    assert!(holds(
        json!({"path": "$.metrics[?@.value > 100].node", "op": "eq", "value": "i-0a1b2c3d"}),
        &atlas
    ));
}

#[test]
fn eq_null_is_a_value_not_a_missing_field() {
    let payload = json!({"resolvedBy": null});
    assert!(holds(
        json!({"path": "$.resolvedBy", "op": "eq", "value": null}),
        &payload
    ));
    assert!(!holds(
        json!({"path": "$.other", "op": "eq", "value": null}),
        &payload
    ));
}
