//! Runbooks, their immutable versions, content-addressed artifacts, and
//! which version each environment runs.

use sqlx::Row;
use sqlx::any::AnyRow;

use crate::audit::{self, Owner};
use crate::{Store, StoreError, new_id, now_ms};

#[derive(Debug, Clone, PartialEq)]
pub struct Runbook {
    pub id: String,
    pub team_id: String,
    pub name: String,
    pub description: Option<String>,
    pub max_attempts: i64,
    pub concurrency_limit: i64,
    /// The runbook's quotas as the engine's `Quotas` JSON.
    pub quotas: serde_json::Value,
    /// When and by whom it was archived; `None` while it is active.
    pub archived: Option<Archived>,
}

/// An archived runbook keeps everything but runs nothing (`archive.rs`).
#[derive(Debug, Clone, PartialEq)]
pub struct Archived {
    pub at: i64,
    pub by: String,
}

#[derive(Debug, Clone)]
pub struct NewRunbook {
    pub team_id: String,
    pub name: String,
    pub description: Option<String>,
    pub max_attempts: i64,
    pub concurrency_limit: i64,
    pub quotas: serde_json::Value,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Version {
    pub id: String,
    pub runbook_id: String,
    pub number: i64,
    pub artifact_sha256: String,
    pub language: String,
    pub author: String,
    pub message: String,
    /// What the version declares it needs (the grant's JSON shape).
    pub capabilities: Option<serde_json::Value>,
    pub created_at: i64,
}

#[derive(Debug, Clone)]
pub struct NewVersion {
    pub runbook_id: String,
    pub artifact_sha256: String,
    pub language: String,
    pub source: Option<String>,
    pub author: String,
    pub message: String,
    /// Capabilities declared in `wolfe.toml` (the grant's JSON shape).
    pub capabilities: Option<serde_json::Value>,
    /// What the build tool printed, for a version built from source.
    pub build_log: Option<String>,
}

/// What an environment runs for one runbook.
#[derive(Debug, Clone, PartialEq)]
pub struct Deployment {
    pub runbook_id: String,
    pub environment: String,
    pub version_id: String,
    pub version_number: i64,
    pub artifact_sha256: String,
}

pub(crate) fn runbook_from(row: &AnyRow) -> Result<Runbook, StoreError> {
    let quotas: String = row.get("quotas_json");
    let archived_at: Option<i64> = row.get("archived_at");
    Ok(Runbook {
        id: row.get("id"),
        team_id: row.get("team_id"),
        name: row.get("name"),
        description: row.get("description"),
        max_attempts: row.get("max_attempts"),
        concurrency_limit: row.get("concurrency_limit"),
        quotas: serde_json::from_str(&quotas)?,
        archived: archived_at.map(|at| Archived {
            at,
            by: row
                .get::<Option<String>, _>("archived_by")
                .unwrap_or_default(),
        }),
    })
}

pub(crate) const RUNBOOK_COLUMNS: &str = "id, team_id, name, description, max_attempts, \
     concurrency_limit, quotas_json, archived_at, archived_by";

impl Store {
    pub async fn create_runbook(&self, new: NewRunbook) -> Result<Runbook, StoreError> {
        let id = new_id();
        sqlx::query(
            "INSERT INTO runbooks (id, team_id, name, description, max_attempts, \
             concurrency_limit, quotas_json, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(&id)
        .bind(&new.team_id)
        .bind(&new.name)
        .bind(&new.description)
        .bind(new.max_attempts)
        .bind(new.concurrency_limit)
        .bind(new.quotas.to_string())
        .bind(now_ms())
        .execute(&self.pool)
        .await?;
        self.runbook(&id)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("runbook {id}")))
    }

    pub async fn runbook(&self, id: &str) -> Result<Option<Runbook>, StoreError> {
        let sql = format!("SELECT {RUNBOOK_COLUMNS} FROM runbooks WHERE id = $1");
        let row = sqlx::query(&sql)
            .bind(id)
            .fetch_optional(&self.reader)
            .await?;
        row.as_ref().map(runbook_from).transpose()
    }

    pub async fn runbook_by_name(
        &self,
        team_id: &str,
        name: &str,
    ) -> Result<Option<Runbook>, StoreError> {
        let sql =
            format!("SELECT {RUNBOOK_COLUMNS} FROM runbooks WHERE team_id = $1 AND name = $2");
        let row = sqlx::query(&sql)
            .bind(team_id)
            .bind(name)
            .fetch_optional(&self.reader)
            .await?;
        row.as_ref().map(runbook_from).transpose()
    }

