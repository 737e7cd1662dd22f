use sqlx::Row;

use crate::audit::{self, Owner};
use crate::{Store, StoreError, new_id, now_ms};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Team {
    pub id: String,
    pub name: String,
}

impl Store {
    pub async fn create_team(&self, name: &str) -> Result<Team, StoreError> {
        self.create_team_as(name, "wolfe").await
    }

    /// Creates a team, audited as `actor`; a taken name is a `Conflict`.
    pub async fn create_team_as(&self, name: &str, actor: &str) -> Result<Team, StoreError> {
        let team = Team {
            id: new_id(),
            name: name.to_owned(),
        };
        let mut tx = self.pool.begin().await?;
        sqlx::query("INSERT INTO teams (id, name, created_at) VALUES ($1, $2, $3)")
            .bind(&team.id)
            .bind(&team.name)
            .bind(now_ms())
            .execute(&mut *tx)
            .await
            .map_err(|e| crate::error::conflict_on_unique(e, format!("team {name:?} exists")))?;
        let target = format!("team:{}", team.id);
        let detail = serde_json::json!({"name": name});
        audit::record(
            &mut *tx,
            Owner::Team(&team.id),
            actor,
            "team.create",
            &target,
            Some(&detail),
        )
        .await?;
        tx.commit().await?;
        Ok(team)
    }

    pub async fn team_by_name(&self, name: &str) -> Result<Option<Team>, StoreError> {
        let row = sqlx::query("SELECT id, name FROM teams WHERE name = $1")
            .bind(name)
            .fetch_optional(&self.reader)
            .await?;
        Ok(row.map(|row| Team {
            id: row.get("id"),
            name: row.get("name"),
        }))
    }
}
