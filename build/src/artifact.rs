//! The manifest written beside every built component.

use std::path::Path;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::error::BuildError;
use crate::manifest::{Language, RunbookManifest};

/// Identity of a built component: what it is and the sha256 it is stored under.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArtifactManifest {
    pub name: String,
    pub language: Language,
    pub sdk_version: String,
    pub wit: String,
    pub sha256: String,
    pub size_bytes: u64,
    /// What the runbook declares it needs (see `RunbookManifest::capabilities`).
    #[serde(default)]
    pub capabilities: serde_json::Value,
}

impl ArtifactManifest {
    pub(crate) fn describe(
        manifest: &RunbookManifest,
        component: &Path,
    ) -> Result<Self, BuildError> {
        let bytes = std::fs::read(component).map_err(|e| BuildError::io(component, e))?;
        Ok(Self {
            name: manifest.name.clone(),
            language: manifest.language,
            sdk_version: crate::SDK_VERSION.into(),
            wit: crate::WIT_PACKAGE.into(),
            sha256: hex::encode(Sha256::digest(&bytes)),
            size_bytes: bytes.len() as u64,
            capabilities: manifest.capabilities.clone(),
        })
    }

    pub(crate) fn write(&self, path: &Path) -> Result<(), BuildError> {
        let json = serde_json::to_string_pretty(self).expect("manifest serializes");
        std::fs::write(path, json + "\n").map_err(|e| BuildError::io(path, e))
    }

    /// Reads the manifest written next to a component, if any.
    pub fn read(path: &Path) -> Result<Self, BuildError> {
        let text = std::fs::read_to_string(path).map_err(|e| BuildError::io(path, e))?;
        serde_json::from_str(&text).map_err(|e| BuildError::InvalidManifest {
            path: path.display().to_string(),
            message: e.to_string(),
        })
    }
}
