//! Versions: saving source builds an immutable version and deploys it to
//! the first environment; versions are listed with the environments that
//! run them, and shown with their source and build log.

use std::collections::BTreeMap;

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use wolfe_host_apis::Grant;
use wolfe_store::{NewVersion, Role};

use crate::api::lookup;
use crate::api::views::{self, List};
use crate::auth::Caller;
use crate::body::Body;
use crate::{ApiError, AppState};

pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    Path(name): Path<String>,
) -> Result<Json<List<views::Version>>, ApiError> {
    let runbook = lookup::runbook(&state, &caller, &name).await?;
    let deployments = state.store.deployments(&runbook.id).await?;
    let versions = state.store.versions(&runbook.id).await?;
    let items = versions
        .iter()
        .map(|v| views::version(v, &deployed_in(&deployments, &v.id)))
        .collect();
    Ok(Json(views::list(items)))
}

fn deployed_in(deployments: &[wolfe_store::Deployment], version_id: &str) -> Vec<String> {
    deployments
        .iter()
        .filter(|d| d.version_id == version_id)
        .map(|d| d.environment.clone())
        .collect()
}

/// A version with its source files and build log.
#[derive(Serialize, JsonSchema)]
pub struct VersionDetail {
    #[serde(flatten)]
    pub version: views::Version,
    /// Relative path → content; none for a component uploaded without them.
    pub files: Option<BTreeMap<String, String>>,
    pub build_log: Option<String>,
}

pub async fn show(
    State(state): State<AppState>,
    caller: Caller,
    Path((name, number)): Path<(String, String)>,
) -> Result<Json<VersionDetail>, ApiError> {
    let runbook = lookup::runbook(&state, &caller, &name).await?;
    let number = parse_number(&number)?;
    let detail = lookup::version(&state, &runbook, number).await?;
    let deployments = state.store.deployments(&runbook.id).await?;
    Ok(Json(VersionDetail {
        version: views::version(
            &detail.version,
            &deployed_in(&deployments, &detail.version.id),
        ),
        files: source_files(detail.source.as_deref()),
        build_log: detail.build_log,
    }))
}

/// A version number in a path: a positive integer, else not found.
pub fn parse_number(text: &str) -> Result<i64, ApiError> {
    text.parse::<i64>()
        .ok()
        .filter(|n| *n > 0)
        .ok_or_else(|| ApiError::not_found(format!("version {text:?}")))
}

/// Saved source is kept as `{"files": {path: text}}`; versions stored
/// another way (built elsewhere) have none.
fn source_files(source: Option<&str>) -> Option<BTreeMap<String, String>> {
    #[derive(Deserialize)]
    struct Source {
        files: BTreeMap<String, String>,
    }
    source
        .and_then(|s| serde_json::from_str::<Source>(s).ok())
        .map(|s| s.files)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SaveSource {
    /// Relative path → content; `main.py` is the default entry module.
    files: BTreeMap<String, String>,
    #[serde(default)]
    message: String,
}

pub async fn create(
    State(state): State<AppState>,
    caller: Caller,
    Path(name): Path<String>,
    Body(save): Body<SaveSource>,
) -> Result<(StatusCode, Json<SavedVersion>), ApiError> {
    let runbook = lookup::runbook(&state, &caller, &name).await?;
    caller.require(Role::Author)?;
    lookup::writable(&runbook)?;
    let source = json!({ "files": save.files }).to_string();
    let built = state
        .builder
        .build_python(&runbook.name, save.files)
        .await?;
    let saved = save_version(
        &state,
        &caller,
        &runbook,
        NewArtifact {
            bytes: built.bytes,
            sha256: built.sha256,
            language: built.language,
            source: Some(source),
            capabilities: built.capabilities,
            build_log: built.log,
            message: save.message,
        },
    )
    .await?;
    Ok((StatusCode::CREATED, Json(saved)))
}

/// A component to save as a runbook's next version, with what describes it.
pub struct NewArtifact {
    pub bytes: Vec<u8>,
    pub sha256: String,
    pub language: String,
    /// `{"files": {path: text}}`, if the source came with it.
    pub source: Option<String>,
    pub capabilities: Option<Value>,
    pub build_log: String,
    pub message: String,
}

/// A version just saved, with what its build printed.
#[derive(Serialize, JsonSchema)]
pub struct SavedVersion {
    #[serde(flatten)]
    pub version: views::Version,
    pub build_log: String,
}

/// Stores `artifact` as the next version of `runbook` and deploys it to the
/// first environment; it is compiled into this process's engine in the
/// background.
pub async fn save_version(
    state: &AppState,
    caller: &Caller,
    runbook: &wolfe_store::Runbook,
    artifact: NewArtifact,
) -> Result<SavedVersion, ApiError> {
    // `{}` (nothing declared) is stored as none, however it was declared.
    let capabilities = artifact
        .capabilities
        .filter(|c| c.as_object().is_none_or(|o| !o.is_empty()));
    if let Some(capabilities) = &capabilities {
        crate::body::parse_field::<Grant>(capabilities, "capabilities")
            .map_err(|e| e.with("file", "wolfe.toml"))?;
    }
    state
        .store
        .put_artifact(&artifact.sha256, &artifact.bytes)
        .await?;
    state.precompile(artifact.bytes);
    let actor = caller.actor();
    let version = state
        .store
        .create_version(NewVersion {
            runbook_id: runbook.id.clone(),
            artifact_sha256: artifact.sha256,
            language: artifact.language,
            source: artifact.source,
            author: actor.clone(),
            message: artifact.message,
            capabilities,
            build_log: Some(artifact.build_log.clone()),
        })
        .await?;
    let environment = state.first_environment().to_owned();
    state
        .store
        .set_deployment(&runbook.id, &environment, &version.id, "deploy", &actor)
        .await?;
    Ok(SavedVersion {
        version: views::version(&version, std::slice::from_ref(&environment)),
        build_log: artifact.build_log,
    })
}
