//! Reading a runbook's versions and deployments for the Studio: the list,
//! one version with its source and build log, what each environment runs,
//! and the history of deployment changes.

use sqlx::Row;
use sqlx::any::AnyRow;

use crate::{Deployment, Store, StoreError, Version};

/// A version with everything the versions page shows.
#[derive(Debug, Clone, PartialEq)]
pub struct VersionDetail {
    pub version: Version,
    pub source: Option<String>,
    pub build_log: Option<String>,
}

/// One change of what an environment runs.
#[derive(Debug, Clone, PartialEq)]
pub struct DeploymentChange {
    pub environment: String,
    pub version_id: String,
    pub version_number: i64,
    /// deploy | promote | rollback
    pub action: String,
    pub actor: String,
    pub at: i64,
}

const VERSION_COLUMNS: &str = "id, runbook_id, number, artifact_sha256, language, author, \
     message, capabilities_json, created_at, source, build_log";

fn version_from(row: &AnyRow) -> Result<VersionDetail, StoreError> {
    let capabilities: Option<String> = row.get("capabilities_json");
    Ok(VersionDetail {
        version: Version {
            id: row.get("id"),
            runbook_id: row.get("runbook_id"),
            number: row.get("number"),
            artifact_sha256: row.get("artifact_sha256"),
            language: row.get("language"),
            author: row.get("author"),
            message: row.get("message"),
            capabilities: capabilities.map(|c| serde_json::from_str(&c)).transpose()?,
            created_at: row.get("created_at"),
        },
        source: row.get("source"),
        build_log: row.get("build_log"),
    })
}

impl Store {
    /// A runbook's versions, newest first.
    pub async fn versions(&self, runbook_id: &str) -> Result<Vec<Version>, StoreError> {
        let sql = format!(
            "SELECT {VERSION_COLUMNS} FROM versions WHERE runbook_id = $1 ORDER BY number DESC"
        );
        let rows = sqlx::query(&sql)
            .bind(runbook_id)
            .fetch_all(&self.reader)
            .await?;
        rows.iter()
            .map(|row| version_from(row).map(|d| d.version))
            .collect()
    }

    /// Version `number` of a runbook, with its source and build log.
    pub async fn version_by_number(
        &self,
        runbook_id: &str,
        number: i64,
    ) -> Result<Option<VersionDetail>, StoreError> {
        let sql =
            format!("SELECT {VERSION_COLUMNS} FROM versions WHERE runbook_id = $1 AND number = $2");
        let row = sqlx::query(&sql)
            .bind(runbook_id)
            .bind(number)
            .fetch_optional(&self.reader)
            .await?;
        row.as_ref().map(version_from).transpose()
    }

    /// What every environment of a runbook runs.
    pub async fn deployments(&self, runbook_id: &str) -> Result<Vec<Deployment>, StoreError> {
        let rows = sqlx::query(
            "SELECT d.runbook_id, d.environment, d.version_id, v.number, v.artifact_sha256 \
             FROM deployments d JOIN versions v ON v.id = d.version_id \
             WHERE d.runbook_id = $1 ORDER BY d.environment",
        )
        .bind(runbook_id)
        .fetch_all(&self.reader)
        .await?;
        Ok(rows
            .iter()
            .map(|row| Deployment {
                runbook_id: row.get("runbook_id"),
                environment: row.get("environment"),
                version_id: row.get("version_id"),
                version_number: row.get("number"),
                artifact_sha256: row.get("artifact_sha256"),
            })
            .collect())
    }

    /// Deployment changes of a runbook, newest first; one environment's
    /// when `environment` is given.
    pub async fn deployment_history(
        &self,
        runbook_id: &str,
        environment: Option<&str>,
    ) -> Result<Vec<DeploymentChange>, StoreError> {
        let rows = sqlx::query(
            "SELECT h.environment, h.version_id, v.number, h.action, h.actor, h.at \
             FROM deployment_history h JOIN versions v ON v.id = h.version_id \
             WHERE h.runbook_id = $1 AND ($2 = '' OR h.environment = $2) \
             ORDER BY h.at DESC, h.id DESC",
        )
        .bind(runbook_id)
        .bind(environment.unwrap_or(""))
        .fetch_all(&self.reader)
        .await?;
        Ok(rows
            .iter()
            .map(|row| DeploymentChange {
                environment: row.get("environment"),
                version_id: row.get("version_id"),
                version_number: row.get("number"),
                action: row.get("action"),
                actor: row.get("actor"),
                at: row.get("at"),
            })
            .collect())
    }
}
