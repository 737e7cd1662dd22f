//! The `wolfe` binary as a user runs it: exit codes, output, and one-line
//! errors that name the problem.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;
use sha2::{Digest, Sha256};

fn wolfe(args: &[&str]) -> Output {
    let toolchain = wolfe_testkit::toolchain();
    let mut command = Command::new(env!("CARGO_BIN_EXE_wolfe"));
    command
        .args(args)
        .env("WOLFE_CACHE_DIR", wolfe_testkit::compiled_cache_dir());
    if let Some(componentize_py) = toolchain.componentize_py {
        command.env("WOLFE_COMPONENTIZE_PY", componentize_py);
    }
    command.output().expect("wolfe runs")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// The final line, which is what a person reads first.
fn error_line(output: &Output) -> String {
    stderr(output).lines().last().unwrap_or_default().to_owned()
}

fn hostile_rust() -> String {
    let path = wolfe_testkit::built(&wolfe_testkit::guest_dir("hostile-rust"));
    path.to_string_lossy().into_owned()
}

fn path_str(path: &Path) -> &str {
    path.to_str().unwrap()
}

#[test]
fn runs_an_example_and_prints_a_table() {
    let component = wolfe_testkit::built(&wolfe_testkit::example_dir("kafka-broker-offline"));
    let event = wolfe_testkit::example_dir("kafka-broker-offline")
        .join("events/broker-down-healthy-host.json");
    let output = wolfe(&["run", path_str(&component), "--event", path_str(&event)]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let table = stdout(&output);
    assert!(table.starts_with("outcome        succeeded\n"), "{table}");
    assert!(table.contains("\"action\": \"restart_broker\""), "{table}");
    for row in ["fuel", "peak memory", "wall time", "logs           2 lines"] {
        assert!(table.contains(row), "missing {row}: {table}");
    }
}

#[test]
fn json_output_is_the_full_result() {
    let output = wolfe(&[
        "run",
        &hostile_rust(),
        "--param",
        "mode=echo",
        "--param",
        "broker=3",
        "--json",
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let result: Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(result["outcome"], "succeeded");
    assert_eq!(result["output"]["params"]["broker"], 3);
    assert!(result["fuel_consumed"].as_u64().unwrap() > 0);
    assert!(result["peak_memory_bytes"].as_u64().unwrap() > 0);
    assert_eq!(result["artifact_sha256"].as_str().unwrap().len(), 64);
}

#[test]
fn exit_codes_distinguish_failure_crash_and_quota() {
    let guest = hostile_rust();
    let code = |args: &[&str]| {
        let mut all = vec!["run", guest.as_str()];
        all.extend_from_slice(args);
        wolfe(&all).status.code()
    };
    assert_eq!(code(&["--param", "mode=unknown"]), Some(10));
    assert_eq!(code(&["--param", "mode=panic"]), Some(11));
    assert_eq!(
        code(&["--param", "mode=spin", "--fuel", "1000000"]),
        Some(12)
    );
    assert_eq!(
        code(&["--param", "mode=sleep", "--timeout", "200ms"]),
        Some(12)
    );
    assert_eq!(
        code(&["--param", "mode=allocate", "--memory", "16MiB"]),
        Some(12)
    );
}

#[test]
fn bad_input_gets_one_clear_line_and_exit_1() {
    let guest = hostile_rust();
    let output = wolfe(&["run", &guest, "--event", "/nonexistent/alert.json"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        error_line(&output).starts_with("error: cannot read event file /nonexistent/alert.json"),
        "{}",
        stderr(&output)
    );

    let output = wolfe(&["run", "/nonexistent/runbook"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(error_line(&output).contains("no such runbook directory or component file"));

    let output = wolfe(&["run", &guest, "--memory", "8GiB"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(error_line(&output).contains("exceeds the runtime's per-execution ceiling"));

    let output = wolfe(&["run", &guest, "--param", "no-equals-sign"]);
    assert_eq!(output.status.code(), Some(2), "usage errors are clap's");
    assert!(stderr(&output).contains("expected KEY=VALUE"));
}

#[test]
fn a_wit_version_mismatch_names_the_interface() {
    let dir = tempfile::tempdir().unwrap();
    let component = dir.path().join("future.wasm");
    let wat =
        r#"(component (import "wolfe:runbook/log@0.2.0" (instance (export "write" (func)))))"#;
    std::fs::write(&component, wat::parse_str(wat).unwrap()).unwrap();
    let output = wolfe(&["run", path_str(&component)]);
    assert_eq!(output.status.code(), Some(1));
    let line = error_line(&output);
    assert!(
        line.contains("needs something this host does not provide"),
        "{line}"
    );
    assert!(line.contains("wolfe:runbook/log@0.2.0"), "{line}");
}

fn python_runbook(source: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("wolfe.toml"), "name = \"probe\"\n").unwrap();
    std::fs::write(dir.path().join("main.py"), source).unwrap();
    dir
}

#[test]
fn python_build_errors_name_the_problem() {
    let no_handler = python_runbook("import wolfe\n\ndef handle(ctx, events):\n    return 1\n");
    let output = wolfe(&["build", path_str(no_handler.path())]);
    assert_eq!(output.status.code(), Some(1));
    let line = error_line(&output);
    assert!(
        line.contains("no function is marked with @wolfe.runbook"),
        "{line}"
    );

    let syntax =
        python_runbook("import wolfe\n\n@wolfe.runbook\ndef handle(ctx, events)\n    return 1\n");
    let output = wolfe(&["build", path_str(syntax.path())]);
    assert_eq!(output.status.code(), Some(1));
    let line = error_line(&output);
    assert!(line.contains("SyntaxError"), "{line}");
    assert!(
        stderr(&output).contains("main.py\", line 4"),
        "{}",
        stderr(&output)
    );

    let empty = tempfile::tempdir().unwrap();
    let output = wolfe(&["build", path_str(empty.path())]);
    assert_eq!(output.status.code(), Some(1));
    assert!(error_line(&output).contains("not a runbook directory"));
}

#[test]
fn build_writes_a_component_and_a_manifest_naming_its_sha256() {
    let dir = python_runbook(
        "import wolfe\n\n@wolfe.runbook\ndef handle(ctx, events):\n    return {'n': len(events)}\n",
    );
    let output = wolfe(&["build", path_str(dir.path()), "--json"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let manifest: Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(manifest["name"], "probe");
    assert_eq!(manifest["language"], "python");
    assert_eq!(manifest["wit"], "wolfe:runbook@0.1.0");
    let component: PathBuf = dir.path().join("target/wolfe/probe.wasm");
    let sha256 = hex::encode(Sha256::digest(std::fs::read(&component).unwrap()));
    assert_eq!(manifest["sha256"], sha256);
    let on_disk: Value = serde_json::from_str(
        &std::fs::read_to_string(dir.path().join("target/wolfe/probe.wolfe.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(on_disk, manifest);

    // A directory is built and run in one step.
    let output = wolfe(&["run", path_str(dir.path()), "--json"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let result: Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(result["output"], serde_json::json!({"n": 0}));
}

#[test]
fn pure_python_requirements_are_bundled_into_the_component() {
    let dir = python_runbook(
        "import six\nimport wolfe\n\n@wolfe.runbook\ndef handle(ctx, events):\n    \
         return {'six': six.__version__}\n",
    );
    std::fs::write(
        dir.path().join("wolfe.toml"),
        "name = \"with-deps\"\n[python]\nrequirements = [\"six==1.16.0\"]\n",
    )
    .unwrap();
    let output = wolfe(&["run", path_str(dir.path()), "--json"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let result: Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(result["output"], serde_json::json!({"six": "1.16.0"}));
}

#[test]
fn an_unavailable_requirement_fails_the_build_naming_it() {
    let dir =
        python_runbook("import wolfe\n\n@wolfe.runbook\ndef handle(ctx, events):\n    return 1\n");
    std::fs::write(
        dir.path().join("wolfe.toml"),
        "name = \"native\"\n[python]\nrequirements = [\"no-such-package-wolfe-test==0.0.1\"]\n",
    )
    .unwrap();
    let output = wolfe(&["build", path_str(dir.path())]);
    assert_eq!(output.status.code(), Some(1));
    let line = error_line(&output);
    assert!(line.contains("pip install failed"), "{line}");
    assert!(
        stderr(&output).contains("no-such-package-wolfe-test"),
        "{}",
        stderr(&output)
    );
}

/// `wolfe serve` starts from a configuration file, accepts a webhook only
/// after committing it, and stops gracefully on SIGTERM.
#[test]
fn serve_accepts_webhooks_and_shuts_down_gracefully() {
    use std::io::{BufRead, BufReader, Read, Write};
    use std::net::TcpStream;

    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("wolfe.toml");
    std::fs::write(
        &config,
        format!(
            "data_dir = {:?}\nlisten = \"127.0.0.1:0\"\napi_token = \"tok\"\nenvironments = [\"dev\"]\n\
             [[sources]]\nname = \"am\"\nenvironment = \"dev\"\nformat = \"alertmanager\"\n\
             auth = {{ type = \"bearer\", token = \"hook\" }}\n",
            dir.path().join("data")
        ),
    )
    .unwrap();
    let mut server = Command::new(env!("CARGO_BIN_EXE_wolfe"))
        .args(["serve", "--no-examples", "--config", path_str(&config)])
        .env("WOLFE_CACHE_DIR", wolfe_testkit::compiled_cache_dir())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut stderr = BufReader::new(server.stderr.take().unwrap());
    let mut line = String::new();
    let address = loop {
        line.clear();
        assert!(
            stderr.read_line(&mut line).unwrap() > 0,
            "serve exited early"
        );
        if let Some(rest) = line.trim().strip_prefix("wolfe: serving dev on http://") {
            break rest.to_owned();
        }
    };

    let body = std::fs::read(
        wolfe_testkit::repo_root().join("ingest/tests/fixtures/alertmanager/resolved.json"),
    )
    .unwrap();
    let mut stream = TcpStream::connect(&address).unwrap();
    write!(
        stream,
        "POST /api/v1/events/am HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer hook\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    )
    .unwrap();
    stream.write_all(&body).unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    assert!(response.starts_with("HTTP/1.1 202"), "{response}");
    assert!(response.contains("\"event_ids\""), "{response}");

    Command::new("kill")
        .args(["-TERM", &server.id().to_string()])
        .status()
        .unwrap();
    let status = server.wait().unwrap();
    assert!(status.success(), "graceful shutdown exits 0, got {status}");
    assert!(
        dir.path().join("data/wolfe.db").is_file(),
        "SQLite lives in data_dir"
    );
}

#[test]
fn rules_test_shows_matches_and_mapped_params_without_running() {
    let example = wolfe_testkit::example_dir("squelch-false-positive");
    let rule = example.join("rules/high-error-rate.json");
    let event = example.join("events/genuine-error-spike.json");
    let output = wolfe(&[
        "rules",
        "test",
        "--event",
        path_str(&event),
        "--rule",
        path_str(&rule),
        "--json",
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let report: Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(report[0]["matched"], true);
    assert_eq!(
        report[0]["params"],
        serde_json::json!({"service": "checkout", "error_rate_threshold": 0.05})
    );

    let other =
        wolfe_testkit::example_dir("disk-pressure-rust").join("events/disk-slowly-full.json");
    let output = wolfe(&[
        "rules",
        "test",
        "--event",
        path_str(&other),
        "--rule",
        path_str(&rule),
    ]);
    assert!(
        stdout(&output).contains("no match (criteria)"),
        "{}",
        stdout(&output)
    );

    let dir = tempfile::tempdir().unwrap();
    let broken = dir.path().join("broken.json");
    std::fs::write(
        &broken,
        r#"{"source": "am", "kind": "alert.*", "crtieria": {}}"#,
    )
    .unwrap();
    let output = wolfe(&[
        "rules",
        "test",
        "--event",
        path_str(&event),
        "--rule",
        path_str(&broken),
    ]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        error_line(&output).contains("unknown field `crtieria`"),
        "{}",
        stderr(&output)
    );
}

fn kv_calls() -> String {
    serde_json::json!([
        {"op": "kv.set", "args": {"scope": "runbook", "key": "k", "value": "v", "ttl_seconds": null}},
        {"op": "kv.get", "args": {"scope": "runbook", "key": "k"}},
    ])
    .to_string()
}

#[test]
fn run_grants_nothing_by_default_and_what_a_grant_file_says() {
    let probe = wolfe_testkit::built(&wolfe_testkit::guest_dir("api-probe-rust"));
    let calls = format!("calls={}", kv_calls());
    let output = wolfe(&["run", path_str(&probe), "--param", &calls, "--json"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let result: Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(result["output"]["results"][0]["error"]["kind"], "denied");

    let dir = tempfile::tempdir().unwrap();
    let grant = dir.path().join("grant.toml");
    std::fs::write(&grant, "kv = \"runbook\"\n").unwrap();
    let output = wolfe(&[
        "run",
        path_str(&probe),
        "--param",
        &calls,
        "--grant",
        path_str(&grant),
        "--json",
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let result: Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(result["output"]["results"][1]["ok"], "v", "{result}");

    std::fs::write(&grant, "kv = \"everything\"\n").unwrap();
    let output = wolfe(&["run", path_str(&probe), "--grant", path_str(&grant)]);
    assert_eq!(output.status.code(), Some(1));
    let error = stderr(&output);
    assert!(
        error.contains("not a valid grant") && error.contains("everything"),
        "{error}"
    );
}

const KV_RUNBOOK: &str = r#"
import wolfe
from wolfe import kv

@wolfe.runbook
def handle(ctx, events):
    kv.set("seen", "yes")
    return {"seen": kv.get("seen")}
"#;

#[test]
fn run_grants_what_the_runbook_declares_and_the_build_checks_it() {
    let dir = python_runbook(KV_RUNBOOK);
    std::fs::write(
        dir.path().join("wolfe.toml"),
        "name = \"declares\"\n[capabilities]\nkv = \"runbook\"\n",
    )
    .unwrap();
    let output = wolfe(&["run", path_str(dir.path()), "--json"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let result: Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(result["output"]["seen"], "yes", "{result}");

    std::fs::write(
        dir.path().join("wolfe.toml"),
        "name = \"declares\"\n[capabilities]\nkv = \"runbook\"\nhttps = [\"x\"]\n",
    )
    .unwrap();
    let output = wolfe(&["build", path_str(dir.path())]);
    assert_eq!(output.status.code(), Some(1));
    let error = stderr(&output);
    assert!(
        error.contains("[capabilities]") && error.contains("https"),
        "{error}"
    );
}
