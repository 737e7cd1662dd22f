//! `wolfe deploy <dir>`: sends a runbook to the Studio as a new version,
//! deployed to the first environment, creating the runbook on first deploy.
//! A Python runbook's source is built by the server (a build error is
//! printed as `file:line: message` with the build log); any other runbook
//! (Rust) is built here with `wolfe build` and its component uploaded,
//! with its source kept beside it for reading.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context as _, bail};
use base64::Engine as _;
use clap::Args;
use reqwest::Method;
use serde_json::{Value, json};
use wolfe_build::{Language, RunbookManifest};

use crate::exit;
use crate::studio_client::{Client, ServerArgs, failure};

#[derive(Args)]
pub struct DeployArgs {
    /// Runbook directory containing wolfe.toml.
    dir: PathBuf,
    /// What changed, kept with the version.
    #[arg(long, short, default_value = "")]
    message: String,
    #[command(flatten)]
    server: ServerArgs,
}

pub fn run(args: DeployArgs) -> anyhow::Result<ExitCode> {
    let manifest = RunbookManifest::load(&args.dir)?;
    let files = crate::source_files::source_files(&args.dir)?;
    // Built before anything is sent: a build error changes nothing remotely.
    let (route, body) = match manifest.language {
        Language::Python => ("versions", json!({"files": files, "message": args.message})),
        language => {
            let built = super::build::build_dir(&args.dir)?;
            let component = std::fs::read(&built.component)
                .with_context(|| format!("reading {}", built.component.display()))?;
            let language = serde_json::to_value(language)?;
            (
                "components",
                json!({
                    "component": base64::engine::general_purpose::STANDARD.encode(component),
                    "language": language,
                    "sha256": built.artifact.sha256,
                    "capabilities": built.artifact.capabilities,
                    "files": files,
                    "message": args.message,
                }),
            )
        }
    };
    let client = Client::new(args.server);
    super::serve::tokio_runtime()?.block_on(async {
        let path = format!("/api/v1/runbooks/{}", manifest.name);
        if let Err(error) = client.send(Method::GET, &path, None).await {
            if failure(&error).is_none_or(|f| f.status != 404) {
                return Err(error);
            }
            let body = json!({"name": manifest.name, "description": manifest.description});
            client
                .send(Method::POST, "/api/v1/runbooks", Some(&body))
                .await?;
            eprintln!("created runbook {}", manifest.name);
        }
        match client
            .send(Method::POST, &format!("{path}/{route}"), Some(&body))
            .await
        {
            Ok(version) => {
                print_deployed(&manifest.name, &version);
                Ok(exit::SUCCESS.into())
            }
            Err(error) => match failure(&error) {
                Some(f) if f.body["error"]["code"] == "build_failed" => {
                    let e = &f.body["error"];
                    if let Some(log) = e["log"].as_str() {
                        eprintln!("{}", log.trim_end());
                    }
                    let location = match (e["file"].as_str(), e["line"].as_u64()) {
                        (Some(file), Some(line)) => format!("{file}:{line}: "),
                        _ => String::new(),
                    };
                    bail!(
                        "build failed: {location}{}",
                        e["message"].as_str().unwrap_or_default()
                    )
                }
                _ => Err(error),
            },
        }
    })
}

fn print_deployed(name: &str, version: &Value) {
    println!(
        "deployed {name} v{} to {} (sha256 {})",
        version["number"],
        version["deployed_in"][0].as_str().unwrap_or("?"),
        version["artifact_sha256"].as_str().unwrap_or("?")
    );
}
