//! The trace `wolfe rules test` prints.

use serde_json::json;
use wolfe_rules::ConditionTrace;

use crate::support::{compile, event, explain, kafka_alert};

fn row(location: &str, depth: usize, description: &str, held: bool) -> ConditionTrace {
    ConditionTrace {
        location: location.into(),
        depth,
        description: description.into(),
        held,
    }
}

#[test]
fn every_node_is_reported_in_order() {
    let rule = compile(json!({
        "source": "alertmanager", "kind": "alert.*",
        "criteria": {"all": [
            {"path": "$.status", "op": "eq", "value": "resolved"},
            {"not": {"path": "$.labels.env", "op": "glob", "value": "staging-*"}},
            {"any": [{"path": "$.annotations.value", "op": "gt", "value": 0.05},
                     {"path": "$.labels.team", "op": "exists"}]}
        ]},
        "params": {"cluster": {"path": "$.labels.cluster"}}
    }));
    let explanation = explain(&rule, &kafka_alert());
    assert!(explanation.triggered);
    assert_eq!(
        explanation.conditions,
        vec![
            row("criteria", 0, "all", false),
            row("criteria.all[0]", 1, r#"$.status eq "resolved""#, false),
            row("criteria.all[1]", 1, "not", true),
            row(
                "criteria.all[1].not",
                2,
                r#"$.labels.env glob "staging-*""#,
                false
            ),
            row("criteria.all[2]", 1, "any", true),
            // Evaluated although the first branch already decided `any`.
            row(
                "criteria.all[2].any[0]",
                2,
                "$.annotations.value gt 0.05",
                true
            ),
            row("criteria.all[2].any[1]", 2, "$.labels.team exists", true),
        ]
    );
    assert_eq!(explanation.result, Ok(None));
}

#[test]
fn a_match_carries_the_same_result_as_evaluate() {
    let rule = compile(json!({
        "source": "alertmanager", "kind": "alert.*",
        "criteria": {"path": "$.status", "op": "eq", "value": "firing"},
        "params": {"cluster": {"path": "$.labels.cluster"}, "owner": {"path": "$.labels.owner"}}
    }));
    let alert = kafka_alert();
    let explanation = explain(&rule, &alert);
    assert_eq!(
        explanation.conditions,
        vec![row("criteria", 0, r#"$.status eq "firing""#, true)]
    );
    assert_eq!(
        explanation.result.unwrap_err().to_string(),
        "params.owner: path $.labels.owner matched nothing and there is no default"
    );
}

#[test]
fn criteria_are_traced_even_when_the_trigger_does_not_match() {
    let rule = compile(json!({
        "source": "atlas", "kind": "*",
        "criteria": {"path": "$.status", "op": "eq", "value": "firing"}
    }));
    let alert = kafka_alert();
    let explanation = rule.explain(&event("alertmanager", "alert.firing", &alert));
    assert!(!explanation.triggered);
    assert_eq!(
        explanation.conditions,
        vec![row("criteria", 0, r#"$.status eq "firing""#, true)]
    );
    assert_eq!(explanation.result, Ok(None));
}
