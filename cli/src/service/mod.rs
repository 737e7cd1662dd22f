//! `wolfe serve` and `wolfe engine`: the long-running service.

mod access;
pub mod config;
mod seed;

use std::collections::HashMap;
use std::sync::Arc;

use anyhow::Context as _;
use tokio::sync::Notify;
use wolfe_engine::Runtime;
use wolfe_host_apis::providers::Providers;
use wolfe_pipeline::engine::start_engine;
use wolfe_pipeline::host::store_services;
use wolfe_pipeline::intake::{Intake, Source};
use wolfe_pipeline::runner::RunnerConfig;
use wolfe_server::{AppState, app};
use wolfe_store::{SecretCipher, Store};

use self::config::ServiceConfig;

/// What the service does besides running.
pub struct Mode {
    /// Create the example team, runbooks and rules when the store is empty.
    pub seed_examples: bool,
    /// Default webhook sources when the configuration names none.
    pub default_sources: bool,
    /// The environments the management API promotes through, when they
    /// are more than this instance runs (`wolfe engine` runs one).
    pub api_environments: Option<Vec<String>>,
}

pub async fn run(mut config: ServiceConfig, mode: Mode) -> anyhow::Result<()> {
    // Bind first: a taken port should fail before minutes of seeding.
    let listener = tokio::net::TcpListener::bind(config.listen)
        .await
        .with_context(|| format!("cannot listen on {}", config.listen))?;
    std::fs::create_dir_all(&config.data_dir)
        .with_context(|| format!("cannot create data directory {}", config.data_dir.display()))?;
    let api_token = match config.api_token.take() {
        Some(token) => token,
        None => generated_token(&config.data_dir.join("api-token"))?,
    };
    let store = Store::open(&config.database_url())
        .await
        .context("cannot open the store")?;
    let runtime_config = wolfe_engine::RuntimeConfig {
        cache_dir: config
            .runtime
            .cache_dir
            .clone()
            .or_else(crate::env::cache_dir),
        ..config.runtime.clone()
    };
    let runtime = Arc::new(Runtime::new(runtime_config)?);
    if mode.seed_examples {
        seed::examples(&store, &runtime, &config.environments).await?;
    }
    wolfe_pipeline::timers::register(&store, &config.timers)
        .await
        .map_err(|e| anyhow::anyhow!("cannot register timers: {e}"))?;

    let mut sources: HashMap<String, Source> = config
        .sources
        .drain(..)
        .map(|b| {
            let source = Source {
                environment: b.environment,
                config: b.source,
            };
            (source.config.name.clone(), source)
        })
        .collect();
    if sources.is_empty() && mode.default_sources {
        sources = seed::default_sources(&api_token, &config.environments[0]);
    }

    let wake = Arc::new(Notify::new());
    let intake = Arc::new(Intake::new(store.clone(), wake.clone()));
    let cipher = secrets_cipher(&mut config, mode.seed_examples)?;
    let providers = Providers::start(&config.providers)
        .await
        .map_err(|e| anyhow::anyhow!("cannot start host API providers: {e}"))?;
    let services = Arc::new(
        store_services(&store, intake.clone(), cipher.clone(), config.host)
            .with_providers(providers),
    );
    let settings = &config.runner;
    let runner = RunnerConfig {
        lease: settings.lease,
        renew_every: settings.renew_every,
        cancel_check: settings.cancel_check,
        max_in_flight: settings.max_in_flight,
        poll_interval: settings.poll_interval,
        public_url: config
            .public_url
            .clone()
            .unwrap_or_else(|| format!("http://{}", config.listen)),
        ..RunnerConfig::new("", &format!("runner-{}", uuid::Uuid::new_v4()))
    };
    let engine = start_engine(
        store.clone(),
        runtime.clone(),
        wake,
        &config.environments,
        &runner,
        settings.sweep_every,
        services,
    );
    // Timers and SQS consumers stop first on shutdown: no new work arrives
    // while the runners finish what is in flight.
    let (stop_sensors, sensors_stopped) = tokio::sync::watch::channel(false);
    let timers = tokio::spawn(wolfe_pipeline::timers::run_timers(
        store.clone(),
        intake.clone(),
        config.environments.clone(),
        std::time::Duration::from_millis(500),
        sensors_stopped.clone(),
    ));

    let mut consumers = Vec::new();
    for queue in config.sqs.drain(..) {
        let source = sources
            .get(&queue.source)
            .cloned()
            .with_context(|| format!("sqs queue {} names an unknown source", queue.queue_url))?;
        let client = wolfe_pipeline::sqs::connect(&queue).await;
        let consumer =
            wolfe_pipeline::sqs::SqsConsumer::new(client, queue, source, intake.clone())?;
        consumers.push(tokio::spawn(consumer.run(sensors_stopped.clone())));
    }

    let source_names: Vec<String> = sources.keys().cloned().collect();
    let login = access::first_admin_token(&store, &config.data_dir).await?;
    let state = AppState::new(store.clone(), intake)
        .with_sources(sources)
        .with_environments(
            mode.api_environments
                .clone()
                .unwrap_or_else(|| config.environments.clone()),
        )
        .with_secrets(cipher.clone())
        .with_runtime(runtime.clone());
    let bound = listener.local_addr()?;
    announce(&config, bound, &source_names, &api_token);
    access::announce_login(bound, login.as_deref());
    axum::serve(listener, app(state))
        .with_graceful_shutdown(shutdown_signal())
        .await?;
    eprintln!("wolfe: shutting down, finishing executions in flight");
    let _ = stop_sensors.send(true);
    let _ = timers.await;
    for consumer in consumers {
        let _ = consumer.await;
    }
    engine.shutdown().await;
    store.close().await;
    Ok(())
}

