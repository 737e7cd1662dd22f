//! Interfaces whose providers this host does not have yet answer
//! `unavailable`, so runbooks importing them still link and can handle it.

use wasmtime::component::{HasSelf, Linker};

use crate::bindings::wolfe::runbook::common::{Effect, Error as WitError};
use crate::bindings::wolfe::runbook::{discovery, http, instances, metrics, notify};
use crate::context::HostContext;

type Answer<T> = wasmtime::Result<Result<T, WitError>>;

fn unavailable<T>(interface: &str) -> Answer<T> {
    Ok(Err(WitError::Unavailable(format!(
        "{interface} is not configured on this host"
    ))))
}

impl http::Host for HostContext {
    async fn send(&mut self, _: http::Request) -> Answer<http::Response> {
        unavailable("http")
    }
}

impl metrics::Host for HostContext {
    async fn query(
        &mut self,
        _: String,
        _: String,
        _: Option<metrics::Range>,
    ) -> Answer<Vec<metrics::Series>> {
        unavailable("metrics")
    }
}

impl instances::Host for HostContext {
    async fn describe(&mut self, _: Vec<String>) -> Answer<Vec<instances::Instance>> {
        unavailable("instances")
    }
    async fn find(&mut self, _: Vec<(String, String)>) -> Answer<Vec<instances::Instance>> {
        unavailable("instances")
    }
    async fn reboot(&mut self, _: String) -> Answer<Effect> {
        unavailable("instances")
    }
    async fn terminate(&mut self, _: String) -> Answer<Effect> {
        unavailable("instances")
    }
}

impl discovery::Host for HostContext {
    async fn instances(&mut self, _: String) -> Answer<Vec<discovery::Instance>> {
        unavailable("discovery")
    }
    async fn set_status(&mut self, _: String, _: String, _: discovery::Status) -> Answer<Effect> {
        unavailable("discovery")
    }
}

impl notify::Host for HostContext {
    async fn email(&mut self, _: String, _: String, _: String) -> Answer<Effect> {
        unavailable("notify")
    }
    async fn chat(&mut self, _: String, _: String) -> Answer<Effect> {
        unavailable("notify")
    }
    async fn page_trigger(&mut self, _: String, _: notify::Page) -> Answer<notify::Paged> {
        unavailable("notify")
    }
    async fn page_resolve(&mut self, _: String, _: String) -> Answer<Effect> {
        unavailable("notify")
    }
}

pub(crate) fn add_to_linker<T: Send + 'static>(
    linker: &mut Linker<T>,
    get: fn(&mut T) -> &mut HostContext,
) -> wasmtime::Result<()> {
    http::add_to_linker::<T, HasSelf<HostContext>>(linker, get)?;
    metrics::add_to_linker::<T, HasSelf<HostContext>>(linker, get)?;
    instances::add_to_linker::<T, HasSelf<HostContext>>(linker, get)?;
    discovery::add_to_linker::<T, HasSelf<HostContext>>(linker, get)?;
    notify::add_to_linker::<T, HasSelf<HostContext>>(linker, get)?;
    Ok(())
}
