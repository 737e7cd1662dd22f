//! A Eureka REST peer under `/eureka`: `GET /apps/{APP}` and
//! `GET /apps/{APP}/{ID}` in Eureka's JSON, and the status override
//! (`PUT /apps/{APP}/{ID}/status?value=...`, `DELETE` to remove it) really
//! changing the instance, so a test can read the state back. Application
//! names match case-insensitively (Eureka keys them upper case).

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get};
use serde_json::{Value, json};

use super::http_peer::{HttpPeer, RecordedRequest, lock};

/// One registered instance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EurekaInstance {
    pub instance_id: String,
    pub host_name: String,
    pub ip_addr: String,
    pub port: u16,
    /// The effective status, e.g. `UP`, `OUT_OF_SERVICE`.
    pub status: String,
    /// `UNKNOWN` when no override is set.
    pub overridden_status: String,
}

impl EurekaInstance {
    /// An instance that is `UP` with no override.
    pub fn up(instance_id: &str, host_name: &str, ip_addr: &str, port: u16) -> Self {
        Self {
            instance_id: instance_id.into(),
            host_name: host_name.into(),
            ip_addr: ip_addr.into(),
            port,
            status: "UP".into(),
            overridden_status: "UNKNOWN".into(),
        }
    }
}

#[derive(Default)]
struct Registry {
    /// Upper-case application name → its instances.
    apps: BTreeMap<String, Vec<EurekaInstance>>,
    /// Write a lone instance as an object, as Eureka's older encoders do.
    single_instance_as_object: bool,
    /// Answer every request with this status (an ailing server).
    failing_with: Option<u16>,
}

type Shared = Arc<Mutex<Registry>>;

/// A running Eureka peer; stops when dropped.
pub struct EurekaPeer {
    server: HttpPeer,
    registry: Shared,
}

impl EurekaPeer {
    pub fn start() -> Self {
        let registry: Shared = Arc::default();
        let router = Router::new()
            .route("/eureka/apps/{app}", get(application))
            .route("/eureka/apps/{app}/{id}", get(instance))
            .route(
                "/eureka/apps/{app}/{id}/status",
                delete(remove_override).put(set_override),
            )
            .with_state(registry.clone());
        Self {
            server: HttpPeer::start(router),
            registry,
        }
    }

    /// The REST base URL to configure (`http://127.0.0.1:PORT/eureka`).
    pub fn url(&self) -> String {
        format!("{}/eureka", self.server.base_url())
    }

    /// Registers `instance` under `app`.
    pub fn register(&self, app: &str, instance: EurekaInstance) {
        lock(&self.registry)
            .apps
            .entry(app.to_uppercase())
            .or_default()
            .push(instance);
    }

    /// The instance as the registry holds it now.
    pub fn instance(&self, app: &str, instance_id: &str) -> Option<EurekaInstance> {
        lock(&self.registry)
            .apps
            .get(&app.to_uppercase())?
            .iter()
            .find(|i| i.instance_id == instance_id)
            .cloned()
    }

    /// Writes an application's only instance as an object rather than a
    /// one-element array.
    pub fn single_instance_as_object(&self, yes: bool) {
        lock(&self.registry).single_instance_as_object = yes;
    }

    /// Answers every request with `status` (e.g. 500) until set to `None`.
    pub fn fail_with(&self, status: Option<u16>) {
        lock(&self.registry).failing_with = status;
    }

    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.server.requests()
    }
}

async fn application(State(registry): State<Shared>, Path(app): Path<String>) -> Response {
    let registry = lock(&registry);
    if let Some(failure) = failure(&registry) {
        return failure;
    }
    let app = app.to_uppercase();
    let Some(instances) = registry.apps.get(&app) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let mut rendered: Vec<Value> = instances.iter().map(|i| render(&app, i)).collect();
    let instance = if registry.single_instance_as_object && rendered.len() == 1 {
        rendered.remove(0)
    } else {
        Value::Array(rendered)
    };
    axum::Json(json!({"application": {"name": app, "instance": instance}})).into_response()
}

async fn instance(
    State(registry): State<Shared>,
    Path((app, id)): Path<(String, String)>,
) -> Response {
    let registry = lock(&registry);
    if let Some(failure) = failure(&registry) {
        return failure;
    }
    let app = app.to_uppercase();
    match registry
        .apps
        .get(&app)
        .and_then(|all| all.iter().find(|i| i.instance_id == id))
    {
        Some(instance) => axum::Json(json!({"instance": render(&app, instance)})).into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

async fn set_override(
    State(registry): State<Shared>,
    Path((app, id)): Path<(String, String)>,
    Query(params): Query<BTreeMap<String, String>>,
) -> Response {
    let Some(value) = params.get("value").cloned() else {
        return StatusCode::BAD_REQUEST.into_response();
    };
    change(&registry, &app, &id, |instance| {
        instance.overridden_status = value.clone();
        instance.status = value;
    })
}

async fn remove_override(
    State(registry): State<Shared>,
    Path((app, id)): Path<(String, String)>,
    Query(params): Query<BTreeMap<String, String>>,
) -> Response {
    let status = params.get("value").cloned().unwrap_or_else(|| "UP".into());
    change(&registry, &app, &id, |instance| {
        instance.overridden_status = "UNKNOWN".into();
        instance.status = status;
    })
}

fn change(
    registry: &Shared,
    app: &str,
    id: &str,
    apply: impl FnOnce(&mut EurekaInstance),
) -> Response {
    let mut registry = lock(registry);
    if let Some(failure) = failure(&registry) {
        return failure;
    }
    let found = registry
        .apps
        .get_mut(&app.to_uppercase())
        .and_then(|all| all.iter_mut().find(|i| i.instance_id == id));
    match found {
        Some(instance) => {
            apply(instance);
            StatusCode::OK.into_response()
        }
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

fn failure(registry: &Registry) -> Option<Response> {
    registry.failing_with.map(|status| {
        (
            StatusCode::from_u16(status).expect("a valid status code"),
            "eureka peer: failing as the test asked",
        )
            .into_response()
    })
}

/// An instance as Eureka's JSON encoder writes it (the fields that matter).
fn render(app: &str, instance: &EurekaInstance) -> Value {
    json!({
        "instanceId": instance.instance_id,
        "hostName": instance.host_name,
        "app": app,
        "ipAddr": instance.ip_addr,
        "status": instance.status,
        "overriddenStatus": instance.overridden_status,
        "port": {"$": instance.port, "@enabled": "true"},
        "securePort": {"$": 443, "@enabled": "false"},
        "vipAddress": app.to_lowercase(),
        "dataCenterInfo": {
            "@class": "com.netflix.appinfo.InstanceInfo$DefaultDataCenterInfo",
            "name": "MyOwn"
        },
    })
}
