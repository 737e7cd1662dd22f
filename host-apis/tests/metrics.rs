//! The metrics provider against Prometheus and Atlas peers on loopback.

use std::collections::BTreeMap;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use wolfe_host_apis::ApiError;
use wolfe_host_apis::providers::metrics::{
    BackendConfig, BackendKind, MetricsConfig, MetricsEnvironment, MetricsProvider, QueryRange,
    Sample, Series,
};
use wolfe_testkit::peers::atlas::{AtlasAnswer, AtlasPeer, AtlasSeries};
use wolfe_testkit::peers::prometheus::{PromAnswer, PromSeries, PrometheusPeer};

/// A minute boundary (Atlas aligns rows to the step).
const T0: i64 = 1_699_999_980_000;

fn config(backends: &[(&str, BackendKind, String)]) -> MetricsConfig {
    let backends = backends
        .iter()
        .map(|(name, kind, url)| {
            let backend = BackendConfig {
                kind: *kind,
                url: url.clone(),
            };
            (name.to_string(), backend)
        })
        .collect();
    MetricsConfig {
        environments: BTreeMap::from([("prod".to_string(), MetricsEnvironment { backends })]),
        ..MetricsConfig::default()
    }
}

fn prometheus(peer: &PrometheusPeer) -> MetricsProvider {
    MetricsProvider::new(config(&[("prom", BackendKind::Prometheus, peer.url())]))
}

fn atlas(peer: &AtlasPeer) -> MetricsProvider {
    MetricsProvider::new(config(&[("atlas-main", BackendKind::Atlas, peer.url())]))
}

fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64
}

fn labels(series: &Series) -> Vec<(&str, &str)> {
    series
        .labels
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect()
}

fn values(series: &Series) -> Vec<f64> {
    series.samples.iter().map(|s| s.value).collect()
}

fn timestamps(series: &Series) -> Vec<i64> {
    series.samples.iter().map(|s| s.timestamp_ms).collect()
}

/// Seconds as the Prometheus API carries them, back to milliseconds.
fn prometheus_ms(text: &str) -> i64 {
    (text.parse::<f64>().unwrap() * 1000.0).round() as i64
}

#[tokio::test]
async fn prometheus_instant_query_returns_the_latest_values_now() {
    let peer = PrometheusPeer::start();
    let recent = now_ms() - 30_000;
    peer.set(
        "up",
        PromAnswer::Vector(vec![
            PromSeries::new(&[("job", "api"), ("instance", "a")], &[(recent, "1.5")]),
            PromSeries::new(&[("job", "api"), ("instance", "b")], &[(recent, "NaN")]),
        ]),
    );

    let before = now_ms();
    let result = prometheus(&peer)
        .query("prod", "prom", "up", None)
        .await
        .unwrap();
    let after = now_ms();

    let requests = peer.requests();
    assert_eq!(requests.len(), 1);
    assert_eq!(requests[0].path, "/api/v1/query");
    assert_eq!(requests[0].param("query"), Some("up"));
    let time = prometheus_ms(requests[0].param("time").expect("time sent"));
    assert!(
        (before..=after).contains(&time),
        "time {time} is the host's now"
    );

    assert_eq!(result.len(), 2);
    assert_eq!(labels(&result[0]), [("instance", "a"), ("job", "api")]);
    assert_eq!(
        result[0].samples,
        [Sample {
            timestamp_ms: time,
            value: 1.5
        }]
    );
    assert_eq!(labels(&result[1]), [("instance", "b"), ("job", "api")]);
    assert!(result[1].samples[0].value.is_nan(), "NaN is kept");
}

