//! Runbooks' key-value data. A namespace (chosen by the host glue) keeps
//! runbooks, teams and environments apart; expired entries read as absent
//! and are overwritten in place.

use sqlx::Row;

use crate::{Store, StoreError, now_ms};

fn expiry(ttl_ms: Option<i64>, now: i64) -> Option<i64> {
    ttl_ms.map(|ttl| now + ttl)
}

impl Store {
    pub async fn kv_get(&self, namespace: &str, key: &str) -> Result<Option<String>, StoreError> {
        let row = sqlx::query(
            "SELECT value FROM kv WHERE scope = $1 AND key = $2 \
             AND (expires_at IS NULL OR expires_at > $3)",
        )
        .bind(namespace)
        .bind(key)
        .bind(now_ms())
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(|row| String::from_utf8_lossy(&row.get::<Vec<u8>, _>("value")).into_owned()))
    }

    pub async fn kv_set(
        &self,
        namespace: &str,
        key: &str,
        value: &str,
        ttl_ms: Option<i64>,
    ) -> Result<(), StoreError> {
        let now = now_ms();
        sqlx::query(
            "INSERT INTO kv (scope, key, value, expires_at, updated_at) VALUES ($1, $2, $3, $4, $5) \
             ON CONFLICT (scope, key) DO UPDATE SET value = excluded.value, \
             expires_at = excluded.expires_at, updated_at = excluded.updated_at",
        )
        .bind(namespace)
        .bind(key)
        .bind(value.as_bytes().to_vec())
        .bind(expiry(ttl_ms, now))
        .bind(now)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    pub async fn kv_delete(&self, namespace: &str, key: &str) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM kv WHERE scope = $1 AND key = $2")
            .bind(namespace)
            .bind(key)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Live entries whose key starts with `prefix`, in key order.
    pub async fn kv_scan(
        &self,
        namespace: &str,
        prefix: &str,
        limit: i64,
    ) -> Result<Vec<(String, String)>, StoreError> {
        let rows = sqlx::query(
            "SELECT key, value FROM kv WHERE scope = $1 AND substr(key, 1, CAST($2 AS INTEGER)) = $3 \
             AND (expires_at IS NULL OR expires_at > $4) ORDER BY key LIMIT $5",
        )
        .bind(namespace)
        .bind(prefix.chars().count() as i64)
        .bind(prefix)
        .bind(now_ms())
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .iter()
            .map(|row| {
                let value: Vec<u8> = row.get("value");
                (row.get("key"), String::from_utf8_lossy(&value).into_owned())
            })
            .collect())
    }

    /// Sets `key` to `value` only if its live value is `expected` (none:
    /// absent or expired). One statement each way, so concurrent writers on
    /// any number of instances see exactly one winner.
    pub async fn kv_compare_and_set(
        &self,
        namespace: &str,
        key: &str,
        expected: Option<&str>,
        value: &str,
        ttl_ms: Option<i64>,
    ) -> Result<bool, StoreError> {
        let now = now_ms();
        let query = match expected {
            Some(expected) => sqlx::query(
                "UPDATE kv SET value = $3, expires_at = $4, updated_at = $5 \
                 WHERE scope = $1 AND key = $2 AND value = $6 \
                 AND (expires_at IS NULL OR expires_at > $5)",
            )
            .bind(namespace)
            .bind(key)
            .bind(value.as_bytes().to_vec())
            .bind(expiry(ttl_ms, now))
            .bind(now)
            .bind(expected.as_bytes().to_vec()),
            None => sqlx::query(
                "INSERT INTO kv (scope, key, value, expires_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5) \
                 ON CONFLICT (scope, key) DO UPDATE SET value = excluded.value, \
                 expires_at = excluded.expires_at, updated_at = excluded.updated_at \
                 WHERE kv.expires_at IS NOT NULL AND kv.expires_at <= $5",
            )
            .bind(namespace)
            .bind(key)
            .bind(value.as_bytes().to_vec())
            .bind(expiry(ttl_ms, now))
            .bind(now),
        };
        Ok(query.execute(&self.pool).await?.rows_affected() == 1)
    }
}
