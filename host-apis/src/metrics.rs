//! `wolfe:runbook/metrics`: time series from the environment's configured
//! backends, those the grant names.

use wasmtime::component::{HasSelf, Linker};

use crate::bindings::wolfe::runbook::common::Error as WitError;
use crate::bindings::wolfe::runbook::metrics::{Host, Range, Sample, Series};
use crate::context::HostContext;
use crate::effects::Call;
use crate::error::ApiError;
use crate::providers::metrics::QueryRange;

impl HostContext {
    async fn metrics_query(
        &mut self,
        backend: String,
        query: String,
        range: Option<Range>,
    ) -> Result<Vec<Series>, ApiError> {
        let call = Call::new("metrics", "query", backend.clone());
        let allowed = self.grant.allows_metrics_backend(&backend);
        self.require(allowed, &call, || {
            format!(
                "metrics backend `{backend}` is not granted to this runbook in this environment"
            )
        })
        .await?;
        let provider = self.services.metrics.clone().ok_or_else(|| {
            ApiError::Unavailable("metrics are not configured on this host".into())
        })?;
        let range = range.map(|r| QueryRange {
            start_ms: r.start_ms,
            end_ms: r.end_ms,
            step_ms: r.step_ms,
        });
        let environment = self.caller.environment.clone();
        let series = self
            .read(call, provider.query(&environment, &backend, &query, range))
            .await?;
        Ok(series
            .into_iter()
            .map(|s| Series {
                labels: s.labels,
                samples: s
                    .samples
                    .into_iter()
                    .map(|p| Sample {
                        timestamp_ms: p.timestamp_ms,
                        value: p.value,
                    })
                    .collect(),
            })
            .collect())
    }
}

impl Host for HostContext {
    async fn query(
        &mut self,
        backend: String,
        query: String,
        range: Option<Range>,
    ) -> wasmtime::Result<Result<Vec<Series>, WitError>> {
        Ok(self
            .metrics_query(backend, query, range)
            .await
            .map_err(Into::into))
    }
}

/// Links `wolfe:runbook/metrics`; `get` finds the execution's [`HostContext`].
pub fn add_to_linker<T: Send + 'static>(
    linker: &mut Linker<T>,
    get: fn(&mut T) -> &mut HostContext,
) -> wasmtime::Result<()> {
    crate::bindings::wolfe::runbook::metrics::add_to_linker::<T, HasSelf<HostContext>>(linker, get)
}
