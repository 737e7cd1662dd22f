//! Components the host cannot run, and requests it refuses, each with an
//! error that names the problem.

use std::time::Duration;

use serde_json::json;
use wolfe_engine::{LoadError, Quotas, RequestError, check_component};

use crate::support::{hostile_rust, quotas, request, runtime};

#[test]
fn bytes_that_are_not_a_component_are_rejected() {
    let error = runtime().load(b"#!/bin/sh\nrm -rf /\n").err().unwrap();
    assert!(matches!(error, LoadError::NotAComponent(_)), "{error}");
}

#[test]
fn a_runbook_built_against_another_wit_version_names_the_missing_import() {
    let component = wat::parse_str(
        r#"(component (import "wolfe:runbook/log@0.2.0" (instance (export "write" (func)))))"#,
    )
    .unwrap();
    let error = runtime().load(&component).err().unwrap();
    assert!(matches!(error, LoadError::MissingImport(_)), "{error}");
    assert!(
        error.to_string().contains("wolfe:runbook/log@0.2.0"),
        "{error}"
    );
}

#[test]
fn a_component_without_the_handler_export_is_rejected() {
    let component = wat::parse_str("(component)").unwrap();
    let error = runtime().load(&component).err().unwrap();
    assert!(matches!(error, LoadError::MissingHandler(_)), "{error}");
    assert!(error.to_string().contains("wolfe:runbook/handler@0.1.0"));
}

/// The check made before storing a component built elsewhere accepts
/// every real runbook, Python and Rust, and sees what the linker sees.
#[test]
fn real_runbooks_pass_the_upload_check() {
    for dir in [
        wolfe_testkit::example_dir("disk-pressure-rust"),
        wolfe_testkit::guest_dir("hostile-py"),
        wolfe_testkit::guest_dir("api-probe-rust"),
    ] {
        let bytes = std::fs::read(wolfe_testkit::built(&dir)).unwrap();
        let shape = check_component(&bytes).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
        assert!(
            shape
                .exports
                .contains(&"wolfe:runbook/handler@0.1.0".to_owned()),
            "{shape:?}"
        );
        assert!(
            shape.imports.iter().any(|i| i == "wolfe:runbook/log@0.1.0"),
            "{shape:?}"
        );
        runtime().load(&bytes).unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn quotas_beyond_the_runtime_ceiling_are_refused_before_running() {
    let guest = hostile_rust();
    let request = request(json!({"mode": "echo"}), vec![]);
    let too_much = Quotas {
        memory_bytes: 1 << 40,
        ..quotas()
    };
    let error = runtime()
        .execute(&guest, &request, &too_much)
        .await
        .unwrap_err();
    assert!(matches!(error, RequestError::MemoryAboveCeiling { .. }));
    assert!(error.to_string().contains("256.0 MiB"), "{error}");

    let no_time = Quotas {
        timeout: Duration::ZERO,
        ..quotas()
    };
    let error = runtime()
        .execute(&guest, &request, &no_time)
        .await
        .unwrap_err();
    assert_eq!(error.to_string(), "timeout quota must be greater than zero");
}
