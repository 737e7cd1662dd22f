//! The two ways a rule can fail: when it is saved, and when an event fires it.

use thiserror::Error;

/// A rule that cannot be saved. `location` names the offending part the way
/// an author finds it in the JSON (`criteria.all[2].any[1]`,
/// `params.broker_id`); it is empty when the document as a whole is wrong.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("{}{problem}", prefix(location))]
pub struct RuleError {
    pub location: String,
    pub problem: String,
}

/// A rule whose criteria matched but whose parameters could not be mapped
/// from this event. The pipeline records it as a rejected firing.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("{}{problem}", prefix(location))]
pub struct MappingError {
    pub location: String,
    pub problem: String,
}

impl RuleError {
    pub(crate) fn new(location: impl Into<String>, problem: impl Into<String>) -> Self {
        Self {
            location: location.into(),
            problem: problem.into(),
        }
    }
}

impl MappingError {
    pub(crate) fn new(location: impl Into<String>, problem: impl Into<String>) -> Self {
        Self {
            location: location.into(),
            problem: problem.into(),
        }
    }
}

fn prefix(location: &str) -> String {
    if location.is_empty() {
        String::new()
    } else {
        format!("{location}: ")
    }
}
