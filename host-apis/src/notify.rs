//! `wolfe:runbook/notify`: email, chat and paging to the configured targets
//! the grant names. Every call is a side effect.

use wasmtime::component::{HasSelf, Linker};

use crate::bindings::wolfe::runbook::common::{Effect, Error as WitError};
use crate::bindings::wolfe::runbook::notify::{
    Host, Page as WitPage, Paged as WitPaged, Severity as WitSeverity,
};
use crate::context::HostContext;
use crate::effects::Call;
use crate::error::ApiError;
use crate::providers::notify::{NotifyProvider, Page, Paged, Sent, Severity, TargetKind};

fn simulated_sent(target: &str, kind: TargetKind) -> Sent {
    Sent {
        target: target.into(),
        kind,
        receipt: "simulated".into(),
    }
}

impl HostContext {
    async fn notify_provider(
        &mut self,
        target: &str,
        call: &Call,
    ) -> Result<std::sync::Arc<NotifyProvider>, ApiError> {
        let allowed = self.grant.allows_notify_target(target);
        self.require(allowed, call, || {
            format!("notify target `{target}` is not granted to this runbook in this environment")
        })
        .await?;
        self.services
            .notify
            .clone()
            .ok_or_else(|| ApiError::Unavailable("notify is not configured on this host".into()))
    }

    async fn notify_sent(
        &mut self,
        operation: &'static str,
        target: String,
        kind: TargetKind,
        send: impl AsyncFnOnce(&NotifyProvider) -> Result<Sent, ApiError>,
    ) -> Result<Effect, ApiError> {
        let call = self.effect_call("notify", operation, target.clone());
        let provider = self.notify_provider(&target, &call).await?;
        let simulate = async {
            provider.check_target(&target, kind)?;
            Ok(simulated_sent(&target, kind))
        };
        let perform = send(&provider);
        let simulated = self.caller.dry_run;
        self.side_effect(call, simulate, perform).await?;
        Ok(Effect { simulated })
    }

    async fn notify_page(&mut self, target: String, page: WitPage) -> Result<WitPaged, ApiError> {
        let call = self.effect_call("notify", "page_trigger", target.clone());
        let provider = self.notify_provider(&target, &call).await?;
        let details = page
            .details_json
            .map(|d| serde_json::from_str(&d))
            .transpose()
            .map_err(|e| ApiError::Invalid(format!("page details are not JSON: {e}")))?;
        let page = Page {
            summary: page.summary,
            severity: match page.severity {
                WitSeverity::Critical => Severity::Critical,
                WitSeverity::Error => Severity::Error,
                WitSeverity::Warning => Severity::Warning,
                WitSeverity::Info => Severity::Info,
            },
            source: page.source,
            dedup_key: page.dedup_key,
            details,
        };
        let execution = self.caller.execution_id.clone();
        let simulate = async {
            provider.check_target(&target, TargetKind::Pagerduty)?;
            let key = page
                .dedup_key
                .clone()
                .unwrap_or_else(|| format!("simulated-{execution}"));
            Ok(Paged { dedup_key: key })
        };
        let perform = provider.page_trigger(&target, &page);
        let simulated = self.caller.dry_run;
        let paged = self.side_effect(call, simulate, perform).await?;
        Ok(WitPaged {
            dedup_key: paged.dedup_key,
            simulated,
        })
    }
}

impl Host for HostContext {
    async fn email(
        &mut self,
        target: String,
        subject: String,
        body: String,
    ) -> wasmtime::Result<Result<Effect, WitError>> {
        let to = target.clone();
        let sent = self
            .notify_sent(
                "email",
                target,
                TargetKind::Email,
                async move |p: &NotifyProvider| p.email(&to, &subject, &body).await,
            )
            .await;
        Ok(sent.map_err(Into::into))
    }

    async fn chat(
        &mut self,
        target: String,
        text: String,
    ) -> wasmtime::Result<Result<Effect, WitError>> {
        let to = target.clone();
        let sent = self
            .notify_sent(
                "chat",
                target,
                TargetKind::Chat,
                async move |p: &NotifyProvider| p.chat(&to, &text).await,
            )
            .await;
        Ok(sent.map_err(Into::into))
    }

    async fn page_trigger(
        &mut self,
        target: String,
        page: WitPage,
    ) -> wasmtime::Result<Result<WitPaged, WitError>> {
        Ok(self.notify_page(target, page).await.map_err(Into::into))
    }

    async fn page_resolve(
        &mut self,
        target: String,
        dedup_key: String,
    ) -> wasmtime::Result<Result<Effect, WitError>> {
        let to = target.clone();
        let sent = self
            .notify_sent(
                "page_resolve",
                target,
                TargetKind::Pagerduty,
                async move |p: &NotifyProvider| p.page_resolve(&to, &dedup_key).await,
            )
            .await;
        Ok(sent.map_err(Into::into))
    }
}

/// Links `wolfe:runbook/notify`; `get` finds the execution's [`HostContext`].
pub fn add_to_linker<T: Send + 'static>(
    linker: &mut Linker<T>,
    get: fn(&mut T) -> &mut HostContext,
) -> wasmtime::Result<()> {
    crate::bindings::wolfe::runbook::notify::add_to_linker::<T, HasSelf<HostContext>>(linker, get)
}
