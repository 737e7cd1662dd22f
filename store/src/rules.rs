use sqlx::Row;

use crate::{Store, StoreError, audit, new_id, now_ms};

/// A stored rule; `spec` is the rules engine's JSON, validated before saving.
#[derive(Debug, Clone, PartialEq)]
pub struct RuleRecord {
    pub id: String,
    pub runbook_id: String,
    pub environment: String,
    pub name: String,
    pub spec: serde_json::Value,
    pub enabled: bool,
}

#[derive(Debug, Clone)]
pub struct NewRule {
    pub runbook_id: String,
    pub environment: String,
    pub name: String,
    pub spec: serde_json::Value,
}

impl Store {
    pub async fn create_rule(&self, new: NewRule, actor: &str) -> Result<RuleRecord, StoreError> {
        let rule = RuleRecord {
            id: new_id(),
            runbook_id: new.runbook_id,
            environment: new.environment,
            name: new.name,
            spec: new.spec,
            enabled: true,
        };
        let mut tx = self.pool.begin().await?;
        sqlx::query(
            "INSERT INTO rules (id, runbook_id, environment, name, spec_json, enabled, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(&rule.id)
        .bind(&rule.runbook_id)
        .bind(&rule.environment)
        .bind(&rule.name)
        .bind(rule.spec.to_string())
        .bind(1_i64)
        .bind(now_ms())
        .execute(&mut *tx)
        .await?;
        audit::record(&mut *tx, actor, "rule.create", &rule.id, Some(&rule.spec)).await?;
        tx.commit().await?;
        Ok(rule)
    }

    /// The enabled rules of one environment.
    pub async fn enabled_rules(&self, environment: &str) -> Result<Vec<RuleRecord>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, runbook_id, environment, name, spec_json, enabled FROM rules \
             WHERE environment = $1 AND enabled = $2 ORDER BY created_at, id",
        )
        .bind(environment)
        .bind(1_i64)
        .fetch_all(&self.reader)
        .await?;
        rows.into_iter()
            .map(|row| {
                let spec: String = row.get("spec_json");
                Ok(RuleRecord {
                    id: row.get("id"),
                    runbook_id: row.get("runbook_id"),
                    environment: row.get("environment"),
                    name: row.get("name"),
                    spec: serde_json::from_str(&spec)?,
                    enabled: row.get::<i64, _>("enabled") != 0,
                })
            })
            .collect()
    }
}
