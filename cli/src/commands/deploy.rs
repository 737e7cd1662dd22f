//! `wolfe deploy <dir>`: uploads a Python runbook's source to the Studio,
//! which builds it into a new version and deploys it to the first
//! environment. Creates the runbook on first deploy. A build error is
//! printed as `file:line: message` with the build log.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context as _, bail};
use clap::Args;
use reqwest::Method;
use serde_json::json;
use walkdir::WalkDir;
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

/// Not part of the component (the same as the local build skips).
const NOT_SOURCES: &[&str] = &["target", "tests", "events", "rules", "__pycache__"];

pub fn run(args: DeployArgs) -> anyhow::Result<ExitCode> {
    let manifest = RunbookManifest::load(&args.dir)?;
    if manifest.language != Language::Python {
        bail!(
            "{}: the server builds Python runbooks only; {:?} runbooks cannot be deployed yet",
            args.dir.display(),
            manifest.language
        );
    }
    let files = source_files(&args.dir)?;
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
        let body = json!({"files": files, "message": args.message});
        match client
            .send(Method::POST, &format!("{path}/versions"), Some(&body))
            .await
        {
            Ok(version) => {
                println!(
                    "deployed {} v{} to {} (sha256 {})",
                    manifest.name,
                    version["number"],
                    version["deployed_in"][0].as_str().unwrap_or("?"),
                    version["artifact_sha256"].as_str().unwrap_or("?")
                );
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

/// The runbook's text files by relative path.
fn source_files(dir: &Path) -> anyhow::Result<BTreeMap<String, String>> {
    let mut files = BTreeMap::new();
    let walker = WalkDir::new(dir)
        .min_depth(1)
        .into_iter()
        .filter_entry(|e| {
            let name = e.file_name().to_string_lossy();
            !(name.starts_with('.')
                || name == "__pycache__"
                || e.depth() == 1 && NOT_SOURCES.contains(&name.as_ref()))
        });
    for entry in walker {
        let entry = entry?;
        if !entry.file_type().is_file() || entry.path().extension().is_some_and(|e| e == "wasm") {
            continue;
        }
        let relative = entry
            .path()
            .strip_prefix(dir)?
            .to_string_lossy()
            .replace('\\', "/");
        let text = std::fs::read_to_string(entry.path()).with_context(|| {
            format!(
                "{}: only text files can be deployed",
                entry.path().display()
            )
        })?;
        files.insert(relative, text);
    }
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sources_skip_tests_build_output_and_hidden_files() {
        let dir = tempfile::tempdir().unwrap();
        for path in [
            "wolfe.toml",
            "main.py",
            "lib/util.py",
            "tests/test_main.py",
            "target/x.wasm",
            ".env",
            "lib/__pycache__/u.pyc",
        ] {
            let path = dir.path().join(path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, "x").unwrap();
        }
        let files = source_files(dir.path()).unwrap();
        assert_eq!(
            files.keys().collect::<Vec<_>>(),
            ["lib/util.py", "main.py", "wolfe.toml"]
        );
    }
}
