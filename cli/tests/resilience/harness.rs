//! Engine processes, their configuration, the seeded database, a tiny HTTP
//! client and a seeded RNG: what every resilience test needs.

use std::fs::File;
use std::future::Future;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Mutex, MutexGuard, OnceLock};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use wolfe_store::{ExecutionRecord, Store, StoreError};
use wolfe_testkit::process::cleanup_when_test_exits;
use wolfe_testkit::seed::{RunbookSeed, deployed_runbook, rule};

/// The generic webhook source every engine serves.
pub const SOURCE: &str = "hooks";
pub const HOOK_TOKEN: &str = "hook-token";
pub const API_TOKEN: &str = "api-token";
pub const LEASE: Duration = Duration::from_secs(2);

/// One resilience test at a time (see the crate documentation).
pub fn serial() -> MutexGuard<'static, ()> {
    static SERIAL: Mutex<()> = Mutex::new(());
    SERIAL.lock().unwrap_or_else(|e| e.into_inner())
}

/// The hostile-py guest's bytes and sha256. Loading it here also compiles
/// it into the shared cache, so engines started by the tests load it in
/// milliseconds instead of compiling it for seconds each.
fn artifact() -> &'static (Vec<u8>, String) {
    static ARTIFACT: OnceLock<(Vec<u8>, String)> = OnceLock::new();
    ARTIFACT.get_or_init(|| {
        let path = wolfe_testkit::built(&wolfe_testkit::guest_dir("hostile-py"));
        let bytes = std::fs::read(path).unwrap();
        let runtime = wolfe_engine::Runtime::new(wolfe_engine::RuntimeConfig {
            cache_dir: Some(wolfe_testkit::compiled_cache_dir()),
            ..Default::default()
        })
        .unwrap();
        let sha256 = runtime.load(&bytes).unwrap().sha256().to_owned();
        (bytes, sha256)
    })
}

/// The store the engines share, seen from the test.
pub struct Db {
    runtime: tokio::runtime::Runtime,
    pub store: Store,
}

impl Db {
    pub fn open(url: &str) -> Self {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let store = runtime
            .block_on(Store::open(url))
            .unwrap_or_else(|e| panic!("open {url}: {e}"));
        Self { runtime, store }
    }

    pub fn block<T>(&self, future: impl Future<Output = T>) -> T {
        self.runtime.block_on(future)
    }

    pub fn execution(&self, id: &str) -> Result<ExecutionRecord, StoreError> {
        let found = self.block(self.store.execution(id))?;
        Ok(found.unwrap_or_else(|| panic!("execution {id} does not exist")))
    }

    pub fn executions_for_event(&self, event_id: &str) -> Result<Vec<ExecutionRecord>, StoreError> {
        self.block(self.store.executions_for_event(event_id))
    }

    pub fn count(&self, status: &str) -> i64 {
        self.block(self.store.count_executions(status)).unwrap()
    }
}

/// What the seeded runbook does and how often it may be retried.
pub struct RunbookSpec {
    pub max_attempts: i64,
    /// The rule's parameter mapping (hostile-py reads `mode`).
    pub params: Value,
}

pub struct Seeded {
    pub runbook_id: String,
    pub rule_id: String,
    /// A viewer token of the seeded team for the management API.
    pub viewer_token: String,
}

/// Team, runbook (hostile-py), version deployed to dev, and a rule sending
/// every event of the webhook source to it.
fn seed(db: &Db, spec: &RunbookSpec) -> Seeded {
    let (bytes, _) = artifact();
    let store = &db.store;
    db.block(async {
        let seed = RunbookSeed {
            team: "sre",
            name: "hostile-py",
            component: bytes,
            max_attempts: spec.max_attempts,
            concurrency_limit: 100,
            environment: "dev",
        };
        let deployed = deployed_runbook(store, seed).await;
        let rule_spec = json!({"source": SOURCE, "kind": "event", "params": spec.params});
        let rule_id = rule(store, &deployed, "dev", "every-hook", rule_spec).await;
        let viewer_token = store
            .create_token(
                &deployed.team_id,
                "resilience",
                wolfe_store::Role::Viewer,
                "test",
            )
            .await
            .unwrap()
            .secret;
        Seeded {
            runbook_id: deployed.runbook_id,
            rule_id,
            viewer_token,
        }
    })
}

/// A test's directory (configuration, engine logs), its seeded database and
/// the one configuration file every engine instance of the test shares.
/// When the test fails, the end of every engine log is printed.
pub struct Scene {
    pub dir: tempfile::TempDir,
    pub config: PathBuf,
    pub db: Db,
    pub seeded: Seeded,
}

