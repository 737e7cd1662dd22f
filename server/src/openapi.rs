//! `GET /api/openapi.json`: the OpenAPI 3.1 document, generated from the
//! route table (paths, methods, roles, parameters) plus the request body
//! schemas kept here by hand. A test checks that every route is in it and
//! every body schema it names exists.

use std::sync::OnceLock;

use axum::Json;
use serde_json::{Map, Value, json};

use crate::api::routes;

pub async fn serve() -> Json<Value> {
    static DOCUMENT: OnceLock<Value> = OnceLock::new();
    Json(DOCUMENT.get_or_init(document).clone())
}

/// The whole document.
pub fn document() -> Value {
    let mut paths = Map::new();
    for route in routes() {
        let mut parameters: Vec<Value> = path_parameters(route.path)
            .map(|name| json!({"name": name, "in": "path", "required": true, "schema": {"type": "string"}}))
            .collect();
        parameters.extend(route.query.iter().map(|name| {
            json!({"name": name, "in": "query", "required": false, "schema": {"type": "string"}})
        }));
        let mut operation = json!({
            "tags": [route.tag],
            "summary": route.summary,
            "operationId": format!("{} {}", route.method, route.path),
            "parameters": parameters,
            "responses": {
                "2XX": {"description": "Success", "content": {"application/json": {"schema": {"type": "object"}}}},
                "default": {"description": "An error", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
            },
        });
        if let Some(role) = route.role {
            operation["security"] = json!([{"token": []}]);
            operation["x-wolfe-role"] = role.into();
            operation["description"] = format!(
                "Needs a token with role {role}. Things of other teams are not found (404); \
                 a weaker role of the same team is refused (403)."
            )
            .into();
        }
        if let Some(body) = route.body {
            operation["requestBody"] = json!({
                "required": true,
                "content": {"application/json": {"schema": {"$ref": format!("#/components/schemas/{body}")}}},
            });
        }
        let item = paths
            .entry(route.path.to_owned())
            .or_insert_with(|| json!({}));
        item[route.method.as_str().to_ascii_lowercase()] = operation;
    }
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "Wolfe management API",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "Teams, tokens, runbooks and their versions, deployments, rules, \
                quotas, grants, secrets, runs, executions, events, kv and the audit log. \
                Errors are {\"error\": {\"code\", \"message\", ...}} with stable codes.",
        },
        "paths": paths,
        "components": {
            "securitySchemes": {"token": {"type": "http", "scheme": "bearer"}},
            "schemas": schemas(),
        },
    })
}

/// `{team}` style parameters of a path, in order.
pub fn path_parameters(path: &str) -> impl Iterator<Item = &str> {
    path.split('/')
        .filter_map(|segment| segment.strip_prefix('{')?.strip_suffix('}'))
}

fn string() -> Value {
    json!({"type": "string"})
}

fn object(required: &[&str], properties: Value) -> Value {
    json!({"type": "object", "additionalProperties": false, "required": required, "properties": properties})
}

fn schemas() -> Value {
    let run = json!({
        "environment": string(),
        "payload": {"description": "The sample event's payload"},
        "params": {"type": "object"},
        "dry_run": {"type": "boolean", "default": false},
    });
    let mut run_request = run.clone();
    run_request["team"] = string();
    run_request["runbook"] = string();
    json!({
        "Error": {
            "type": "object",
            "required": ["error"],
            "properties": {"error": {
                "type": "object",
                "required": ["code", "message"],
                "properties": {
                    "code": {"type": "string", "enum": ["invalid_request", "malformed_event", "unauthorized",
                        "forbidden", "not_found", "conflict", "not_deployed", "payload_too_large",
                        "build_failed", "invalid_component", "archived", "already_finished", "store_unavailable", "unavailable"]},
                    "message": string(),
                    "field": {"type": "string", "description": "The offending field of the body"},
                    "file": {"type": "string", "description": "build_failed: the runbook file"},
                    "line": {"type": "integer", "description": "build_failed: the line in it"},
                    "log": {"type": "string", "description": "build_failed: the build tool's output"},
                    "required_role": {"type": "string", "description": "forbidden: the role needed"},
                },
            }},
        },
        "NewTeam": object(&["name"], json!({"name": string()})),
        "NewToken": object(&["name", "role"], json!({"name": string(),
            "role": {"type": "string", "enum": ["viewer", "author", "operator", "admin"]}})),
        "NewRunbook": object(&["name"], json!({"name": string(), "description": string()})),
        "RunbookPatch": object(&[], json!({"description": {"type": ["string", "null"]}})),
        "Quotas": object(&["max_attempts", "concurrency_limit"], json!({
            "max_attempts": {"type": "integer", "minimum": 1, "maximum": 20},
            "concurrency_limit": {"type": "integer", "minimum": 1, "maximum": 1000},
            "quotas": {"type": "object", "description": "fuel, memory_bytes, timeout (e.g. \"10s\"), max_output_bytes, max_log_lines, max_log_bytes"},
        })),
        "SaveSource": object(&["files"], json!({
            "files": {"type": "object", "additionalProperties": {"type": "string"},
                      "description": "Relative path → content; main.py is the entry, wolfe.toml optional"},
            "message": string(),
        })),
        "UploadComponent": object(&["component", "language"], json!({
            "component": {"type": "string", "contentEncoding": "base64",
                          "description": "The component built by `wolfe build`, base64"},
            "language": {"type": "string", "enum": ["rust", "python"]},
            "sha256": {"type": "string", "description": "The sha256 its build recorded; checked"},
            "capabilities": {"type": "object", "description": "[capabilities] of wolfe.toml (the Grant shape)"},
            "files": {"type": "object", "additionalProperties": {"type": "string"},
                      "description": "Its source, kept with the version to read"},
            "message": string(),
        })),
        "Promotion": object(&["to"], json!({"to": string(), "version": {"type": "integer"},
            "force": {"type": "boolean", "default": false}})),
        "Rollback": object(&["environment"], json!({"environment": string(), "version": {"type": "integer"}})),
        "NewRule": object(&["name", "environment", "spec"], json!({"name": string(),
            "environment": string(), "spec": {"type": "object", "description": "A wolfe-rules spec"}})),
        "RuleChange": object(&[], json!({"spec": {"type": "object"}, "enabled": {"type": "boolean"}})),
        "RuleTest": object(&["event"], json!({
            "spec": {"type": "object"}, "rule_id": string(),
            "event": object(&["source", "kind"], json!({"source": string(), "kind": string(), "payload": {}})),
        })),
        "Grant": {"type": "object", "additionalProperties": false, "properties": {
            "kv": {"type": "string", "enum": ["runbook", "team"]},
            "http": {"type": "array", "items": string()},
            "secrets": {"type": "array", "items": string()},
            "metrics": {"type": "array", "items": string()},
            "instances": {"type": "object"},
            "discovery": {"type": "array", "items": string()},
            "notify": {"type": "array", "items": string()},
            "events": {"type": "array", "items": string()},
        }},
        "Targets": object(&["targets"], json!({"targets": {"type": "array", "items": string()}})),
        "SecretValue": object(&["value"], json!({"value": string()})),
        "CancelRequest": object(&[], json!({"reason": string()})),
        "Run": object(&["environment"], run),
        "RunRequest": object(&["runbook", "environment"], run_request),
        "WebhookBody": {"description": "The source's own format (Alertmanager, Atlas, generic JSON)"},
    })
}
