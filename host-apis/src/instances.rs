//! `wolfe:runbook/instances`: EC2 instances within the grant's scope;
//! reboot and terminate are side effects.

use wasmtime::component::{HasSelf, Linker};

use crate::bindings::wolfe::runbook::common::{Effect, Error as WitError};
use crate::bindings::wolfe::runbook::instances::{Host, Instance as WitInstance};
use crate::context::HostContext;
use crate::effects::Call;
use crate::error::ApiError;
use crate::grant::InstanceScope;
use crate::providers::instances::{ActionTaken, Instance, InstanceAction, InstancesProvider};

fn to_wit(instance: Instance) -> WitInstance {
    WitInstance {
        id: instance.id,
        state: instance.state,
        instance_type: instance.instance_type,
        private_ip: instance.private_ip,
        tags: instance.tags,
    }
}

impl HostContext {
    async fn instances_scope(
        &mut self,
        call: &Call,
    ) -> Result<(InstanceScope, std::sync::Arc<InstancesProvider>), ApiError> {
        let scope = self.grant.instances.clone();
        self.require(scope.is_some(), call, || {
            "instances are not granted to this runbook in this environment".into()
        })
        .await?;
        let provider = self.services.instances.clone().ok_or_else(|| {
            ApiError::Unavailable("instances are not configured on this host".into())
        })?;
        Ok((scope.unwrap_or_default(), provider))
    }

    async fn instances_describe(&mut self, ids: Vec<String>) -> Result<Vec<WitInstance>, ApiError> {
        let call = Call::new("instances", "describe", ids.join(","));
        let (scope, provider) = self.instances_scope(&call).await?;
        let found = self.read(call, provider.describe(&scope, &ids)).await?;
        Ok(found.into_iter().map(to_wit).collect())
    }

    async fn instances_find(
        &mut self,
        tags: Vec<(String, String)>,
    ) -> Result<Vec<WitInstance>, ApiError> {
        let target = tags
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join(",");
        let call = Call::new("instances", "find", target);
        let (scope, provider) = self.instances_scope(&call).await?;
        let found = self.read(call, provider.find(&scope, &tags)).await?;
        Ok(found.into_iter().map(to_wit).collect())
    }

    async fn instances_act(
        &mut self,
        id: String,
        action: InstanceAction,
    ) -> Result<Effect, ApiError> {
        let call = self.effect_call("instances", action.as_str(), id.clone());
        let (scope, provider) = self.instances_scope(&call).await?;
        let simulate = async {
            let instance = provider.authorize(&scope, &id, action).await?;
            Ok(ActionTaken {
                instance_id: instance.id,
                action,
                previous_state: instance.state,
                current_state: None,
            })
        };
        let perform = async {
            match action {
                InstanceAction::Reboot => provider.reboot(&scope, &id).await,
                InstanceAction::Terminate => provider.terminate(&scope, &id).await,
            }
        };
        let simulated = self.caller.dry_run;
        self.side_effect(call, simulate, perform).await?;
        Ok(Effect { simulated })
    }
}

impl Host for HostContext {
    async fn describe(
        &mut self,
        ids: Vec<String>,
    ) -> wasmtime::Result<Result<Vec<WitInstance>, WitError>> {
        Ok(self.instances_describe(ids).await.map_err(Into::into))
    }

    async fn find(
        &mut self,
        tags: Vec<(String, String)>,
    ) -> wasmtime::Result<Result<Vec<WitInstance>, WitError>> {
        Ok(self.instances_find(tags).await.map_err(Into::into))
    }

    async fn reboot(&mut self, id: String) -> wasmtime::Result<Result<Effect, WitError>> {
        Ok(self
            .instances_act(id, InstanceAction::Reboot)
            .await
            .map_err(Into::into))
    }

    async fn terminate(&mut self, id: String) -> wasmtime::Result<Result<Effect, WitError>> {
        Ok(self
            .instances_act(id, InstanceAction::Terminate)
            .await
            .map_err(Into::into))
    }
}

/// Links `wolfe:runbook/instances`; `get` finds the execution's [`HostContext`].
pub fn add_to_linker<T: Send + 'static>(
    linker: &mut Linker<T>,
    get: fn(&mut T) -> &mut HostContext,
) -> wasmtime::Result<()> {
    crate::bindings::wolfe::runbook::instances::add_to_linker::<T, HasSelf<HostContext>>(
        linker, get,
    )
}
