//! The executions list with 1,000,000 executions in the store, on SQLite
//! and PostgreSQL: `cargo bench -p wolfe-server --bench executions_list`
//! prints a markdown table of response times of `GET /api/v1/executions`
//! through `app(state)` (routing, token check, query, JSON).
//!
//! Data: three teams; `big` owns 18 runbooks and ~90% of the executions,
//! `small` 2 runbooks and ~10%, `tiny` 1 runbook and 0.1%; spread over 30 days and three
//! environments; 3% failed, 0.1% timed out, the rest succeeded. Rows are
//! generated in SQL (recursive CTE / generate_series), not through intake.
//! `cargo test --benches` runs it with 20,000 executions as a smoke test.

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::{Request, StatusCode};
use serde_json::{Value, json};
use sqlx::Executor;
use tokio::sync::Notify;
use tower::ServiceExt;
use wolfe_pipeline::intake::Intake;
use wolfe_server::{AppState, app};
use wolfe_store::{Backend, NewRunbook, NewVersion, Role, Store};

const FULL: i64 = 1_000_000;
const SMOKE: i64 = 20_000;
/// Runbooks of the big and the small team; the tiny team's is one more.
const RUNBOOKS: i64 = 20;
const SMALL_TEAM_RUNBOOKS: i64 = 2;
/// One execution in this many is the tiny team's.
const TINY_SHARE: i64 = 1000;
const SPAN_MS: i64 = 30 * 24 * 3600 * 1000;
const SAMPLES: usize = 40;

struct Scenario {
    name: &'static str,
    team: &'static str,
    query: String,
}

fn main() {
    // Store errors (503s) say why; the bulk load's slow-statement warning does not matter.
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_max_level(tracing::Level::ERROR)
        .init();
    let full = std::env::args().any(|a| a == "--bench");
    let count = if full { FULL } else { SMOKE };
    let tokio = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let sqlite = format!("sqlite://{}", dir.path().join("bench.db").display());
    let mut tables = Vec::new();
    tables.push(("SQLite", tokio.block_on(measure(&sqlite, count))));
    std::fs::remove_dir_all(dir.path()).ok();
    let cluster = wolfe_testkit::postgres::PgCluster::start().unwrap();
    tables.push((
        "PostgreSQL",
        tokio.block_on(measure(&cluster.fresh_database(), count)),
    ));

    println!("{count} executions; {SAMPLES} requests per scenario, limit 50, milliseconds:\n");
    print!("| scenario |");
    for (backend, _) in &tables {
        print!(" {backend} p50 | {backend} p95 | {backend} max |");
    }
    println!();
    println!("|---|{}", "---:|".repeat(3 * tables.len()));
    for (index, (name, ..)) in tables[0].1.iter().enumerate() {
        print!("| {name} |");
        for (_, rows) in &tables {
            let (_, p50, p95, max) = &rows[index];
            print!(" {p50:.1} | {p95:.1} | {max:.1} |");
        }
        println!();
    }
    let worst = tables
        .iter()
        .flat_map(|(_, rows)| rows.iter().map(|r| r.2))
        .fold(0.0, f64::max);
    println!("\ntarget: ≤ 100 ms; worst p95 {worst:.1} ms");
}

async fn measure(url: &str, count: i64) -> Vec<(&'static str, f64, f64, f64)> {
    let store = Store::open(url).await.unwrap();
    let [big, small, tiny] = seed(&store, url, count).await;
    let intake = Arc::new(Intake::new(store.clone(), Arc::new(Notify::new())));
    let router = app(AppState::new(store.clone(), intake));
    let middle = first_page(
        &router,
        &big,
        &format!("?limit=500&until={}", base() + SPAN_MS / 2),
    )
    .await;
    let cursor = middle["next_cursor"].as_str().unwrap().to_owned();
    let day = base() + SPAN_MS / 2;
    let scenarios = [
        Scenario {
            name: "big team, first page, no filter",
            team: "big",
            query: String::new(),
        },
        Scenario {
            name: "big team, one runbook",
            team: "big",
            query: "?runbook=rb-3".into(),
        },
        Scenario {
            name: "big team, environment prod",
            team: "big",
            query: "?environment=prod".into(),
        },
        Scenario {
            name: "big team, status failed (3%)",
            team: "big",
            query: "?status=failed".into(),
        },
        Scenario {
            name: "big team, status timed_out (0.1%)",
            team: "big",
            query: "?status=timed_out".into(),
        },
        Scenario {
            name: "big team, runbook + prod + failed",
            team: "big",
            query: "?runbook=rb-1&environment=prod&status=failed".into(),
        },
        Scenario {
            name: "big team, one day in the middle",
            team: "big",
            query: format!("?since={day}&until={}", day + 86_400_000),
        },
        Scenario {
            name: "big team, page after a cursor mid-history",
            team: "big",
            query: format!("?cursor={cursor}"),
        },
        Scenario {
            name: "small team (10%), first page",
            team: "small",
            query: String::new(),
        },
        Scenario {
            name: "small team, status failed",
            team: "small",
            query: "?status=failed".into(),
        },
        Scenario {
            name: "tiny team (0.1%), first page",
            team: "tiny",
            query: String::new(),
        },
    ];
    let mut rows = Vec::new();
    for scenario in &scenarios {
        let token = match scenario.team {
            "big" => &big,
            "small" => &small,
            _ => &tiny,
        };
        let mut times = Vec::with_capacity(SAMPLES);
        for _ in 0..SAMPLES {
            let started = Instant::now();
            let page = first_page(&router, token, &scenario.query).await;
            times.push(started.elapsed());
            assert!(
                !page["items"].as_array().unwrap().is_empty(),
                "{}",
                scenario.name
            );
        }
        times.sort();
        let ms = |d: Duration| d.as_secs_f64() * 1000.0;
        rows.push((
            scenario.name,
            ms(times[SAMPLES / 2]),
            ms(times[SAMPLES * 95 / 100]),
            ms(times[SAMPLES - 1]),
        ));
    }
    store.close().await;
    rows
}

