//! The discovery provider against a Eureka peer on loopback.

use std::collections::BTreeMap;

use wolfe_host_apis::ApiError;
use wolfe_host_apis::providers::discovery::{
    DiscoveryConfig, DiscoveryInstance, DiscoveryProvider, DiscoveryStatus, EurekaConfig,
    StatusChanged,
};
use wolfe_testkit::peers::eureka::{EurekaInstance, EurekaPeer};

/// Instance ids as Eureka clients build them by default: `host:app:port`.
const FIRST: &str = "10.0.0.1:orders:8080";
const SECOND: &str = "10.0.0.2:orders:8080";

fn provider(url: String) -> DiscoveryProvider {
    DiscoveryProvider::new(DiscoveryConfig {
        environments: BTreeMap::from([("prod".to_string(), EurekaConfig { url })]),
        ..DiscoveryConfig::default()
    })
}

/// A peer with application `ORDERS` of two instances.
fn eureka() -> EurekaPeer {
    let peer = EurekaPeer::start();
    peer.register(
        "orders",
        EurekaInstance::up(FIRST, "orders-1.internal", "10.0.0.1", 8080),
    );
    peer.register(
        "orders",
        EurekaInstance::up(SECOND, "orders-2.internal", "10.0.0.2", 8080),
    );
    peer
}

fn changes(peer: &EurekaPeer) -> Vec<String> {
    peer.requests()
        .into_iter()
        .filter(|r| r.method != "GET")
        .map(|r| format!("{} {}", r.method, r.path))
        .collect()
}

#[tokio::test]
async fn lists_an_applications_instances() {
    let peer = eureka();

    let instances = provider(peer.url())
        .instances("prod", "orders")
        .await
        .unwrap();

    assert_eq!(
        instances,
        [
            DiscoveryInstance {
                id: FIRST.into(),
                app: "ORDERS".into(),
                host_name: "orders-1.internal".into(),
                ip_addr: "10.0.0.1".into(),
                status: "UP".into(),
                port: Some(8080),
            },
            DiscoveryInstance {
                id: SECOND.into(),
                app: "ORDERS".into(),
                host_name: "orders-2.internal".into(),
                ip_addr: "10.0.0.2".into(),
                status: "UP".into(),
                port: Some(8080),
            },
        ]
    );
    let request = &peer.requests()[0];
    assert_eq!(request.method, "GET");
    assert_eq!(request.path, "/eureka/apps/ORDERS");
    assert_eq!(request.header("accept"), Some("application/json"));
}

#[tokio::test]
async fn a_lone_instance_written_as_an_object_is_listed() {
    let peer = EurekaPeer::start();
    peer.register(
        "billing",
        EurekaInstance::up("i-0abc", "billing-1.internal", "10.0.1.1", 9090),
    );
    peer.single_instance_as_object(true);

    let instances = provider(peer.url())
        .instances("prod", "billing")
        .await
        .unwrap();

    assert_eq!(instances.len(), 1);
    assert_eq!(instances[0].id, "i-0abc");
    assert_eq!(instances[0].port, Some(9090));
}

#[tokio::test]
async fn an_unknown_application_is_not_found() {
    let peer = eureka();

    let error = provider(peer.url())
        .instances("prod", "payments")
        .await
        .unwrap_err();

    assert!(
        matches!(&error, ApiError::NotFound(m) if m.contains("'PAYMENTS'") && m.contains("'prod'")),
        "{error:?}"
    );
}

#[tokio::test]
async fn out_of_service_then_up_changes_the_instance_in_eureka() {
    let peer = eureka();
    let provider = provider(peer.url());

    let changed = provider
        .set_status("prod", "orders", FIRST, DiscoveryStatus::OutOfService)
        .await
        .unwrap();

    assert_eq!(
        changed,
        StatusChanged {
            app: "ORDERS".into(),
            instance_id: FIRST.into(),
            status: DiscoveryStatus::OutOfService,
            previous_status: "UP".into(),
        }
    );
    let first = peer.instance("orders", FIRST).unwrap();
    assert_eq!(first.status, "OUT_OF_SERVICE");
    assert_eq!(first.overridden_status, "OUT_OF_SERVICE");
    assert_eq!(
        peer.instance("orders", SECOND).unwrap().status,
        "UP",
        "only the one"
    );
    let put = peer
        .requests()
        .into_iter()
        .find(|r| r.method == "PUT")
        .unwrap();
    assert_eq!(put.path, format!("/eureka/apps/ORDERS/{FIRST}/status"));
    assert_eq!(put.param("value"), Some("OUT_OF_SERVICE"));
    let listed = provider.instances("prod", "orders").await.unwrap();
    assert_eq!(listed[0].status, "OUT_OF_SERVICE");

    let changed = provider
        .set_status("prod", "orders", FIRST, DiscoveryStatus::Up)
        .await
        .unwrap();

    assert_eq!(changed.status, DiscoveryStatus::Up);
    assert_eq!(changed.previous_status, "OUT_OF_SERVICE");
    let first = peer.instance("orders", FIRST).unwrap();
    assert_eq!(first.status, "UP");
    assert_eq!(first.overridden_status, "UNKNOWN", "override removed");
    let delete = peer
        .requests()
        .into_iter()
        .find(|r| r.method == "DELETE")
        .unwrap();
    assert_eq!(delete.path, format!("/eureka/apps/ORDERS/{FIRST}/status"));
    assert_eq!(delete.param("value"), Some("UP"));
}

