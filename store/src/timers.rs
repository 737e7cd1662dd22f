//! Timer triggers and their next tick.

use sqlx::Row;

use crate::{Store, StoreError, new_id, now_ms};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimerRecord {
    pub id: String,
    pub environment: String,
    pub name: String,
    pub schedule: String,
    pub missed: String,
    pub next_fire_at: i64,
}

impl Store {
    /// Creates or updates a timer. Its next tick is kept unless the schedule
    /// changed, so restarting with the same configuration loses no tick.
    pub async fn upsert_timer(
        &self,
        environment: &str,
        name: &str,
        schedule: &str,
        missed: &str,
        next_fire_at: i64,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO timers (id, environment, name, schedule, missed, next_fire_at, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (environment, name) DO UPDATE SET \
             next_fire_at = CASE WHEN timers.schedule <> excluded.schedule \
               THEN excluded.next_fire_at ELSE timers.next_fire_at END, \
             schedule = excluded.schedule, missed = excluded.missed",
        )
        .bind(new_id())
        .bind(environment)
        .bind(name)
        .bind(schedule)
        .bind(missed)
        .bind(next_fire_at)
        .bind(now_ms())
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Timers of `environment` whose next tick is at or before `now`.
    pub async fn due_timers(
        &self,
        environment: &str,
        now: i64,
    ) -> Result<Vec<TimerRecord>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, environment, name, schedule, missed, next_fire_at FROM timers \
             WHERE environment = $1 AND next_fire_at <= $2 ORDER BY next_fire_at, id",
        )
        .bind(environment)
        .bind(now)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|row| TimerRecord {
                id: row.get("id"),
                environment: row.get("environment"),
                name: row.get("name"),
                schedule: row.get("schedule"),
                missed: row.get("missed"),
                next_fire_at: row.get("next_fire_at"),
            })
            .collect())
    }

    /// Moves a timer from tick `from` to tick `to`; `false` when another
    /// instance already moved it.
    pub async fn advance_timer(&self, id: &str, from: i64, to: i64) -> Result<bool, StoreError> {
        let moved =
            sqlx::query("UPDATE timers SET next_fire_at = $1 WHERE id = $2 AND next_fire_at = $3")
                .bind(to)
                .bind(id)
                .bind(from)
                .execute(&self.pool)
                .await?
                .rows_affected();
        Ok(moved == 1)
    }
}
