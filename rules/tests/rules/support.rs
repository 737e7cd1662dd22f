//! Realistic events and small helpers shared by the tests.

use serde_json::{Value, json};
use wolfe_rules::{CompiledRule, EventView, Explanation, MappingError, RuleMatch, RuleSpec};

/// One alert of an Alertmanager webhook (payload version 4), as the
/// Alertmanager adapter turns it into an event payload.
pub fn kafka_alert() -> Value {
    json!({
        "status": "firing",
        "labels": {
            "alertname": "KafkaBrokerOffline",
            "severity": "critical",
            "env": "prod-eu1",
            "cluster": "kafka-prod-eu1",
            "broker": "3",
            "instance": "kafka-3.eu1.internal:9308",
            "team": "streaming"
        },
        "annotations": {
            "summary": "Kafka broker 3 is offline",
            "description": "Broker 3 has not reported for 5 minutes.",
            "value": "0.084",
            "runbook_url": "https://runbooks.example.com/kafka/broker-offline"
        },
        "startsAt": "2026-05-04T09:12:31.208Z",
        "endsAt": "0001-01-01T00:00:00Z",
        "generatorURL": "http://prometheus.eu1.internal:9090/graph?g0.expr=kafka_up+%3D%3D+0",
        "fingerprint": "c4d3f1a09b7e2a55"
    })
}

/// An Atlas alert message as delivered through SQS.
pub fn atlas_alert() -> Value {
    json!({
        "id": "atlas-7f9c2b",
        "name": "HighErrorRate",
        "state": "TRIGGERED",
        "severity": "CRITICAL",
        "app": "api-gateway",
        "region": "us-east-1",
        "expression": "nf.app,api-gateway,:eq,name,errors,:eq,:and,:sum,100,:gt",
        "metrics": [
            {"name": "errors", "value": 142.5, "node": "i-0a1b2c3d"},
            {"name": "errors", "value": 98.0, "node": "i-0e4f5a6b"}
        ],
        "tags": ["gateway", "tier1", "paging"],
        "thresholdCount": 3,
        "timestamp": 1746349951000_u64
    })
}

pub fn event<'a>(source: &'a str, kind: &'a str, payload: &'a Value) -> EventView<'a> {
    EventView {
        id: "evt-0192f3",
        source,
        kind,
        received_at: "2026-05-04T09:12:32Z",
        payload,
    }
}

pub fn compile(rule: Value) -> CompiledRule {
    let spec: RuleSpec = serde_json::from_value(rule).expect("rule parses");
    CompiledRule::compile(&spec).expect("rule compiles")
}

/// The error of a rule that must not parse or compile, as its message.
pub fn rule_error(rule: Value) -> String {
    match RuleSpec::from_json(&rule.to_string()) {
        Err(err) => err.to_string(),
        Ok(spec) => match CompiledRule::compile(&spec) {
            Err(err) => err.to_string(),
            Ok(_) => panic!("rule unexpectedly compiles: {rule}"),
        },
    }
}

pub fn evaluate(rule: &CompiledRule, payload: &Value) -> Result<Option<RuleMatch>, MappingError> {
    rule.evaluate(&event("alertmanager", "alert.firing", payload))
}

pub fn explain(rule: &CompiledRule, payload: &Value) -> Explanation {
    rule.explain(&event("alertmanager", "alert.firing", payload))
}

/// Whether a rule made of this one criterion matches the payload.
pub fn holds(criterion: Value, payload: &Value) -> bool {
    let rule = compile(json!({"source": "*", "kind": "*", "criteria": criterion}));
    evaluate(&rule, payload)
        .expect("no params to map")
        .is_some()
}

/// The mapped parameters of a rule made of these params, or the error.
pub fn map(params: Value, payload: &Value) -> Result<serde_json::Map<String, Value>, String> {
    let rule = compile(json!({"source": "*", "kind": "*", "params": params}));
    match evaluate(&rule, payload) {
        Ok(Some(found)) => Ok(found.params),
        Ok(None) => panic!("a rule without criteria matches every event"),
        Err(err) => Err(err.to_string()),
    }
}
