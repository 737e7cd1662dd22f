//! EC2's failures as [`ApiError`]s.

use std::error::Error;

use aws_sdk_ec2::error::{ProvideErrorMetadata, SdkError};

use crate::ApiError;

/// Maps a failed EC2 call `operation` against `endpoint`. Messages name the
/// operation and endpoint, never the credentials.
pub(super) fn from_sdk<E, R>(operation: &str, endpoint: &str, error: SdkError<E, R>) -> ApiError
where
    E: ProvideErrorMetadata + Error + Send + Sync + 'static,
    R: std::fmt::Debug + 'static,
{
    match &error {
        SdkError::ServiceError(service) => {
            let err = service.err();
            from_code(
                operation,
                err.code().unwrap_or("unknown error"),
                err.message().unwrap_or_default(),
            )
        }
        SdkError::TimeoutError(_) => {
            ApiError::Unavailable(format!("EC2 {operation} at {endpoint} timed out"))
        }
        SdkError::DispatchFailure(_) => ApiError::Unavailable(format!(
            "EC2 endpoint {endpoint} unreachable for {operation}: {}",
            causes(&error)
        )),
        _ => ApiError::Unavailable(format!(
            "EC2 {operation} at {endpoint} failed: {}",
            causes(&error)
        )),
    }
}

/// The error and its sources, outermost first, e.g. `dispatch failure: io
/// error: ... Connection refused (os error 111)`.
fn causes(error: &(dyn Error + 'static)) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        // Some layers repeat their source's message in their own.
        if !text.ends_with(&cause_text) {
            text.push_str(": ");
            text.push_str(&cause_text);
        }
        source = cause.source();
    }
    text
}

fn from_code(operation: &str, code: &str, message: &str) -> ApiError {
    let detail = if message.is_empty() {
        code.to_owned()
    } else {
        format!("{code}: {message}")
    };
    match code {
        "InvalidInstanceID.NotFound" => ApiError::NotFound(detail),
        "InvalidInstanceID.Malformed" | "InvalidParameterValue" | "InvalidFilter" => {
            ApiError::Invalid(detail)
        }
        "RequestLimitExceeded" | "Throttling" | "ThrottlingException" => {
            ApiError::Unavailable(format!("EC2 throttled {operation}: {detail}"))
        }
        "AuthFailure" | "UnauthorizedOperation" | "InvalidClientTokenId" | "OptInRequired" => {
            ApiError::Unavailable(format!(
                "EC2 refused the provider's credentials for {operation}: {detail}"
            ))
        }
        _ => ApiError::Unavailable(format!("EC2 {operation} failed: {detail}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ec2_codes_map_to_api_errors() {
        assert_eq!(
            from_code("DescribeInstances", "InvalidInstanceID.NotFound", "no i-1"),
            ApiError::NotFound("InvalidInstanceID.NotFound: no i-1".into())
        );
        assert!(matches!(
            from_code("DescribeInstances", "InvalidInstanceID.Malformed", ""),
            ApiError::Invalid(_)
        ));
        let throttled = from_code("RebootInstances", "RequestLimitExceeded", "slow down");
        assert_eq!(
            throttled,
            ApiError::Unavailable(
                "EC2 throttled RebootInstances: RequestLimitExceeded: slow down".into()
            )
        );
        assert!(matches!(
            from_code("TerminateInstances", "AuthFailure", ""),
            ApiError::Unavailable(m) if m.contains("credentials")
        ));
    }
}
