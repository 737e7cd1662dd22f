//! `GET /api/openapi.json` lists every route of the router with its
//! parameters, and every body schema it refers to exists.

use axum::http::{Method, StatusCode};
use serde_json::Value;

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
