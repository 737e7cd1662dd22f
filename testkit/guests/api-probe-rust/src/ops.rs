//! One function per op: decode the args, make the SDK call, encode the result.

use std::time::Duration;

use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use wolfe_sdk::discovery::{self, Status};
use wolfe_sdk::http::Request;
use wolfe_sdk::kv::{Scope, Store};
use wolfe_sdk::metrics::{self, Range};
use wolfe_sdk::notify::{self, Page, Severity};
use wolfe_sdk::{Effect, effects, events, instances, secrets};

use crate::Outcome;

type Answer = Result<Value, Outcome>;

pub fn run(op: &str, args: Value) -> Answer {
    match op {
        "kv.get" => kv_get(decode(op, args)?),
        "kv.set" => kv_set(decode(op, args)?),
        "kv.delete" => kv_delete(decode(op, args)?),
        "kv.scan" => kv_scan(decode(op, args)?),
        "kv.compare_and_set" => kv_compare_and_set(decode(op, args)?),
        "http.send" => http_send(decode(op, args)?),
        "secrets.get" => secrets_get(decode(op, args)?),
        "metrics.query" => metrics_query(decode(op, args)?),
        "instances.describe" => instances_describe(decode(op, args)?),
        "instances.find" => instances_find(decode(op, args)?),
        "instances.reboot" => effect(instances::reboot(&decode::<Id>(op, args)?.id)?),
        "instances.terminate" => effect(instances::terminate(&decode::<Id>(op, args)?.id)?),
        "discovery.instances" => discovery_instances(decode(op, args)?),
        "discovery.set_status" => discovery_set_status(decode(op, args)?),
        "notify.email" => notify_email(decode(op, args)?),
        "notify.chat" => notify_chat(decode(op, args)?),
        "notify.page_trigger" => notify_page_trigger(decode(op, args)?),
        "notify.page_resolve" => notify_page_resolve(decode(op, args)?),
        "events.emit" => events_emit(decode(op, args)?),
        "effects.set_idempotency_key" => effects_set_idempotency_key(decode(op, args)?),
        "effects.clear_idempotency_key" => {
            effects::clear_idempotency_key();
            Ok(Value::Null)
        }
        "log.info" => log_info(decode(op, args)?),
        _ => Err(Outcome::Probe(format!("not a known call: {op:?}"))),
    }
}

fn decode<T: DeserializeOwned>(op: &str, args: Value) -> Result<T, Outcome> {
    serde_json::from_value(args).map_err(|e| Outcome::Probe(format!("{op}: bad args: {e}")))
}

fn effect(effect: Effect) -> Answer {
    Ok(json!({ "simulated": effect.simulated }))
}

#[derive(Deserialize)]
#[serde(rename_all = "lowercase")]
enum ScopeArg {
    Runbook,
    Team,
}

fn store(scope: ScopeArg) -> Store {
    Store::new(match scope {
        ScopeArg::Runbook => Scope::Runbook,
        ScopeArg::Team => Scope::Team,
    })
}

#[derive(Deserialize)]
struct KvKey {
    scope: ScopeArg,
    key: String,
}

fn kv_get(a: KvKey) -> Answer {
    Ok(json!(store(a.scope).get(&a.key)?))
}

fn kv_delete(a: KvKey) -> Answer {
    effect(store(a.scope).delete(&a.key)?)
}

#[derive(Deserialize)]
struct KvSet {
    scope: ScopeArg,
    key: String,
    value: String,
    ttl_seconds: Option<u32>,
}

fn kv_set(a: KvSet) -> Answer {
    let store = store(a.scope);
    effect(match a.ttl_seconds {
        None => store.set(&a.key, &a.value)?,
        Some(ttl) => store.set_with_ttl(&a.key, &a.value, Duration::from_secs(ttl.into()))?,
    })
}

#[derive(Deserialize)]
struct KvScan {
    scope: ScopeArg,
    prefix: String,
    limit: u32,
}

fn kv_scan(a: KvScan) -> Answer {
    let entries = store(a.scope).scan(&a.prefix, a.limit)?;
    Ok(json!(entries))
}

#[derive(Deserialize)]
struct KvCompareAndSet {
    scope: ScopeArg,
    key: String,
    expected: Option<String>,
    value: String,
    ttl_seconds: Option<u32>,
}

fn kv_compare_and_set(a: KvCompareAndSet) -> Answer {
    let ttl = a.ttl_seconds.map(|s| Duration::from_secs(s.into()));
    let swap = store(a.scope).compare_and_set(&a.key, a.expected.as_deref(), &a.value, ttl)?;
    Ok(json!({ "swapped": swap.swapped, "simulated": swap.simulated }))
}

#[derive(Deserialize)]
struct HttpSend {
    method: String,
    url: String,
    headers: Vec<(String, String)>,
    body: Option<String>,
    timeout_ms: Option<u32>,
}

