//! Eureka from both probes: list, take out of service, dry-run, denial.

use std::sync::Arc;

use serde_json::json;
use wolfe_host_apis::providers::Providers;
use wolfe_host_apis::providers::discovery::DiscoveryProvider;
use wolfe_testkit::peers::eureka::{EurekaInstance, EurekaPeer};

use crate::support::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn both_probes_list_and_change_status_within_the_grant() {
    let eureka = EurekaPeer::start();
    eureka.register(
        "KAFKA",
        EurekaInstance::up("kafka-1", "kafka-1.internal", "10.0.0.1", 9092),
    );
    let config =
        serde_json::from_value(json!({"environments": {ENV: {"url": eureka.url()}}})).unwrap();
    let providers = Providers {
        discovery: Some(Arc::new(DiscoveryProvider::new(config))),
        ..Providers::default()
    };
    let h = Harness::start(None, providers).await;
    let granted = grant(json!({"discovery": ["kafka"]}));
    let status = |s: &str| {
        call(
            "discovery.set_status",
            json!({"app": "kafka", "instance_id": "kafka-1", "status": s}),
        )
    };
    for probe in PROBES {
        let list = [call("discovery.instances", json!({"app": "kafka"}))];
        let found = ok(&h.run(probe, &granted, &list).await.only());
        assert_eq!(found[0]["id"], json!("kafka-1"), "{probe:?}");
        assert_eq!(found[0]["port"], json!(9092));

        let run = h
            .dry_run(probe, &granted, &[status("OUT_OF_SERVICE")])
            .await;
        assert_eq!(ok(&run.only()), json!({"simulated": true}));
        assert_eq!(
            eureka.instance("KAFKA", "kafka-1").unwrap().status,
            "UP",
            "{probe:?}: dry-run"
        );

        let run = h.run(probe, &granted, &[status("OUT_OF_SERVICE")]).await;
        assert_eq!(ok(&run.only()), json!({"simulated": false}));
        assert_eq!(
            eureka.instance("KAFKA", "kafka-1").unwrap().status,
            "OUT_OF_SERVICE"
        );
        h.run(probe, &granted, &[status("UP")]).await;
        assert_eq!(
            eureka.instance("KAFKA", "kafka-1").unwrap().status,
            "UP",
            "{probe:?}"
        );

        let other = grant(json!({"discovery": ["web"]}));
        let run = h.run(probe, &other, &[status("OUT_OF_SERVICE")]).await;
        assert_eq!(error_kind(&run.only()), "denied", "{probe:?}");
        assert_eq!(eureka.instance("KAFKA", "kafka-1").unwrap().status, "UP");
    }
}