#[tokio::test]
async fn prometheus_range_query_sends_seconds_and_returns_every_step() {
    let peer = PrometheusPeer::start();
    let samples = [
        (T0, "1"),
        (T0 + 15_000, "2"),
        (T0 + 30_000, "+Inf"),
        (T0 + 45_000, "NaN"),
    ];
    peer.set(
        "rate(http_requests_total[1m])",
        PromAnswer::Vector(vec![PromSeries::new(&[("code", "500")], &samples)]),
    );
    let range = QueryRange {
        start_ms: T0 + 500,
        end_ms: T0 + 45_500,
        step_ms: 15_000,
    };

    let result = prometheus(&peer)
        .query("prod", "prom", "rate(http_requests_total[1m])", Some(range))
        .await
        .unwrap();

    let request = &peer.requests()[0];
    assert_eq!(request.path, "/api/v1/query_range");
    assert_eq!(
        request.param("query"),
        Some("rate(http_requests_total[1m])")
    );
    assert_eq!(request.param("start"), Some("1699999980.5"));
    assert_eq!(request.param("end"), Some("1700000025.5"));
    assert_eq!(request.param("step"), Some("15"));

    assert_eq!(result.len(), 1);
    assert_eq!(labels(&result[0]), [("code", "500")]);
    assert_eq!(
        timestamps(&result[0]),
        [T0 + 500, T0 + 15_500, T0 + 30_500, T0 + 45_500]
    );
    let values = values(&result[0]);
    assert_eq!(values[..3], [1.0, 2.0, f64::INFINITY]);
    assert!(values[3].is_nan());
}

#[tokio::test]
async fn prometheus_scalar_string_and_matrix_results() {
    let peer = PrometheusPeer::start();
    peer.set("scalar(42)", PromAnswer::Scalar("42".into()));
    peer.set("\"hello\"", PromAnswer::Text("hello".into()));
    let recent = now_ms() - 60_000;
    peer.set(
        "up[5m]",
        PromAnswer::RangeVector(vec![PromSeries::new(
            &[("job", "api")],
            &[(recent - 15_000, "0"), (recent, "1")],
        )]),
    );
    let provider = prometheus(&peer);

    let scalar = provider
        .query("prod", "prom", "scalar(42)", None)
        .await
        .unwrap();
    assert_eq!(scalar.len(), 1);
    assert!(scalar[0].labels.is_empty());
    assert_eq!(values(&scalar[0]), [42.0]);

    let text = provider
        .query("prod", "prom", "\"hello\"", None)
        .await
        .unwrap();
    assert_eq!(labels(&text[0]), [("__string__", "hello")]);
    assert!(text[0].samples[0].value.is_nan());

    let matrix = provider
        .query("prod", "prom", "up[5m]", None)
        .await
        .unwrap();
    assert_eq!(timestamps(&matrix[0]), [recent - 15_000, recent]);
    assert_eq!(values(&matrix[0]), [0.0, 1.0]);
}

#[tokio::test]
async fn prometheus_bad_query_is_invalid_with_its_message() {
    let peer = PrometheusPeer::start();
    peer.set(
        "sum(",
        PromAnswer::bad_data("1:5: parse error: unclosed left parenthesis"),
    );

    let error = prometheus(&peer)
        .query("prod", "prom", "sum(", None)
        .await
        .unwrap_err();

    let ApiError::Invalid(message) = error else {
        panic!("expected invalid, got {error:?}");
    };
    assert!(message.contains("unclosed left parenthesis"), "{message}");
    assert!(message.contains("'prom'"), "{message}");
}

#[tokio::test]
async fn prometheus_failures_are_unavailable() {
    let peer = PrometheusPeer::start();
    peer.set(
        "slow",
        PromAnswer::Error {
            status: 503,
            error_type: "timeout".into(),
            message: "query timed out in expression evaluation".into(),
        },
    );
    peer.set(
        "proxied",
        PromAnswer::Raw {
            status: 502,
            body: "<html>Bad Gateway</html>".into(),
        },
    );
    let provider = prometheus(&peer);

    let error = provider
        .query("prod", "prom", "slow", None)
        .await
        .unwrap_err();
    assert!(
        matches!(&error, ApiError::Unavailable(m) if m.contains("timed out in expression")),
        "{error:?}"
    );
    let error = provider
        .query("prod", "prom", "proxied", None)
        .await
        .unwrap_err();
    assert!(
        matches!(&error, ApiError::Unavailable(m) if m.contains("502")),
        "{error:?}"
    );
}

#[tokio::test]
async fn a_slow_backend_times_out_as_unavailable() {
    let peer = PrometheusPeer::start();
    peer.set_delay(Duration::from_secs(5));
    let provider = MetricsProvider::new(MetricsConfig {
        timeout_ms: 200,
        ..config(&[("prom", BackendKind::Prometheus, peer.url())])
    });

    let error = provider
        .query("prod", "prom", "up", None)
        .await
        .unwrap_err();

    assert!(
        matches!(&error, ApiError::Unavailable(m) if m.contains("timed out")),
        "{error:?}"
    );
}

