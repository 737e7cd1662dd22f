use wolfe_ingest::{DEFAULT_MAX_BODY_BYTES, Format, IngestError, SourceConfig, ingest};

use crate::support::{accept, reject, source};

const ALL_FORMATS: [Format; 3] = [Format::Generic, Format::Alertmanager, Format::Atlas];

fn limited(format: Format, max_body_bytes: usize) -> SourceConfig {
    SourceConfig {
        max_body_bytes,
        ..source(format)
    }
}

#[test]
fn the_default_limit_is_one_mebibyte() {
    assert_eq!(source(Format::Generic).max_body_bytes, 1 << 20);
    assert_eq!(DEFAULT_MAX_BODY_BYTES, 1 << 20);
    let padding = "x".repeat(DEFAULT_MAX_BODY_BYTES);
    let body = format!(r#"{{"padding": "{padding}"}}"#);
    assert_eq!(
        ingest(&source(Format::Generic), body.as_bytes()),
        Err(IngestError::TooLarge {
            limit: DEFAULT_MAX_BODY_BYTES,
            actual: DEFAULT_MAX_BODY_BYTES + 15
        })
    );
}

#[test]
fn a_body_at_the_limit_passes_and_one_byte_more_is_too_large() {
    let body = br#"{"a": 1}"#;
    let config = limited(Format::Generic, body.len());
    assert_eq!(accept(&config, body).len(), 1);

    let config = limited(Format::Generic, body.len() - 1);
    let error = ingest(&config, body).unwrap_err();
    assert_eq!(
        error,
        IngestError::TooLarge {
            limit: 7,
            actual: 8
        }
    );
    assert_eq!(
        error.to_string(),
        "body of 8 bytes exceeds the limit of 7 bytes"
    );
}

#[test]
fn size_is_checked_before_anything_else_in_every_format() {
    // Not UTF-8 and not JSON, but what the sender must hear is its size.
    let body = vec![0xff; 100];
    for format in ALL_FORMATS {
        assert_eq!(
            ingest(&limited(format, 99), &body),
            Err(IngestError::TooLarge {
                limit: 99,
                actual: 100
            }),
            "{format:?}"
        );
    }
}

#[test]
fn non_utf8_is_rejected_with_the_offset() {
    let body = b"{\"name\": \"caf\xe9\"}";
    for format in ALL_FORMATS {
        assert_eq!(
            reject(&source(format), body),
            "body: not valid UTF-8 (invalid byte at offset 13)",
            "{format:?}"
        );
    }
}

#[test]
fn non_json_is_rejected_with_the_parser_position() {
    let cases: [(&[u8], &str); 5] = [
        (b"", "body: empty"),
        (b"  \n ", "body: empty"),
        (
            b"alertname=HighErrorRate",
            "body: not valid JSON: expected value at line 1 column 1",
        ),
        (
            b"{\"a\": 1,}",
            "body: not valid JSON: trailing comma at line 1 column 9",
        ),
        (
            b"{\"a\": 1} {}",
            "body: not valid JSON: trailing characters at line 1 column 10",
        ),
    ];
    for format in ALL_FORMATS {
        for (body, expected) in cases {
            assert_eq!(reject(&source(format), body), expected, "{format:?}");
        }
    }
}

#[test]
fn deep_nesting_is_rejected_without_overflowing_the_stack() {
    // Half a million levels would overflow a test thread's stack if any
    // step (parse or drop) recursed without a limit.
    for depth in [127, 500_000] {
        let body = format!("{{\"a\":{}{}}}", "[".repeat(depth), "]".repeat(depth));
        for format in ALL_FORMATS {
            let config = limited(format, 2 << 20);
            let message = reject(&config, body.as_bytes());
            assert!(
                message
                    .starts_with("body: not valid JSON: recursion limit exceeded at line 1 column"),
                "{format:?} at depth {depth}: {message}"
            );
        }
    }
}

#[test]
fn nesting_up_to_the_limit_is_accepted() {
    // serde_json allows 127 nested containers; the object itself is one.
    let nested = |arrays: usize| format!("{{\"a\":{}{}}}", "[".repeat(arrays), "]".repeat(arrays));
    let events = accept(&source(Format::Generic), nested(126).as_bytes());
    let mut value = &events[0].payload["a"];
    for _ in 1..126 {
        value = &value[0];
    }
    assert_eq!(value, &serde_json::json!([]));

    assert_eq!(
        reject(&source(Format::Generic), nested(127).as_bytes()),
        "body: not valid JSON: recursion limit exceeded at line 1 column 132"
    );
}
