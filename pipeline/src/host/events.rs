//! Events emitted by runbooks go through intake like any other event: the
//! rules of the environment match them, in the same transaction. The host
//! gives each emit a dedupe key unique to the emitting call (execution id
//! and call number), so a retried attempt repeating the emit finds the
//! event its predecessor committed (intake's unique index on environment,
//! source and dedupe key) instead of creating a second one.

use std::sync::Arc;

use wolfe_host_apis::events::RUNBOOK_SOURCE;
use wolfe_host_apis::{ApiError, CallerIdentity};
use wolfe_ingest::NormalizedEvent;
use wolfe_store::Accepted;

use super::store_unavailable;
use crate::intake::{EventOrigin, Intake};

pub struct IntakeEvents {
    intake: Arc<Intake>,
}

impl IntakeEvents {
    pub fn new(intake: Arc<Intake>) -> Self {
        Self { intake }
    }
}

#[async_trait::async_trait]
impl wolfe_host_apis::events::EventSink for IntakeEvents {
    async fn emit(
        &self,
        caller: &CallerIdentity,
        kind: &str,
        payload: serde_json::Value,
        depth: u32,
        dedupe_key: &str,
    ) -> Result<String, ApiError> {
        let event = NormalizedEvent {
            source: RUNBOOK_SOURCE.into(),
            kind: kind.into(),
            dedupe_key: Some(dedupe_key.into()),
            payload,
        };
        let origin = EventOrigin {
            execution_id: caller.execution_id.clone(),
            depth: depth.into(),
        };
        match self
            .intake
            .accept_from(&caller.environment, event, Some(origin))
            .await
        {
            Ok(Accepted::New { event_id, .. } | Accepted::Duplicate { event_id }) => Ok(event_id),
            Err(error) => Err(store_unavailable("events emit", &error)),
        }
    }
}
