//! `Authorization: Bearer <token>`.

use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use super::AuthError;

pub(super) fn verify(expected: &str, authorization: Option<&str>) -> Result<(), AuthError> {
    let Some(value) = authorization else {
        return Err(AuthError::Missing("no Authorization header".into()));
    };
    // The scheme is case-insensitive (RFC 9110 §11.1).
    let token = value
        .trim()
        .split_once(' ')
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, token)| token.trim())
        .filter(|token| !token.is_empty());
    let Some(token) = token else {
        return Err(AuthError::Missing(
            "Authorization header holds no Bearer token".into(),
        ));
    };
    // Comparing digests keeps the comparison constant-time even in the
    // token's length.
    let matches: bool = Sha256::digest(token.as_bytes())
        .ct_eq(&Sha256::digest(expected.as_bytes()))
        .into();
    if matches {
        Ok(())
    } else {
        Err(AuthError::Invalid("bearer token does not match".into()))
    }
}
