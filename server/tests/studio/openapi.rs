//! `GET /api/openapi.json` lists every route of the router with its
//! parameters and success response, and every schema it refers to exists.
//! (That answers match their schemas is checked on every call of the
//! tests: `contract.rs`.)

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};
use wolfe_server::api::success::Success;

use crate::harness::Harness;

pub async fn the_openapi_document_lists_every_route(h: Harness) {
    let (status, document) = h.call(Method::GET, "/api/openapi.json", None, None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(document["openapi"], "3.1.0");
    let routes = wolfe_server::api::routes();
    let mut operations = 0;
    for (path, item) in document["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            operations += 1;
            let known = routes
                .iter()
                .any(|r| r.path == path && r.method.as_str().eq_ignore_ascii_case(method));
            assert!(known, "{method} {path} is documented but not routed");
            let documented: Vec<&str> = operation["parameters"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|p| p["in"] == "path")
                .map(|p| p["name"].as_str().unwrap())
                .collect();
            let in_path: Vec<&str> = wolfe_server::openapi::path_parameters(path).collect();
            assert_eq!(documented, in_path, "{method} {path}");
            if let Some(reference) =
                operation.pointer("/requestBody/content/application~1json/schema/$ref")
            {
                let name = reference.as_str().unwrap().rsplit('/').next().unwrap();
                assert!(
                    document["components"]["schemas"].get(name).is_some(),
                    "{method} {path}: schema {name} is missing"
                );
            }
        }
    }
    assert_eq!(operations, routes.len(), "every route is documented once");
    for route in &routes {
        let operation = &document["paths"][route.path][route.method.as_str().to_ascii_lowercase()];
        success_is_documented(
            &document,
            route.method.as_str(),
            route.path,
            &route.success,
            operation,
        );
    }
    every_reference_resolves(&document, &document);
    for route in &routes {
        let item: &Value = &document["paths"][route.path];
        assert!(
            item.get(route.method.as_str().to_ascii_lowercase())
                .is_some(),
            "{} {} is routed but not documented",
            route.method,
            route.path
        );
    }
    // The router answers every documented route (401/other, never an
    // unmatched 404 or 405) — the table is what is served.
    for route in &routes {
        let uri = route.path.replace('{', "x").replace('}', "");
        let (status, _) = h.call(route.method.clone(), &uri, None, None).await;
        assert_ne!(
            status,
            StatusCode::METHOD_NOT_ALLOWED,
            "{} {}",
            route.method,
            route.path
        );
        if route.role.is_some() {
            assert_eq!(
                status,
                StatusCode::UNAUTHORIZED,
                "{} {}",
                route.method,
                route.path
            );
        }
    }
    h.stop().await;
}

/// The operation documents the route's success status, its media type and,
/// for JSON, a schema of the components, never the generic object.
fn success_is_documented(
    document: &Value,
    method: &str,
    path: &str,
    success: &Success,
    operation: &Value,
) {
    let responses = operation["responses"].as_object().unwrap();
    let status = success.status();
    let statuses: Vec<&String> = responses.keys().filter(|k| *k != "default").collect();
    assert_eq!(
        statuses,
        [status.as_str()],
        "{method} {path}: one success status"
    );
    assert_eq!(
        responses["default"]["content"]["application/json"]["schema"]["$ref"],
        "#/components/schemas/Error",
        "{method} {path}: errors"
    );
    let response = &responses[status.as_str()];
    assert!(response["description"].is_string(), "{method} {path}");
    let content = &response["content"];
    match success {
        Success::Json { .. } => {
            let schema = &content["application/json"]["schema"];
            assert_ne!(
                *schema,
                json!({"type": "object"}),
                "{method} {path}: generic"
            );
            let reference = schema["$ref"]
                .as_str()
                .unwrap_or_else(|| panic!("{method} {path}: {schema} names no schema"));
            let name = reference
                .strip_prefix("#/components/schemas/")
                .unwrap_or_else(|| panic!("{method} {path}: {reference} is not a component"));
            let component = &document["components"]["schemas"][name];
            assert_eq!(component["type"], "object", "{method} {path}: {name}");
            assert!(
                component["properties"]
                    .as_object()
                    .is_some_and(|p| !p.is_empty()),
                "{method} {path}: {name} names no fields"
            );
        }
        Success::NoContent => {
            assert_eq!(status, StatusCode::NO_CONTENT);
            assert!(content.is_null(), "{method} {path}: 204 has no body");
        }
        Success::Other { content_type, .. } => {
            let media = content.as_object().unwrap();
            assert_eq!(
                media.keys().collect::<Vec<_>>(),
                [content_type],
                "{method} {path}"
            );
        }
    }
}

/// Every `$ref` in `value` points at a schema of the document's components.
fn every_reference_resolves(document: &Value, value: &Value) {
    match value {
        Value::Object(object) => {
            if let Some(reference) = object.get("$ref").and_then(Value::as_str) {
                let target = reference
                    .strip_prefix('#')
                    .and_then(|pointer| document.pointer(pointer));
                assert!(
                    target.is_some_and(|_| reference.starts_with("#/components/schemas/")),
                    "{reference} points at no schema of the components"
                );
            }
            object
                .values()
                .for_each(|v| every_reference_resolves(document, v));
        }
        Value::Array(items) => items
            .iter()
            .for_each(|v| every_reference_resolves(document, v)),
        _ => {}
    }
}