/// The secrets master key: configured, or for the embedded all-in-one
/// default generated into the data directory on first start. Without one,
/// runbooks' secret reads answer `unavailable`.
fn secrets_cipher(
    config: &mut ServiceConfig,
    generate: bool,
) -> anyhow::Result<Option<SecretCipher>> {
    let key = match config.secrets_key.take() {
        Some(key) => key,
        None if generate => generated_secret(
            &config.data_dir.join("secrets-key"),
            SecretCipher::generate_hex,
        )?,
        None => {
            tracing::warn!("no secrets_key configured: runbooks cannot read secrets");
            return Ok(None);
        }
    };
    Ok(Some(SecretCipher::from_hex(&key)?))
}

fn announce(
    config: &ServiceConfig,
    bound: std::net::SocketAddr,
    sources: &[String],
    api_token: &str,
) {
    let base = format!("http://{bound}");
    eprintln!(
        "wolfe: serving {} on {base}",
        config.environments.join(", ")
    );
    eprintln!("wolfe: store {}", redact_password(&config.database_url()));
    eprintln!("wolfe: webhook token {api_token}");
    for source in sources {
        eprintln!("wolfe: webhook {base}/api/v1/events/{source}");
    }
}

/// Keeps a PostgreSQL password out of the terminal and logs.
fn redact_password(url: &str) -> String {
    match (url.find("://"), url.find('@')) {
        (Some(scheme), Some(at)) if url[scheme + 3..at].contains(':') => {
            let user_end = scheme + 3 + url[scheme + 3..at].find(':').unwrap_or(0);
            format!("{}:***{}", &url[..user_end], &url[at..])
        }
        _ => url.to_owned(),
    }
}

/// A random token kept in `path` (mode 0600) so it survives restarts.
fn generated_token(path: &std::path::Path) -> anyhow::Result<String> {
    generated_secret(path, || format!("wolfe_{}", uuid::Uuid::new_v4().simple()))
}

/// Reads a secret kept in the data directory, generating it the first time
/// (readable by the owner only).
fn generated_secret(path: &std::path::Path, generate: fn() -> String) -> anyhow::Result<String> {
    if let Ok(token) = std::fs::read_to_string(path) {
        return Ok(token.trim().to_owned());
    }
    let token = generate();
    std::fs::write(path, &token)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))?;
    }
    Ok(token)
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        if let Ok(mut signal) =
            tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            signal.recv().await;
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {}
        _ = terminate => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_redacted() {
        assert_eq!(
            redact_password("postgres://wolfe:hunter2@db:5432/wolfe"),
            "postgres://wolfe:***@db:5432/wolfe"
        );
        assert_eq!(
            redact_password("postgres://wolfe@db/wolfe"),
            "postgres://wolfe@db/wolfe"
        );
        assert_eq!(
            redact_password("sqlite://data/wolfe.db"),
            "sqlite://data/wolfe.db"
        );
    }
}
