//! `wolfe.toml`, the runbook's own description.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::error::BuildError;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    Python,
    Rust,
}

/// The parsed `wolfe.toml` with the language detected from the directory.
#[derive(Debug, Clone)]
pub struct RunbookManifest {
    pub name: String,
    pub description: Option<String>,
    pub language: Language,
    /// Python entry module file, relative to the runbook directory.
    pub python_entry: String,
    /// Pure-Python packages bundled into the component.
    pub python_requirements: Vec<String>,
    /// `[capabilities]`: the host access the runbook needs, in the shape of
    /// a grant (`wolfe_host_apis::Grant`, checked by the CLI and the
    /// server). Declaring grants nothing; operators grant per environment.
    pub capabilities: serde_json::Value,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ManifestFile {
    name: String,
    description: Option<String>,
    language: Option<Language>,
    python: Option<PythonSection>,
    capabilities: Option<toml::Table>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct PythonSection {
    entry: Option<String>,
    #[serde(default)]
    requirements: Vec<String>,
}

impl RunbookManifest {
    pub fn load(dir: &Path) -> Result<Self, BuildError> {
        let path = dir.join("wolfe.toml");
        if !path.is_file() {
            return Err(BuildError::NotARunbook(dir.display().to_string()));
        }
        let text = std::fs::read_to_string(&path).map_err(|e| BuildError::io(&path, e))?;
        let invalid = |message: String| BuildError::InvalidManifest {
            path: path.display().to_string(),
            message,
        };
        let file: ManifestFile = toml::from_str(&text).map_err(|e| invalid(e.message().into()))?;
        if !is_valid_name(&file.name) {
            return Err(invalid(format!(
                "name {:?} must be 1-64 characters of a-z, 0-9 and '-'",
                file.name
            )));
        }
        let python = file.python.unwrap_or_default();
        let language = match file.language {
            Some(language) => language,
            None if dir.join("Cargo.toml").is_file() => Language::Rust,
            None => Language::Python,
        };
        let python_entry = python.entry.unwrap_or_else(|| "main.py".into());
        if language == Language::Python && !python_entry.ends_with(".py") {
            return Err(invalid(format!(
                "python.entry {python_entry:?} must be a .py file"
            )));
        }
        Ok(Self {
            name: file.name,
            description: file.description,
            language,
            python_entry,
            python_requirements: python.requirements,
            capabilities: match file.capabilities {
                Some(table) => serde_json::to_value(table)
                    .map_err(|e| invalid(format!("[capabilities]: {e}")))?,
                None => serde_json::json!({}),
            },
        })
    }
}

fn is_valid_name(name: &str) -> bool {
    (1..=64).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dir_with(manifest: &str, files: &[&str]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("wolfe.toml"), manifest).unwrap();
        for file in files {
            std::fs::write(dir.path().join(file), "").unwrap();
        }
        dir
    }

    #[test]
    fn detects_rust_from_cargo_toml_and_defaults_python_entry() {
        let rust = dir_with("name = \"a\"", &["Cargo.toml"]);
        assert_eq!(
            RunbookManifest::load(rust.path()).unwrap().language,
            Language::Rust
        );
        let python = dir_with("name = \"b\"", &["main.py"]);
        let manifest = RunbookManifest::load(python.path()).unwrap();
        assert_eq!(manifest.language, Language::Python);
        assert_eq!(manifest.python_entry, "main.py");
    }

    #[test]
    fn unknown_keys_and_bad_names_are_errors_naming_the_problem() {
        let typo = dir_with("name = \"a\"\nlanguag = \"python\"", &[]);
        let error = RunbookManifest::load(typo.path()).unwrap_err().to_string();
        assert!(error.contains("unknown field `languag`"), "{error}");
        let bad = dir_with("name = \"Kafka Broker\"", &[]);
        let error = RunbookManifest::load(bad.path()).unwrap_err().to_string();
        assert!(error.contains("must be 1-64 characters"), "{error}");
    }

    #[test]
    fn a_directory_without_manifest_is_not_a_runbook() {
        let dir = tempfile::tempdir().unwrap();
        let error = RunbookManifest::load(dir.path()).unwrap_err();
        assert!(matches!(error, BuildError::NotARunbook(_)));
    }
}
