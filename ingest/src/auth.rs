//! Per-source webhook authentication.
//!
//! The SQS path does not use this: who may write to a queue is IAM's call.
//! Error messages describe what is wrong and never include the configured
//! secret or what the client sent.

mod bearer;
mod hmac;

use std::fmt;

use serde::Deserialize;

/// How a webhook source proves who it is. Written in configuration as
/// `{ type = "bearer", token = "…" }`,
/// `{ type = "hmac_sha256", secret = "…", header = "X-Hub-Signature-256" }`
/// or `{ type = "none" }`.
#[derive(Clone, PartialEq, Eq, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Auth {
    /// No credentials. There is no default: a source without `auth` is a
    /// configuration error, so an open endpoint is always deliberate.
    None,
    /// `Authorization: Bearer <token>`.
    Bearer { token: String },
    /// HMAC-SHA256 of the raw body with `secret`, hex-encoded in `header`,
    /// optionally prefixed `sha256=` as GitHub does.
    HmacSha256 { secret: String, header: String },
}

/// Redacts credentials, which would otherwise end up in logs.
impl fmt::Debug for Auth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::None => f.write_str("None"),
            Self::Bearer { .. } => f
                .debug_struct("Bearer")
                .field("token", &"<redacted>")
                .finish(),
            Self::HmacSha256 { header, .. } => f
                .debug_struct("HmacSha256")
                .field("secret", &"<redacted>")
                .field("header", header)
                .finish(),
        }
    }
}

impl Auth {
    pub(crate) fn validate(&self) -> Result<(), &'static str> {
        match self {
            Self::None => Ok(()),
            Self::Bearer { token } if token.trim().is_empty() => {
                Err("auth.token must not be empty")
            }
            Self::Bearer { token }
                if token.chars().any(|c| c.is_whitespace() || c.is_control()) =>
            {
                Err("auth.token must not contain whitespace or control characters")
            }
            Self::Bearer { .. } => Ok(()),
            Self::HmacSha256 { secret, .. } if secret.is_empty() => {
                Err("auth.secret must not be empty")
            }
            Self::HmacSha256 { header, .. } if !is_header_name(header) => {
                Err("auth.header must be an HTTP header name such as \"X-Signature-256\"")
            }
            Self::HmacSha256 { .. } => Ok(()),
        }
    }
}

/// RFC 9110 token characters.
fn is_header_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

/// Why a request was refused. Both map to `401`; they are told apart so the
/// record shows a misconfigured sender (missing) from a wrong secret or a
/// forgery (invalid).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AuthError {
    #[error("missing credentials: {0}")]
    Missing(String),
    #[error("invalid credentials: {0}")]
    Invalid(String),
}

/// Checks a request against its source's [`Auth`]. `header` looks up a
/// request header by name and must ignore case, as HTTP does (axum:
/// `|name| headers.get(name).and_then(|v| v.to_str().ok())`). `body` is the
/// raw body exactly as received.
pub fn verify<'h>(
    auth: &Auth,
    header: impl Fn(&str) -> Option<&'h str>,
    body: &[u8],
) -> Result<(), AuthError> {
    match auth {
        Auth::None => Ok(()),
        Auth::Bearer { token } => bearer::verify(token, header("Authorization")),
        Auth::HmacSha256 {
            secret,
            header: name,
        } => hmac::verify(secret.as_bytes(), name, header(name), body),
    }
}
