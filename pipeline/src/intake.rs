//! Intake: a normalized event, the rules of its environment, and the store.
//!
//! The event and every execution its rules plan are committed in one
//! transaction before the sender is told "accepted", so an acknowledged
//! event is never lost and never half-processed.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::Notify;
use wolfe_ingest::{IngestError, NormalizedEvent, SourceConfig};
use wolfe_rules::EventView;
use wolfe_store::{
    Accepted, Correlation, EventIntake, NewEvent, NewExecution, NewRuleError, RejectedEvent, Store,
    StoreError, new_id, now_ms,
};

use crate::group_commit::GroupCommit;
use crate::rule_set::RuleSet;

/// A configured source and the environment its events belong to.
#[derive(Debug, Clone)]
pub struct Source {
    pub environment: String,
    pub config: SourceConfig,
}

/// Why a body produced no events.
#[derive(Debug, thiserror::Error)]
pub enum IntakeError {
    /// The body was recorded as rejected under `event_id`.
    #[error("{error}")]
    Rejected {
        error: IngestError,
        event_id: String,
    },
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The execution that emitted an event, and the event's chain depth.
#[derive(Debug, Clone)]
pub struct EventOrigin {
    pub execution_id: String,
    pub depth: i64,
}

pub struct Intake {
    store: Store,
    rules: RuleSet,
    /// Runners in this process wait on this for new work.
    wake: Arc<Notify>,
    /// Events accepted together (concurrent webhook requests, the events
    /// of one body) are committed together.
    commits: GroupCommit<EventIntake, Accepted, StoreError>,
}

/// Events per intake transaction at most.
const MAX_EVENTS_PER_COMMIT: usize = 64;

impl Intake {
    pub fn new(store: Store, wake: Arc<Notify>) -> Self {
        Self {
            rules: RuleSet::new(store.clone(), Duration::from_secs(1)),
            store,
            wake,
            commits: GroupCommit::new(MAX_EVENTS_PER_COMMIT),
        }
    }

    pub fn rules(&self) -> &RuleSet {
        &self.rules
    }

    /// Parses a body from `source` and accepts each event in it; a body
    /// that cannot be parsed is recorded as rejected with the reason.
    pub async fn receive(
        &self,
        source: &Source,
        body: &[u8],
    ) -> Result<Vec<Accepted>, IntakeError> {
        self.receive_delivery(source, body, None).await
    }

    /// Like [`Intake::receive`] for a delivery with its own identity (an SQS
    /// message id): events whose format gives them no dedupe key are keyed
    /// by delivery id and position, so a redelivered message creates nothing.
    pub async fn receive_delivery(
        &self,
        source: &Source,
        body: &[u8],
        delivery_id: Option<&str>,
    ) -> Result<Vec<Accepted>, IntakeError> {
        let mut events = match wolfe_ingest::ingest(&source.config, body) {
            Ok(events) => events,
            Err(error) => {
                let event_id = self.reject(source, body, &error.to_string()).await?;
                return Err(IntakeError::Rejected { error, event_id });
            }
        };
        if let Some(delivery) = delivery_id {
            for (index, event) in events.iter_mut().enumerate() {
                if event.dedupe_key.is_none() {
                    event.dedupe_key = Some(format!("delivery:{delivery}:{index}"));
                }
            }
        }
        // Submitted together, so the events of one body share a commit.
        let accepting = events
            .into_iter()
            .map(|event| self.accept(&source.environment, event));
        let accepted = futures_util::future::join_all(accepting).await;
        Ok(accepted.into_iter().collect::<Result<_, _>>()?)
    }

    /// Records a body that was refused before parsing (e.g. authentication).
    pub async fn reject(
        &self,
        source: &Source,
        body: &[u8],
        error: &str,
    ) -> Result<String, StoreError> {
        // Keep at most the configured body size: an oversized body is
        // recorded by its beginning, never in full.
        let kept = &body[..body.len().min(source.config.max_body_bytes)];
        self.store
            .record_rejected(&RejectedEvent {
                environment: source.environment.clone(),
                source: source.config.name.clone(),
                raw_body: kept.to_vec(),
                error: error.to_owned(),
            })
            .await
    }

