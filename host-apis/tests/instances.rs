//! The instances provider against EC2 as moto serves it: scope checks,
//! actions and failures. Each test uses application names of its own, as
//! they share one moto server.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use wolfe_host_apis::ApiError;
use wolfe_host_apis::grant::InstanceScope;
use wolfe_host_apis::providers::instances::{
    ActionTaken, Instance, InstanceAction, InstancesConfig, InstancesProvider, Redacted,
    StaticCredentials,
};
use wolfe_testkit::moto::MotoServer;
use wolfe_testkit::peers::ec2::{Ec2Peer, REGION};

fn config(peer: &Ec2Peer) -> InstancesConfig {
    InstancesConfig {
        endpoint_url: Some(peer.endpoint_url().to_owned()),
        credentials: Some(StaticCredentials {
            access_key_id: "test".into(),
            secret_access_key: Redacted("moto-takes-anything".into()),
            session_token: None,
        }),
        ..InstancesConfig::new(REGION)
    }
}

async fn shared() -> (Ec2Peer, InstancesProvider) {
    let peer = Ec2Peer::new(MotoServer::shared());
    let provider = InstancesProvider::new(config(&peer)).await.unwrap();
    (peer, provider)
}

fn apps(applications: &[&str], actions: &[&str]) -> InstanceScope {
    InstanceScope {
        applications: applications.iter().map(|a| (*a).to_owned()).collect(),
        tags: BTreeMap::new(),
        actions: actions.iter().map(|a| (*a).to_owned()).collect(),
    }
}

fn tagged(tags: &[(&str, &str)]) -> InstanceScope {
    InstanceScope {
        applications: Vec::new(),
        tags: pairs(tags).into_iter().collect(),
        actions: Vec::new(),
    }
}

