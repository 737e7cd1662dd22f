//! Team secrets, decrypted from the store with the configured master key.

use wolfe_host_apis::ApiError;
use wolfe_host_apis::secrets::SecretSource;
use wolfe_store::{SecretCipher, Store, StoreError};

use super::store_unavailable;

pub struct StoreSecrets {
    store: Store,
    cipher: SecretCipher,
}

impl StoreSecrets {
    pub fn new(store: Store, cipher: SecretCipher) -> Self {
        Self { store, cipher }
    }
}

#[async_trait::async_trait]
impl SecretSource for StoreSecrets {
    async fn get(
        &self,
        team: &str,
        environment: &str,
        name: &str,
    ) -> Result<Option<String>, ApiError> {
        match self
            .store
            .secret(&self.cipher, team, environment, name)
            .await
        {
            Ok(value) => Ok(value),
            // Wrong key or a tampered row: the platform team must act; the
            // runbook only learns the secret cannot be read.
            Err(StoreError::Secret(message)) => {
                tracing::error!("{message}");
                Err(ApiError::Unavailable(format!(
                    "secret `{name}` cannot be decrypted on this host"
                )))
            }
            Err(error) => Err(store_unavailable("secrets get", &error)),
        }
    }
}
