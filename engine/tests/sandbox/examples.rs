//! The example runbooks, built from source, against their own sample events.

use serde_json::{Value, json};
use wolfe_engine::{EventInput, LoadedRunbook, LogStream, Outcome};

use crate::support::{kafka_example, quotas, request, runtime, sample_event};

fn load(example: &str) -> LoadedRunbook {
    let component = wolfe_testkit::built(&wolfe_testkit::example_dir(example));
    runtime().load_file(&component).unwrap()
}

async fn decide(runbook: &LoadedRunbook, event: EventInput) -> Value {
    let result = runtime()
        .execute(runbook, &request(json!({}), vec![event]), &quotas())
        .await
        .unwrap();
    assert_eq!(result.outcome, Outcome::Succeeded, "{:?}", result.failure);
    result.output.unwrap()
}

/// Sample events that carry their own `received_at` keep it.
fn sample_event_as_filed(example: &str, file: &str) -> EventInput {
    let mut event = sample_event(example, file);
    let path = wolfe_testkit::example_dir(example)
        .join("events")
        .join(file);
    let value: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    if let Some(received_at) = value["received_at"].as_str() {
        event.received_at = received_at.into();
    }
    event
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kafka_broker_offline_decides_per_sample_event() {
    let kafka = kafka_example();
    for (file, action) in [
        ("broker-down-healthy-host.json", "restart_broker"),
        ("instance-impaired.json", "replace_instance"),
        ("several-brokers-down.json", "page_oncall"),
    ] {
        let output = decide(&kafka, sample_event("kafka-broker-offline", file)).await;
        assert_eq!(output["action"], json!(action), "{file}: {output}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kafka_broker_offline_logs_its_diagnosis_with_fields() {
    let event = sample_event("kafka-broker-offline", "broker-down-healthy-host.json");
    let result = runtime()
        .execute(
            &kafka_example(),
            &request(json!({}), vec![event]),
            &quotas(),
        )
        .await
        .unwrap();
    let diagnosis = &result.logs.records[0];
    assert_eq!(diagnosis.stream, LogStream::Log);
    assert_eq!(diagnosis.fields["broker_id"], json!(7));
    assert_eq!(diagnosis.fields["cluster"], json!("kafka-events-prod"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn squelch_false_positive_squelches_only_false_positives() {
    let squelch = load("squelch-false-positive");
    for (file, squelched) in [
        ("genuine-error-spike.json", false),
        ("low-traffic-blip.json", true),
        ("resolved.json", true),
    ] {
        let event = sample_event_as_filed("squelch-false-positive", file);
        let output = decide(&squelch, event).await;
        assert_eq!(output["squelch"], json!(squelched), "{file}: {output}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_rust_sdk_example_builds_and_runs() {
    let disk = load("disk-pressure-rust");
    for (file, action) in [
        ("disk-filling-fast.json", "page_oncall"),
        ("disk-slowly-full.json", "clean_tmp"),
    ] {
        let output = decide(&disk, sample_event("disk-pressure-rust", file)).await;
        assert_eq!(output[0]["action"], json!(action), "{file}: {output}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_rust_sdk_turns_a_bad_payload_into_a_failure() {
    let disk = load("disk-pressure-rust");
    let event = EventInput {
        payload: json!({"status": "firing"}),
        ..sample_event("disk-pressure-rust", "disk-slowly-full.json")
    };
    let result = runtime()
        .execute(&disk, &request(json!({}), vec![event]), &quotas())
        .await
        .unwrap();
    assert_eq!(result.outcome, Outcome::Failed);
    assert!(
        result
            .failure
            .unwrap()
            .message
            .contains("missing field `labels`")
    );
}
