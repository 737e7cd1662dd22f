use wolfe_ingest::{Auth, DEFAULT_MAX_BODY_BYTES, Format, SourceConfig};

fn parse(text: &str) -> Result<SourceConfig, String> {
    toml::from_str(text).map_err(|e| e.message().to_owned())
}

#[test]
fn a_full_configuration_reads_as_written() {
    let config = parse(
        r#"
        name = "deploys"
        format = "generic"
        auth = { type = "hmac_sha256", secret = "s", header = "X-Signature-256" }
        max_body_bytes = 65536
        kind_path = "/type"
        id_path = "/id"
        "#,
    )
    .unwrap();
    assert_eq!(
        config,
        SourceConfig {
            name: "deploys".into(),
            format: Format::Generic,
            auth: Auth::HmacSha256 {
                secret: "s".into(),
                header: "X-Signature-256".into()
            },
            max_body_bytes: 65536,
            kind_path: Some("/type".into()),
            id_path: Some("/id".into()),
        }
    );
}

#[test]
fn defaults_apply_and_every_format_and_auth_reads() {
    let config = parse(
        r#"
        name = "alertmanager-prod"
        format = "alertmanager"
        auth = { type = "bearer", token = "t0ken" }
        "#,
    )
    .unwrap();
    assert_eq!(config.max_body_bytes, DEFAULT_MAX_BODY_BYTES);
    assert_eq!(
        config.auth,
        Auth::Bearer {
            token: "t0ken".into()
        }
    );
    assert_eq!(config.kind_path, None);

    let config = parse("name = \"atlas\"\nformat = \"atlas\"\nauth = { type = \"none\" }").unwrap();
    assert_eq!((config.format, config.auth), (Format::Atlas, Auth::None));
}

#[test]
fn mistakes_are_refused_when_loading() {
    let cases = [
        // No auth at all: an open endpoint must be explicit.
        ("name = \"a\"\nformat = \"generic\"", "missing field `auth`"),
        (
            "name = \"a\"\nformat = \"generic\"\nauth = { type = \"none\" }\nmax_bytes = 5",
            "unknown field `max_bytes`",
        ),
        (
            "name = \"a\"\nformat = \"json\"\nauth = { type = \"none\" }",
            "unknown variant `json`",
        ),
        (
            "name = \"a\"\nformat = \"generic\"\nauth = { type = \"basic\" }",
            "unknown variant `basic`",
        ),
        (
            "name = \"a\"\nformat = \"generic\"\nauth = { type = \"bearer\", token = \"t\", secret = \"s\" }",
            "unknown field `secret`",
        ),
        (
            "name = \"a\"\nformat = \"generic\"\nauth = { type = \"hmac_sha256\", secret = \"s\" }",
            "missing field `header`",
        ),
        (
            "name = \"a b\"\nformat = \"generic\"\nauth = { type = \"none\" }",
            "event source \"a b\": name must be 1 to 64 characters of A-Z, a-z, 0-9, '-', '_' or '.'",
        ),
        (
            "name = \"a\"\nformat = \"generic\"\nauth = { type = \"none\" }\nmax_body_bytes = 0",
            "event source \"a\": max_body_bytes must be between 1 and 16777216, got 0",
        ),
        (
            "name = \"a\"\nformat = \"generic\"\nauth = { type = \"none\" }\nmax_body_bytes = 16777217",
            "event source \"a\": max_body_bytes must be between 1 and 16777216, got 16777217",
        ),
        (
            "name = \"a\"\nformat = \"alertmanager\"\nauth = { type = \"none\" }\nkind_path = \"/type\"",
            "event source \"a\": kind_path applies only to format \"generic\"",
        ),
        (
            "name = \"a\"\nformat = \"generic\"\nauth = { type = \"none\" }\nid_path = \"id\"",
            "event source \"a\": id_path must be a JSON pointer such as \"/type\", got \"id\"",
        ),
        (
            "name = \"a\"\nformat = \"generic\"\nauth = { type = \"bearer\", token = \"\" }",
            "event source \"a\": auth.token must not be empty",
        ),
        (
            "name = \"a\"\nformat = \"generic\"\nauth = { type = \"bearer\", token = \"two words\" }",
            "event source \"a\": auth.token must not contain whitespace or control characters",
        ),
        (
            "name = \"a\"\nformat = \"generic\"\nauth = { type = \"hmac_sha256\", secret = \"\", header = \"X-Sig\" }",
            "event source \"a\": auth.secret must not be empty",
        ),
        (
            "name = \"a\"\nformat = \"generic\"\nauth = { type = \"hmac_sha256\", secret = \"s\", header = \"X Sig:\" }",
            "event source \"a\": auth.header must be an HTTP header name such as \"X-Signature-256\"",
        ),
    ];
    for (text, expected) in cases {
        let error = parse(text).unwrap_err();
        assert!(
            error.contains(expected),
            "{text}\n  gave: {error}\n  want: {expected}"
        );
    }
}

#[test]
fn validation_errors_never_echo_credentials() {
    let error = parse(
        "name = \"a\"\nformat = \"generic\"\nauth = { type = \"bearer\", token = \"abc def\" }",
    )
    .unwrap_err();
    assert!(!error.contains("abc def"), "{error}");
}