#[tokio::test]
async fn an_answer_in_another_format_is_unavailable() {
    let peer = PrometheusPeer::start();
    peer.set(
        "up",
        PromAnswer::Raw {
            status: 200,
            body: "<html>login</html>".into(),
        },
    );

    let error = prometheus(&peer)
        .query("prod", "prom", "up", None)
        .await
        .unwrap_err();

    assert!(
        matches!(&error, ApiError::Unavailable(m) if m.contains("malformed response")),
        "{error:?}"
    );
}

#[tokio::test]
async fn an_empty_query_is_invalid_and_a_bad_configured_url_unavailable() {
    let peer = PrometheusPeer::start();
    let error = prometheus(&peer)
        .query("prod", "prom", "  ", None)
        .await
        .unwrap_err();
    assert!(matches!(error, ApiError::Invalid(_)), "{error:?}");
    assert!(peer.requests().is_empty());

    let provider = MetricsProvider::new(config(&[(
        "prom",
        BackendKind::Prometheus,
        "ftp://user:hunter2@prometheus".into(),
    )]));
    let error = provider
        .query("prod", "prom", "up", None)
        .await
        .unwrap_err();
    let ApiError::Unavailable(message) = error else {
        panic!("expected unavailable, got {error:?}");
    };
    assert!(message.contains("'prom'"), "{message}");
    assert!(!message.contains("hunter2"), "no credentials in {message}");
}

#[tokio::test]
async fn a_backend_that_is_down_is_unavailable() {
    let peer = PrometheusPeer::start();
    let provider = prometheus(&peer);
    let url = peer.url();
    drop(peer);

    let error = provider
        .query("prod", "prom", "up", None)
        .await
        .unwrap_err();

    let ApiError::Unavailable(message) = error else {
        panic!("expected unavailable, got {error:?}");
    };
    assert!(
        message.contains("'prom'") && message.contains(&url),
        "{message}"
    );
}

#[tokio::test]
async fn an_unknown_backend_is_not_found() {
    let peer = PrometheusPeer::start();
    let provider = prometheus(&peer);

    for (environment, backend) in [("prod", "graphite"), ("staging", "prom")] {
        let error = provider
            .query(environment, backend, "up", None)
            .await
            .unwrap_err();
        let ApiError::NotFound(message) = error else {
            panic!("expected not found, got {error:?}");
        };
        assert!(
            message.contains(&format!("'{backend}'"))
                && message.contains(&format!("'{environment}'")),
            "{message}"
        );
    }
    assert!(peer.requests().is_empty());
}

#[tokio::test]
async fn too_many_samples_is_too_large() {
    let peer = PrometheusPeer::start();
    let samples: Vec<(i64, &str)> = (0..4).map(|i| (T0 + i * 15_000, "1")).collect();
    let series = (0..3)
        .map(|i| PromSeries::new(&[("i", &i.to_string())], &samples))
        .collect();
    peer.set("many", PromAnswer::Vector(series));
    let provider = MetricsProvider::new(MetricsConfig {
        max_samples: 10,
        ..config(&[("prom", BackendKind::Prometheus, peer.url())])
    });
    let range = QueryRange {
        start_ms: T0,
        end_ms: T0 + 45_000,
        step_ms: 15_000,
    };

    let error = provider
        .query("prod", "prom", "many", Some(range))
        .await
        .unwrap_err();

    assert!(
        matches!(&error, ApiError::TooLarge(m) if m.contains("12 samples")),
        "{error:?}"
    );
}

#[tokio::test]
async fn too_many_series_is_too_large() {
    let peer = PrometheusPeer::start();
    let recent = now_ms() - 1_000;
    let series = (0..3)
        .map(|i| PromSeries::new(&[("i", &i.to_string())], &[(recent, "1")]))
        .collect();
    peer.set("wide", PromAnswer::Vector(series));
    let provider = MetricsProvider::new(MetricsConfig {
        max_series: 2,
        ..config(&[("prom", BackendKind::Prometheus, peer.url())])
    });

    let error = provider
        .query("prod", "prom", "wide", None)
        .await
        .unwrap_err();

    assert!(
        matches!(&error, ApiError::TooLarge(m) if m.contains("3 series")),
        "{error:?}"
    );
}

