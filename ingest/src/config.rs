//! Per-source configuration: name, format, authentication and limits.

use serde::Deserialize;

use crate::auth::Auth;

/// Default `max_body_bytes`: 1 MiB, the SQS message size limit.
pub const DEFAULT_MAX_BODY_BYTES: usize = 1 << 20;

/// Largest `max_body_bytes` a source may configure: a parsed JSON body takes
/// several times its size in memory, so a typo must not allow gigabytes.
pub const MAX_BODY_BYTES_CEILING: usize = 16 << 20;

/// How a source's bodies are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// Any JSON object, or an array of objects (one event each).
    Generic,
    /// Prometheus Alertmanager webhook payload, version 4 (mapping in
    /// `src/alertmanager.rs`).
    Alertmanager,
    /// Atlas alert messages, raw or in an SNS envelope (schema in
    /// `src/atlas.rs`).
    Atlas,
}

/// One configured event source. Deserializing validates it (see
/// [`SourceConfig::validate`]), so a loaded configuration is usable as is.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(try_from = "RawSourceConfig")]
pub struct SourceConfig {
    /// Name in `POST /api/v1/events/{name}` and in every event's `source`.
    pub name: String,
    pub format: Format,
    /// Required even when it is `none`: an open endpoint must be a choice.
    pub auth: Auth,
    /// Bodies larger than this are rejected before parsing.
    pub max_body_bytes: usize,
    /// Generic only: JSON pointer to the event kind, e.g. `/type`.
    pub kind_path: Option<String>,
    /// Generic only: JSON pointer to the event id used as dedupe key.
    pub id_path: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSourceConfig {
    name: String,
    format: Format,
    auth: Auth,
    #[serde(default = "default_max_body_bytes")]
    max_body_bytes: usize,
    kind_path: Option<String>,
    id_path: Option<String>,
}

fn default_max_body_bytes() -> usize {
    DEFAULT_MAX_BODY_BYTES
}

impl TryFrom<RawSourceConfig> for SourceConfig {
    type Error = ConfigError;

    fn try_from(raw: RawSourceConfig) -> Result<Self, ConfigError> {
        let config = Self {
            name: raw.name,
            format: raw.format,
            auth: raw.auth,
            max_body_bytes: raw.max_body_bytes,
            kind_path: raw.kind_path,
            id_path: raw.id_path,
        };
        config.validate()?;
        Ok(config)
    }
}

/// A source configuration that cannot work as written.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("event source {source_name:?}: {problem}")]
pub struct ConfigError {
    pub source_name: String,
    pub problem: String,
}

impl SourceConfig {
    /// A source with the default body limit and no paths.
    pub fn new(name: impl Into<String>, format: Format, auth: Auth) -> Self {
        Self {
            name: name.into(),
            format,
            auth,
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
            kind_path: None,
            id_path: None,
        }
    }

    /// Checks what serde cannot: the name fits in a URL path segment, the
    /// limit is sane, paths are JSON pointers used only by the generic
    /// format, and credentials are not empty.
    pub fn validate(&self) -> Result<(), ConfigError> {
        let fail = |problem: String| ConfigError {
            source_name: self.name.clone(),
            problem,
        };
        let name_ok = !self.name.is_empty()
            && self.name.len() <= 64
            && self
                .name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'));
        if !name_ok {
            return Err(fail(
                "name must be 1 to 64 characters of A-Z, a-z, 0-9, '-', '_' or '.'".into(),
            ));
        }
        if self.max_body_bytes == 0 || self.max_body_bytes > MAX_BODY_BYTES_CEILING {
            return Err(fail(format!(
                "max_body_bytes must be between 1 and {MAX_BODY_BYTES_CEILING}, got {}",
                self.max_body_bytes
            )));
        }
        for (field, path) in [("kind_path", &self.kind_path), ("id_path", &self.id_path)] {
            let Some(path) = path else { continue };
            if self.format != Format::Generic {
                return Err(fail(format!("{field} applies only to format \"generic\"")));
            }
            if !path.starts_with('/') {
                return Err(fail(format!(
                    "{field} must be a JSON pointer such as \"/type\", got {path:?}"
                )));
            }
        }
        self.auth.validate().map_err(|problem| fail(problem.into()))
    }
}
