//! First-start content for `wolfe serve`: an example team with the example
//! runbooks built from the checkout, deployed everywhere, and rules wiring
//! the default webhook sources to them.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde_json::json;
use wolfe_engine::Runtime;
use wolfe_ingest::{Auth, Format, SourceConfig};
use wolfe_pipeline::intake::Source;
use wolfe_store::{NewRule, NewRunbook, NewVersion, Store};

const TEAM: &str = "example";

/// The example runbooks and the rule (if any) that triggers each.
fn catalogue() -> Vec<(&'static str, Option<serde_json::Value>)> {
    vec![
        (
            "squelch-false-positive",
            Some(json!({
                "source": "alertmanager",
                "kind": "alert.*",
                "criteria": {"path": "$.labels.alertname", "op": "eq", "value": "HighErrorRate"},
            })),
        ),
        (
            "disk-pressure-rust",
            Some(json!({
                "source": "alertmanager",
                "kind": "alert.firing",
                "criteria": {"path": "$.labels.alertname", "op": "eq", "value": "NodeDiskPressure"},
            })),
        ),
        // Its alert shape is the runbook's own; run it with POST /api/v1/runs.
        ("kafka-broker-offline", None),
    ]
}

/// Seeds once: does nothing when the example team exists.
pub async fn examples(
    store: &Store,
    runtime: &Runtime,
    environments: &[String],
) -> anyhow::Result<()> {
    if store.team_by_name(TEAM).await?.is_some() {
        return Ok(());
    }
    let Some(examples) = find_examples_dir() else {
        tracing::warn!("no examples/ directory found next to the binary or here: starting empty");
        return Ok(());
    };
    let team = store.create_team(TEAM).await?;
    for (name, rule) in catalogue() {
        let dir = examples.join(name);
        eprintln!("wolfe: building example runbook {name}");
        let output = match crate::commands::build::build_dir(&dir) {
            Ok(output) => output,
            Err(error) => {
                eprintln!("wolfe: skipping example {name}: {error:#}");
                continue;
            }
        };
        let bytes = std::fs::read(&output.component)?;
        // Kept with the version, so the Studio shows what the example runs.
        let files = crate::source_files::source_files(&dir)?;
        // Compile now so the first execution does not pay for it.
        runtime.load(&bytes)?;
        store.put_artifact(&output.artifact.sha256, &bytes).await?;
        let runbook = store
            .create_runbook(NewRunbook {
                team_id: team.id.clone(),
                name: name.into(),
                description: None,
                max_attempts: 3,
                concurrency_limit: 4,
                quotas: json!({}),
            })
            .await?;
        let language = serde_json::to_value(output.artifact.language)?;
        let version = store
            .create_version(NewVersion {
                runbook_id: runbook.id.clone(),
                artifact_sha256: output.artifact.sha256.clone(),
                language: language.as_str().unwrap_or_default().into(),
                source: Some(json!({ "files": files }).to_string()),
                author: "wolfe".into(),
                message: "example".into(),
                capabilities: None,
                build_log: None,
            })
            .await?;
        for environment in environments {
            store
                .deploy(&runbook.id, environment, &version.id, "wolfe")
                .await?;
            if let Some(spec) = &rule {
                let rule = NewRule {
                    runbook_id: runbook.id.clone(),
                    environment: environment.clone(),
                    name: format!("{name}-on-alert"),
                    spec: spec.clone(),
                };
                store.create_rule(rule, "wolfe").await?;
            }
        }
    }
    Ok(())
}

/// Webhook sources for a configuration that names none, all guarded by the
/// API token.
pub fn default_sources(api_token: &str, environment: &str) -> HashMap<String, Source> {
    let bearer = || Auth::Bearer {
        token: api_token.to_owned(),
    };
    [
        ("alertmanager", Format::Alertmanager),
        ("atlas", Format::Atlas),
        ("events", Format::Generic),
    ]
    .into_iter()
    .map(|(name, format)| {
        let source = Source {
            environment: environment.to_owned(),
            config: SourceConfig::new(name, format, bearer()),
        };
        (name.to_owned(), source)
    })
    .collect()
}

fn find_examples_dir() -> Option<PathBuf> {
    let exe = std::env::current_exe().ok();
    let cwd = std::env::current_dir().ok();
    [cwd.as_deref(), exe.as_deref()]
        .into_iter()
        .flatten()
        .flat_map(Path::ancestors)
        .map(|dir| dir.join("examples"))
        .find(|dir| dir.join("squelch-false-positive/wolfe.toml").is_file())
}
