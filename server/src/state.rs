use std::collections::HashMap;
use std::sync::Arc;

use wolfe_engine::Runtime;
use wolfe_pipeline::intake::{Intake, Source};
use wolfe_store::{Role, SecretCipher, Store};

use crate::ApiError;
use crate::builder::Builder;

/// What every handler shares.
#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub intake: Arc<Intake>,
    /// Webhook sources by name.
    pub sources: Arc<HashMap<String, Source>>,
    /// The environments in promotion order (`dev`, `test`, `prod`): a
    /// version is saved into the first and promoted one step at a time.
    pub environments: Arc<Vec<String>>,
    /// Encrypts secrets set through the API; none: secrets cannot be set.
    pub secrets: Option<SecretCipher>,
    /// Builds saved Python source into components.
    pub builder: Arc<Builder>,
    /// The engine of this process, if it runs one: a saved version is
    /// compiled in the background, so its first run does not wait for it.
    pub runtime: Option<Arc<Runtime>>,
}

impl AppState {
    /// State with no webhook sources, environments dev → test → prod, no
    /// secrets key and the build tools found the default way.
    pub fn new(store: Store, intake: Arc<Intake>) -> Self {
        Self {
            store,
            intake,
            sources: Arc::default(),
            environments: Arc::new(vec!["dev".into(), "test".into(), "prod".into()]),
            secrets: None,
            builder: Arc::new(Builder::discover()),
            runtime: None,
        }
    }

    pub fn with_runtime(mut self, runtime: Arc<Runtime>) -> Self {
        self.runtime = Some(runtime);
        self
    }

    /// Compiles `component` into this process's engine (and the disk
    /// cache) in the background. A failure only means the first run
    /// compiles it, and reports what is wrong then.
    pub fn precompile(&self, component: Vec<u8>) {
        let Some(runtime) = self.runtime.clone() else {
            return;
        };
        tokio::task::spawn_blocking(move || {
            if let Err(error) = runtime.load(&component) {
                tracing::warn!("precompiling a saved version failed: {error}");
            }
        });
    }

    pub fn with_sources(mut self, sources: HashMap<String, Source>) -> Self {
        self.sources = Arc::new(sources);
        self
    }

    pub fn with_environments(mut self, environments: Vec<String>) -> Self {
        assert!(!environments.is_empty(), "at least one environment");
        self.environments = Arc::new(environments);
        self
    }

    pub fn with_secrets(mut self, cipher: Option<SecretCipher>) -> Self {
        self.secrets = cipher;
        self
    }

    pub fn with_builder(mut self, builder: Builder) -> Self {
        self.builder = Arc::new(builder);
        self
    }

    /// Where saving a version deploys it.
    pub fn first_environment(&self) -> &str {
        &self.environments[0]
    }

    /// The position of a configured environment, or a 400 naming the
    /// configured ones.
    pub fn environment_index(&self, environment: &str) -> Result<usize, ApiError> {
        self.environments
            .iter()
            .position(|e| e == environment)
            .ok_or_else(|| {
                ApiError::invalid(format!(
                    "unknown environment {environment:?}; the environments are {}",
                    self.environments.join(", ")
                ))
            })
    }

    /// The role needed to change what runs in `environment`, or to run
    /// there: the last (production) environment needs an operator, the
    /// others an author.
    pub fn role_to_change(&self, environment: &str) -> Role {
        if self.environments.last().is_some_and(|e| e == environment) && self.environments.len() > 1
        {
            Role::Operator
        } else {
            Role::Author
        }
    }
}
