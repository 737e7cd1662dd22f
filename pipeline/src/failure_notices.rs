//! Telling people when an execution ends in anything but success: each
//! notify target the runbook names for the environment gets the outcome,
//! the error and a link to the execution. Best effort, off the runner's
//! path: a notice that cannot be sent is logged, never retried forever.

use std::sync::Arc;

use wolfe_engine::Services;
use wolfe_host_apis::providers::notify::FailureNotice;
use wolfe_store::{Claimed, Finished};

/// Sends the failure notices of `finished`, if it failed and anyone is to
/// be told. Returns at once; sending happens on a task of its own.
pub(crate) fn send_failure_notices(
    services: &Arc<Services>,
    claimed: &Claimed,
    finished: &Finished,
    public_url: &str,
) {
    if finished.outcome == wolfe_engine::Outcome::Succeeded.as_str()
        || claimed.failure_targets.is_empty()
    {
        return;
    }
    let Some(notify) = services.notify.clone() else {
        tracing::warn!(
            execution = %claimed.id,
            "failure notifications are configured but notify is not: nobody was told"
        );
        return;
    };
    let notice = FailureNotice {
        runbook: claimed.runbook_name.clone(),
        team: claimed.team_name.clone(),
        environment: claimed.environment.clone(),
        execution_id: claimed.id.clone(),
        outcome: finished.outcome.clone(),
        error: finished.error_message.clone(),
        link: format!(
            "{}/executions/{}",
            public_url.trim_end_matches('/'),
            claimed.id
        ),
    };
    let targets = claimed.failure_targets.clone();
    tokio::spawn(async move {
        for target in targets {
            if let Err(error) = notify.failure_notice(&target, &notice).await {
                tracing::warn!(
                    execution = %notice.execution_id, target = %target,
                    "failure notice not sent: {error}"
                );
            }
        }
    });
}