#[tokio::test]
async fn a_response_over_the_byte_limit_is_too_large() {
    let peer = PrometheusPeer::start();
    let recent = now_ms() - 1_000;
    let long = "x".repeat(2_000);
    peer.set(
        "big",
        PromAnswer::Vector(vec![PromSeries::new(&[("long", &long)], &[(recent, "1")])]),
    );
    let provider = MetricsProvider::new(MetricsConfig {
        max_response_bytes: 1_024,
        ..config(&[("prom", BackendKind::Prometheus, peer.url())])
    });

    let error = provider
        .query("prod", "prom", "big", None)
        .await
        .unwrap_err();

    assert!(
        matches!(&error, ApiError::TooLarge(m) if m.contains("1024 bytes")),
        "{error:?}"
    );
}

#[tokio::test]
async fn ranges_are_checked_before_anything_is_sent() {
    let peer = PrometheusPeer::start();
    let provider = prometheus(&peer);
    let query = |range| provider.query("prod", "prom", "up", Some(range));

    let error = query(QueryRange {
        start_ms: T0,
        end_ms: T0 - 1,
        step_ms: 1_000,
    })
    .await
    .unwrap_err();
    assert!(matches!(error, ApiError::Invalid(_)), "{error:?}");

    let error = query(QueryRange {
        start_ms: T0,
        end_ms: T0 + 60_000,
        step_ms: 0,
    })
    .await
    .unwrap_err();
    assert!(matches!(error, ApiError::Invalid(_)), "{error:?}");

    // 10,001 steps: more than the default 10,000 samples for one series.
    let error = query(QueryRange {
        start_ms: T0,
        end_ms: T0 + 10_000 * 1_000,
        step_ms: 1_000,
    })
    .await
    .unwrap_err();
    assert!(matches!(error, ApiError::TooLarge(_)), "{error:?}");

    assert!(peer.requests().is_empty());
}

#[tokio::test]
async fn atlas_range_query_maps_columns_to_series() {
    let peer = AtlasPeer::start();
    let q = "name,requests,:eq,(,nf.app,),:by";
    peer.set(
        q,
        AtlasAnswer::Series(vec![
            AtlasSeries::new(
                &[("name", "requests"), ("nf.app", "api")],
                &[1.0, f64::NAN, 3.0],
            ),
            AtlasSeries::new(&[("name", "requests"), ("nf.app", "web")], &[4.0, 5.0, 6.0]),
        ]),
    );
    let range = QueryRange {
        start_ms: T0,
        end_ms: T0 + 180_000,
        step_ms: 60_000,
    };

    let result = atlas(&peer)
        .query("prod", "atlas-main", q, Some(range))
        .await
        .unwrap();

    let request = &peer.requests()[0];
    assert_eq!(request.path, "/api/v1/graph");
    assert_eq!(request.param("q"), Some(q));
    assert_eq!(request.param("format"), Some("std.json"));
    assert_eq!(request.param("s"), Some("1699999980000"));
    assert_eq!(request.param("e"), Some("1700000160000"));
    assert_eq!(request.param("step"), Some("PT60S"));

    assert_eq!(result.len(), 2);
    assert_eq!(
        labels(&result[0]),
        [("name", "requests"), ("nf.app", "api")]
    );
    assert_eq!(
        labels(&result[1]),
        [("name", "requests"), ("nf.app", "web")]
    );
    let steps = [T0 + 60_000, T0 + 120_000, T0 + 180_000];
    assert_eq!(timestamps(&result[0]), steps);
    assert_eq!(timestamps(&result[1]), steps);
    let api = values(&result[0]);
    assert_eq!((api[0], api[2]), (1.0, 3.0));
    assert!(api[1].is_nan(), "NaN is kept");
    assert_eq!(values(&result[1]), [4.0, 5.0, 6.0]);
}

