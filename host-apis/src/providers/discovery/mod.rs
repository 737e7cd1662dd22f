//! Service discovery through the Eureka server of the runbook's environment:
//! listing an application's instances, and taking an instance out of
//! service and back through Eureka's status override.
//!
//! ```toml
//! [providers.discovery]
//! timeout_ms = 5000
//! max_response_bytes = 4194304
//!
//! [providers.discovery.environments.prod]
//! url = "http://eureka:8080/eureka"
//! ```
//!
//! The REST calls, relative to the configured URL, application names upper
//! case as Eureka keys them:
//! - `GET /apps/{APP}` (`Accept: application/json`): the instances;
//! - `PUT /apps/{APP}/{ID}/status?value=OUT_OF_SERVICE`: sets the override;
//! - `DELETE /apps/{APP}/{ID}/status?value=UP`: removes it, back to `UP`.
//!
//! Whether the grant names the application is the glue's check. Errors: no
//! Eureka for the environment, or Eureka unreachable or failing, is
//! `Unavailable`; an unknown application or instance is `NotFound`.

mod config;
mod eureka_json;
mod types;

use reqwest::{Client, Method, StatusCode, Url};

pub use config::{DiscoveryConfig, EurekaConfig};
pub use types::{DiscoveryInstance, DiscoveryStatus, StatusChanged};

use crate::ApiError;
use crate::providers::remote_http;

/// Reads and changes instances in the environments' Eureka servers.
#[derive(Debug, Clone)]
pub struct DiscoveryProvider {
    config: DiscoveryConfig,
    client: Client,
}

impl DiscoveryProvider {
    pub fn new(config: DiscoveryConfig) -> Self {
        let client = remote_http::client(config.timeout());
        Self { config, client }
    }

    /// The instances of `app` registered in `environment`'s Eureka.
    pub async fn instances(
        &self,
        environment: &str,
        app: &str,
    ) -> Result<Vec<DiscoveryInstance>, ApiError> {
        let eureka = self.eureka(environment)?;
        let app = eureka_app(app)?;
        let url = eureka.url(&["apps", &app]);
        let (status, body) = eureka.send(Method::GET, url.clone()).await?;
        match status {
            StatusCode::NOT_FOUND => Err(ApiError::NotFound(format!(
                "no application '{app}' in the Eureka of environment '{environment}'"
            ))),
            s if s.is_success() => {
                let document: eureka_json::ApplicationDocument = serde_json::from_slice(&body)
                    .map_err(|e| {
                        ApiError::Unavailable(format!(
                            "Eureka {}: malformed response: {e}",
                            remote_http::shown(&url)
                        ))
                    })?;
                Ok(document.application.instances())
            }
            s => Err(eureka.failed(&url, s, &body)),
        }
    }

    /// Every check [`set_status`](Self::set_status) makes (Eureka configured
    /// and answering, the application and instance registered) without
    /// changing anything; returns the instance as it is now.
    pub async fn authorize_set_status(
        &self,
        environment: &str,
        app: &str,
        instance_id: &str,
    ) -> Result<DiscoveryInstance, ApiError> {
        if instance_id.is_empty() {
            return Err(ApiError::Invalid("the instance id is empty".into()));
        }
        self.instances(environment, app)
            .await?
            .into_iter()
            .find(|instance| instance.id == instance_id)
            .ok_or_else(|| {
                ApiError::NotFound(format!(
                    "no instance '{instance_id}' of application '{}' in the Eureka of \
                     environment '{environment}'",
                    app.to_uppercase()
                ))
            })
    }

    /// Takes the instance out of service (sets Eureka's status override to
    /// `OUT_OF_SERVICE`) or back in (removes the override, status `UP`).
    pub async fn set_status(
        &self,
        environment: &str,
        app: &str,
        instance_id: &str,
        status: DiscoveryStatus,
    ) -> Result<StatusChanged, ApiError> {
        let current = self
            .authorize_set_status(environment, app, instance_id)
            .await?;
        let eureka = self.eureka(environment)?;
        let app = eureka_app(app)?;
        let mut url = eureka.url(&["apps", &app, instance_id, "status"]);
        url.query_pairs_mut()
            .append_pair("value", status.as_eureka());
        let method = match status {
            DiscoveryStatus::OutOfService => Method::PUT,
            DiscoveryStatus::Up => Method::DELETE,
        };
        let (answer, body) = eureka.send(method, url.clone()).await?;
        match answer {
            // Gone between the lookup and the change (e.g. deregistered).
            StatusCode::NOT_FOUND => Err(ApiError::NotFound(format!(
                "no instance '{instance_id}' of application '{app}' in the Eureka of \
                 environment '{environment}'"
            ))),
            s if s.is_success() => Ok(StatusChanged {
                app,
                instance_id: instance_id.to_string(),
                status,
                previous_status: current.status,
            }),
            s => Err(eureka.failed(&url, s, &body)),
        }
    }

    fn eureka(&self, environment: &str) -> Result<Eureka<'_>, ApiError> {
        let config = self.config.environments.get(environment).ok_or_else(|| {
            ApiError::Unavailable(format!(
                "no Eureka is configured for environment '{environment}'"
            ))
        })?;
        Ok(Eureka {
            client: &self.client,
            base: remote_http::base_url(
                &config.url,
                &format!("Eureka of environment '{environment}'"),
            )?,
            max_response_bytes: self.config.max_response_bytes,
        })
    }
}

/// Eureka keys applications by their upper-case name.
fn eureka_app(app: &str) -> Result<String, ApiError> {
    if app.trim().is_empty() {
        return Err(ApiError::Invalid("the application name is empty".into()));
    }
    Ok(app.to_uppercase())
}

/// One environment's Eureka server.
struct Eureka<'a> {
    client: &'a Client,
    base: Url,
    max_response_bytes: usize,
}

impl Eureka<'_> {
    /// The base URL with `segments` appended, each percent-encoded (instance
    /// ids often contain `:`).
    fn url(&self, segments: &[&str]) -> Url {
        let mut url = self.base.clone();
        url.path_segments_mut()
            .expect("checked to be a base URL")
            .pop_if_empty()
            .extend(segments);
        url
    }

    async fn send(&self, method: Method, url: Url) -> Result<(StatusCode, Vec<u8>), ApiError> {
        let target = format!("Eureka {}", remote_http::shown(&url));
        let response = self
            .client
            .request(method, url)
            .header(reqwest::header::ACCEPT, "application/json")
            .send()
            .await
            .map_err(|e| remote_http::send_error(&target, e))?;
        let status = response.status();
        let body = remote_http::body(response, self.max_response_bytes, &target).await?;
        Ok((status, body))
    }

    fn failed(&self, url: &Url, status: StatusCode, body: &[u8]) -> ApiError {
        ApiError::Unavailable(format!(
            "Eureka {}: HTTP {status}: {}",
            remote_http::shown(url),
            remote_http::excerpt(body)
        ))
    }
}
