//! A moto server (AWS on loopback) for tests: `moto_server` from the
//! repository's `.venv` on a free port. It can be stopped and started again
//! on the same port to simulate an outage, and it never outlives the test
//! process: dropping it stops it, and a watchdog stops it once the process
//! has exited (statics are never dropped).

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

use crate::process::{cleanup_when_test_exits, free_port};

/// moto imports every AWS backend lazily but Flask and boto eagerly; a cold
/// start takes a few seconds on a busy machine.
const READY_WITHIN: Duration = Duration::from_secs(60);

/// A running (or deliberately stopped) moto server.
pub struct MotoServer {
    port: u16,
    child: Mutex<Option<Child>>,
    logs: tempfile::TempDir,
}

impl MotoServer {
    /// The process-wide server, started on first use. Tests that share it
    /// must use their own queue names; a test that stops the server needs
    /// its own [`MotoServer::start`].
    pub fn shared() -> &'static MotoServer {
        static SERVER: OnceLock<MotoServer> = OnceLock::new();
        SERVER.get_or_init(|| MotoServer::start().expect("start moto"))
    }

    /// Starts a server of its own on a free loopback port.
    pub fn start() -> Result<Self, String> {
        let server = Self {
            port: free_port()?,
            child: Mutex::new(None),
            logs: tempfile::Builder::new()
                .prefix("wolfe-moto-")
                .tempdir()
                .map_err(|e| e.to_string())?,
        };
        server.resume()?;
        Ok(server)
    }

    /// `http://127.0.0.1:PORT`, the endpoint URL for AWS clients.
    pub fn endpoint_url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Kills the server, as an outage would; everything it held (queues,
    /// messages) is gone. Does nothing if it is already stopped.
    pub fn stop(&self) {
        if let Some(mut child) = self.lock().take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Starts the server again on the same port, so clients configured with
    /// [`MotoServer::endpoint_url`] reach it again; waits until it answers.
    pub fn resume(&self) -> Result<(), String> {
        let mut child = self.lock();
        if child.is_some() {
            return Ok(());
        }
        let binary = moto_binary()?;
        let log = std::fs::File::create(self.log_path()).map_err(|e| e.to_string())?;
        let mut spawned = Command::new(&binary)
            .args(["-H", "127.0.0.1", "-p", &self.port.to_string()])
            .stdin(Stdio::null())
            .stdout(log.try_clone().map_err(|e| e.to_string())?)
            .stderr(log)
            .spawn()
            .map_err(|e| format!("{}: {e}", binary.display()))?;
        let pid = spawned.id();
        cleanup_when_test_exits(&format!("kill {pid} 2>/dev/null"), Some(pid));
        if let Err(error) = self.wait_until_answering(&mut spawned) {
            let _ = spawned.kill();
            let _ = spawned.wait();
            return Err(error);
        }
        *child = Some(spawned);
        Ok(())
    }

    /// moto's own log (one line per request), for failing tests to show.
    pub fn log_path(&self) -> PathBuf {
        self.logs.path().join("moto.log")
    }

    fn wait_until_answering(&self, child: &mut Child) -> Result<(), String> {
        let deadline = Instant::now() + READY_WITHIN;
        loop {
            if self.answers() {
                return Ok(());
            }
            if let Ok(Some(status)) = child.try_wait() {
                let log = std::fs::read_to_string(self.log_path()).unwrap_or_default();
                return Err(format!("moto_server exited with {status}: {log}"));
            }
            if Instant::now() > deadline {
                return Err(format!(
                    "moto_server did not answer within {READY_WITHIN:?}"
                ));
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// An HTTP answer from moto's own API, not just an open port: proof that
    /// the server behind the port is moto and is serving.
    fn answers(&self) -> bool {
        let Ok(mut stream) = TcpStream::connect(("127.0.0.1", self.port)) else {
            return false;
        };
        let _ = stream.set_read_timeout(Some(Duration::from_secs(2)));
        let request = "GET /moto-api/data.json HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n";
        if stream.write_all(request.as_bytes()).is_err() {
            return false;
        }
        let mut head = [0u8; 12];
        stream.read_exact(&mut head).is_ok() && head.ends_with(b" 200")
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Option<Child>> {
        self.child.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl Drop for MotoServer {
    fn drop(&mut self) {
        self.stop();
    }
}

fn moto_binary() -> Result<PathBuf, String> {
    let binary = crate::repo_root().join(".venv/bin/moto_server");
    if binary.is_file() {
        Ok(binary)
    } else {
        Err(format!(
            "{} not found: run ./scripts/setup.sh",
            binary.display()
        ))
    }
}
