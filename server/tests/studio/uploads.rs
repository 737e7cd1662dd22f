//! Components built elsewhere (a Rust runbook) uploaded as versions, and
//! uploads that are not runbooks this host can run.

use axum::http::{Method, StatusCode};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use wolfe_store::Role;

use crate::harness::{Harness, code, message, rust_component};

/// A body uploading `bytes` as a Rust runbook.
pub fn upload(bytes: &[u8]) -> Value {
    json!({
        "component": BASE64.encode(bytes),
        "language": "rust",
        "sha256": hex::encode(Sha256::digest(bytes)),
        "capabilities": {},
        "files": {"src/lib.rs": "// decides on disk pressure\n"},
        "message": "built in CI",
    })
}

async fn create_runbook(h: &Harness, name: &str) {
    let (status, body) = h
        .alpha(
            Role::Author,
            Method::POST,
            "/api/v1/runbooks",
            Some(json!({"name": name})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
}

pub async fn an_uploaded_component_becomes_a_version_that_runs(mut h: Harness) {
    create_runbook(&h, "disk").await;
    let component = rust_component();
    let (status, version) = h
        .alpha(
            Role::Author,
            Method::POST,
            "/api/v1/runbooks/disk/components",
            Some(upload(&component)),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{version}");
    assert_eq!(version["number"], 1);
    assert_eq!(version["language"], "rust");
    assert_eq!(version["deployed_in"], json!(["dev"]));
    assert_eq!(version["author"], "alpha/author");
    let sha = hex::encode(Sha256::digest(&component));
    assert_eq!(version["artifact_sha256"], sha);
    let log = version["build_log"].as_str().unwrap();
    assert!(log.contains("wolfe:runbook/log@0.1.0"), "{log}");

    let (_, shown) = h
        .alpha(
            Role::Viewer,
            Method::GET,
            "/api/v1/runbooks/disk/versions/1",
            None,
        )
        .await;
    assert_eq!(
        shown["files"]["src/lib.rs"],
        "// decides on disk pressure\n"
    );

    h.start_engine();
    let sample: Value = serde_json::from_slice(
        &std::fs::read(
            wolfe_testkit::example_dir("disk-pressure-rust").join("events/disk-filling-fast.json"),
        )
        .unwrap(),
    )
    .unwrap();
    let (status, run) = h
        .alpha(
            Role::Author,
            Method::POST,
            "/api/v1/runbooks/disk/runs",
            Some(json!({"environment": "dev", "payload": sample["payload"]})),
        )
        .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{run}");
    let execution = h.finished(run["execution_id"].as_str().unwrap()).await;
    assert_eq!(execution["status"], "succeeded", "{execution}");
    assert_eq!(
        execution["output"][0]["instance"], "db-7:9100",
        "{execution}"
    );
    h.stop().await;
}

pub async fn uploads_that_are_not_runbooks_are_refused_and_store_nothing(h: Harness) {
    create_runbook(&h, "disk").await;
    let component = rust_component();
    let core_module = b"\0asm\x01\0\0\0".as_slice();
    let empty_component = b"\0asm\x0d\0\x01\0".as_slice();
    let with = |change: Value| {
        let mut body = upload(&component);
        for (key, value) in change.as_object().unwrap() {
            body[key] = value.clone();
        }
        body
    };
    let cases: Vec<(Value, StatusCode, &str, &str)> = vec![
        (
            with(json!({"component": "not base64!"})),
            StatusCode::BAD_REQUEST,
            "component",
            "not base64",
        ),
        (
            with(json!({"component": ""})),
            StatusCode::BAD_REQUEST,
            "component",
            "empty",
        ),
        (
            upload(core_module),
            StatusCode::UNPROCESSABLE_ENTITY,
            "",
            "core WebAssembly module",
        ),
        (
            upload(b"#!/bin/sh\n"),
            StatusCode::UNPROCESSABLE_ENTITY,
            "",
            "not WebAssembly",
        ),
        (
            upload(empty_component),
            StatusCode::UNPROCESSABLE_ENTITY,
            "",
            "wolfe:runbook/handler@0.1.0",
        ),
        (
            with(json!({"sha256": "00".repeat(32)})),
            StatusCode::BAD_REQUEST,
            "sha256",
            "damaged",
        ),
        (
            with(json!({"language": "go"})),
            StatusCode::BAD_REQUEST,
            "language",
            "\"go\"",
        ),
        (
            with(json!({"files": {"../etc/passwd": "x"}})),
            StatusCode::BAD_REQUEST,
            "files.../etc/passwd",
            "relative path",
        ),
        (
            with(json!({"capabilities": {"kv": "everything"}})),
            StatusCode::BAD_REQUEST,
            "capabilities.kv",
            "capabilities.kv",
        ),
    ];
    for (body, status, field, text) in cases {
        let (got, error) = h
            .alpha(
                Role::Author,
                Method::POST,
                "/api/v1/runbooks/disk/components",
                Some(body),
            )
            .await;
        assert_eq!(got, status, "{error}");
        let expected_code = if status == StatusCode::UNPROCESSABLE_ENTITY {
            "invalid_component"
        } else {
            "invalid_request"
        };
        assert_eq!(code(&error), expected_code, "{error}");
        if !field.is_empty() {
            assert_eq!(error["error"]["field"], field, "{error}");
        }
        assert!(message(&error).contains(text), "{text:?} in {error}");
    }
    let (_, versions) = h
        .alpha(
            Role::Viewer,
            Method::GET,
            "/api/v1/runbooks/disk/versions",
            None,
        )
        .await;
    assert_eq!(versions["items"], json!([]), "nothing was stored");
}
