//! Source and kind: the trigger half of a rule.

use serde_json::json;

use crate::support::{compile, event, kafka_alert};

#[test]
fn kind_is_a_glob_and_source_is_exact() {
    let rule = compile(json!({"source": "alertmanager", "kind": "alert.*"}));
    assert!(rule.triggers_on("alertmanager", "alert.firing"));
    assert!(rule.triggers_on("alertmanager", "alert.resolved"));
    assert!(!rule.triggers_on("alertmanager", "heartbeat"));
    assert!(!rule.triggers_on("alertmanager", "alerts.firing"));
    assert!(!rule.triggers_on("Alertmanager", "alert.firing"));
    assert!(!rule.triggers_on("alertmanager-eu", "alert.firing"));
}

#[test]
fn star_source_matches_any_source() {
    let rule = compile(json!({"source": "*", "kind": "alert.{firing,resolved}"}));
    assert!(rule.triggers_on("alertmanager", "alert.firing"));
    assert!(rule.triggers_on("atlas", "alert.resolved"));
    assert!(!rule.triggers_on("atlas", "alert.acknowledged"));
}

#[test]
fn evaluate_checks_the_trigger_before_the_criteria() {
    let rule = compile(json!({
        "source": "atlas", "kind": "*",
        "criteria": {"path": "$.status", "op": "eq", "value": "firing"}
    }));
    let alert = kafka_alert();
    assert_eq!(
        rule.evaluate(&event("alertmanager", "alert.firing", &alert))
            .unwrap(),
        None
    );
    assert!(
        rule.evaluate(&event("atlas", "anything", &alert))
            .unwrap()
            .is_some()
    );
}

#[test]
fn a_rule_without_criteria_fires_on_every_event_of_its_trigger() {
    let rule = compile(json!({"source": "timer", "kind": "tick"}));
    let payload = json!({});
    let found = rule
        .evaluate(&event("timer", "tick", &payload))
        .unwrap()
        .unwrap();
    assert!(found.params.is_empty());
    assert_eq!(found.correlation, None);
}