impl Scene {
    /// `url` gets the test directory (for an SQLite file) and names the database.
    pub fn new(url: impl FnOnce(&Path) -> String, spec: &RunbookSpec) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let url = url(dir.path());
        let db = Db::open(&url);
        let seeded = seed(&db, spec);
        let config = dir.path().join("wolfe.toml");
        std::fs::write(&config, config_text(&dir.path().join("data"), &url)).unwrap();
        Self {
            dir,
            config,
            db,
            seeded,
        }
    }

    pub fn start_engine(&self, label: &str) -> Engine {
        Engine::start(
            &self.config,
            self.dir.path().join(format!("{label}.log")),
            label,
        )
    }
}

impl Drop for Scene {
    fn drop(&mut self) {
        if std::thread::panicking() {
            dump_logs(self.dir.path());
        }
    }
}

fn config_text(data_dir: &Path, url: &str) -> String {
    format!(
        "data_dir = {data_dir:?}\n\
         database_url = {url:?}\n\
         listen = \"127.0.0.1:0\"\n\
         api_token = \"{API_TOKEN}\"\n\
         environments = [\"dev\"]\n\
         [runner]\n\
         lease = \"{lease}ms\"\n\
         renew_every = \"500ms\"\n\
         sweep_every = \"500ms\"\n\
         poll_interval = \"50ms\"\n\
         [[sources]]\n\
         name = \"{SOURCE}\"\n\
         environment = \"dev\"\n\
         format = \"generic\"\n\
         id_path = \"/id\"\n\
         auth = {{ type = \"bearer\", token = \"{HOOK_TOKEN}\" }}\n",
        lease = LEASE.as_millis()
    )
}

fn dump_logs(dir: &Path) {
    let mut logs: Vec<PathBuf> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "log"))
        .collect();
    logs.sort();
    for log in logs {
        let text = std::fs::read_to_string(&log).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        let tail = &lines[lines.len().saturating_sub(60)..];
        eprintln!("----- {} (last {} lines)", log.display(), tail.len());
        for line in tail {
            eprintln!("{line}");
        }
    }
}

/// A running `wolfe engine --env dev` process, SIGKILLed when dropped (and
/// by a watchdog if the test process itself dies first).
pub struct Engine {
    child: Child,
    pub label: String,
    /// `host:port` it announced.
    pub address: String,
}