fn pairs(tags: &[(&str, &str)]) -> Vec<(String, String)> {
    tags.iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

fn ids(instances: &[Instance]) -> Vec<&str> {
    instances.iter().map(|i| i.id.as_str()).collect()
}

fn sorted(mut ids: Vec<&str>) -> Vec<&str> {
    ids.sort();
    ids
}

#[tokio::test]
async fn describe_returns_instances_in_scope_with_their_details() {
    let (peer, provider) = shared().await;
    let kafka = peer.launch(&[("app", "kafka-describe"), ("az", "a")]).await;

    let described = provider
        .describe(
            &apps(&["kafka-describe"], &[]),
            std::slice::from_ref(&kafka),
        )
        .await
        .unwrap();

    assert_eq!(described.len(), 1);
    let instance = &described[0];
    assert_eq!(instance.id, kafka);
    assert_eq!(instance.state, "running");
    assert_eq!(instance.instance_type, "t3.micro");
    assert!(instance.private_ip.is_some(), "{instance:?}");
    assert_eq!(
        instance.tags,
        pairs(&[("app", "kafka-describe"), ("az", "a")])
    );
}

#[tokio::test]
async fn describing_an_instance_outside_the_scope_is_denied_without_its_details() {
    let (peer, provider) = shared().await;
    let kafka = peer.launch(&[("app", "kafka-deny")]).await;
    let web = peer.launch(&[("app", "web-deny")]).await;
    let scope = apps(&["kafka-deny"], &[]);

    for asked in [vec![web.clone()], vec![kafka.clone(), web.clone()]] {
        let error = provider.describe(&scope, &asked).await.unwrap_err();
        let ApiError::Denied(message) = &error else {
            panic!("expected denied, got {error:?}");
        };
        assert!(message.contains(&web), "{message}");
        assert!(!message.contains(&kafka), "{message}");
        assert!(!message.contains("web-deny"), "leaks tags: {message}");
        assert!(!message.contains("running"), "leaks state: {message}");
    }
}

#[tokio::test]
async fn describe_without_ids_lists_every_instance_in_scope() {
    let (peer, provider) = shared().await;
    let kafka = peer.launch(&[("app", "kafka-all")]).await;
    let web_of_team = peer.launch(&[("app", "web-all"), ("team", "all")]).await;
    let _web = peer.launch(&[("app", "web-all")]).await;
    let _other = peer.launch(&[("app", "other-all")]).await;
    let scope = InstanceScope {
        tags: pairs(&[("team", "all")]).into_iter().collect(),
        ..apps(&["kafka-all"], &[])
    };

    let described = provider.describe(&scope, &[]).await.unwrap();

    assert_eq!(
        ids(&described),
        sorted(vec![kafka.as_str(), web_of_team.as_str()])
    );
    assert!(
        provider
            .describe(&InstanceScope::default(), &[])
            .await
            .unwrap()
            .is_empty(),
        "an empty scope covers nothing"
    );
}

#[tokio::test]
async fn find_returns_instances_with_every_tag_within_the_scope() {
    let (peer, provider) = shared().await;
    let kafka_a = peer.launch(&[("app", "kafka-find"), ("az", "a")]).await;
    let _kafka_b = peer.launch(&[("app", "kafka-find"), ("az", "b")]).await;
    let _web_a = peer.launch(&[("app", "web-find"), ("az", "a")]).await;
    let scope = apps(&["kafka-find"], &[]);

    let found = provider.find(&scope, &pairs(&[("az", "a")])).await.unwrap();
    assert_eq!(ids(&found), vec![kafka_a.as_str()]);

    let outside = pairs(&[("app", "web-find")]);
    assert!(provider.find(&scope, &outside).await.unwrap().is_empty());

    let exact = pairs(&[("app", "kafka-find"), ("az", "*")]);
    assert!(
        provider.find(&scope, &exact).await.unwrap().is_empty(),
        "tag values are matched exactly, not as EC2 patterns"
    );
}

#[tokio::test]
async fn a_scope_by_tags_needs_every_pair() {
    let (peer, provider) = shared().await;
    let both = peer
        .launch(&[("app", "db-tags"), ("team", "tags"), ("env", "prod")])
        .await;
    let one = peer.launch(&[("app", "db-tags"), ("team", "tags")]).await;
    let scope = tagged(&[("team", "tags"), ("env", "prod")]);

    let described = provider.describe(&scope, &[]).await.unwrap();
    assert_eq!(ids(&described), vec![both.as_str()]);
    let by_id = provider
        .describe(&scope, std::slice::from_ref(&both))
        .await
        .unwrap();
    assert_eq!(ids(&by_id), vec![both.as_str()]);
    let error = provider
        .describe(&scope, std::slice::from_ref(&one))
        .await
        .unwrap_err();
    assert!(
        matches!(&error, ApiError::Denied(m) if m.contains(&one)),
        "{error:?}"
    );
    let found = provider.find(&scope, &pairs(&[("app", "db-tags")])).await;
    assert_eq!(ids(&found.unwrap()), vec![both.as_str()]);
}

#[tokio::test]
async fn reboot_reaches_ec2_when_granted() {
    let (peer, provider) = shared().await;
    let id = peer.launch(&[("app", "kafka-reboot")]).await;
    // moto's reboot marks an instance running whatever its state, so a
    // stopped instance shows that the call reached EC2.
    peer.stop(&id).await;

    let taken = provider
        .reboot(&apps(&["kafka-reboot"], &["reboot"]), &id)
        .await
        .unwrap();

    assert_eq!(taken.instance_id, id);
    assert_eq!(taken.action, InstanceAction::Reboot);
    assert_eq!(taken.previous_state, "stopped");
    assert_eq!(peer.state(&id).await, "running");
}

#[tokio::test]
async fn terminate_ends_the_instance_when_granted() {
    let (peer, provider) = shared().await;
    let id = peer.launch(&[("app", "kafka-terminate")]).await;

    let taken = provider
        .terminate(&apps(&["kafka-terminate"], &["reboot", "terminate"]), &id)
        .await
        .unwrap();

    assert_eq!(taken.action, InstanceAction::Terminate);
    assert_eq!(taken.previous_state, "running");
    let ending = ["shutting-down", "terminated"];
    let state = peer.state(&id).await;
    assert!(ending.contains(&state.as_str()), "{state}");
    let reported = taken.current_state.clone().unwrap_or_default();
    assert!(ending.contains(&reported.as_str()), "{reported}");
    // The glue stores the receipt and replays it on a retried execution.
    let json = serde_json::to_value(&taken).unwrap();
    assert_eq!(json["action"], "terminate");
    assert_eq!(serde_json::from_value::<ActionTaken>(json).unwrap(), taken);
}

#[tokio::test]
async fn an_action_not_granted_is_denied_and_not_taken() {
    let (peer, provider) = shared().await;
    let id = peer.launch(&[("app", "kafka-nogrant")]).await;
    let reboot_only = apps(&["kafka-nogrant"], &["reboot"]);

    let error = provider.terminate(&reboot_only, &id).await.unwrap_err();
    assert!(
        matches!(&error, ApiError::Denied(m) if m.contains("terminate") && m.contains(&id)),
        "{error:?}"
    );
    let error = provider.reboot(&apps(&["kafka-nogrant"], &[]), &id).await;
    assert!(matches!(error, Err(ApiError::Denied(m)) if m.contains("reboot")));
    assert_eq!(peer.state(&id).await, "running");
}

#[tokio::test]
async fn an_action_on_an_instance_outside_the_scope_is_denied_and_not_taken() {
    let (peer, provider) = shared().await;
    let web = peer.launch(&[("app", "web-outside")]).await;
    let scope = apps(&["kafka-outside"], &["reboot", "terminate"]);

    let error = provider.terminate(&scope, &web).await.unwrap_err();
    assert!(
        matches!(&error, ApiError::Denied(m) if m.contains(&web) && m.contains("scope")),
        "{error:?}"
    );
    assert_eq!(peer.state(&web).await, "running");
}

#[tokio::test]
async fn authorize_checks_everything_but_does_not_act() {
    let (peer, provider) = shared().await;
    let id = peer.launch(&[("app", "kafka-authorize")]).await;
    let scope = apps(&["kafka-authorize"], &["terminate"]);

    let instance = provider
        .authorize(&scope, &id, InstanceAction::Terminate)
        .await
        .unwrap();
    assert_eq!(instance.id, id);
    assert_eq!(peer.state(&id).await, "running");

    let denied = provider
        .authorize(&scope, &id, InstanceAction::Reboot)
        .await;
    assert!(matches!(denied, Err(ApiError::Denied(_))), "{denied:?}");
    let unknown = provider
        .authorize(&scope, "i-00000000000000000", InstanceAction::Terminate)
        .await;
    assert!(matches!(unknown, Err(ApiError::NotFound(_))), "{unknown:?}");
}

#[tokio::test]
async fn an_unknown_id_is_not_found_and_a_malformed_one_invalid() {
    let (peer, provider) = shared().await;
    let known = peer.launch(&[("app", "kafka-unknown")]).await;
    let scope = apps(&["kafka-unknown"], &["terminate"]);
    let unknown = "i-0123456789abcdef0".to_owned();

    let error = provider
        .describe(&scope, &[known, unknown.clone()])
        .await
        .unwrap_err();
    assert!(
        matches!(&error, ApiError::NotFound(m) if m.contains(&unknown)),
        "{error:?}"
    );
    let error = provider.terminate(&scope, &unknown).await.unwrap_err();
    assert!(matches!(error, ApiError::NotFound(_)), "{error:?}");

    let error = provider
        .describe(&scope, &["i-not-an-id".to_owned()])
        .await
        .unwrap_err();
    assert!(
        matches!(&error, ApiError::Invalid(m) if m.contains("i-not-an-id")),
        "{error:?}"
    );
}

#[tokio::test]
async fn an_unreachable_endpoint_is_unavailable() {
    let moto = MotoServer::start().unwrap();
    let peer = Ec2Peer::new(&moto);
    let id = peer.launch(&[("app", "kafka-outage")]).await;
    let provider = InstancesProvider::new(InstancesConfig {
        timeout_seconds: 5,
        ..config(&peer)
    })
    .await
    .unwrap();
    moto.stop();

    let scope = apps(&["kafka-outage"], &["reboot"]);
    let started = Instant::now();
    let error = provider
        .describe(&scope, std::slice::from_ref(&id))
        .await
        .unwrap_err();
    assert!(
        started.elapsed() < Duration::from_secs(15),
        "{:?}",
        started.elapsed()
    );
    let ApiError::Unavailable(message) = &error else {
        panic!("expected unavailable, got {error:?}");
    };
    assert!(message.contains(&moto.endpoint_url()), "{message}");
    assert!(!message.contains("moto-takes-anything"), "{message}");
    let error = provider.reboot(&scope, &id).await.unwrap_err();
    assert!(matches!(error, ApiError::Unavailable(_)), "{error:?}");
    let error = provider.find(&scope, &[]).await.unwrap_err();
    assert!(matches!(error, ApiError::Unavailable(_)), "{error:?}");
}

/// A loopback endpoint that answers every request with `response`, or never
/// answers when it is none. Returns its URL.
async fn canned_endpoint(response: Option<&'static str>) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        let mut held = Vec::new();
        loop {
            let (mut stream, _) = listener.accept().await.unwrap();
            match response {
                Some(response) => {
                    tokio::spawn(async move {
                        use tokio::io::{AsyncReadExt, AsyncWriteExt};
                        let mut request = vec![0u8; 64 * 1024];
                        let _ = stream.read(&mut request).await;
                        let _ = stream.write_all(response.as_bytes()).await;
                    });
                }
                None => held.push(stream),
            }
        }
    });
    url
}

