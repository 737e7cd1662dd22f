//! Reading a response body without ever holding more than the limit.

use reqwest::Response;

use super::pattern::Target;
use crate::ApiError;

pub(super) async fn read_capped(
    mut response: Response,
    max_bytes: u64,
    target: &Target,
) -> Result<Vec<u8>, ApiError> {
    let too_large = || {
        ApiError::TooLarge(format!(
            "the response body from {target} exceeds the limit of {max_bytes} bytes"
        ))
    };
    let announced = response.content_length();
    if announced.is_some_and(|len| len > max_bytes) {
        return Err(too_large());
    }
    let mut body = Vec::with_capacity(announced.unwrap_or(0) as usize);
    while let Some(chunk) = response.chunk().await.map_err(|e| {
        ApiError::Unavailable(format!(
            "reading the response from {target}: {}",
            super::error_chain(&e.without_url())
        ))
    })? {
        if (body.len() + chunk.len()) as u64 > max_bytes {
            return Err(too_large());
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}
