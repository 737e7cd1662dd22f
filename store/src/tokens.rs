//! Access tokens of the management API. A token belongs to one team and
//! has one role; only the sha256 of its secret is stored, so a copy of the
//! database does not let anyone in.

use sha2::{Digest, Sha256};
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::audit::{self, Owner};
use crate::{Store, StoreError, Team, new_id, now_ms};

/// What a token may do, each role including the ones before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Role {
    /// Read everything of the team.
    Viewer,
    /// Edit runbooks and rules, run in every environment but the last.
    Author,
    /// Promote to the last environment, set quotas, grants and secrets.
    Operator,
    /// Manage teams and tokens.
    Admin,
}

impl Role {
    pub const ALL: [Role; 4] = [Role::Viewer, Role::Author, Role::Operator, Role::Admin];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Viewer => "viewer",
            Self::Author => "author",
            Self::Operator => "operator",
            Self::Admin => "admin",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == text)
    }
}

/// A token as listed: never its secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenRecord {
    pub id: String,
    pub team_id: String,
    pub name: String,
    pub role: Role,
    pub created_by: String,
    pub created_at: i64,
    pub revoked_at: Option<i64>,
}

/// A token just created, with the secret that is shown exactly once.
#[derive(Debug, Clone)]
pub struct IssuedToken {
    pub record: TokenRecord,
    pub secret: String,
}

fn digest(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// 244 random bits from the OS (two v4 UUIDs), prefixed so a leaked token
/// is recognisable in logs and by secret scanners.
fn generate_secret() -> String {
    format!(
        "wolfe_{}{}",
        uuid::Uuid::new_v4().simple(),
        uuid::Uuid::new_v4().simple()
    )
}

const TOKEN_COLUMNS: &str = "id, team_id, name, role, created_by, created_at, revoked_at";

fn token_from(row: &AnyRow) -> Result<TokenRecord, StoreError> {
    let role: String = row.get("role");
    Ok(TokenRecord {
        id: row.get("id"),
        team_id: row.get("team_id"),
        name: row.get("name"),
        role: Role::parse(&role).ok_or_else(|| {
            StoreError::Conflict(format!("stored token has unknown role {role:?}"))
        })?,
        created_by: row.get("created_by"),
        created_at: row.get("created_at"),
        revoked_at: row.get("revoked_at"),
    })
}

impl Store {
    /// Creates a token of `team_id` with `role`; the secret is returned
    /// once and only its digest is kept.
    pub async fn create_token(
        &self,
        team_id: &str,
        name: &str,
        role: Role,
        actor: &str,
    ) -> Result<IssuedToken, StoreError> {
        let secret = generate_secret();
        let record = TokenRecord {
            id: new_id(),
            team_id: team_id.to_owned(),
            name: name.to_owned(),
            role,
            created_by: actor.to_owned(),
            created_at: now_ms(),
            revoked_at: None,
        };
        let mut tx = self.pool.begin().await?;
        sqlx::query(
            "INSERT INTO tokens (id, team_id, name, role, secret_sha256, created_by, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(&record.id)
        .bind(team_id)
        .bind(name)
        .bind(role.as_str())
        .bind(digest(&secret))
        .bind(actor)
        .bind(record.created_at)
        .execute(&mut *tx)
        .await?;
        let detail = serde_json::json!({"name": name, "role": role.as_str()});
        audit::record(
            &mut *tx,
            Owner::Team(team_id),
            actor,
            "token.create",
            &format!("token:{}", record.id),
            Some(&detail),
        )
        .await?;
        tx.commit().await?;
        Ok(IssuedToken { record, secret })
    }

    /// The live token whose secret is `secret`, with its team.
    pub async fn authenticate(
        &self,
        secret: &str,
    ) -> Result<Option<(TokenRecord, Team)>, StoreError> {
        let columns = TOKEN_COLUMNS
            .split(", ")
            .map(|c| format!("k.{c}"))
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!(
            "SELECT {columns}, t.name AS team_name FROM tokens k JOIN teams t ON t.id = k.team_id \
             WHERE k.secret_sha256 = $1 AND k.revoked_at IS NULL"
        );
        let row = sqlx::query(&sql)
            .bind(digest(secret))
            .fetch_optional(&self.reader)
            .await?;
        let Some(row) = row else { return Ok(None) };
        let token = token_from(&row)?;
        let team = Team {
            id: token.team_id.clone(),
            name: row.get("team_name"),
        };
        Ok(Some((token, team)))
    }

    /// A team's tokens, oldest first, revoked ones included.
    pub async fn tokens(&self, team_id: &str) -> Result<Vec<TokenRecord>, StoreError> {
        let sql = format!(
            "SELECT {TOKEN_COLUMNS} FROM tokens WHERE team_id = $1 ORDER BY created_at, id"
        );
        let rows = sqlx::query(&sql)
            .bind(team_id)
            .fetch_all(&self.reader)
            .await?;
        rows.iter().map(token_from).collect()
    }

    /// Revokes a token of `team_id`; `false` when there is no such token.
    pub async fn revoke_token(
        &self,
        team_id: &str,
        token_id: &str,
        actor: &str,
    ) -> Result<bool, StoreError> {
        let mut tx = self.pool.begin().await?;
        let revoked = sqlx::query(
            "UPDATE tokens SET revoked_at = $1 WHERE id = $2 AND team_id = $3 \
             AND revoked_at IS NULL",
        )
        .bind(now_ms())
        .bind(token_id)
        .bind(team_id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if revoked == 1 {
            audit::record(
                &mut *tx,
                Owner::Team(team_id),
                actor,
                "token.revoke",
                &format!("token:{token_id}"),
                None,
            )
            .await?;
        }
        tx.commit().await?;
        Ok(revoked == 1)
    }

    /// How many tokens exist at all (first start creates an admin token
    /// when there are none).
    pub async fn count_tokens(&self) -> Result<i64, StoreError> {
        let row = sqlx::query("SELECT COUNT(*) AS n FROM tokens")
            .fetch_one(&self.reader)
            .await?;
        Ok(row.get("n"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_are_ordered_and_round_trip() {
        assert!(Role::Viewer < Role::Author && Role::Operator < Role::Admin);
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Some(role));
        }
        assert_eq!(Role::parse("root"), None);
    }

    #[test]
    fn secrets_are_long_random_and_only_their_digest_is_kept() {
        let (a, b) = (generate_secret(), generate_secret());
        assert_ne!(a, b);
        assert!(a.starts_with("wolfe_") && a.len() == 6 + 64, "{a}");
        assert_eq!(digest(&a).len(), 64);
        assert_ne!(digest(&a), a);
    }
}
