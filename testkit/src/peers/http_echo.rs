//! An HTTP echo server on loopback for tests of outbound HTTP.
//!
//! It runs on a thread of its own with its own Tokio runtime, so it serves
//! synchronous tests, async tests and runbooks in the sandbox alike, and
//! stops when dropped. Every request it receives is recorded.
//!
//! Routes (any method):
//! - `/redirect?to=URL&status=302`: answers `status` (default 302) with
//!   `Location: URL` (absolute or relative, sent as given).
//! - `/bytes?n=N[&chunked=true]`: a body of `N` bytes `x`, with a
//!   `Content-Length` or, with `chunked`, streamed without one.
//! - `/delay?ms=N`: waits `N` ms, then echoes.
//! - `/status?code=N`: echoes with status `N`.
//! - anything else: echoes.
//!
//! An echo is a JSON object `{"method", "path", "query", "headers", "body"}`
//! (`query` is null without one, `headers` maps lower-case names to values,
//! repeated ones joined by `, `, `body` is the request body as UTF-8, lossy)
//! with status 200, `Content-Type: application/json` and `X-Echo: wolfe`.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{Query, State};
use axum::http::{HeaderMap, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use tokio::sync::oneshot;

/// What the server received, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceivedRequest {
    pub method: String,
    /// Path and query, as sent.
    pub uri: String,
    pub headers: BTreeMap<String, String>,
    pub body: Vec<u8>,
}

/// A running echo server; dropping it stops it.
pub struct HttpEcho {
    addr: SocketAddr,
    received: Arc<Mutex<Vec<ReceivedRequest>>>,
    shutdown: Option<oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl HttpEcho {
    /// Starts a server on a free port of 127.0.0.1.
    pub fn start() -> Self {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
        listener
            .set_nonblocking(true)
            .expect("non-blocking listener");
        let addr = listener.local_addr().expect("local address");
        let received = Arc::new(Mutex::new(Vec::new()));
        let (shutdown, stopped) = oneshot::channel::<()>();
        let app = router(received.clone());
        let thread = std::thread::Builder::new()
            .name(format!("http-echo-{}", addr.port()))
            .spawn(move || {
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .expect("echo server runtime");
                runtime.block_on(async move {
                    let listener =
                        tokio::net::TcpListener::from_std(listener).expect("tokio listener");
                    // Not a graceful shutdown: that would wait for the
                    // keep-alive connections a client's pool holds open.
                    // Leaving `block_on` drops the runtime and them with it.
                    tokio::select! {
                        _ = axum::serve(listener, app) => {}
                        _ = stopped => {}
                    }
                });
            })
            .expect("spawn echo server thread");
        Self {
            addr,
            received,
            shutdown: Some(shutdown),
            thread: Some(thread),
        }
    }

    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    /// `http://127.0.0.1:PORT`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// `http://127.0.0.1:PORT` followed by `path_and_query`.
    pub fn url(&self, path_and_query: &str) -> String {
        format!("{}{path_and_query}", self.base_url())
    }

    /// Every request received so far, in order.
    pub fn received(&self) -> Vec<ReceivedRequest> {
        self.received
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// Forgets what was received so far.
    pub fn clear(&self) {
        self.received
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clear();
    }
}

impl Drop for HttpEcho {
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

type Received = Arc<Mutex<Vec<ReceivedRequest>>>;

fn router(received: Received) -> Router {
    Router::new()
        .route("/redirect", axum::routing::any(redirect))
        .route("/bytes", axum::routing::any(bytes))
        .route("/delay", axum::routing::any(delay))
        .route("/status", axum::routing::any(status))
        .fallback(echo)
        .with_state(received)
}

#[derive(Deserialize)]
struct RedirectParams {
    to: String,
    status: Option<u16>,
}

async fn redirect(
    State(received): State<Received>,
    Query(params): Query<RedirectParams>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    record(&received, &method, &uri, &headers, &body);
    let status = StatusCode::from_u16(params.status.unwrap_or(302)).unwrap_or(StatusCode::FOUND);
    (status, [(header::LOCATION, params.to)]).into_response()
}

#[derive(Deserialize)]
struct BytesParams {
    n: usize,
    #[serde(default)]
    chunked: bool,
}

async fn bytes(
    State(received): State<Received>,
    Query(params): Query<BytesParams>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    record(&received, &method, &uri, &headers, &body);
    if !params.chunked {
        return vec![b'x'; params.n].into_response();
    }
    const CHUNK: usize = 16 * 1024;
    let chunks = (0..params.n.div_ceil(CHUNK)).map(move |i| {
        let len = CHUNK.min(params.n - i * CHUNK);
        Ok::<_, std::io::Error>(Bytes::from(vec![b'x'; len]))
    });
    Body::from_stream(futures_util::stream::iter(chunks)).into_response()
}

#[derive(Deserialize)]
struct DelayParams {
    ms: u64,
}

async fn delay(
    State(received): State<Received>,
    Query(params): Query<DelayParams>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    tokio::time::sleep(Duration::from_millis(params.ms)).await;
    echo(State(received), method, uri, headers, body).await
}

#[derive(Deserialize)]
struct StatusParams {
    code: u16,
}

async fn status(
    State(received): State<Received>,
    Query(params): Query<StatusParams>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let mut response = echo(State(received), method, uri, headers, body).await;
    *response.status_mut() = StatusCode::from_u16(params.code).unwrap_or(StatusCode::OK);
    response
}

async fn echo(
    State(received): State<Received>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let request = record(&received, &method, &uri, &headers, &body);
    let echoed = serde_json::json!({
        "method": request.method,
        "path": uri.path(),
        "query": uri.query(),
        "headers": request.headers,
        "body": String::from_utf8_lossy(&request.body),
    });
    ([("x-echo", "wolfe")], axum::Json(echoed)).into_response()
}

fn record(
    received: &Received,
    method: &Method,
    uri: &Uri,
    headers: &HeaderMap,
    body: &Bytes,
) -> ReceivedRequest {
    let mut joined: BTreeMap<String, String> = BTreeMap::new();
    for (name, value) in headers {
        let value = String::from_utf8_lossy(value.as_bytes()).into_owned();
        joined
            .entry(name.as_str().to_owned())
            .and_modify(|v| {
                v.push_str(", ");
                v.push_str(&value);
            })
            .or_insert(value);
    }
    let request = ReceivedRequest {
        method: method.to_string(),
        uri: uri.to_string(),
        headers: joined,
        body: body.to_vec(),
    };
    received
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .push(request.clone());
    request
}