#[tokio::test]
async fn atlas_without_range_queries_the_last_five_minutes_by_minute() {
    let peer = AtlasPeer::start();
    peer.set(
        "name,cpu,:eq",
        AtlasAnswer::Series(vec![AtlasSeries::new(&[("name", "cpu")], &[0.5; 5])]),
    );

    let before = now_ms();
    let result = atlas(&peer)
        .query("prod", "atlas-main", "name,cpu,:eq", None)
        .await
        .unwrap();
    let after = now_ms();

    let request = &peer.requests()[0];
    let start: i64 = request.param("s").unwrap().parse().unwrap();
    let end: i64 = request.param("e").unwrap().parse().unwrap();
    assert!((before..=after).contains(&end), "ends at the host's now");
    assert_eq!(end - start, 5 * 60_000);
    assert_eq!(request.param("step"), Some("PT60S"));
    assert_eq!(values(&result[0]), [0.5; 5]);
}

#[tokio::test]
async fn atlas_bad_expression_is_invalid_and_failures_unavailable() {
    let peer = AtlasPeer::start();
    peer.set(
        "name,cpu,:foo",
        AtlasAnswer::Error {
            status: 400,
            message: "IllegalArgumentException: unknown word ':foo'".into(),
        },
    );
    peer.set(
        "name,cpu,:eq",
        AtlasAnswer::Error {
            status: 500,
            message: "backend exploded".into(),
        },
    );
    let provider = atlas(&peer);

    let error = provider
        .query("prod", "atlas-main", "name,cpu,:foo", None)
        .await
        .unwrap_err();
    assert_eq!(
        error,
        ApiError::Invalid(
            "metrics backend 'atlas-main' rejected the query: \
             IllegalArgumentException: unknown word ':foo'"
                .into()
        )
    );

    let error = provider
        .query("prod", "atlas-main", "name,cpu,:eq", None)
        .await
        .unwrap_err();
    assert!(
        matches!(&error, ApiError::Unavailable(m) if m.contains("500") && m.contains("exploded")),
        "{error:?}"
    );
}

#[tokio::test]
async fn atlas_too_many_samples_is_too_large() {
    let peer = AtlasPeer::start();
    let series = (0..3)
        .map(|i| AtlasSeries::new(&[("i", &i.to_string())], &[1.0; 5]))
        .collect();
    peer.set("many", AtlasAnswer::Series(series));
    let provider = MetricsProvider::new(MetricsConfig {
        max_samples: 10,
        ..config(&[("atlas-main", BackendKind::Atlas, peer.url())])
    });

    let error = provider
        .query("prod", "atlas-main", "many", None)
        .await
        .unwrap_err();

    assert!(
        matches!(&error, ApiError::TooLarge(m) if m.contains("15 samples")),
        "{error:?}"
    );
}

#[test]
fn series_round_trip_through_json_with_non_finite_values() {
    let series = Series {
        labels: vec![("job".into(), "api".into())],
        samples: vec![
            Sample {
                timestamp_ms: 1,
                value: 0.25,
            },
            Sample {
                timestamp_ms: 2,
                value: f64::NAN,
            },
            Sample {
                timestamp_ms: 3,
                value: f64::NEG_INFINITY,
            },
        ],
    };

    let json = serde_json::to_string(&series).unwrap();
    assert!(
        json.contains(r#""value":"NaN""#) && json.contains(r#""value":"-Inf""#),
        "{json}"
    );
    let back: Series = serde_json::from_str(&json).unwrap();

    assert_eq!(back.labels, series.labels);
    assert_eq!(back.samples[0], series.samples[0]);
    assert!(back.samples[1].value.is_nan());
    assert_eq!(back.samples[2].value, f64::NEG_INFINITY);
}

#[test]
fn the_documented_toml_configures_backends_and_rejects_unknown_fields() {
    let config: MetricsConfig = toml::from_str(
        r#"
        timeout_ms = 2000
        [environments.prod.backends.atlas-main]
        kind = "atlas"
        url = "http://atlas:7101"
        [environments.prod.backends.prom]
        kind = "prometheus"
        url = "http://prometheus:9090"
        "#,
    )
    .unwrap();
    let prod = &config.environments["prod"].backends;
    assert_eq!(prod["atlas-main"].kind, BackendKind::Atlas);
    assert_eq!(prod["prom"].url, "http://prometheus:9090");
    assert_eq!(config.timeout_ms, 2000);
    assert_eq!(config.max_samples, 10_000, "default");

    let typo = toml::from_str::<MetricsConfig>(
        r#"
        [environments.prod.backends.prom]
        kind = "prometheus"
        uri = "http://prometheus:9090"
        "#,
    );
    assert!(typo.is_err());
}