fn provider_config(endpoint: String, timeout_seconds: u64) -> InstancesConfig {
    InstancesConfig {
        endpoint_url: Some(endpoint),
        timeout_seconds,
        credentials: Some(StaticCredentials {
            access_key_id: "test".into(),
            secret_access_key: Redacted("test".into()),
            session_token: None,
        }),
        ..InstancesConfig::new(REGION)
    }
}

#[tokio::test]
async fn a_silent_endpoint_times_out_as_unavailable() {
    let endpoint = canned_endpoint(None).await;
    let provider = InstancesProvider::new(provider_config(endpoint.clone(), 1))
        .await
        .unwrap();

    let started = Instant::now();
    let error = provider
        .find(&apps(&["kafka"], &[]), &[])
        .await
        .unwrap_err();

    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    assert!(
        matches!(&error, ApiError::Unavailable(m) if m.contains("timed out") && m.contains(&endpoint)),
        "{error:?}"
    );
}

#[tokio::test]
async fn throttling_is_unavailable() {
    let body = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Response><Errors><Error>\
        <Code>RequestLimitExceeded</Code><Message>Request limit exceeded.</Message>\
        </Error></Errors><RequestID>1</RequestID></Response>";
    let throttled = format!(
        "HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/xml\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let provider = InstancesProvider::new(provider_config(
        canned_endpoint(Some(throttled.leak())).await,
        10,
    ))
    .await
    .unwrap();

    let error = provider
        .describe(&apps(&["kafka"], &[]), &["i-0123456789abcdef0".to_owned()])
        .await
        .unwrap_err();

    assert!(
        matches!(&error, ApiError::Unavailable(m) if m.contains("throttled") && m.contains("RequestLimitExceeded")),
        "{error:?}"
    );
}

#[tokio::test]
async fn the_config_reads_from_toml_with_defaults_and_hides_secrets() {
    let config: InstancesConfig = toml::from_str(
        r#"
        region = "eu-west-1"
        [credentials]
        access_key_id = "AKIAEXAMPLE"
        secret_access_key = "very-secret"
        "#,
    )
    .unwrap();
    assert_eq!(config.application_tag, "app");
    assert_eq!(config.timeout_seconds, 10);
    assert!(config.endpoint_url.is_none());
    assert!(!format!("{config:?}").contains("very-secret"));

    let unknown = toml::from_str::<InstancesConfig>("region = \"eu-west-1\"\nregoin = \"x\"");
    assert!(unknown.is_err());

    let empty = InstancesProvider::new(InstancesConfig::new("")).await;
    assert!(matches!(empty, Err(ApiError::Invalid(m)) if m.contains("region")));
}
