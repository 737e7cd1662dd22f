//! Connecting, configuring and migrating.

use std::str::FromStr;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions, install_default_drivers};
use sqlx::{AnyPool, Executor};

use crate::error::StoreError;

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A handle on the database; cheap to clone.
#[derive(Clone)]
pub struct Store {
    /// Every write, and reads inside a write's transaction.
    pub(crate) pool: AnyPool,
    /// Reads outside transactions. On SQLite these are separate connections
    /// (WAL lets readers run beside the one writer), so reads never queue
    /// behind writes on the single writer connection; on PostgreSQL the
    /// same pool.
    pub(crate) reader: AnyPool,
    backend: Backend,
}

/// Connections SQLite readers may use at once.
const SQLITE_READERS: u32 = 4;

impl Store {
    /// Opens `url` (`sqlite://path/to/wolfe.db` or `postgres://...`),
    /// creating an SQLite file if needed, and applies pending migrations.
    pub async fn open(url: &str) -> Result<Self, StoreError> {
        install_default_drivers();
        let backend = if url.starts_with("sqlite:") {
            Backend::Sqlite
        } else {
            Backend::Postgres
        };
        let (pool, reader) = match backend {
            Backend::Sqlite => {
                let url = if url.contains('?') {
                    url.to_owned()
                } else {
                    format!("{url}?mode=rwc")
                };
                let options = AnyConnectOptions::from_str(&url)?;
                // SQLite has one writer at a time; a single connection makes
                // that explicit instead of surfacing "database is locked".
                let writer = AnyPoolOptions::new()
                    .max_connections(1)
                    .after_connect(|conn, _| {
                        Box::pin(async move {
                            conn.execute("PRAGMA journal_mode = WAL").await?;
                            conn.execute("PRAGMA synchronous = NORMAL").await?;
                            conn.execute("PRAGMA foreign_keys = ON").await?;
                            conn.execute("PRAGMA busy_timeout = 5000").await?;
                            Ok(())
                        })
                    })
                    .connect_with(options.clone())
                    .await?;
                SQLITE_MIGRATIONS.run(&writer).await?;
                // An in-memory database exists once per connection: its
                // readers must be the writer.
                let reader = if url.contains(":memory:") || url.contains("mode=memory") {
                    writer.clone()
                } else {
                    AnyPoolOptions::new()
                        .max_connections(SQLITE_READERS)
                        .after_connect(|conn, _| {
                            Box::pin(async move {
                                conn.execute("PRAGMA query_only = ON").await?;
                                conn.execute("PRAGMA busy_timeout = 5000").await?;
                                Ok(())
                            })
                        })
                        .connect_with(options)
                        .await?
                };
                (writer, reader)
            }
            Backend::Postgres => {
                let pool = AnyPoolOptions::new()
                    .max_connections(16)
                    .connect(url)
                    .await?;
                POSTGRES_MIGRATIONS.run(&pool).await?;
                (pool.clone(), pool)
            }
        };
        Ok(Self {
            pool,
            reader,
            backend,
        })
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    pub async fn close(&self) {
        self.reader.close().await;
        self.pool.close().await;
    }
}
