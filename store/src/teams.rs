use sqlx::Row;

use crate::{Store, StoreError, new_id, now_ms};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Team {
    pub id: String,
    pub name: String,
}

impl Store {
    pub async fn create_team(&self, name: &str) -> Result<Team, StoreError> {
        let team = Team {
            id: new_id(),
            name: name.to_owned(),
        };
        sqlx::query("INSERT INTO teams (id, name, created_at) VALUES ($1, $2, $3)")
            .bind(&team.id)
            .bind(&team.name)
            .bind(now_ms())
            .execute(&self.pool)
            .await?;
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