fn base() -> i64 {
    1_780_000_000_000
}

async fn first_page(router: &axum::Router, token: &str, query: &str) -> Value {
    let request = Request::get(format!("/api/v1/executions{query}"))
        .header("authorization", format!("Bearer {token}"))
        .body(Body::empty())
        .unwrap();
    let response = router.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let bytes = axum::body::to_bytes(response.into_body(), 16 << 20)
        .await
        .unwrap();
    assert_eq!(
        status,
        StatusCode::OK,
        "{query}: {}",
        String::from_utf8_lossy(&bytes)
    );
    serde_json::from_slice(&bytes).unwrap()
}

/// Three teams, 21 runbooks with one version each, `count` executions.
/// Returns viewer tokens of the big, the small and the tiny team.
async fn seed(store: &Store, url: &str, count: i64) -> [String; 3] {
    store.put_artifact("bench", b"\0asm").await.unwrap();
    let mut tokens = Vec::new();
    for name in ["big", "small", "tiny"] {
        let team = store.create_team(name).await.unwrap();
        tokens.push(
            store
                .create_token(&team.id, "viewer", Role::Viewer, "bench")
                .await
                .unwrap()
                .secret,
        );
    }
    let big = store.team_by_name("big").await.unwrap().unwrap();
    let small = store.team_by_name("small").await.unwrap().unwrap();
    let tiny = store.team_by_name("tiny").await.unwrap().unwrap();
    for i in 0..=RUNBOOKS {
        let team = if i == RUNBOOKS {
            &tiny
        } else if i < RUNBOOKS - SMALL_TEAM_RUNBOOKS {
            &big
        } else {
            &small
        };
        let runbook = store
            .create_runbook(NewRunbook {
                team_id: team.id.clone(),
                name: format!("rb-{i}"),
                description: None,
                max_attempts: 3,
                concurrency_limit: 4,
                quotas: json!({}),
            })
            .await
            .unwrap();
        store
            .create_version(NewVersion {
                runbook_id: runbook.id,
                artifact_sha256: "bench".into(),
                language: "python".into(),
                source: None,
                author: "bench".into(),
                message: "v1".into(),
                capabilities: None,
                build_log: None,
            })
            .await
            .unwrap();
    }
    let pool = sqlx::AnyPool::connect(url).await.unwrap();
    // Execution i: runbook i % 20 (rb-18 and rb-19 are the small team's),
    // but every 1000th rb-20 (the tiny team's),
    // environment i % 3, queued every SPAN/count ms, ids ordered like time.
    let (series, id, pad) = match store.backend() {
        Backend::Sqlite => (
            format!(
                "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < {})",
                count - 1
            ),
            "printf('%08x-0000-7000-8000-%012d', n.i / 1000, n.i)",
            "",
        ),
        Backend::Postgres => (
            format!(
                "WITH n(i) AS (SELECT generate_series(0::bigint, {}))",
                count - 1
            ),
            "lpad(to_hex(n.i / 1000), 8, '0') || '-0000-7000-8000-' || lpad(n.i::text, 12, '0')",
            "::bigint",
        ),
    };
    let step = SPAN_MS / count;
    let sql = format!(
        "INSERT INTO executions (id, runbook_id, team_id, environment, version_id, status, attempt, \
         max_attempts, params_json, dry_run, queued_at, finished_at, fuel_consumed, wall_time_us) \
         {series} SELECT {id}, r.id, r.team_id, \
           CASE n.i % 3 WHEN 0 THEN 'dev' WHEN 1 THEN 'test' ELSE 'prod' END, v.id, \
           CASE WHEN (n.i / 20) % 1000 = 7 THEN 'timed_out' WHEN (n.i / 20) % 100 < 3 THEN 'failed' ELSE 'succeeded' END, \
           1, 3, '{{\"service\": \"checkout\"}}', 0, {base}{pad} + n.i * {step}, {base}{pad} + n.i * {step} + 900, \
           1000000, 850000 \
         FROM n JOIN runbooks r ON r.name = 'rb-' || \
           (CASE WHEN n.i % {TINY_SHARE} = {TINY_SHARE} - 1 THEN {RUNBOOKS} ELSE n.i % {RUNBOOKS} END) \
         JOIN versions v ON v.runbook_id = r.id",
        base = base()
    );
    let started = Instant::now();
    pool.execute(sql.as_str()).await.unwrap();
    if store.backend() == Backend::Postgres {
        // What autovacuum does shortly after a bulk load.
        pool.execute("ANALYZE").await.unwrap();
    }
    eprintln!(
        "{url}: {count} executions generated in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    pool.close().await;
    [tokens.remove(0), tokens.remove(0), tokens.remove(0)]
}
