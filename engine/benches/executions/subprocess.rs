use super::*;

/// The runbook run StackStorm-style: one Python process per event, importing
/// the runbook's source and running its handler with the SDK's test runner.
pub(crate) struct Subprocess {
    pub(crate) python: PathBuf,
    pub(crate) runbook: PathBuf,
    pub(crate) pycache: PathBuf,
    pub(crate) stdin: Vec<u8>,
}

/// Reads one event from stdin, runs the runbook on it, prints the output
/// document; log records go to stderr, as a process-per-event runner would
/// collect them.
pub(crate) const DRIVER: &str = r#"
import json, sys
from wolfe.testing import event, load_runbook, run

sample = json.load(sys.stdin)
runbook = load_runbook(sys.argv[1])
result = run(
    runbook.handle,
    [event(sample["payload"], source=sample["source"], kind=sample["kind"],
           id=sample["id"], received_at=sample["received_at"])],
    params=sample["params"],
)
for record in result.logs:
    print(json.dumps({"level": str(record.level), "message": record.message,
                      "fields": record.fields}), file=sys.stderr)
if not result.succeeded:
    print(result.failure, file=sys.stderr)
    sys.exit(1)
print(result.output_json)
"#;

impl Subprocess {
    pub(crate) fn new(event: &EventInput) -> Self {
        let root = wolfe_testkit::repo_root();
        let python = root.join(".venv/bin/python");
        assert!(
            python.is_file(),
            "{} is missing: run ./scripts/setup.sh",
            python.display()
        );
        let stdin = serde_json::to_vec(&json!({
            "id": event.id,
            "source": event.source,
            "kind": event.kind,
            "received_at": event.received_at,
            "payload": event.payload,
            "params": {},
        }))
        .unwrap();
        Self {
            python,
            runbook: wolfe_testkit::example_dir("kafka-broker-offline").join("main.py"),
            // Bytecode is cached (stdlib, SDK and runbook alike), as it
            // would be on a real runner, but outside the source tree.
            pycache: wolfe_testkit::target_dir().join("wolfe-bench-pycache"),
            stdin,
        }
    }

    /// Spawns one process for one event and returns its output document.
    pub(crate) fn run_once(&self) -> Value {
        let mut child = Command::new(&self.python)
            .arg("-c")
            .arg(DRIVER)
            .arg(&self.runbook)
            .env("PYTHONPYCACHEPREFIX", &self.pycache)
            // Otherwise every process compiles every module it imports.
            .env_remove("PYTHONDONTWRITEBYTECODE")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("python starts");
        child.stdin.take().unwrap().write_all(&self.stdin).unwrap();
        let output = child.wait_with_output().unwrap();
        assert!(
            output.status.success(),
            "driver failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        serde_json::from_slice(&output.stdout).expect("driver prints JSON")
    }

    pub(crate) fn sequential(&self, count: usize) -> Vec<Duration> {
        (0..count)
            .map(|_| {
                let start = Instant::now();
                self.run_once();
                start.elapsed()
            })
            .collect()
    }

    pub(crate) fn concurrent(&self, total: usize) -> Throughput {
        let per_thread = total.div_ceil(THREADS);
        Throughput::time(|| {
            std::thread::scope(|scope| {
                let spawners: Vec<_> = (0..THREADS)
                    .map(|_| scope.spawn(|| self.sequential(per_thread).len()))
                    .collect();
                spawners.into_iter().map(|s| s.join().unwrap()).sum()
            })
        })
    }

    pub(crate) fn measure(&self, counts: Counts) -> Measured {
        self.sequential(counts.warm_up);
        let latency = Samples::new(self.sequential(counts.latency));
        let throughput = self.concurrent(counts.throughput);
        Measured {
            latency,
            throughput,
            breakdown: None,
        }
    }
}
