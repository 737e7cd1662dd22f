//! `wolfe:runbook/secrets`: read the secrets granted to the runbook.
//!
//! Values are kept encrypted by the [`SecretSource`] (the store) and handed
//! to the guest only; every value read is registered with the execution's
//! [`Redactor`](crate::redact::Redactor), so it never reaches the log, the
//! output or the audit trail even if the runbook prints it.

use wasmtime::component::{HasSelf, Linker};

use crate::bindings::wolfe::runbook::common::Error as WitError;
use crate::bindings::wolfe::runbook::secrets::Host;
use crate::context::HostContext;
use crate::effects::Call;
use crate::error::ApiError;

/// Where secret values come from, decrypted. Secrets belong to a team and
/// an environment.
#[async_trait::async_trait]
pub trait SecretSource: Send + Sync {
    async fn get(
        &self,
        team: &str,
        environment: &str,
        name: &str,
    ) -> Result<Option<String>, ApiError>;
}

impl HostContext {
    async fn secret(&mut self, name: String) -> Result<String, ApiError> {
        let call = Call::new("secrets", "get", name.clone());
        let allowed = self.grant.allows_secret(&name);
        self.require(allowed, &call, || {
            format!("secret `{name}` is not granted to this runbook in this environment")
        })
        .await?;
        let source = self.services.secrets.clone().ok_or_else(|| {
            ApiError::Unavailable("secrets are not configured on this host".into())
        })?;
        let c = &self.caller;
        let value = source
            .get(&c.team, &c.environment, &name)
            .await?
            .ok_or_else(|| {
                ApiError::NotFound(format!(
                    "secret `{name}` is not set for team {} in {}",
                    c.team, c.environment
                ))
            })?;
        self.redactor.register(&value);
        Ok(value)
    }
}

impl Host for HostContext {
    async fn get(&mut self, name: String) -> wasmtime::Result<Result<String, WitError>> {
        Ok(self.secret(name).await.map_err(Into::into))
    }
}

/// Links `wolfe:runbook/secrets`; `get` finds the execution's [`HostContext`].
pub fn add_to_linker<T: Send + 'static>(
    linker: &mut Linker<T>,
    get: fn(&mut T) -> &mut HostContext,
) -> wasmtime::Result<()> {
    crate::bindings::wolfe::runbook::secrets::add_to_linker::<T, HasSelf<HostContext>>(linker, get)
}