impl Engine {
    pub fn start(config: &Path, log: PathBuf, label: &str) -> Self {
        let out = File::create(&log).unwrap();
        let mut child = Command::new(env!("CARGO_BIN_EXE_wolfe"))
            .args(["engine", "--env", "dev", "--config"])
            .arg(config)
            .env("WOLFE_CACHE_DIR", wolfe_testkit::compiled_cache_dir())
            .env("WOLFE_LOG", "warn,wolfe_pipeline=info")
            .stdin(Stdio::null())
            .stdout(out.try_clone().unwrap())
            .stderr(out)
            .spawn()
            .unwrap();
        let pid = child.id();
        // SIGKILL it if the test binary itself is killed before the guard drops.
        cleanup_when_test_exits(&format!("kill -9 {pid} 2>/dev/null"), Some(pid));
        let deadline = Instant::now() + Duration::from_secs(60);
        let address = loop {
            let text = std::fs::read_to_string(&log).unwrap_or_default();
            if let Some(address) = text
                .lines()
                .find_map(|l| l.trim().strip_prefix("wolfe: serving dev on http://"))
            {
                break address.to_owned();
            }
            if let Some(status) = child.try_wait().unwrap() {
                panic!("engine {label} exited ({status}) before serving:\n{text}");
            }
            assert!(
                Instant::now() < deadline,
                "engine {label} did not announce its address within 60 s:\n{text}"
            );
            std::thread::sleep(Duration::from_millis(20));
        };
        Self {
            child,
            label: label.to_owned(),
            address,
        }
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Still the process the test started, not exited.
    pub fn is_running(&mut self) -> bool {
        self.child.try_wait().unwrap().is_none()
    }

    /// SIGKILL, then reap.
    pub fn sigkill(mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }
}

impl Drop for Engine {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One HTTP/1.1 request; `Err` when no complete answer came back.
pub fn http(
    address: &str,
    method: &str,
    path: &str,
    token: &str,
    body: &[u8],
) -> Result<(u16, Value), String> {
    let socket: SocketAddr = address.parse().map_err(|e| format!("{address}: {e}"))?;
    let mut stream = TcpStream::connect_timeout(&socket, Duration::from_secs(5))
        .map_err(|e| format!("connect {address}: {e}"))?;
    stream
        .set_read_timeout(Some(Duration::from_secs(60)))
        .unwrap();
    stream
        .set_write_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let head = format!(
        "{method} {path} HTTP/1.1\r\nHost: {address}\r\nAuthorization: Bearer {token}\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    stream
        .write_all(head.as_bytes())
        .and_then(|()| stream.write_all(body))
        .map_err(|e| format!("send to {address}: {e}"))?;
    let mut response = Vec::new();
    stream
        .read_to_end(&mut response)
        .map_err(|e| format!("read from {address}: {e}"))?;
    let text = String::from_utf8_lossy(&response);
    let (head, body) = text
        .split_once("\r\n\r\n")
        .ok_or_else(|| format!("incomplete answer from {address}: {text:?}"))?;
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| format!("no status line from {address}: {head:?}"))?;
    let json = serde_json::from_str(body).unwrap_or_else(|_| Value::String(body.to_owned()));
    Ok((status, json))
}

/// An event the webhook answered `202` for.
#[derive(Debug, Clone)]
pub struct Delivery {
    pub event_id: String,
    pub execution_ids: Vec<String>,
    /// A retry found the event already committed by an earlier try.
    pub duplicate: bool,
    /// Tries that got no answer or a 5xx before the 202.
    pub failed_tries: u32,
}

/// POSTs `body` to the webhook source of the engine `address` names (asked
/// again before every try) until it answers `202`, retrying on connection
/// errors and 5xx; any 4xx fails the test. The body's `id` is its dedupe
/// key, so a retry of an event that was committed creates nothing.
pub fn deliver(
    mut address: impl FnMut() -> Option<String>,
    body: &Value,
    deadline: Instant,
) -> Delivery {
    let bytes = serde_json::to_vec(body).unwrap();
    let mut failed_tries = 0;
    let mut last_error = String::new();
    loop {
        assert!(
            Instant::now() < deadline,
            "event {body} never accepted ({failed_tries} failed tries, last: {last_error})"
        );
        if let Some(address) = address() {
            match http(
                &address,
                "POST",
                &format!("/api/v1/events/{SOURCE}"),
                HOOK_TOKEN,
                &bytes,
            ) {
                Ok((202, answer)) => {
                    let event = &answer["events"][0];
                    return Delivery {
                        event_id: event["event_id"].as_str().unwrap().to_owned(),
                        execution_ids: event["executions"]
                            .as_array()
                            .unwrap()
                            .iter()
                            .map(|id| id.as_str().unwrap().to_owned())
                            .collect(),
                        duplicate: event["duplicate"].as_bool().unwrap(),
                        failed_tries,
                    };
                }
                Ok((status, answer)) if status >= 500 => {
                    last_error = format!("{status} {answer}");
                }
                Ok((status, answer)) => panic!("event {body} refused: {status} {answer}"),
                Err(error) => last_error = error,
            }
        }
        failed_tries += 1;
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Polls `check` until it gives a value; fails the test naming `what` after
/// `timeout`.
pub fn wait_for<T>(what: &str, timeout: Duration, mut check: impl FnMut() -> Option<T>) -> T {
    let deadline = Instant::now() + timeout;
    loop {
        if let Some(value) = check() {
            return value;
        }
        assert!(
            Instant::now() < deadline,
            "timed out after {timeout:?}: {what}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Waits until every execution of every event has ended; returns them per
/// event. Store errors (e.g. while PostgreSQL restarts) are retried.
pub fn wait_until_all_ended(
    db: &Db,
    event_ids: &[String],
    timeout: Duration,
) -> Vec<Vec<ExecutionRecord>> {
    let mut pending: Vec<String> = Vec::new();
    let mut last = Vec::new();
    let deadline = Instant::now() + timeout;
    loop {
        pending.clear();
        let all: Result<Vec<_>, StoreError> = event_ids
            .iter()
            .map(|id| db.executions_for_event(id))
            .collect();
        if let Ok(all) = all {
            for (id, executions) in event_ids.iter().zip(&all) {
                if executions.is_empty() {
                    let event = db.block(db.store.event(id));
                    let known = match event {
                        Ok(Some(event)) => format!("event stored as {}", event.status),
                        Ok(None) => "EVENT MISSING FROM THE STORE".to_owned(),
                        Err(error) => format!("event unknown: {error}"),
                    };
                    pending.push(format!("{id}: no execution, {known}"));
                } else if executions.iter().any(|e| !e.status.is_terminal()) {
                    pending.push(format!("{id}: {:?}", statuses(executions)));
                }
            }
            if pending.is_empty() {
                return all;
            }
            last = all;
        }
        assert!(
            Instant::now() < deadline,
            "after {timeout:?}, {} of {} events still have unfinished (or no) executions: {:?}\n\
             all: {:?}",
            pending.len(),
            event_ids.len(),
            pending,
            last.iter().map(|e| statuses(e)).collect::<Vec<_>>()
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

pub fn statuses(executions: &[ExecutionRecord]) -> Vec<String> {
    executions
        .iter()
        .map(|e| format!("{}#{}", e.status.as_str(), e.attempt))
        .collect()
}

/// xorshift64*: reproducible choices from a printed seed, no dependency.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Self(seed.max(1))
    }

    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    /// A duration between `low_ms` and `high_ms` inclusive.
    pub fn millis(&mut self, low_ms: u64, high_ms: u64) -> Duration {
        Duration::from_millis(low_ms + self.below(high_ms - low_ms + 1))
    }
}
