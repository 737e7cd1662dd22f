//! Metrics queries from both probes against Prometheus and Atlas peers.

use std::sync::Arc;

use serde_json::json;
use wolfe_host_apis::providers::Providers;
use wolfe_host_apis::providers::metrics::MetricsProvider;
use wolfe_testkit::peers::atlas::{AtlasAnswer, AtlasPeer, AtlasSeries};
use wolfe_testkit::peers::prometheus::{PromAnswer, PromSeries, PrometheusPeer};

use crate::support::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn granted_backends_answer_both_probes() {
    let prom = PrometheusPeer::start();
    let atlas = AtlasPeer::start();
    let now = wolfe_store::now_ms();
    prom.set(
        "kafka_under_replicated_partitions",
        PromAnswer::Vector(vec![PromSeries::new(
            &[("broker", "3")],
            &[(now - 10_000, "7")],
        )]),
    );
    atlas.set(
        "name,sys.cpu.utilization,:eq,:max",
        AtlasAnswer::Series(vec![AtlasSeries::new(&[("nf.app", "kafka")], &[0.5, 0.75])]),
    );
    let config = serde_json::from_value(json!({"environments": {ENV: {"backends": {
        "prom": {"kind": "prometheus", "url": prom.url()},
        "atlas": {"kind": "atlas", "url": atlas.url()},
    }}}}))
    .unwrap();
    let providers = Providers {
        metrics: Some(Arc::new(MetricsProvider::new(config))),
        ..Providers::default()
    };
    let h = Harness::start(None, providers).await;
    let granted = grant(json!({"metrics": ["prom", "atlas"]}));
    for probe in PROBES {
        let calls = [
            call(
                "metrics.query",
                json!({"backend": "prom", "query": "kafka_under_replicated_partitions", "range": null}),
            ),
            call(
                "metrics.query",
                json!({"backend": "atlas", "query": "name,sys.cpu.utilization,:eq,:max", "range": null}),
            ),
        ];
        let results = h.run(probe, &granted, &calls).await.results();
        let series = ok(&results[0]);
        assert_eq!(
            series[0]["labels"]["broker"],
            json!("3"),
            "{probe:?}: {series}"
        );
        assert_eq!(series[0]["samples"][0][1], json!(7.0), "{probe:?}");
        let series = ok(&results[1]);
        assert_eq!(series[0]["labels"]["nf.app"], json!("kafka"), "{probe:?}");
        let values: Vec<f64> = series[0]["samples"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|s| s[1].as_f64())
            .collect();
        assert!(values.contains(&0.75), "{probe:?}: {series}");
    }
    let other = grant(json!({"metrics": ["atlas"]}));
    for probe in PROBES {
        let calls = [call(
            "metrics.query",
            json!({"backend": "prom", "query": "up", "range": null}),
        )];
        let run = h.run(probe, &other, &calls).await;
        assert_eq!(error_kind(&run.only()), "denied", "{probe:?}");
    }
}
