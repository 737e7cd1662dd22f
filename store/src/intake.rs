//! Taking events in: each event is stored as processed in the same
//! transaction as the executions the rules planned for it and the rule
//! errors they met, so either all of it exists or none of it does.
//!
//! A batch is written in a few statements whatever its size (the events in
//! one, their plain executions in one, those executions' event links in
//! one): on SQLite every statement is a round trip to the single writer's
//! thread, the narrowest point of the pipeline. Correlated executions and
//! rule errors, rarer, go one by one.

use std::collections::HashSet;

use sqlx::{Any, Row, Transaction};

use crate::events::{Accepted, EventIntake, NewEvent};
use crate::executions::{self, NewExecution};
use crate::rule_errors;
use crate::sql::{ROWS_PER_INSERT, value_rows};
use crate::{Store, StoreError, now_ms};

impl Store {
    /// Stores `event` as processed together with the executions the rules
    /// planned for it, in one transaction: either the event and all its
    /// executions exist, or none do. A redelivered event (same dedupe key)
    /// creates nothing.
    pub async fn accept_event(
        &self,
        event: &NewEvent,
        planned: &[NewExecution],
    ) -> Result<Accepted, StoreError> {
        let intake = EventIntake {
            event: event.clone(),
            planned: planned.to_vec(),
            rule_errors: Vec::new(),
        };
        let mut accepted = self.accept_events(std::slice::from_ref(&intake)).await?;
        Ok(accepted.remove(0))
    }

    /// Accepts several events, each as [`Store::accept_event`] would, and
    /// records the rules that matched each but could not map their
    /// parameters, in one transaction (one commit, one WAL write), answering
    /// for each in order. Either the whole batch is committed or, on an
    /// error, none of it. A later event of the batch with the dedupe key of
    /// an earlier one is that one's duplicate.
    pub async fn accept_events(&self, batch: &[EventIntake]) -> Result<Vec<Accepted>, StoreError> {
        let mut tx = self.pool.begin().await?;
        let stored = insert_events(&mut tx, batch).await?;
        let fresh = |intake: &&EventIntake| stored.contains(&intake.event.id);
        let plain: Vec<(&str, &NewExecution)> = batch
            .iter()
            .filter(fresh)
            .flat_map(|intake| {
                let environment = intake.event.environment.as_str();
                intake
                    .planned
                    .iter()
                    .filter(|planned| planned.correlation.is_none())
                    .map(move |planned| (environment, planned))
            })
            .collect();
        let mut plain_ids = executions::insert_queued(&mut tx, &plain)
            .await?
            .into_iter();
        let mut answers = Vec::with_capacity(batch.len());
        for intake in batch {
            let event = &intake.event;
            if !stored.contains(&event.id) {
                let existing = stored_twin(&mut tx, event).await?;
                answers.push(Accepted::Duplicate { event_id: existing });
                continue;
            }
            let mut created = Vec::with_capacity(intake.planned.len());
            for planned in &intake.planned {
                // Plain ones were inserted above, in this same order.
                let id = match planned.correlation {
                    None => plain_ids.next().flatten(),
                    Some(_) => {
                        executions::insert(&mut tx, self.backend(), &event.environment, planned)
                            .await?
                    }
                };
                created.extend(id);
            }
            for error in &intake.rule_errors {
                rule_errors::insert(
                    &mut tx,
                    &event.environment,
                    &event.id,
                    event.received_at,
                    error,
                )
                .await?;
            }
            answers.push(Accepted::New {
                event_id: event.id.clone(),
                executions: created,
            });
        }
        tx.commit().await?;
        Ok(answers)
    }
}

/// Inserts the batch's events as processed and returns the ids of those
/// stored; an event whose dedupe key is taken (stored earlier, or earlier
/// in this batch: rows go in in order) is left out.
async fn insert_events(
    tx: &mut Transaction<'_, Any>,
    batch: &[EventIntake],
) -> Result<HashSet<String>, StoreError> {
    const COLUMNS: usize = 11;
    let processed_at = now_ms();
    let mut stored = HashSet::with_capacity(batch.len());
    for chunk in batch.chunks(ROWS_PER_INSERT) {
        let values = value_rows(1, chunk.len(), COLUMNS);
        let sql = format!(
            "INSERT INTO events (id, environment, source, kind, dedupe_key, payload_json, \
             received_at, depth, emitted_by, status, processed_at) VALUES {values} \
             ON CONFLICT (environment, source, dedupe_key) DO NOTHING RETURNING id"
        );
        let mut query = sqlx::query(&sql);
        for intake in chunk {
            let event = &intake.event;
            query = query
                .bind(&event.id)
                .bind(&event.environment)
                .bind(&event.source)
                .bind(&event.kind)
                .bind(&event.dedupe_key)
                .bind(event.payload.to_string())
                .bind(event.received_at)
                .bind(event.depth)
                .bind(&event.emitted_by)
                .bind("processed")
                .bind(processed_at);
        }
        for row in query.fetch_all(&mut **tx).await? {
            stored.insert(row.get("id"));
        }
    }
    Ok(stored)
}

/// The id of the stored event a redelivery duplicates.
async fn stored_twin(
    tx: &mut Transaction<'_, Any>,
    event: &NewEvent,
) -> Result<String, StoreError> {
    let row = sqlx::query(
        "SELECT id FROM events WHERE environment = $1 AND source = $2 AND dedupe_key = $3",
    )
    .bind(&event.environment)
    .bind(&event.source)
    .bind(&event.dedupe_key)
    .fetch_one(&mut **tx)
    .await?;
    Ok(row.get("id"))
}
