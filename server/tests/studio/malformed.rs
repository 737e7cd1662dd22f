//! Every route that takes a body refuses a malformed one with 400
//! `invalid_request` and a message naming the problem (and the field).

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};
use wolfe_store::Role;

use crate::harness::{Harness, code, message};

pub async fn malformed_bodies_and_queries_get_precise_400s(h: Harness) {
    let rb = "/api/v1/runbooks/checkout";
    let rule = format!("{rb}/rules/{}", h.rule_id);
    // (method, uri, body, what the message must say, field)
    let cases: Vec<(Method, String, Value, &str, Option<&str>)> = vec![
        (
            Method::POST,
            "/api/v1/teams".into(),
            json!({"nam": "x"}),
            "unknown field `nam`",
            None,
        ),
        (
            Method::POST,
            "/api/v1/tokens".into(),
            json!({"name": "x"}),
            "missing field `role`",
            None,
        ),
        (
            Method::POST,
            "/api/v1/tokens".into(),
            json!({"name": "X!", "role": "viewer"}),
            "token name \"X!\"",
            Some("name"),
        ),
        (
            Method::POST,
            "/api/v1/runbooks".into(),
            json!({"name": 7}),
            "invalid type: integer `7`, expected a string",
            Some("name"),
        ),
        (
            Method::PATCH,
            rb.into(),
            json!({"description": ["x"]}),
            "expected a string",
            Some("description"),
        ),
        (
            Method::PUT,
            format!("{rb}/quotas"),
            json!({"max_attempts": "3", "concurrency_limit": 1}),
            "invalid type: string \"3\"",
            Some("max_attempts"),
        ),
        (
            Method::POST,
            format!("{rb}/versions"),
            json!({"files": {"main.py": 1}}),
            "expected a string",
            Some("files.main.py"),
        ),
        (
            Method::POST,
            format!("{rb}/versions"),
            json!({"files": {"../evil.py": ""}}),
            "must be a relative path",
            Some("files.../evil.py"),
        ),
        (
            Method::POST,
            format!("{rb}/versions"),
            json!({"files": {}}),
            "files is empty",
            None,
        ),
        (
            Method::POST,
            format!("{rb}/promote"),
            json!({"to": "test", "force": "yes"}),
            "expected a boolean",
            Some("force"),
        ),
        (
            Method::POST,
            format!("{rb}/rollback"),
            json!({"env": "dev"}),
            "unknown field `env`",
            None,
        ),
        (
            Method::POST,
            format!("{rb}/rules"),
            json!({"name": "r", "environment": "dev"}),
            "missing field `spec`",
            None,
        ),
        (
            Method::POST,
            format!("{rb}/rules"),
            json!({"name": "r", "environment": "dev", "spec": {"kind": "x"}}),
            "missing field `source`",
            Some("spec"),
        ),
        (
            Method::PUT,
            rule.clone(),
            json!({}),
            "nothing to change",
            None,
        ),
        (
            Method::POST,
            format!("{rb}/rules/test"),
            json!({"spec": {"source": "*", "kind": "*"}}),
            "missing field `event`",
            None,
        ),
        (
            Method::POST,
            format!("{rb}/rules/test"),
            json!({"event": {"source": "a", "kind": "b"}}),
            "exactly one of spec and rule_id",
            None,
        ),
        (
            Method::PUT,
            format!("{rb}/grants/dev"),
            json!({"kv": "everything"}),
            "unknown variant `everything`",
            Some("grant.kv"),
        ),
        (
            Method::PUT,
            format!("{rb}/failure-notifications/dev"),
            json!({"targets": "oncall"}),
            "expected a sequence",
            Some("targets"),
        ),
        (
            Method::POST,
            format!("{rb}/runs"),
            json!({"environment": "dev", "params": [1]}),
            "params must be a JSON object",
            Some("params"),
        ),
        (
            Method::POST,
            format!("{rb}/runs"),
            json!({"environment": "mars"}),
            "unknown environment \"mars\"",
            None,
        ),
        (
            Method::POST,
            "/api/v1/runs".into(),
            json!({"environment": "dev"}),
            "missing field `runbook`",
            None,
        ),
        (
            Method::PUT,
            "/api/v1/secrets/dev/k".into(),
            json!({"val": "x"}),
            "unknown field `val`",
            None,
        ),
    ];
    for (method, uri, body, fragment, field) in cases {
        let (status, error) = h
            .alpha(Role::Admin, method.clone(), &uri, Some(body.clone()))
            .await;
        assert_eq!(
            status,
            StatusCode::BAD_REQUEST,
            "{method} {uri} {body}: {error}"
        );
        assert_eq!(code(&error), "invalid_request");
        assert!(
            message(&error).contains(fragment),
            "{method} {uri}: {error}"
        );
        if let Some(field) = field {
            assert_eq!(error["error"]["field"], field, "{method} {uri}: {error}");
        }
    }
    // Not JSON at all, and no body at all.
    for (raw, fragment) in [
        (&b"{\"name\": "[..], "EOF while parsing"),
        (b"<runbook/>", "expected value"),
        (b"", "the body is empty"),
    ] {
        let (status, error) = h
            .call_raw(
                Method::POST,
                "/api/v1/runbooks",
                Some(h.token("alpha", Role::Admin)),
                raw.to_vec(),
            )
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{error}");
        assert!(message(&error).contains(fragment), "{error}");
    }
    h.stop().await;
}
