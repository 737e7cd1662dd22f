//! What only PostgreSQL needs: storage settings of the tables it keeps
//! row versions of.

use sqlx::Row;
use wolfe_store::Store;

/// Every execution is updated twice; with the default (vacuum once a fifth
/// of the table is dead) a table with long history is almost never
/// vacuumed, and claims walk ever more dead queue entries.
#[tokio::test]
async fn the_queue_table_is_vacuumed_after_a_fixed_number_of_dead_rows() {
    let url = wolfe_testkit::postgres::PgCluster::shared().fresh_database();
    let store = Store::open(&url).await.unwrap();
    let raw = sqlx::AnyPool::connect(&url).await.unwrap();
    let row = sqlx::query(
        "SELECT array_to_string(reloptions, ',') AS options FROM pg_class \
         WHERE relname = 'executions' AND relkind = 'r'",
    )
    .fetch_one(&raw)
    .await
    .unwrap();
    let options: Option<String> = row.get("options");
    let options = options.unwrap_or_default();
    for setting in [
        "autovacuum_vacuum_scale_factor=0",
        "autovacuum_vacuum_threshold=5000",
        "autovacuum_vacuum_cost_delay=0",
    ] {
        assert!(
            options.split(',').any(|option| option == setting),
            "{setting} not in {options:?}"
        );
    }
    raw.close().await;
    store.close().await;
}
