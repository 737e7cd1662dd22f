//! Keeping credentials out of error messages: webhook URLs carry their token
//! in the path, routing keys and SMTP passwords are credentials outright, and
//! remote systems sometimes echo what they were sent.

use reqwest::Url;

use crate::ApiError;

/// Below this length a "secret" would mostly match innocent text.
const MIN_SCRUBBED_LEN: usize = 4;

/// The credential values of one configuration.
#[derive(Clone, Default)]
pub(crate) struct Redactor {
    secrets: Vec<String>,
}

impl Redactor {
    pub(crate) fn add(&mut self, secret: &str) {
        if secret.len() >= MIN_SCRUBBED_LEN {
            self.secrets.push(secret.to_owned());
        }
        // Longest first, so a URL is replaced whole before its parts.
        self.secrets.sort_by_key(|s| std::cmp::Reverse(s.len()));
    }

    pub(crate) fn scrub(&self, text: &str) -> String {
        let mut text = text.to_owned();
        for secret in &self.secrets {
            text = text.replace(secret.as_str(), "[redacted]");
        }
        text
    }

    pub(crate) fn scrub_error(&self, error: ApiError) -> ApiError {
        match error {
            ApiError::Denied(m) => ApiError::Denied(self.scrub(&m)),
            ApiError::Invalid(m) => ApiError::Invalid(self.scrub(&m)),
            ApiError::NotFound(m) => ApiError::NotFound(self.scrub(&m)),
            ApiError::Unavailable(m) => ApiError::Unavailable(self.scrub(&m)),
            ApiError::TooLarge(m) => ApiError::TooLarge(self.scrub(&m)),
        }
    }
}

/// `scheme://host[:port]` of a URL: enough to say where a request went
/// without the path, where webhook tokens live.
pub(crate) fn origin(url: &Url) -> String {
    url.origin().ascii_serialization()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scrubs_every_secret_wherever_it_appears() {
        let mut redactor = Redactor::default();
        redactor.add("https://hooks.example.com/services/T1/B2/token");
        redactor.add("/services/T1/B2/token");
        redactor.add("routingkey0123");
        redactor.add("ab"); // too short to scrub safely

        let error = ApiError::Invalid(
            "echoed routingkey0123 and https://hooks.example.com/services/T1/B2/token \
             then /services/T1/B2/token; ab stays"
                .into(),
        );

        assert_eq!(
            redactor.scrub_error(error),
            ApiError::Invalid("echoed [redacted] and [redacted] then [redacted]; ab stays".into())
        );
    }
}
