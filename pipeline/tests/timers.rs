//! Timer ticks fire once across instances, and the missed-tick policies,
//! on SQLite and PostgreSQL.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::Notify;
use wolfe_pipeline::intake::Intake;
use wolfe_pipeline::timers::fire_due;
use wolfe_store::{Store, now_ms};

/// Two handles on one database, as two engine processes have.
async fn two_instances(url: &str) -> [(Store, Arc<Intake>); 2] {
    let mut instances = Vec::new();
    for _ in 0..2 {
        let store = Store::open(url).await.unwrap();
        let intake = Arc::new(Intake::new(store.clone(), Arc::new(Notify::new())));
        instances.push((store, intake));
    }
    instances.try_into().map_err(|_| ()).unwrap()
}

async fn timer_events(store: &Store) -> Vec<serde_json::Value> {
    let mut payloads: Vec<_> = store
        .recent_events("processed", 1_000)
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.source == "timer" && e.kind == "timer.tick")
        .filter_map(|e| e.payload)
        .collect();
    payloads.sort_by_key(|p| p["scheduled_at"].as_str().unwrap_or_default().to_owned());
    payloads
}

macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let dir = tempfile::tempdir().unwrap();
                    let url = format!("sqlite://{}", dir.path().join("wolfe.db").display());
                    super::$name(&url).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let url = wolfe_testkit::postgres::PgCluster::shared().fresh_database();
                    super::$name(&url).await;
                }
            )*
        }
    };
}

on_both_backends!(
    each_tick_fires_once_across_two_instances,
    skip_drops_ticks_missed_during_downtime,
    fire_once_fires_the_latest_missed_tick_once,
);

async fn each_tick_fires_once_across_two_instances(url: &str) {
    let [(store_a, intake_a), (store_b, intake_b)] = two_instances(url).await;
    let first = now_ms() + 300;
    store_a
        .upsert_timer("dev", "heartbeat", "every 1s", "skip", first)
        .await
        .unwrap();

    let run = |store: Store, intake: Arc<Intake>| {
        tokio::spawn(async move {
            let mut fired = 0;
            let stop = tokio::time::Instant::now() + Duration::from_millis(3_500);
            while tokio::time::Instant::now() < stop {
                fired += fire_due(&store, &intake, "dev").await.unwrap();
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            fired
        })
    };
    let (a, b) = (run(store_a.clone(), intake_a), run(store_b, intake_b));
    let fired = a.await.unwrap() + b.await.unwrap();

    let events = timer_events(&store_a).await;
    assert!((3..=4).contains(&events.len()), "{events:?}");
    assert_eq!(
        fired,
        events.len(),
        "every tick was fired by exactly one instance"
    );
    let mut ticks: Vec<_> = events.iter().map(|e| e["scheduled_at"].clone()).collect();
    ticks.dedup();
    assert_eq!(ticks.len(), events.len(), "no tick twice");
    assert_eq!(events[0]["timer"], "heartbeat");
}

async fn skip_drops_ticks_missed_during_downtime(url: &str) {
    let [(store, intake), _] = two_instances(url).await;
    // Ticks every minute; the latest missed one was thirty seconds ago,
    // beyond the grace period, so nothing of the downtime fires.
    let ten_minutes_ago = now_ms() - 10 * 60_000 - 30_000;
    store
        .upsert_timer("dev", "hourly-report", "every 1m", "skip", ten_minutes_ago)
        .await
        .unwrap();
    assert_eq!(fire_due(&store, &intake, "dev").await.unwrap(), 0);
    assert!(timer_events(&store).await.is_empty());
    // The timer now points at its next tick in the future.
    assert!(store.due_timers("dev", now_ms()).await.unwrap().is_empty());
}

async fn fire_once_fires_the_latest_missed_tick_once(url: &str) {
    let [(store, intake), (store_b, intake_b)] = two_instances(url).await;
    let ten_minutes_ago = now_ms() - 10 * 60_000 - 30_000;
    store
        .upsert_timer("dev", "catch-up", "every 1m", "fire_once", ten_minutes_ago)
        .await
        .unwrap();
    let fired = fire_due(&store, &intake, "dev").await.unwrap()
        + fire_due(&store_b, &intake_b, "dev").await.unwrap();
    assert_eq!(fired, 1, "ten missed ticks, one event");
    let events = timer_events(&store).await;
    assert_eq!(events.len(), 1);
    // The latest missed tick: thirty seconds ago, not ten minutes ago.
    let expected = wolfe_pipeline_time(ten_minutes_ago + 10 * 60_000);
    assert_eq!(events[0]["scheduled_at"], expected);
}

fn wolfe_pipeline_time(ms: i64) -> String {
    let time = std::time::UNIX_EPOCH + Duration::from_millis(ms as u64);
    humantime::format_rfc3339_millis(time).to_string()
}
