//! Rules that must be refused when saved, with the place of the problem.

use serde_json::json;
use wolfe_rules::{CompiledRule, RuleSpec};

use crate::support::rule_error;

fn with_criteria(criteria: serde_json::Value) -> String {
    rule_error(json!({"source": "alertmanager", "kind": "alert.*", "criteria": criteria}))
}

fn with_params(params: serde_json::Value) -> String {
    rule_error(json!({"source": "alertmanager", "kind": "alert.*", "params": params}))
}

#[test]
fn invalid_regex_is_located_in_the_tree() {
    let error = with_criteria(json!({"all": [
        {"path": "$.status", "op": "eq", "value": "firing"},
        {"path": "$.labels.team", "op": "exists"},
        {"any": [{"path": "$.annotations.value", "op": "gt", "value": 0.05},
                 {"path": "$.labels.alertname", "op": "regex", "value": "^Kafka("}]}
    ]}));
    assert!(
        error.starts_with(r#"criteria.all[2].any[1]: invalid regex "^Kafka(": regex parse error"#),
        "{error}"
    );
    assert!(error.contains("unclosed group"), "{error}");
}

#[test]
fn invalid_globs_and_paths() {
    assert_eq!(
        rule_error(json!({"source": "*", "kind": "alert.[firing"})),
        r#"kind: invalid glob "alert.[firing": unclosed character class; missing ']'"#
    );
    assert_eq!(
        with_criteria(
            json!({"not": {"path": "$.labels.env", "op": "glob", "value": "staging-{a"}})
        ),
        r#"criteria.not: invalid glob "staging-{a": unclosed alternate group; missing '}' (maybe escape '{' with '[{]'?)"#
    );
    let error = with_criteria(json!({"all": [{"path": "labels.severity", "op": "exists"}]}));
    assert!(
        error.starts_with(r#"criteria.all[0]: invalid JSON path "labels.severity": "#),
        "{error}"
    );
    assert!(error.ends_with("(paths start at the payload root `$`, e.g. `$.labels.severity`)"));
    let error = with_params(json!({"broker_id": {"path": "$.labels[", "type": "integer"}}));
    assert!(
        error.starts_with(r#"params.broker_id: invalid JSON path "$.labels[": "#),
        "{error}"
    );
}

#[test]
fn operator_values_are_checked() {
    let cases = [
        (
            json!({"path": "$.a", "op": "eq"}),
            "criteria: `eq` needs a `value`",
        ),
        (
            json!({"path": "$.a", "op": "exists", "value": true}),
            "criteria: `exists` takes no `value`",
        ),
        (
            json!({"path": "$.a", "op": "gt", "value": "high"}),
            r#"criteria: `gt` compares numbers; value "high" is not one"#,
        ),
        (
            json!({"path": "$.a", "op": "regex", "value": 5}),
            "criteria: `regex` needs a string pattern, not 5",
        ),
        (
            json!({"path": "$.a", "op": "in", "value": "critical"}),
            r#"criteria: `in` needs a list, not "critical""#,
        ),
        (
            json!({"any": []}),
            "criteria: `any` needs at least one criterion",
        ),
    ];
    for (criteria, expected) in cases {
        assert_eq!(with_criteria(criteria), expected);
    }
}

#[test]
fn unknown_fields_are_named_with_their_place() {
    let error = rule_error(json!({"source": "*", "kind": "*", "crtieria": {}}));
    assert!(
        error.starts_with(
            "crtieria: unknown field `crtieria`, expected one of `source`, `kind`, `criteria`, `params`, `correlation`"
        ),
        "{error}"
    );
    let error = with_criteria(json!({"all": [
        {"path": "$.status", "op": "eq", "value": "firing"},
        {"pth": "$.labels.team", "op": "exists"}
    ]}));
    assert!(
        error.starts_with("criteria.all[1].pth: unknown field `pth`"),
        "{error}"
    );
    let error = with_params(json!({"cluster": {"path": "$.labels.cluster", "defualt": "x"}}));
    assert!(
        error.starts_with("params.cluster.defualt: unknown field `defualt`"),
        "{error}"
    );
    let error = rule_error(
        json!({"source": "*", "kind": "*", "correlation": {"window": "5m", "keys": "x"}}),
    );
    assert!(
        error.starts_with("correlation.keys: unknown field `keys`"),
        "{error}"
    );
}

#[test]
fn unknown_operators_and_types_list_the_valid_ones() {
    let error = with_criteria(json!({"path": "$.status", "op": "equals", "value": "firing"}));
    assert!(
        error.starts_with("criteria.op: unknown variant `equals`, expected one of `eq`, `ne`, `gt`, `gte`, `lt`, `lte`, `contains`, `regex`, `glob`, `exists`, `in`"),
        "{error}"
    );
    let error = with_params(json!({"n": {"path": "$.a", "type": "int"}}));
    assert!(
        error.starts_with("params.n.type: unknown variant `int`"),
        "{error}"
    );
}

#[test]
fn ambiguous_shapes_are_refused() {
    let error = with_criteria(json!({"all": [{"path": "$.a", "op": "exists", "any": []}]}));
    assert!(
        error.starts_with("criteria.all[0]: a criterion is exactly one of"),
        "{error}"
    );
    let error = with_criteria(json!({"all": [{"path": "$.a", "value": 1}]}));
    assert!(
        error.starts_with("criteria.all[0]: condition is missing `op`"),
        "{error}"
    );
    let error = with_criteria(json!({}));
    assert!(error.starts_with("criteria: empty criterion"), "{error}");
    let error = with_params(json!({"x": {"path": "$.a", "template": "{{ payload.a }}"}}));
    assert!(
        error.starts_with("params.x: parameter takes only one of `path`, `template` or `value`"),
        "{error}"
    );
    let error = with_params(json!({"x": {"type": "integer"}}));
    assert!(
        error.starts_with("params.x: parameter needs one of"),
        "{error}"
    );
    let error = with_params(json!({"x": {"value": 3, "type": "string"}}));
    assert!(
        error.starts_with("params.x: a literal `value` takes no `type` or `default`"),
        "{error}"
    );
    let error = with_params(json!({"x": {"template": "{{ payload.a }}", "default": "b"}}));
    assert!(
        error.starts_with("params.x: `default` applies to `path` only"),
        "{error}"
    );
}

#[test]
fn defaults_must_convert_to_the_type() {
    assert_eq!(
        with_params(
            json!({"replicas": {"path": "$.labels.replicas", "type": "integer", "default": "two"}})
        ),
        r#"params.replicas: default "two" is not an integer"#
    );
}

#[test]
fn templates_are_checked_when_saved() {
    let error = with_params(json!({"summary": {"template": "{{ payload.labels.alertname "}}));
    assert!(
        error.starts_with("params.summary: invalid template: syntax error: "),
        "{error}"
    );
    assert_eq!(
        with_params(json!({"summary": {"template": "{{ paylod.labels.alertname }}"}})),
        "params.summary: template refers to unknown variable `paylod.labels.alertname`; templates \
         see `payload` and `event` (event.id, event.source, event.kind, event.received_at)"
    );
    let error = with_params(json!({"when": {"template": "{{ event.received }}"}}));
    assert!(error.starts_with("params.when: template refers to unknown variable `event.received`"));
    // Locals and built-in functions are fine.
    let ok = json!({"source": "*", "kind": "*", "params": {"x": {"template":
        "{% set n = payload.labels | length %}{% for i in range(n) %}{{ i }}{% endfor %}{{ event }}"}}});
    let spec: RuleSpec = serde_json::from_value(ok).unwrap();
    CompiledRule::compile(&spec).expect("template compiles");
}

#[test]
fn correlation_is_checked_when_saved() {
    let error =
        rule_error(json!({"source": "*", "kind": "*", "correlation": {"window": "five minutes"}}));
    assert!(
        error.starts_with(r#"correlation.window: invalid duration "five minutes": "#),
        "{error}"
    );
    assert_eq!(
        rule_error(json!({"source": "*", "kind": "*", "correlation": {"window": "0s"}})),
        "correlation.window: must be longer than zero"
    );
    let error = rule_error(
        json!({"source": "*", "kind": "*", "correlation": {"key": "{{ payload.x ", "window": "5m"}}),
    );
    assert!(
        error.starts_with("correlation.key: invalid template: "),
        "{error}"
    );
    let error = rule_error(json!({"source": "*", "kind": "*", "correlation": {"key": "x"}}));
    assert!(
        error.starts_with("correlation: missing field `window`"),
        "{error}"
    );
}

#[test]
fn trigger_fields_are_required_and_non_empty() {
    let error = rule_error(json!({"kind": "*"}));
    assert!(error.starts_with("missing field `source`"), "{error}");
    assert_eq!(
        rule_error(json!({"source": "", "kind": "*"})),
        r#"source: must not be empty ("*" matches any source)"#
    );
    assert_eq!(
        rule_error(json!({"source": "*", "kind": ""})),
        r#"kind: must not be empty ("*" matches any kind)"#
    );
}

#[test]
fn from_json_reports_syntax_and_trailing_garbage() {
    let error = RuleSpec::from_json(r#"{"source": "*", "kind": "*",}"#).unwrap_err();
    assert_eq!(error.location, "");
    assert!(error.problem.contains("line 1"), "{error}");
    let error = RuleSpec::from_json(r#"{"source": "*", "kind": "*"} {}"#).unwrap_err();
    assert!(error.problem.starts_with("trailing characters"), "{error}");
}

#[test]
fn specs_round_trip_through_json() {
    let text = json!({
        "source": "alertmanager",
        "kind": "alert.*",
        "criteria": {"all": [
            {"path": "$.labels.severity", "op": "in", "value": ["critical", "page"]},
            {"not": {"path": "$.labels.env", "op": "glob", "value": "staging-*"}},
            {"any": [{"path": "$.resolvedBy", "op": "eq", "value": null},
                     {"path": "$.labels.team", "op": "exists"}]}
        ]},
        "params": {
            "broker_id": {"path": "$.labels.broker", "type": "integer", "default": 0},
            "summary": {"template": "{{ payload.labels.alertname }}", "type": "string"},
            "none": {"value": null}
        },
        "correlation": {"key": "{{ payload.labels.cluster }}", "window": "5m"}
    });
    let spec = RuleSpec::from_json(&text.to_string()).unwrap();
    assert_eq!(serde_json::to_value(&spec).unwrap(), text);
    let again: RuleSpec = serde_json::from_value(serde_json::to_value(&spec).unwrap()).unwrap();
    assert_eq!(again, spec);
}
