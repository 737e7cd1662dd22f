//! `wolfe:runbook/http`: outbound HTTP to the hosts the grant names.
//! GET and HEAD are reads; every other method is a side effect (audited,
//! simulated in dry-run, replayed on retry, its recorded response body
//! redacted).

use wasmtime::component::{HasSelf, Linker};

use crate::bindings::wolfe::runbook::common::Error as WitError;
use crate::bindings::wolfe::runbook::http::{Header as WitHeader, Host, Request, Response};
use crate::context::HostContext;
use crate::effects::Call;
use crate::error::ApiError;
use crate::providers::http::{Header, HttpProvider, HttpRequest, HttpResponse};
use crate::redact::Redactor;

/// What the audit trail names: method and origin, never the path or query
/// (webhook URLs carry tokens there).
fn audit_target(method: &str, url: &str) -> String {
    let origin = url::Url::parse(url)
        .map(|u| u.origin().ascii_serialization())
        .unwrap_or_else(|_| "<invalid url>".into());
    format!("{} {origin}", method.to_ascii_uppercase())
}

/// A response as the audit trail keeps it for replay. Its body is kept as
/// base64 (it may be binary), where the JSON redaction of the trail cannot
/// see a secret the remote echoed back: the secret values are cut from the
/// bytes first. A retried attempt that replays the call therefore reads
/// `[redacted]` where the remote had sent a secret.
fn recorded_response(response: &HttpResponse, redactor: &Redactor) -> Option<serde_json::Value> {
    let body = redactor.redact_bytes(&response.body);
    match body {
        std::borrow::Cow::Borrowed(_) => serde_json::to_value(response).ok(),
        std::borrow::Cow::Owned(body) => serde_json::to_value(HttpResponse {
            body,
            ..response.clone()
        })
        .ok(),
    }
}

fn to_wit(response: HttpResponse, simulated: bool) -> Response {
    Response {
        status: response.status,
        headers: response
            .headers
            .into_iter()
            .map(|h| WitHeader {
                name: h.name,
                value: h.value,
            })
            .collect(),
        body: response.body,
        simulated,
    }
}

impl HostContext {
    async fn http_send(&mut self, request: Request) -> Result<Response, ApiError> {
        let provider =
            self.services.http.clone().ok_or_else(|| {
                ApiError::Unavailable("http is not configured on this host".into())
            })?;
        let target = audit_target(&request.method, &request.url);
        let side_effecting = HttpProvider::is_side_effecting(&request.method);
        let call = if side_effecting {
            self.effect_call("http", "send", target)
        } else {
            Call::new("http", "send", target)
        };
        self.require(!self.grant.http.is_empty(), &call, || {
            "no network is granted to this runbook in this environment".into()
        })
        .await?;
        let request = HttpRequest {
            method: request.method,
            url: request.url,
            headers: request
                .headers
                .into_iter()
                .map(|h| Header::new(h.name, h.value))
                .collect(),
            body: request.body,
            timeout_ms: request.timeout_ms,
        };
        let allowed = self.grant.http.clone();
        if !side_effecting {
            let response = self.read(call, provider.send(&allowed, request)).await?;
            return Ok(to_wit(response, false));
        }
        let simulate = async {
            provider
                .authorize_request(&allowed, request.clone())
                .await?;
            // Nothing was sent: no status, no body.
            Ok(HttpResponse {
                status: 0,
                headers: Vec::new(),
                body: Vec::new(),
            })
        };
        let perform = provider.send(&allowed, request.clone());
        let simulated = self.caller.dry_run;
        let response = self
            .side_effect_with(call, simulate, perform, recorded_response)
            .await?;
        Ok(to_wit(response, simulated))
    }
}

impl Host for HostContext {
    async fn send(&mut self, request: Request) -> wasmtime::Result<Result<Response, WitError>> {
        Ok(self.http_send(request).await.map_err(Into::into))
    }
}

/// Links `wolfe:runbook/http`; `get` finds the execution's [`HostContext`].
pub fn add_to_linker<T: Send + 'static>(
    linker: &mut Linker<T>,
    get: fn(&mut T) -> &mut HostContext,
) -> wasmtime::Result<()> {
    crate::bindings::wolfe::runbook::http::add_to_linker::<T, HasSelf<HostContext>>(linker, get)
}
