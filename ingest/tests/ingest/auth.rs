use std::collections::HashMap;

use hmac::{Hmac, Mac};
use sha2::Sha256;
use wolfe_ingest::{Auth, AuthError, verify};

const TOKEN: &str = "s3cr3t-t0ken-for-alertmanager";
const SECRET: &str = "hmac-shared-secret";
const BODY: &[u8] = br#"{"version":"4","alerts":[]}"#;

fn bearer() -> Auth {
    Auth::Bearer {
        token: TOKEN.into(),
    }
}

fn hmac_auth() -> Auth {
    Auth::HmacSha256 {
        secret: SECRET.into(),
        header: "X-Hub-Signature-256".into(),
    }
}

fn sign(body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(SECRET.as_bytes()).unwrap();
    mac.update(body);
    hex::encode(mac.finalize().into_bytes())
}

/// Checks a request with these headers, looked up ignoring case as HTTP
/// frameworks do.
fn check(auth: &Auth, headers: &[(&str, &str)], body: &[u8]) -> Result<(), AuthError> {
    let headers: HashMap<String, String> = headers
        .iter()
        .map(|(k, v)| (k.to_ascii_lowercase(), v.to_string()))
        .collect();
    verify(
        auth,
        |name| headers.get(&name.to_ascii_lowercase()).map(String::as_str),
        body,
    )
}

fn assert_no_leak(error: &AuthError, secrets: &[&str]) {
    let text = format!("{error} {error:?}");
    for secret in secrets {
        assert!(!text.contains(secret), "{text:?} leaks {secret:?}");
    }
}

#[test]
fn none_accepts_anything() {
    assert_eq!(check(&Auth::None, &[], BODY), Ok(()));
}

#[test]
fn bearer_accepts_the_token_with_any_scheme_case() {
    for value in [
        format!("Bearer {TOKEN}"),
        format!("bearer {TOKEN}"),
        format!("BEARER  {TOKEN} "),
    ] {
        assert_eq!(
            check(&bearer(), &[("Authorization", &value)], BODY),
            Ok(()),
            "{value}"
        );
    }
}

#[test]
fn bearer_without_a_token_is_missing_credentials() {
    let cases: [(&[(&str, &str)], &str); 4] = [
        (&[], "missing credentials: no Authorization header"),
        (
            &[("Authorization", "Basic dXNlcjpwYXNz")],
            "missing credentials: Authorization header holds no Bearer token",
        ),
        (
            &[("Authorization", "Bearer ")],
            "missing credentials: Authorization header holds no Bearer token",
        ),
        (
            &[("Authorization", TOKEN)],
            "missing credentials: Authorization header holds no Bearer token",
        ),
    ];
    for (headers, expected) in cases {
        let error = check(&bearer(), headers, BODY).unwrap_err();
        assert!(matches!(error, AuthError::Missing(_)), "{error:?}");
        assert_eq!(error.to_string(), expected);
        assert_no_leak(&error, &[TOKEN]);
    }
}

#[test]
fn a_wrong_bearer_token_is_invalid_and_not_echoed() {
    let near_misses = [
        "s3cr3t-t0ken-for-alertmanage",
        "s3cr3t-t0ken-for-alertmanagerX",
        "S3CR3T-T0KEN-FOR-ALERTMANAGER",
        "guess",
    ];
    for sent in near_misses {
        let error = check(
            &bearer(),
            &[("Authorization", &format!("Bearer {sent}"))],
            BODY,
        )
        .unwrap_err();
        assert_eq!(
            error,
            AuthError::Invalid("bearer token does not match".into())
        );
        assert_eq!(
            error.to_string(),
            "invalid credentials: bearer token does not match"
        );
        assert_no_leak(&error, &[TOKEN, sent]);
    }
}

#[test]
fn hmac_accepts_a_signature_with_or_without_prefix_in_either_case() {
    let signature = sign(BODY);
    let values = [
        signature.clone(),
        format!("sha256={signature}"),
        format!("SHA256={signature}"),
        signature.to_uppercase(),
        format!("sha256={}", signature.to_uppercase()),
        format!("  sha256={signature} "),
    ];
    for value in values {
        assert_eq!(
            check(&hmac_auth(), &[("x-hub-signature-256", &value)], BODY),
            Ok(()),
            "{value}"
        );
    }
}

#[test]
fn hmac_signs_the_exact_raw_body() {
    let signature = format!("sha256={}", sign(BODY));
    let reformatted = br#"{"version": "4", "alerts": []}"#;
    let error = check(
        &hmac_auth(),
        &[("X-Hub-Signature-256", &signature)],
        reformatted,
    )
    .unwrap_err();
    assert_eq!(
        error,
        AuthError::Invalid("X-Hub-Signature-256 signature does not match the body".into())
    );
    assert_no_leak(&error, &[SECRET, &signature[7..]]);
}

#[test]
fn hmac_with_another_secret_is_invalid() {
    let mut mac = Hmac::<Sha256>::new_from_slice(b"another secret").unwrap();
    mac.update(BODY);
    let forged = hex::encode(mac.finalize().into_bytes());
    let error = check(&hmac_auth(), &[("X-Hub-Signature-256", &forged)], BODY).unwrap_err();
    assert!(matches!(error, AuthError::Invalid(_)));
    assert_no_leak(&error, &[SECRET, &forged]);
}

#[test]
fn hmac_missing_or_garbled_signatures_are_told_apart() {
    let good = sign(BODY);
    let cases: [(&[(&str, &str)], AuthError); 6] = [
        (
            &[],
            AuthError::Missing("no X-Hub-Signature-256 header".into()),
        ),
        (
            &[("X-Hub-Signature-256", "  ")],
            AuthError::Missing("no X-Hub-Signature-256 header".into()),
        ),
        // Signed, but in another header than configured.
        (
            &[("X-Signature", &good)],
            AuthError::Missing("no X-Hub-Signature-256 header".into()),
        ),
        (
            &[("X-Hub-Signature-256", "sha256=not-hex")],
            AuthError::Invalid(
                "X-Hub-Signature-256 header is not a hex-encoded SHA-256 signature".into(),
            ),
        ),
        (
            &[("X-Hub-Signature-256", &good[..62])],
            AuthError::Invalid(
                "X-Hub-Signature-256 header is not a hex-encoded SHA-256 signature".into(),
            ),
        ),
        (
            &[(
                "X-Hub-Signature-256",
                "sha1=0123456789abcdef0123456789abcdef01234567",
            )],
            AuthError::Invalid(
                "X-Hub-Signature-256 header is not a hex-encoded SHA-256 signature".into(),
            ),
        ),
    ];
    for (headers, expected) in cases {
        let error = check(&hmac_auth(), headers, BODY).unwrap_err();
        assert_eq!(error, expected, "{headers:?}");
        assert_no_leak(&error, &[SECRET]);
    }
}

#[test]
fn debug_output_redacts_credentials() {
    let text = format!("{:?} {:?}", bearer(), hmac_auth());
    assert!(!text.contains(TOKEN) && !text.contains(SECRET), "{text}");
    assert!(text.contains("X-Hub-Signature-256"), "{text}");
}