fn http_send(a: HttpSend) -> Answer {
    let mut request = Request::new(&a.method, a.url);
    for (name, value) in a.headers {
        request = request.header(name, value);
    }
    if let Some(body) = a.body {
        request = request.body(body);
    }
    if let Some(ms) = a.timeout_ms {
        request = request.timeout(Duration::from_millis(ms.into()));
    }
    let response = request.send()?;
    Ok(json!({
        "status": response.status,
        "headers": response.headers,
        "body": response.text(),
        "simulated": response.simulated,
    }))
}

#[derive(Deserialize)]
struct Name {
    name: String,
}

fn secrets_get(a: Name) -> Answer {
    Ok(json!(secrets::get(&a.name)?))
}

#[derive(Deserialize)]
struct MetricsQuery {
    backend: String,
    query: String,
    range: Option<Range>,
}

fn metrics_query(a: MetricsQuery) -> Answer {
    let found = match a.range {
        None => metrics::query(&a.backend, &a.query)?,
        Some(range) => metrics::query_range(&a.backend, &a.query, range)?,
    };
    let series: Vec<Value> = found
        .into_iter()
        .map(|s| {
            let samples: Vec<Value> = s
                .samples
                .iter()
                .map(|x| json!([x.timestamp_ms, x.value]))
                .collect();
            json!({ "labels": s.labels, "samples": samples })
        })
        .collect();
    Ok(Value::Array(series))
}

#[derive(Deserialize)]
struct Ids {
    ids: Vec<String>,
}

fn instances_describe(a: Ids) -> Answer {
    Ok(json!(instances::describe(&a.ids)?))
}

#[derive(Deserialize)]
struct Tags {
    tags: Vec<(String, String)>,
}

fn instances_find(a: Tags) -> Answer {
    Ok(json!(instances::find(&a.tags)?))
}

#[derive(Deserialize)]
struct Id {
    id: String,
}

#[derive(Deserialize)]
struct App {
    app: String,
}

fn discovery_instances(a: App) -> Answer {
    Ok(json!(discovery::instances(&a.app)?))
}

#[derive(Deserialize)]
enum StatusArg {
    #[serde(rename = "UP")]
    Up,
    #[serde(rename = "OUT_OF_SERVICE")]
    OutOfService,
}

#[derive(Deserialize)]
struct SetStatus {
    app: String,
    instance_id: String,
    status: StatusArg,
}

fn discovery_set_status(a: SetStatus) -> Answer {
    let status = match a.status {
        StatusArg::Up => Status::Up,
        StatusArg::OutOfService => Status::OutOfService,
    };
    effect(discovery::set_status(&a.app, &a.instance_id, status)?)
}

#[derive(Deserialize)]
struct Email {
    target: String,
    subject: String,
    body: String,
}

fn notify_email(a: Email) -> Answer {
    effect(notify::email(&a.target, &a.subject, &a.body)?)
}

#[derive(Deserialize)]
struct Chat {
    target: String,
    text: String,
}

fn notify_chat(a: Chat) -> Answer {
    effect(notify::chat(&a.target, &a.text)?)
}

#[derive(Deserialize)]
#[serde(rename_all = "lowercase")]
enum SeverityArg {
    Critical,
    Error,
    Warning,
    Info,
}

#[derive(Deserialize)]
struct PageTrigger {
    target: String,
    summary: String,
    severity: SeverityArg,
    source: String,
    dedup_key: Option<String>,
    details: Option<Value>,
}

fn notify_page_trigger(a: PageTrigger) -> Answer {
    let severity = match a.severity {
        SeverityArg::Critical => Severity::Critical,
        SeverityArg::Error => Severity::Error,
        SeverityArg::Warning => Severity::Warning,
        SeverityArg::Info => Severity::Info,
    };
    let mut page = Page::new(a.summary, a.source).severity(severity);
    if let Some(key) = a.dedup_key {
        page = page.dedup_key(key);
    }
    if let Some(details) = a.details {
        page = page.details(details);
    }
    Ok(json!(page.trigger(&a.target)?))
}

#[derive(Deserialize)]
struct PageResolve {
    target: String,
    dedup_key: String,
}

fn notify_page_resolve(a: PageResolve) -> Answer {
    effect(notify::resolve(&a.target, &a.dedup_key)?)
}

#[derive(Deserialize)]
struct Emit {
    kind: String,
    payload: Value,
}

fn events_emit(a: Emit) -> Answer {
    Ok(json!(events::emit(&a.kind, &a.payload)?))
}

#[derive(Deserialize)]
struct IdempotencyKey {
    key: String,
    ttl_seconds: Option<u32>,
}

fn effects_set_idempotency_key(a: IdempotencyKey) -> Answer {
    let ttl = a.ttl_seconds.map(|s| Duration::from_secs(s.into()));
    effects::set_idempotency_key(&a.key, ttl)?;
    Ok(Value::Null)
}

#[derive(Deserialize)]
struct LogArgs {
    message: String,
}

/// Logs the message through the log interface and prints it to stdout.
fn log_info(a: LogArgs) -> Answer {
    wolfe_sdk::log::info(&a.message, &[("echo", json!(a.message))]);
    println!("{}", a.message);
    Ok(Value::Null)
}
