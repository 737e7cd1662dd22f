//! The service configuration file (`wolfe serve` / `wolfe engine`): one
//! typed TOML document, unknown keys are errors.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::Context as _;
use serde::Deserialize;
use wolfe_engine::RuntimeConfig;
use wolfe_host_apis::HostLimits;
use wolfe_host_apis::providers::ProvidersConfig;
use wolfe_ingest::SourceConfig;
use wolfe_pipeline::sqs::SqsQueueConfig;
use wolfe_pipeline::timers::{Schedule, TimerConfig};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ServiceConfig {
    /// Where the embedded database and generated secrets live.
    pub data_dir: PathBuf,
    /// `sqlite://...` or `postgres://...`; default: SQLite in `data_dir`.
    pub database_url: Option<String>,
    pub listen: SocketAddr,
    /// Bearer token of the default webhook sources (`wolfe serve` without
    /// `[[sources]]`); default: generated into `data_dir`. The management
    /// API takes team tokens instead (see `wolfe serve`'s login URL).
    pub api_token: Option<String>,
    pub environments: Vec<String>,
    pub runtime: RuntimeConfig,
    pub runner: RunnerSettings,
    pub sources: Vec<SourceBinding>,
    pub timers: Vec<TimerConfig>,
    /// SQS queues to consume; each names one of `sources` for its format
    /// and environment.
    pub sqs: Vec<SqsQueueConfig>,
    /// Hex-encoded 32-byte master key that encrypts secrets at rest; every
    /// instance sharing a database needs the same one. Default for `wolfe
    /// serve`: generated into `data_dir`.
    pub secrets_key: Option<String>,
    /// Limits on runbooks' host calls.
    pub host: HostLimits,
    /// The outside systems runbooks reach through the host interfaces.
    pub providers: ProvidersConfig,
    /// Base URL of the Studio, for links in failure notifications.
    pub public_url: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RunnerSettings {
    #[serde(with = "humantime_text")]
    pub lease: Duration,
    #[serde(with = "humantime_text")]
    pub renew_every: Duration,
    /// How often a runner checks whether what it runs was cancelled.
    #[serde(with = "humantime_text")]
    pub cancel_check: Duration,
    pub max_in_flight: usize,
    #[serde(with = "humantime_text")]
    pub poll_interval: Duration,
    #[serde(with = "humantime_text")]
    pub sweep_every: Duration,
}

/// A webhook source and the environment its events belong to.
#[derive(Debug, Deserialize)]
pub struct SourceBinding {
    pub environment: String,
    #[serde(flatten)]
    pub source: SourceConfig,
}

impl Default for ServiceConfig {
    fn default() -> Self {
        Self {
            data_dir: PathBuf::from("wolfe-data"),
            database_url: None,
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            api_token: None,
            environments: vec!["dev".into(), "test".into(), "prod".into()],
            runtime: RuntimeConfig::default(),
            runner: RunnerSettings::default(),
            sources: Vec::new(),
            timers: Vec::new(),
            sqs: Vec::new(),
            secrets_key: None,
            host: HostLimits::default(),
            providers: ProvidersConfig::default(),
            public_url: None,
        }
    }
}

impl Default for RunnerSettings {
    fn default() -> Self {
        Self {
            lease: Duration::from_secs(30),
            renew_every: Duration::from_secs(10),
            cancel_check: Duration::from_millis(500),
            max_in_flight: 16,
            poll_interval: Duration::from_millis(200),
            sweep_every: Duration::from_secs(5),
        }
    }
}

impl ServiceConfig {
    /// Reads `path`, or the defaults when there is no file.
    pub fn load(path: Option<&Path>) -> anyhow::Result<Self> {
        let Some(path) = path else {
            return Ok(Self::default());
        };
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read configuration {}", path.display()))?;
        let config: Self = toml::from_str(&text)
            .map_err(|e| anyhow::anyhow!("configuration {}: {}", path.display(), e.message()))?;
        config.validate()?;
        Ok(config)
    }

    fn validate(&self) -> anyhow::Result<()> {
        anyhow::ensure!(
            !self.environments.is_empty(),
            "environments must not be empty"
        );
        for binding in &self.sources {
            anyhow::ensure!(
                self.environments.contains(&binding.environment),
                "source {:?} names environment {:?}, which is not in environments {:?}",
                binding.source.name,
                binding.environment,
                self.environments
            );
        }
        for queue in &self.sqs {
            anyhow::ensure!(
                self.sources.iter().any(|b| b.source.name == queue.source),
                "sqs queue {} names source {:?}, which is not among the [[sources]]",
                queue.queue_url,
                queue.source
            );
        }
        for timer in &self.timers {
            anyhow::ensure!(
                self.environments.contains(&timer.environment),
                "timer {:?} names environment {:?}, which is not in environments {:?}",
                timer.name,
                timer.environment,
                self.environments
            );
            timer
                .schedule
                .parse::<Schedule>()
                .map_err(|e| anyhow::anyhow!("timer {:?}: {e}", timer.name))?;
        }
        anyhow::ensure!(
            self.runner.renew_every < self.runner.lease,
            "runner.renew_every must be shorter than runner.lease"
        );
        Ok(())
    }

    pub fn database_url(&self) -> String {
        self.database_url
            .clone()
            .unwrap_or_else(|| format!("sqlite://{}", self.data_dir.join("wolfe.db").display()))
    }
}

mod humantime_text {
    use std::time::Duration;

    use serde::{Deserialize, Deserializer};

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
        let text = String::deserialize(d)?;
        humantime::parse_duration(&text).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> anyhow::Result<ServiceConfig> {
        let file = tempfile::NamedTempFile::new().unwrap();
        std::fs::write(file.path(), text).unwrap();
        ServiceConfig::load(Some(file.path()))
    }

    #[test]
    fn a_full_file_parses() {
        let config = parse(
            r#"
            listen = "127.0.0.1:9090"
            environments = ["prod"]
            [runner]
            lease = "20s"
            renew_every = "5s"
            [runtime]
            max_concurrent_executions = 8
            [[sources]]
            name = "alertmanager"
            environment = "prod"
            format = "alertmanager"
            auth = { type = "bearer", token = "t0k3n" }
            [[timers]]
            name = "nightly-report"
            environment = "prod"
            schedule = "0 3 * * *"
            missed = "fire_once"
            "#,
        )
        .unwrap();
        assert_eq!(config.listen.port(), 9090);
        assert_eq!(config.runner.lease, Duration::from_secs(20));
        assert_eq!(config.runtime.max_concurrent_executions, 8);
        assert_eq!(config.sources[0].environment, "prod");
        assert_eq!(config.timers[0].name, "nightly-report");
    }

    #[test]
    fn mistakes_are_named() {
        let error = parse("listn = \"127.0.0.1:1\"").unwrap_err().to_string();
        assert!(error.contains("unknown field `listn`"), "{error}");
        let error = parse(
            "environments = [\"dev\"]\n[[sources]]\nname = \"am\"\nenvironment = \"prod\"\n\
             format = \"alertmanager\"\nauth = { type = \"none\" }\n",
        )
        .unwrap_err()
        .to_string();
        assert!(error.contains("not in environments"), "{error}");
        let error =
            parse("[[timers]]\nname = \"t\"\nenvironment = \"dev\"\nschedule = \"every soon\"\n")
                .unwrap_err()
                .to_string();
        assert!(error.contains("timer \"t\""), "{error}");
        let error = parse("[[sqs]]\nqueue_url = \"http://127.0.0.1:1/q\"\nsource = \"atlas\"\n")
            .unwrap_err()
            .to_string();
        assert!(error.contains("not among the [[sources]]"), "{error}");
        let error = parse("[runner]\nlease = \"5s\"\nrenew_every = \"10s\"\n")
            .unwrap_err()
            .to_string();
        assert!(error.contains("renew_every must be shorter"), "{error}");
    }
}
