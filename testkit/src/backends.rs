//! Running one test scenario against both store backends.

/// For each listed `async fn scenario(fixture)`, generates a test on SQLite
/// (`mod sqlite`) and one on a fresh PostgreSQL database (`mod postgres`).
/// `$setup` is an `async fn(Option<String>) -> Fixture` taking the database
/// URL (`None`: the fixture makes its own SQLite file); write it as a path
/// that resolves from inside those modules, e.g. `super::Harness::start`.
#[macro_export]
macro_rules! on_both_backends {
    ($setup:path; $($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    super::$name($setup(None).await).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let url = $crate::postgres::PgCluster::shared().fresh_database();
                    super::$name($setup(Some(url)).await).await;
                }
            )*
        }
    };
}