#[tokio::test]
async fn an_unknown_instance_or_application_is_not_found_and_nothing_changes() {
    let peer = eureka();
    let provider = provider(peer.url());

    let error = provider
        .set_status(
            "prod",
            "orders",
            "10.0.0.9:orders:8080",
            DiscoveryStatus::OutOfService,
        )
        .await
        .unwrap_err();
    assert!(
        matches!(&error, ApiError::NotFound(m) if m.contains("'10.0.0.9:orders:8080'") && m.contains("'ORDERS'")),
        "{error:?}"
    );

    let error = provider
        .set_status("prod", "payments", FIRST, DiscoveryStatus::OutOfService)
        .await
        .unwrap_err();
    assert!(matches!(error, ApiError::NotFound(_)), "{error:?}");

    assert!(changes(&peer).is_empty());
}

#[tokio::test]
async fn authorize_set_status_checks_the_instance_and_changes_nothing() {
    let peer = eureka();
    let provider = provider(peer.url());

    let instance = provider
        .authorize_set_status("prod", "orders", SECOND)
        .await
        .unwrap();
    assert_eq!(instance.id, SECOND);
    assert_eq!(instance.status, "UP");

    let error = provider
        .authorize_set_status("prod", "orders", "nope")
        .await
        .unwrap_err();
    assert!(matches!(error, ApiError::NotFound(_)), "{error:?}");

    assert!(changes(&peer).is_empty());
    assert_eq!(peer.instance("orders", SECOND).unwrap().status, "UP");
}

#[tokio::test]
async fn an_environment_without_eureka_is_unavailable() {
    let peer = eureka();

    let error = provider(peer.url())
        .instances("staging", "orders")
        .await
        .unwrap_err();

    assert_eq!(
        error,
        ApiError::Unavailable("no Eureka is configured for environment 'staging'".into())
    );
    assert!(peer.requests().is_empty());
}

#[tokio::test]
async fn eureka_down_or_failing_is_unavailable() {
    let peer = eureka();
    let provider = provider(peer.url());

    peer.fail_with(Some(500));
    let error = provider.instances("prod", "orders").await.unwrap_err();
    assert!(
        matches!(&error, ApiError::Unavailable(m) if m.contains("500")),
        "{error:?}"
    );

    let url = peer.url();
    drop(peer);
    let error = provider
        .set_status("prod", "orders", FIRST, DiscoveryStatus::OutOfService)
        .await
        .unwrap_err();
    assert!(
        matches!(&error, ApiError::Unavailable(m) if m.contains(&url)),
        "{error:?}"
    );
}

#[tokio::test]
async fn empty_names_are_invalid() {
    let peer = eureka();
    let provider = provider(peer.url());

    let error = provider.instances("prod", "").await.unwrap_err();
    assert!(matches!(error, ApiError::Invalid(_)), "{error:?}");
    let error = provider
        .set_status("prod", "orders", "", DiscoveryStatus::OutOfService)
        .await
        .unwrap_err();
    assert!(matches!(error, ApiError::Invalid(_)), "{error:?}");

    assert!(peer.requests().is_empty());
}

#[tokio::test]
async fn a_bad_configured_url_is_unavailable_without_its_credentials() {
    let error = provider("not a url, user:hunter2".into())
        .instances("prod", "orders")
        .await
        .unwrap_err();

    let ApiError::Unavailable(message) = error else {
        panic!("expected unavailable, got {error:?}");
    };
    assert!(message.contains("'prod'"), "{message}");
    assert!(!message.contains("hunter2"), "no credentials in {message}");
}

#[test]
fn the_receipt_round_trips_through_json() {
    let changed = StatusChanged {
        app: "ORDERS".into(),
        instance_id: FIRST.into(),
        status: DiscoveryStatus::OutOfService,
        previous_status: "UP".into(),
    };

    let json = serde_json::to_string(&changed).unwrap();

    assert!(json.contains(r#""status":"OUT_OF_SERVICE""#), "{json}");
    assert_eq!(
        serde_json::from_str::<StatusChanged>(&json).unwrap(),
        changed
    );
}

#[test]
fn the_documented_toml_configures_eureka_per_environment() {
    let config: DiscoveryConfig = toml::from_str(
        r#"
        [environments.prod]
        url = "http://eureka:8080/eureka"
        "#,
    )
    .unwrap();

    assert_eq!(config.environments["prod"].url, "http://eureka:8080/eureka");
    assert_eq!(config.timeout_ms, 5_000, "default");
    assert!(toml::from_str::<DiscoveryConfig>("[environments.prod]\nuri = \"x\"").is_err());
}
