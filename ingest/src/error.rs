//! Why a body was rejected.

/// A rejected body. The caller records the body with this error and answers
/// `413` for [`IngestError::TooLarge`], `400` for [`IngestError::Malformed`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IngestError {
    #[error("body of {actual} bytes exceeds the limit of {limit} bytes")]
    TooLarge { limit: usize, actual: usize },
    /// Not UTF-8, not JSON, or not the shape the format requires. The text
    /// starts with where the problem is, e.g. `alerts[2].labels: expected
    /// an object, got a string`, and is meant for the sender.
    #[error("{0}")]
    Malformed(String),
}

impl IngestError {
    pub(crate) fn at(location: impl std::fmt::Display, problem: impl std::fmt::Display) -> Self {
        Self::Malformed(format!("{location}: {problem}"))
    }
}