    /// Stores component bytes under their sha256; storing them again is a no-op.
    pub async fn put_artifact(&self, sha256: &str, bytes: &[u8]) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO artifacts (sha256, bytes, size_bytes, created_at) \
             VALUES ($1, $2, $3, $4) ON CONFLICT (sha256) DO NOTHING",
        )
        .bind(sha256)
        .bind(bytes)
        .bind(bytes.len() as i64)
        .bind(now_ms())
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    pub async fn artifact(&self, sha256: &str) -> Result<Option<Vec<u8>>, StoreError> {
        let row = sqlx::query("SELECT bytes FROM artifacts WHERE sha256 = $1")
            .bind(sha256)
            .fetch_optional(&self.reader)
            .await?;
        Ok(row.map(|row| row.get("bytes")))
    }

    /// Creates the next version of a runbook (numbered 1, 2, ...).
    pub async fn create_version(&self, new: NewVersion) -> Result<Version, StoreError> {
        let mut tx = self.pool.begin().await?;
        let next: i64 = sqlx::query(
            "SELECT COALESCE(MAX(number), 0) + 1 AS next FROM versions WHERE runbook_id = $1",
        )
        .bind(&new.runbook_id)
        .fetch_one(&mut *tx)
        .await?
        .get("next");
        let version = Version {
            id: new_id(),
            runbook_id: new.runbook_id,
            number: next,
            artifact_sha256: new.artifact_sha256,
            language: new.language,
            author: new.author,
            message: new.message,
            capabilities: new.capabilities,
            created_at: now_ms(),
        };
        sqlx::query(
            "INSERT INTO versions (id, runbook_id, number, artifact_sha256, language, source, \
             author, message, created_at, capabilities_json, build_log) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        )
        .bind(&version.id)
        .bind(&version.runbook_id)
        .bind(version.number)
        .bind(&version.artifact_sha256)
        .bind(&version.language)
        .bind(&new.source)
        .bind(&version.author)
        .bind(&version.message)
        .bind(version.created_at)
        .bind(version.capabilities.as_ref().map(|c| c.to_string()))
        .bind(&new.build_log)
        .execute(&mut *tx)
        .await?;
        let detail =
            serde_json::json!({"number": version.number, "sha256": version.artifact_sha256});
        audit::record(
            &mut *tx,
            Owner::Runbook(&version.runbook_id),
            &version.author,
            "version.create",
            &version.runbook_id,
            Some(&detail),
        )
        .await?;
        tx.commit().await?;
        Ok(version)
    }

    /// Points `environment` of a runbook at `version_id`, with an audit entry.
    pub async fn deploy(
        &self,
        runbook_id: &str,
        environment: &str,
        version_id: &str,
        actor: &str,
    ) -> Result<(), StoreError> {
        self.set_deployment(runbook_id, environment, version_id, "deploy", actor)
            .await
    }

    /// Points `environment` of a runbook at `version_id` as the result of
    /// `action` (deploy, promote, rollback), with its history row and audit
    /// entry in the same transaction.
    pub async fn set_deployment(
        &self,
        runbook_id: &str,
        environment: &str,
        version_id: &str,
        action: &str,
        actor: &str,
    ) -> Result<(), StoreError> {
        let now = now_ms();
        let mut tx = self.pool.begin().await?;
        sqlx::query(
            "INSERT INTO deployments (runbook_id, environment, version_id, updated_at) \
             VALUES ($1, $2, $3, $4) ON CONFLICT (runbook_id, environment) \
             DO UPDATE SET version_id = excluded.version_id, updated_at = excluded.updated_at",
        )
        .bind(runbook_id)
        .bind(environment)
        .bind(version_id)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "INSERT INTO deployment_history (id, runbook_id, environment, version_id, action, \
             actor, at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(new_id())
        .bind(runbook_id)
        .bind(environment)
        .bind(version_id)
        .bind(action)
        .bind(actor)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        let detail = serde_json::json!({"environment": environment, "version_id": version_id, "action": action});
        audit::record(
            &mut *tx,
            Owner::Runbook(runbook_id),
            actor,
            "deployment.set",
            runbook_id,
            Some(&detail),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn deployment(
        &self,
        runbook_id: &str,
        environment: &str,
    ) -> Result<Option<Deployment>, StoreError> {
        let row = sqlx::query(
            "SELECT d.runbook_id, d.environment, d.version_id, v.number, v.artifact_sha256 \
             FROM deployments d JOIN versions v ON v.id = d.version_id \
             WHERE d.runbook_id = $1 AND d.environment = $2",
        )
        .bind(runbook_id)
        .bind(environment)
        .fetch_optional(&self.reader)
        .await?;
        Ok(row.map(|row| Deployment {
            runbook_id: row.get("runbook_id"),
            environment: row.get("environment"),
            version_id: row.get("version_id"),
            version_number: row.get("number"),
            artifact_sha256: row.get("artifact_sha256"),
        }))
    }

    /// The artifact a version was built into.
    pub async fn version_artifact(&self, version_id: &str) -> Result<String, StoreError> {
        let row = sqlx::query("SELECT artifact_sha256 FROM versions WHERE id = $1")
            .bind(version_id)
            .fetch_optional(&self.reader)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("version {version_id}")))?;
        Ok(row.get("artifact_sha256"))
    }
}
