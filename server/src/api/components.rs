//! Uploading a component built elsewhere (`wolfe build`, e.g. a Rust
//! runbook the server cannot build) as a runbook's next version.
//!
//! The bytes are checked before anything is stored: a component, exporting
//! the runbook entry point, importing only what this host provides
//! (`wolfe_engine::check_component`), and matching the sha256 its build
//! recorded. Then it is saved like a version built from source.

use std::collections::BTreeMap;

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use serde::Deserialize;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use wolfe_store::Role;

use crate::api::lookup;
use crate::api::versions::{NewArtifact, SavedVersion, save_version};
use crate::auth::Caller;
use crate::body::Body;
use crate::{ApiError, AppState};

/// Largest component accepted (a Python component is ~40 MB).
pub const MAX_COMPONENT_BYTES: usize = 64 << 20;
/// Its base64 in JSON, with room for source files.
pub const MAX_UPLOAD_BODY_BYTES: usize = MAX_COMPONENT_BYTES / 3 * 4 + (4 << 20);

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UploadComponent {
    /// The component's bytes, base64 (standard alphabet, padded).
    component: String,
    /// What it was built from: `rust` or `python`.
    language: String,
    /// sha256 (hex) its build recorded; checked when given.
    #[serde(default)]
    sha256: Option<String>,
    /// What the runbook declares it needs (`[capabilities]` of wolfe.toml).
    #[serde(default)]
    capabilities: Option<Value>,
    /// Its source, kept with the version to read (never built here).
    #[serde(default)]
    files: BTreeMap<String, String>,
    #[serde(default)]
    message: String,
}

pub async fn upload(
    State(state): State<AppState>,
    caller: Caller,
    Path(name): Path<String>,
    Body(upload): Body<UploadComponent, MAX_UPLOAD_BODY_BYTES>,
) -> Result<(StatusCode, Json<SavedVersion>), ApiError> {
    let runbook = lookup::runbook(&state, &caller, &name).await?;
    caller.require(Role::Author)?;
    lookup::writable(&runbook)?;
    if !matches!(upload.language.as_str(), "rust" | "python") {
        return Err(ApiError::invalid(format!(
            "language must be \"rust\" or \"python\", got {:?}",
            upload.language
        ))
        .with("field", "language"));
    }
    if !upload.files.is_empty() {
        crate::builder::check_files(&upload.files)?;
    }
    let bytes = decode(&upload.component)?;
    let sha256 = hex::encode(Sha256::digest(&bytes));
    if let Some(expected) = &upload.sha256
        && !expected.eq_ignore_ascii_case(&sha256)
    {
        return Err(ApiError::invalid(format!(
            "the component's sha256 is {sha256}, not {expected}: the upload is damaged or the \
             sha256 is of another build"
        ))
        .with("field", "sha256"));
    }
    let (bytes, shape) = tokio::task::spawn_blocking(move || {
        let shape = wolfe_engine::check_component(&bytes);
        (bytes, shape)
    })
    .await
    .map_err(|e| ApiError::unavailable(format!("the check did not finish: {e}")))?;
    let shape = shape.map_err(|error| {
        ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_component",
            error.to_string(),
        )
    })?;
    let build_log = format!(
        "uploaded component: {} bytes, sha256 {sha256}, built elsewhere from {}\nimports: {}\n",
        bytes.len(),
        upload.language,
        shape.imports.join(", ")
    );
    let source = (!upload.files.is_empty()).then(|| json!({ "files": upload.files }).to_string());
    let saved = save_version(
        &state,
        &caller,
        &runbook,
        NewArtifact {
            bytes,
            sha256,
            language: upload.language,
            source,
            capabilities: upload.capabilities,
            build_log,
            message: upload.message,
        },
    )
    .await?;
    Ok((StatusCode::CREATED, Json(saved)))
}

fn decode(component: &str) -> Result<Vec<u8>, ApiError> {
    let bytes = BASE64.decode(component.trim()).map_err(|error| {
        ApiError::invalid(format!("component is not base64: {error}")).with("field", "component")
    })?;
    if bytes.is_empty() {
        return Err(ApiError::invalid("component is empty").with("field", "component"));
    }
    if bytes.len() > MAX_COMPONENT_BYTES {
        return Err(ApiError::invalid(format!(
            "the component is {} bytes; at most {MAX_COMPONENT_BYTES}",
            bytes.len()
        ))
        .with("field", "component"));
    }
    Ok(bytes)
}
