use sqlx::Row;

use crate::audit::{self, Owner};
use crate::{Store, StoreError, new_id, now_ms};

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
        .await
        .map_err(|e| {
            crate::error::conflict_on_unique(
                e,
                format!("rule {:?} exists in {}", rule.name, rule.environment),
            )
        })?;
        audit::record(
            &mut *tx,
            Owner::Runbook(&rule.runbook_id),
            actor,
            "rule.create",
            &rule.id,
            Some(&rule.spec),
        )
        .await?;
        tx.commit().await?;
        Ok(rule)
    }

    /// The enabled rules of one environment, but for archived runbooks'.
    pub async fn enabled_rules(&self, environment: &str) -> Result<Vec<RuleRecord>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, runbook_id, environment, name, spec_json, enabled FROM rules \
             WHERE environment = $1 AND enabled = $2 AND runbook_id NOT IN \
               (SELECT r.id FROM runbooks r WHERE r.archived_at IS NOT NULL) \
             ORDER BY created_at, id",
        )
        .bind(environment)
        .bind(1_i64)
        .fetch_all(&self.reader)
        .await?;
        rows.iter().map(rule_from).collect()
    }

    /// A runbook's rules in every environment.
    pub async fn runbook_rules(&self, runbook_id: &str) -> Result<Vec<RuleRecord>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, runbook_id, environment, name, spec_json, enabled FROM rules \
             WHERE runbook_id = $1 ORDER BY environment, name",
        )
        .bind(runbook_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(rule_from).collect()
    }

    /// Rule `id` of runbook `runbook_id`.
    pub async fn rule(&self, runbook_id: &str, id: &str) -> Result<Option<RuleRecord>, StoreError> {
        let row = sqlx::query(
            "SELECT id, runbook_id, environment, name, spec_json, enabled FROM rules \
             WHERE id = $1 AND runbook_id = $2",
        )
        .bind(id)
        .bind(runbook_id)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(rule_from).transpose()
    }

    /// Replaces a rule's spec and enabled flag, audited.
    pub async fn update_rule(&self, rule: &RuleRecord, actor: &str) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        sqlx::query("UPDATE rules SET spec_json = $1, enabled = $2 WHERE id = $3")
            .bind(rule.spec.to_string())
            .bind(i64::from(rule.enabled))
            .bind(&rule.id)
            .execute(&mut *tx)
            .await?;
        let detail = serde_json::json!({"spec": rule.spec, "enabled": rule.enabled});
        audit::record(
            &mut *tx,
            Owner::Runbook(&rule.runbook_id),
            actor,
            "rule.update",
            &rule.id,
            Some(&detail),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Deletes a rule, audited with what it was.
    pub async fn delete_rule(&self, rule: &RuleRecord, actor: &str) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        sqlx::query("DELETE FROM rules WHERE id = $1")
            .bind(&rule.id)
            .execute(&mut *tx)
            .await?;
        audit::record(
            &mut *tx,
            Owner::Runbook(&rule.runbook_id),
            actor,
            "rule.delete",
            &rule.id,
            Some(&rule.spec),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}

fn rule_from(row: &sqlx::any::AnyRow) -> Result<RuleRecord, StoreError> {
    let spec: String = row.get("spec_json");
    Ok(RuleRecord {
        id: row.get("id"),
        runbook_id: row.get("runbook_id"),
        environment: row.get("environment"),
        name: row.get("name"),
        spec: serde_json::from_str(&spec)?,
        enabled: row.get::<i64, _>("enabled") != 0,
    })
}
