//! A small client of the Studio's management API for `wolfe deploy` and
//! `wolfe promote`: bearer token, JSON both ways, the API's error format
//! turned into one readable line.

use anyhow::bail;
use serde_json::Value;

/// Where the API is and who is calling.
#[derive(clap::Args, Debug, Clone)]
pub struct ServerArgs {
    /// Base URL of the Wolfe service.
    #[arg(long, env = crate::env::SERVER, default_value = "http://127.0.0.1:8080")]
    pub server: String,
    /// API token (printed by `wolfe serve` on first start, or created by an admin).
    #[arg(long, env = crate::env::TOKEN, hide_env_values = true)]
    pub token: String,
}

pub struct Client {
    http: reqwest::Client,
    args: ServerArgs,
}

/// An error answer of the API.
#[derive(Debug)]
pub struct ApiFailure {
    pub status: u16,
    pub body: Value,
}

impl std::fmt::Display for ApiFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let error = &self.body["error"];
        write!(
            f,
            "{} ({}): {}",
            error["code"].as_str().unwrap_or("error"),
            self.status,
            error["message"].as_str().unwrap_or("no message")
        )
    }
}

impl std::error::Error for ApiFailure {}

impl Client {
    pub fn new(args: ServerArgs) -> Self {
        Self {
            http: reqwest::Client::new(),
            args,
        }
    }

    /// Sends a request; a non-2xx answer is an [`ApiFailure`].
    pub async fn send(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<&Value>,
    ) -> anyhow::Result<Value> {
        let url = format!("{}{path}", self.args.server.trim_end_matches('/'));
        let mut request = self
            .http
            .request(method, &url)
            .bearer_auth(&self.args.token);
        if let Some(body) = body {
            request = request.json(body);
        }
        let response = match request.send().await {
            Ok(response) => response,
            Err(error) => bail!("cannot reach {url}: {error}"),
        };
        let status = response.status();
        let text = response.text().await.unwrap_or_default();
        let body: Value = serde_json::from_str(&text).unwrap_or(Value::String(text));
        if status.is_success() {
            Ok(body)
        } else {
            Err(ApiFailure {
                status: status.as_u16(),
                body,
            }
            .into())
        }
    }
}

/// The API failure inside an error, if that is what it is.
pub fn failure(error: &anyhow::Error) -> Option<&ApiFailure> {
    error.downcast_ref::<ApiFailure>()
}
