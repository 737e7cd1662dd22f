//! One configured backend as the query code sees it: where it is, what to
//! call it in messages, and the limits on what it may return.

use reqwest::{Client, StatusCode, Url};

use super::series::ResultLimits;
use crate::ApiError;
use crate::providers::remote_http;

pub(crate) struct Endpoint<'a> {
    pub client: &'a Client,
    pub base: Url,
    /// The backend's configured name.
    pub name: &'a str,
    pub limits: ResultLimits,
    pub max_response_bytes: usize,
}

impl Endpoint<'_> {
    /// The base URL with `path` (e.g. `api/v1/query`) appended.
    pub fn url(&self, path: &str) -> Url {
        let mut url = self.base.clone();
        url.path_segments_mut()
            .expect("checked to be a base URL")
            .pop_if_empty()
            .extend(path.split('/'));
        url
    }

    /// `GET url?params`: the status and the body (capped), or why there is
    /// no answer.
    pub async fn get(
        &self,
        url: Url,
        params: &[(&str, String)],
    ) -> Result<(StatusCode, Vec<u8>), ApiError> {
        let target = self.describe(&url);
        let response = self
            .client
            .get(url)
            .query(params)
            .header(reqwest::header::ACCEPT, "application/json")
            .send()
            .await
            .map_err(|e| remote_http::send_error(&target, e))?;
        let status = response.status();
        let body = remote_http::body(response, self.max_response_bytes, &target).await?;
        Ok((status, body))
    }

    /// `metrics backend 'NAME' (URL)`, for messages.
    pub fn describe(&self, url: &Url) -> String {
        format!(
            "metrics backend '{}' ({})",
            self.name,
            remote_http::shown(url)
        )
    }

    /// The answer was not in the format the API documents.
    pub fn malformed(&self, url: &Url, why: impl std::fmt::Display) -> ApiError {
        ApiError::Unavailable(format!("{}: malformed response: {why}", self.describe(url)))
    }

    /// An HTTP error status not otherwise understood.
    pub fn failed(&self, url: &Url, status: StatusCode, body: &[u8]) -> ApiError {
        ApiError::Unavailable(format!(
            "{}: HTTP {status}: {}",
            self.describe(url),
            remote_http::excerpt(body)
        ))
    }
}
