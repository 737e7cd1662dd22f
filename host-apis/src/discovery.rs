//! `wolfe:runbook/discovery`: Eureka instances of the applications the
//! grant names; status changes are side effects.

use wasmtime::component::{HasSelf, Linker};

use crate::bindings::wolfe::runbook::common::{Effect, Error as WitError};
use crate::bindings::wolfe::runbook::discovery::{Host, Instance, Status};
use crate::context::HostContext;
use crate::effects::Call;
use crate::error::ApiError;
use crate::providers::discovery::{DiscoveryProvider, DiscoveryStatus, StatusChanged};

impl HostContext {
    async fn discovery_provider(
        &mut self,
        app: &str,
        call: &Call,
    ) -> Result<std::sync::Arc<DiscoveryProvider>, ApiError> {
        let allowed = self.grant.allows_discovery_app(app);
        self.require(allowed, call, || {
            format!("discovery of application `{app}` is not granted to this runbook in this environment")
        })
        .await?;
        self.services
            .discovery
            .clone()
            .ok_or_else(|| ApiError::Unavailable("discovery is not configured on this host".into()))
    }

    async fn discovery_instances(&mut self, app: String) -> Result<Vec<Instance>, ApiError> {
        let call = Call::new("discovery", "instances", app.clone());
        let provider = self.discovery_provider(&app, &call).await?;
        let environment = self.caller.environment.clone();
        let found = self
            .read(call, provider.instances(&environment, &app))
            .await?;
        Ok(found
            .into_iter()
            .map(|i| Instance {
                id: i.id,
                app: i.app,
                host_name: i.host_name,
                ip_addr: i.ip_addr,
                status: i.status,
                port: i.port,
            })
            .collect())
    }

    async fn discovery_set_status(
        &mut self,
        app: String,
        instance_id: String,
        status: Status,
    ) -> Result<Effect, ApiError> {
        let status = match status {
            Status::Up => DiscoveryStatus::Up,
            Status::OutOfService => DiscoveryStatus::OutOfService,
        };
        let target = format!("{app}/{instance_id} -> {}", status.as_eureka());
        let call = self.effect_call("discovery", "set_status", target);
        let provider = self.discovery_provider(&app, &call).await?;
        let environment = self.caller.environment.clone();
        let simulate = async {
            let current = provider
                .authorize_set_status(&environment, &app, &instance_id)
                .await?;
            Ok(StatusChanged {
                app: current.app,
                instance_id: current.id,
                status,
                previous_status: current.status,
            })
        };
        let perform = provider.set_status(&environment, &app, &instance_id, status);
        let simulated = self.caller.dry_run;
        self.side_effect(call, simulate, perform).await?;
        Ok(Effect { simulated })
    }
}

impl Host for HostContext {
    async fn instances(
        &mut self,
        app: String,
    ) -> wasmtime::Result<Result<Vec<Instance>, WitError>> {
        Ok(self.discovery_instances(app).await.map_err(Into::into))
    }

    async fn set_status(
        &mut self,
        app: String,
        instance_id: String,
        status: Status,
    ) -> wasmtime::Result<Result<Effect, WitError>> {
        Ok(self
            .discovery_set_status(app, instance_id, status)
            .await
            .map_err(Into::into))
    }
}

/// Links `wolfe:runbook/discovery`; `get` finds the execution's [`HostContext`].
pub fn add_to_linker<T: Send + 'static>(
    linker: &mut Linker<T>,
    get: fn(&mut T) -> &mut HostContext,
) -> wasmtime::Result<()> {
    crate::bindings::wolfe::runbook::discovery::add_to_linker::<T, HasSelf<HostContext>>(
        linker, get,
    )
}
