//! HMAC-SHA256 signature of the raw body, hex in a header, optionally
//! prefixed `sha256=` (GitHub's `X-Hub-Signature-256` style).

use hmac::{Hmac, Mac};
use sha2::Sha256;

use super::AuthError;

pub(super) fn verify(
    secret: &[u8],
    header_name: &str,
    header_value: Option<&str>,
    body: &[u8],
) -> Result<(), AuthError> {
    let value = header_value.map(str::trim).unwrap_or_default();
    if value.is_empty() {
        return Err(AuthError::Missing(format!("no {header_name} header")));
    }
    let hex_digits = strip_prefix_ignore_case(value, "sha256=").unwrap_or(value);
    // `hex` accepts either case; senders differ.
    let signature = hex::decode(hex_digits)
        .ok()
        .filter(|bytes| bytes.len() == 32)
        .ok_or_else(|| {
            AuthError::Invalid(format!(
                "{header_name} header is not a hex-encoded SHA-256 signature"
            ))
        })?;
    let mut mac = Hmac::<Sha256>::new_from_slice(secret).expect("HMAC accepts keys of any length");
    mac.update(body);
    // `verify_slice` compares in constant time.
    mac.verify_slice(&signature)
        .map_err(|_| AuthError::Invalid(format!("{header_name} signature does not match the body")))
}

fn strip_prefix_ignore_case<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    let head = text.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &text[prefix.len()..])
}
