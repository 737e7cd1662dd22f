//! Timer triggers: each tick becomes one `timer.tick` event, once across
//! every engine instance.
//!
//! Every instance looks for due timers. A tick is fired by accepting its
//! event under the dedupe key `timer:<id>:<tick>`: the store's unique index
//! lets exactly one instance create it. Only then is the timer advanced, so
//! a crash in between re-fires the same tick, which dedupes. After downtime
//! the timer's `missed` policy decides: `skip` fires nothing for ticks older
//! than a short grace period, `fire_once` fires the latest missed tick once.

mod schedule;

use std::sync::Arc;
use std::time::Duration;

use serde_json::json;
use tokio::sync::watch;
use wolfe_ingest::NormalizedEvent;
use wolfe_store::{Store, StoreError, TimerRecord, now_ms};

pub use schedule::Schedule;

use crate::intake::Intake;

/// A tick this late is still "now" under the `skip` policy.
const GRACE_MS: i64 = 5_000;

/// What to do with ticks missed while no instance was running.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MissedTicks {
    Skip,
    FireOnce,
}

impl MissedTicks {
    fn as_str(self) -> &'static str {
        match self {
            Self::Skip => "skip",
            Self::FireOnce => "fire_once",
        }
    }
}

/// A timer as configured.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TimerConfig {
    pub name: String,
    pub environment: String,
    /// `every 5m` or a cron expression (UTC).
    pub schedule: String,
    #[serde(default = "skip")]
    pub missed: MissedTicks,
}

fn skip() -> MissedTicks {
    MissedTicks::Skip
}

/// Validates and stores configured timers; their first tick is the next one
/// after now.
pub async fn register(store: &Store, timers: &[TimerConfig]) -> Result<(), String> {
    for timer in timers {
        let schedule: Schedule = timer.schedule.parse()?;
        let now = now_ms();
        let first = schedule
            .next_after(now, now)
            .ok_or_else(|| format!("timer {:?}: the schedule never fires", timer.name))?;
        store
            .upsert_timer(
                &timer.environment,
                &timer.name,
                &timer.schedule,
                timer.missed.as_str(),
                first,
            )
            .await
            .map_err(|e| e.to_string())?;
    }
    Ok(())
}

/// Fires due timers of `environments` until `shutdown`.
pub async fn run_timers(
    store: Store,
    intake: Arc<Intake>,
    environments: Vec<String>,
    poll: Duration,
    mut shutdown: watch::Receiver<bool>,
) {
    while !*shutdown.borrow() {
        for environment in &environments {
            if let Err(error) = fire_due(&store, &intake, environment).await {
                tracing::warn!(environment, "cannot fire timers, will retry: {error}");
            }
        }
        tokio::select! {
            _ = tokio::time::sleep(poll) => {}
            _ = shutdown.changed() => {}
        }
    }
}

/// Fires every due tick of `environment` once. Returns how many ticks this
/// instance fired (others may have fired the rest).
pub async fn fire_due(
    store: &Store,
    intake: &Intake,
    environment: &str,
) -> Result<usize, StoreError> {
    let now = now_ms();
    let mut fired = 0;
    for timer in store.due_timers(environment, now).await? {
        let schedule: Schedule = match timer.schedule.parse() {
            Ok(schedule) => schedule,
            Err(error) => {
                tracing::error!(timer = %timer.name, "skipping timer: {error}");
                continue;
            }
        };
        let latest = schedule.latest_due(timer.next_fire_at, now);
        let fire = timer.missed == "fire_once" || now - latest <= GRACE_MS;
        if fire && tick(intake, &timer, latest).await? {
            fired += 1;
        }
        if let Some(next) = schedule.next_after(now, timer.next_fire_at) {
            store
                .advance_timer(&timer.id, timer.next_fire_at, next)
                .await?;
        }
    }
    Ok(fired)
}

/// Accepts the event of one tick; `false` when another instance already did.
async fn tick(intake: &Intake, timer: &TimerRecord, at: i64) -> Result<bool, StoreError> {
    let event = NormalizedEvent {
        source: "timer".into(),
        kind: "timer.tick".into(),
        dedupe_key: Some(format!("timer:{}:{at}", timer.id)),
        payload: json!({
            "timer": timer.name,
            "schedule": timer.schedule,
            "scheduled_at": crate::time::rfc3339(at),
        }),
    };
    let accepted = intake.accept(&timer.environment, event).await?;
    Ok(matches!(accepted, wolfe_store::Accepted::New { .. }))
}
