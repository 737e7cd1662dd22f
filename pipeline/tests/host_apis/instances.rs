//! EC2 instances from both probes, against moto.

use std::sync::Arc;

use serde_json::json;
use wolfe_host_apis::providers::Providers;
use wolfe_host_apis::providers::instances::InstancesProvider;
use wolfe_testkit::moto::MotoServer;
use wolfe_testkit::peers::ec2::{Ec2Peer, REGION};

use crate::support::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn both_probes_describe_and_act_within_the_scope() {
    let ec2 = Ec2Peer::new(MotoServer::shared());
    let config = serde_json::from_value(json!({
        "region": REGION,
        "endpoint_url": ec2.endpoint_url(),
        "credentials": {"access_key_id": "testing", "secret_access_key": "testing"},
    }))
    .unwrap();
    let providers = Providers {
        instances: Some(Arc::new(InstancesProvider::new(config).await.unwrap())),
        ..Providers::default()
    };
    let h = Harness::start(None, providers).await;
    let reboot_only =
        grant(json!({"instances": {"applications": ["kafka"], "actions": ["reboot"]}}));
    let terminate = grant(
        json!({"instances": {"applications": ["kafka"], "actions": ["reboot", "terminate"]}}),
    );
    for probe in PROBES {
        let kafka = ec2.launch(&[("app", "kafka")]).await;
        let web = ec2.launch(&[("app", "web")]).await;
        let describe = [call("instances.describe", json!({"ids": [kafka]}))];
        let found = ok(&h.run(probe, &reboot_only, &describe).await.only());
        assert_eq!(found[0]["id"], json!(kafka), "{probe:?}");
        assert_eq!(found[0]["tags"]["app"], json!("kafka"));

        let out_of_scope = [call("instances.describe", json!({"ids": [web]}))];
        let run = h.run(probe, &reboot_only, &out_of_scope).await;
        assert_eq!(
            error_kind(&run.only()),
            "denied",
            "{probe:?}: another application"
        );

        let run = h
            .run(
                probe,
                &reboot_only,
                &[call("instances.terminate", json!({"id": kafka}))],
            )
            .await;
        assert_eq!(
            error_kind(&run.only()),
            "denied",
            "{probe:?}: terminate not granted"
        );
        assert_eq!(ec2.state(&kafka).await, "running");

        let run = h
            .dry_run(
                probe,
                &terminate,
                &[call("instances.terminate", json!({"id": kafka}))],
            )
            .await;
        assert_eq!(ok(&run.only()), json!({"simulated": true}));
        assert_eq!(ec2.state(&kafka).await, "running", "{probe:?}: dry-run");

        let run = h
            .run(
                probe,
                &terminate,
                &[call("instances.terminate", json!({"id": kafka}))],
            )
            .await;
        assert_eq!(ok(&run.only()), json!({"simulated": false}));
        let state = ec2.state(&kafka).await;
        assert!(
            matches!(state.as_str(), "shutting-down" | "terminated"),
            "{state}"
        );
        let run = h
            .run(
                probe,
                &Default::default(),
                &[call("instances.describe", json!({"ids": []}))],
            )
            .await;
        assert_eq!(
            error_kind(&run.only()),
            "denied",
            "{probe:?}: nothing granted"
        );
    }
}
