//! Team secrets, encrypted at rest with XChaCha20-Poly1305.
//!
//! The key never touches the database: it comes from configuration. Each
//! ciphertext is bound to its row (team, environment, name) as associated
//! data, so copying a ciphertext to another row does not decrypt.

use chacha20poly1305::aead::{Aead, AeadCore, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use sqlx::Row;

use crate::audit::{self, Owner};
use crate::{Store, StoreError, now_ms};

/// The master key secrets are encrypted with.
#[derive(Clone)]
pub struct SecretCipher {
    aead: XChaCha20Poly1305,
}

impl std::fmt::Debug for SecretCipher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretCipher(..)")
    }
}

/// Why a master key was refused.
#[derive(Debug, thiserror::Error)]
#[error("the secrets master key must be 32 bytes, hex-encoded (64 hex digits)")]
pub struct BadMasterKey;

impl SecretCipher {
    /// A cipher from a hex-encoded 32-byte key.
    pub fn from_hex(key: &str) -> Result<Self, BadMasterKey> {
        let bytes = hex::decode(key.trim()).map_err(|_| BadMasterKey)?;
        let key: [u8; 32] = bytes.try_into().map_err(|_| BadMasterKey)?;
        Ok(Self {
            aead: XChaCha20Poly1305::new(&key.into()),
        })
    }

    /// A fresh random key, hex-encoded.
    pub fn generate_hex() -> String {
        hex::encode(XChaCha20Poly1305::generate_key(
            &mut chacha20poly1305::aead::OsRng,
        ))
    }

    fn seal(&self, aad: &str, value: &str) -> (Vec<u8>, Vec<u8>) {
        let nonce = XChaCha20Poly1305::generate_nonce(&mut chacha20poly1305::aead::OsRng);
        let payload = Payload {
            msg: value.as_bytes(),
            aad: aad.as_bytes(),
        };
        let ciphertext = self
            .aead
            .encrypt(&nonce, payload)
            .expect("encrypting into a Vec cannot fail");
        (nonce.to_vec(), ciphertext)
    }

    fn open(&self, aad: &str, nonce: &[u8], ciphertext: &[u8]) -> Result<String, StoreError> {
        if nonce.len() != 24 {
            return Err(StoreError::Secret(
                "stored nonce has the wrong length".into(),
            ));
        }
        let payload = Payload {
            msg: ciphertext,
            aad: aad.as_bytes(),
        };
        let plain = self
            .aead
            .decrypt(XNonce::from_slice(nonce), payload)
            .map_err(|_| {
                StoreError::Secret(format!(
                    "secret {aad} cannot be decrypted: wrong master key or tampered row"
                ))
            })?;
        String::from_utf8(plain)
            .map_err(|_| StoreError::Secret(format!("secret {aad} is not UTF-8")))
    }
}

fn aad(team_id: &str, environment: &str, name: &str) -> String {
    format!("{team_id}/{environment}/{name}")
}

/// A secret as listed: its name, never its value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecretName {
    pub environment: String,
    pub name: String,
    pub updated_at: i64,
}

impl Store {
    /// The names of a team's secrets (values stay encrypted in the store).
    pub async fn secret_names(&self, team_id: &str) -> Result<Vec<SecretName>, StoreError> {
        let rows = sqlx::query(
            "SELECT environment, name, updated_at FROM secrets WHERE team_id = $1 \
             ORDER BY environment, name",
        )
        .bind(team_id)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .iter()
            .map(|row| SecretName {
                environment: row.get("environment"),
                name: row.get("name"),
                updated_at: row.get("updated_at"),
            })
            .collect())
    }

    /// Deletes a secret; `false` when there was none.
    pub async fn delete_secret(
        &self,
        team_id: &str,
        environment: &str,
        name: &str,
        actor: &str,
    ) -> Result<bool, StoreError> {
        let mut tx = self.pool.begin().await?;
        let deleted = sqlx::query(
            "DELETE FROM secrets WHERE team_id = $1 AND environment = $2 AND name = $3",
        )
        .bind(team_id)
        .bind(environment)
        .bind(name)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if deleted == 1 {
            let target = format!("secret:{team_id}/{environment}/{name}");
            audit::record(
                &mut *tx,
                Owner::Team(team_id),
                actor,
                "secret.delete",
                &target,
                None,
            )
            .await?;
        }
        tx.commit().await?;
        Ok(deleted == 1)
    }

    /// Creates or replaces a secret of `team_id` in `environment`.
    pub async fn put_secret(
        &self,
        cipher: &SecretCipher,
        team_id: &str,
        environment: &str,
        name: &str,
        value: &str,
        actor: &str,
    ) -> Result<(), StoreError> {
        let (nonce, ciphertext) = cipher.seal(&aad(team_id, environment, name), value);
        let mut tx = self.pool.begin().await?;
        sqlx::query(
            "INSERT INTO secrets (team_id, environment, name, nonce, ciphertext, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (team_id, environment, name) \
             DO UPDATE SET nonce = excluded.nonce, ciphertext = excluded.ciphertext, \
             updated_at = excluded.updated_at",
        )
        .bind(team_id)
        .bind(environment)
        .bind(name)
        .bind(nonce)
        .bind(ciphertext)
        .bind(now_ms())
        .execute(&mut *tx)
        .await?;
        // The audit log names the secret, never its value.
        let target = format!("secret:{team_id}/{environment}/{name}");
        audit::record(
            &mut *tx,
            Owner::Team(team_id),
            actor,
            "secret.put",
            &target,
            None,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The decrypted value of a secret of the team named `team`.
    pub async fn secret(
        &self,
        cipher: &SecretCipher,
        team: &str,
        environment: &str,
        name: &str,
    ) -> Result<Option<String>, StoreError> {
        let row = sqlx::query(
            "SELECT s.team_id, s.nonce, s.ciphertext FROM secrets s JOIN teams t ON t.id = s.team_id \
             WHERE t.name = $1 AND s.environment = $2 AND s.name = $3",
        )
        .bind(team)
        .bind(environment)
        .bind(name)
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = row else { return Ok(None) };
        let team_id: String = row.get("team_id");
        let nonce: Vec<u8> = row.get("nonce");
        let ciphertext: Vec<u8> = row.get("ciphertext");
        cipher
            .open(&aad(&team_id, environment, name), &nonce, &ciphertext)
            .map(Some)
    }
}