    /// Matches one event against the environment's rules and stores it with
    /// the planned executions.
    pub async fn accept(
        &self,
        environment: &str,
        event: NormalizedEvent,
    ) -> Result<Accepted, StoreError> {
        self.accept_from(environment, event, None).await
    }

    /// Like [`Intake::accept`] for an event a runbook emitted: it records
    /// which execution emitted it and how long the chain behind it is.
    pub async fn accept_from(
        &self,
        environment: &str,
        event: NormalizedEvent,
        origin: Option<EventOrigin>,
    ) -> Result<Accepted, StoreError> {
        let id = new_id();
        let received_at = now_ms();
        let received_at_text = crate::time::rfc3339(received_at);
        let view = EventView {
            id: &id,
            source: &event.source,
            kind: &event.kind,
            received_at: &received_at_text,
            payload: &event.payload,
        };
        let mut planned = Vec::new();
        let mut rule_errors = Vec::new();
        for rule in self.rules.for_environment(environment).await?.iter() {
            match rule.compiled.evaluate(&view) {
                Ok(Some(matched)) => planned.push(NewExecution {
                    runbook_id: rule.record.runbook_id.clone(),
                    rule_id: Some(rule.record.id.clone()),
                    trigger_event_id: Some(id.clone()),
                    params: serde_json::Value::Object(matched.params),
                    dry_run: false,
                    event_ids: vec![id.clone()],
                    correlation: matched.correlation.map(|c| Correlation {
                        key: c.key,
                        window_ms: c.window.as_millis() as i64,
                    }),
                }),
                Ok(None) => {}
                Err(error) => {
                    // Recorded with the event, so an operator sees why a
                    // matching event ran nothing.
                    tracing::warn!(
                        rule = %rule.record.name, event = %id,
                        "rule matched but its parameters could not be mapped: {error}"
                    );
                    rule_errors.push(NewRuleError {
                        rule_id: rule.record.id.clone(),
                        message: error.to_string(),
                    });
                }
            }
        }
        let intake = EventIntake {
            event: NewEvent {
                id: id.clone(),
                environment: environment.to_owned(),
                source: event.source,
                kind: event.kind,
                dedupe_key: event.dedupe_key,
                payload: event.payload,
                received_at,
                depth: origin.as_ref().map_or(0, |o| o.depth),
                emitted_by: origin.map(|o| o.execution_id),
            },
            planned,
            rule_errors,
        };
        let store = self.store.clone();
        let accepted = self
            .commits
            .submit(intake, move |batch| {
                let store = store.clone();
                async move { store.accept_events(&batch).await }
            })
            .await?;
        if matches!(&accepted, Accepted::New { executions, .. } if !executions.is_empty()) {
            self.wake.notify_waiters();
        }
        Ok(accepted)
    }

    /// Runs `runbook_id` by hand with `payload` as its one event.
    pub async fn run_manually(
        &self,
        environment: &str,
        runbook_id: &str,
        payload: serde_json::Value,
        params: serde_json::Value,
        dry_run: bool,
    ) -> Result<Option<String>, StoreError> {
        let id = new_id();
        let event = NewEvent {
            id: id.clone(),
            environment: environment.to_owned(),
            source: "manual".into(),
            kind: "manual".into(),
            dedupe_key: None,
            payload,
            received_at: now_ms(),
            depth: 0,
            emitted_by: None,
        };
        let execution = NewExecution {
            runbook_id: runbook_id.to_owned(),
            rule_id: None,
            trigger_event_id: None,
            params,
            dry_run,
            event_ids: vec![id],
            correlation: None,
        };
        let accepted = self.store.accept_event(&event, &[execution]).await?;
        let Accepted::New { executions, .. } = accepted else {
            return Ok(None);
        };
        self.wake.notify_waiters();
        Ok(executions.into_iter().next())
    }
}
