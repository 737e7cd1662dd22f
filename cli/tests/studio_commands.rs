//! `wolfe deploy` and `wolfe promote` against a real Studio API on a
//! loopback port (the server builds the source with the repository's
//! componentize-py).

use std::path::Path;
use std::process::{Command, Output};
use std::sync::Arc;

use sha2::Digest as _;
use tokio::sync::Notify;
use wolfe_pipeline::intake::Intake;
use wolfe_server::builder::Builder;
use wolfe_server::{AppState, app};
use wolfe_store::{Role, Store};

const MAIN: &str =
    "import wolfe\n\n\n@wolfe.runbook\ndef handle(ctx, events):\n    return {\"ok\": True}\n";
const BROKEN: &str = "import wolfe\n\n\n@wolfe.runbook\ndef handle(ctx, events)\n    return {}\n";

fn wolfe(args: &[&str], server: &str, token: &str) -> Output {
    Command::new(env!("CARGO_BIN_EXE_wolfe"))
        .args(args)
        .env("WOLFE_SERVER", server)
        .env("WOLFE_TOKEN", token)
        .output()
        .expect("wolfe runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn write_runbook(dir: &Path, main: &str) {
    std::fs::write(
        dir.join("wolfe.toml"),
        "name = \"hello\"\ndescription = \"says hi\"\n",
    )
    .unwrap();
    std::fs::write(dir.join("main.py"), main).unwrap();
}

/// A Studio API on a loopback port over a fresh store with team `ops`.
struct Studio {
    store: Store,
    team_id: String,
    author: String,
    operator: String,
    server: String,
    _data: tempfile::TempDir,
}

impl Studio {
    async fn start() -> Self {
        let data = tempfile::tempdir().unwrap();
        let store = Store::open(&format!(
            "sqlite://{}",
            data.path().join("wolfe.db").display()
        ))
        .await
        .unwrap();
        let team = store.create_team("ops").await.unwrap();
        let author = store
            .create_token(&team.id, "dev", Role::Author, "test")
            .await
            .unwrap()
            .secret;
        let operator = store
            .create_token(&team.id, "sre", Role::Operator, "test")
            .await
            .unwrap()
            .secret;
        let intake = Arc::new(Intake::new(store.clone(), Arc::new(Notify::new())));
        let state = AppState::new(store.clone(), intake)
            .with_builder(Builder::new(wolfe_testkit::toolchain(), 1));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let server = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app(state)).await });
        Self {
            store,
            team_id: team.id,
            author,
            operator,
            server,
            _data: data,
        }
    }

    /// Runs `wolfe` with `args` against this server, off the async workers.
    async fn wolfe(&self, args: &[&str], token: &str) -> Output {
        let server = self.server.clone();
        let token = token.to_owned();
        let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
        tokio::task::spawn_blocking(move || {
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            wolfe(&args, &server, &token)
        })
        .await
        .unwrap()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deploy_builds_on_the_server_and_promote_follows_the_roles() {
    let studio = Studio::start().await;
    let (author, operator) = (studio.author.as_str(), studio.operator.as_str());
    let runbook = tempfile::tempdir().unwrap();
    write_runbook(runbook.path(), MAIN);
    let dir = runbook.path().to_str().unwrap();

    let output = studio.wolfe(&["deploy", dir, "-m", "first"], author).await;
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    assert!(
        text(&output.stdout).starts_with("deployed hello v1 to dev (sha256 "),
        "{}",
        text(&output.stdout)
    );
    assert!(text(&output.stderr).contains("created runbook hello"));
    let runbook_row = studio
        .store
        .runbook_by_name(&studio.team_id, "hello")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(runbook_row.description.as_deref(), Some("says hi"));

    write_runbook(runbook.path(), BROKEN);
    let output = studio.wolfe(&["deploy", dir], author).await;
    assert_eq!(output.status.code(), Some(1));
    let stderr = text(&output.stderr);
    assert!(
        stderr.contains("error: build failed: main.py:5: "),
        "{stderr}"
    );
    assert!(stderr.contains("SyntaxError"), "{stderr}");

    let output = studio
        .wolfe(&["promote", "hello", "--to", "test"], author)
        .await;
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    assert_eq!(
        text(&output.stdout),
        "promoted hello v1 to test (was nothing)\n"
    );
    let output = studio
        .wolfe(&["promote", "hello", "--to", "prod"], author)
        .await;
    assert_eq!(output.status.code(), Some(1));
    assert!(
        text(&output.stderr).contains("forbidden (403): this needs the operator role"),
        "{}",
        text(&output.stderr)
    );
    let output = studio
        .wolfe(&["promote", "hello", "--to", "prod"], operator)
        .await;
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    let output = studio
        .wolfe(&["promote", "hello", "--to", "prod"], operator)
        .await;
    assert_eq!(text(&output.stdout), "prod already runs hello v1\n");
    let output = studio
        .wolfe(&["promote", "hello", "--to", "test"], "wolfe_wrong")
        .await;
    assert!(
        text(&output.stderr).contains("unauthorized (401)"),
        "{}",
        text(&output.stderr)
    );
}

/// A Rust runbook cannot be built on the server: `wolfe deploy` builds it
/// here and uploads the component, with its source to read.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deploy_builds_a_rust_runbook_here_and_uploads_its_component() {
    let studio = Studio::start().await;
    let example = wolfe_testkit::example_dir("disk-pressure-rust");
    let output = studio
        .wolfe(
            &["deploy", example.to_str().unwrap(), "-m", "from CI"],
            &studio.author,
        )
        .await;
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    let stdout = text(&output.stdout);
    assert!(
        stdout.starts_with("deployed disk-pressure-rust v1 to dev (sha256 "),
        "{stdout}"
    );

    let runbook = studio
        .store
        .runbook_by_name(&studio.team_id, "disk-pressure-rust")
        .await
        .unwrap()
        .unwrap();
    let versions = studio.store.versions(&runbook.id).await.unwrap();
    assert_eq!(versions.len(), 1);
    let version = &versions[0];
    assert_eq!(version.language, "rust");
    assert_eq!(version.message, "from CI");
    assert!(stdout.contains(&version.artifact_sha256), "{stdout}");
    let bytes = studio
        .store
        .artifact(&version.artifact_sha256)
        .await
        .unwrap()
        .expect("the component is stored");
    assert_eq!(
        hex::encode(sha2::Sha256::digest(&bytes)),
        version.artifact_sha256
    );
    let shape = wolfe_engine::check_component(&bytes).unwrap();
    assert!(
        shape
            .imports
            .iter()
            .any(|i| i.starts_with("wolfe:runbook/"))
    );
    let source = studio
        .store
        .version_by_number(&runbook.id, 1)
        .await
        .unwrap()
        .unwrap()
        .source
        .unwrap();
    assert!(
        source.contains("src/lib.rs"),
        "the source is kept: {source}"
    );
}
