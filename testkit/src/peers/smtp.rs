//! A real SMTP server for tests: aiosmtpd from the repository's `.venv`
//! (pinned in `requirements-dev.txt`) on a free loopback port, running
//! `smtp_recorder.py`, which writes every accepted message to a directory
//! that [`SmtpServer::messages`] reads back parsed. Plain text only; with
//! credentials it requires AUTH. It can be stopped to simulate an outage,
//! and never outlives the test process (the pattern of `moto.rs`).

use std::io::Read;
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use serde::Deserialize;

use crate::process::{cleanup_when_test_exits, free_port};

const RECORDER: &str = include_str!("smtp_recorder.py");
const READY_WITHIN: Duration = Duration::from_secs(30);

/// One message as the server received it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct ReceivedMail {
    /// The envelope sender (`MAIL FROM`).
    pub mail_from: String,
    /// The envelope recipients (`RCPT TO`), who it was delivered to.
    pub rcpt_tos: Vec<String>,
    /// The `From` header, e.g. `Wolfe <wolfe@example.com>`.
    pub from: String,
    /// The `To` header's addresses.
    pub to: Vec<String>,
    /// The decoded `Subject` header.
    pub subject: String,
    /// The decoded plain-text body.
    pub body: String,
    /// The user that authenticated, when the server required AUTH.
    pub authenticated_as: Option<String>,
    /// The message as sent.
    pub raw: String,
}

/// A running (or deliberately stopped) SMTP server.
pub struct SmtpServer {
    port: u16,
    credentials: Option<(String, String)>,
    child: Mutex<Option<Child>>,
    dir: tempfile::TempDir,
}

impl SmtpServer {
    /// Starts a server that takes mail from anyone.
    pub fn start() -> Result<Self, String> {
        Self::start_inner(None)
    }

    /// Starts a server that requires AUTH (PLAIN or LOGIN, offered without
    /// TLS) with these credentials.
    pub fn start_with_auth(user: &str, password: &str) -> Result<Self, String> {
        Self::start_inner(Some((user.to_owned(), password.to_owned())))
    }

    fn start_inner(credentials: Option<(String, String)>) -> Result<Self, String> {
        let dir = tempfile::Builder::new()
            .prefix("wolfe-smtp-")
            .tempdir()
            .map_err(|e| e.to_string())?;
        std::fs::create_dir(dir.path().join("mail")).map_err(|e| e.to_string())?;
        std::fs::write(dir.path().join("smtp_recorder.py"), RECORDER).map_err(|e| e.to_string())?;
        let server = Self {
            port: free_port()?,
            credentials,
            child: Mutex::new(None),
            dir,
        };
        server.resume()?;
        Ok(server)
    }

    pub fn host(&self) -> &'static str {
        "127.0.0.1"
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// The messages received so far, oldest first. A message is on disk
    /// before the server acknowledges it, so once a send has returned, its
    /// message is here.
    pub fn messages(&self) -> Vec<ReceivedMail> {
        let mut files: Vec<PathBuf> = std::fs::read_dir(self.mail_dir())
            .map(|entries| {
                entries
                    .filter_map(Result::ok)
                    .map(|e| e.path())
                    .filter(|p| p.extension().is_some_and(|x| x == "json"))
                    .collect()
            })
            .unwrap_or_default();
        files.sort();
        files
            .iter()
            .map(|file| {
                let text = std::fs::read_to_string(file).expect("read received mail");
                serde_json::from_str(&text).expect("parse received mail")
            })
            .collect()
    }

    /// Kills the server, as an outage would. Received messages stay
    /// readable.
    pub fn stop(&self) {
        if let Some(mut child) = self.lock().take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Starts the server again on the same port; waits until it greets.
    pub fn resume(&self) -> Result<(), String> {
        let mut child = self.lock();
        if child.is_some() {
            return Ok(());
        }
        let python = crate::repo_root().join(".venv/bin/python");
        if !python.is_file() {
            return Err(format!(
                "{} not found: run ./scripts/setup.sh",
                python.display()
            ));
        }
        let log = std::fs::File::create(self.log_path()).map_err(|e| e.to_string())?;
        let mut command = Command::new(&python);
        command
            .arg(self.dir.path().join("smtp_recorder.py"))
            .arg(self.port.to_string())
            .arg(self.mail_dir())
            .stdin(Stdio::null())
            .stdout(log.try_clone().map_err(|e| e.to_string())?)
            .stderr(log);
        if let Some((user, password)) = &self.credentials {
            command
                .env("WOLFE_SMTP_USER", user)
                .env("WOLFE_SMTP_PASSWORD", password);
        }
        let mut spawned = command
            .spawn()
            .map_err(|e| format!("{}: {e}", python.display()))?;
        let pid = spawned.id();
        cleanup_when_test_exits(&format!("kill {pid} 2>/dev/null"), Some(pid));
        if let Err(error) = self.wait_until_greeting(&mut spawned) {
            let _ = spawned.kill();
            let _ = spawned.wait();
            return Err(error);
        }
        *child = Some(spawned);
        Ok(())
    }

    /// The server's own output, for failing tests to show.
    pub fn log_path(&self) -> PathBuf {
        self.dir.path().join("smtp.log")
    }

    fn mail_dir(&self) -> PathBuf {
        self.dir.path().join("mail")
    }

    fn wait_until_greeting(&self, child: &mut Child) -> Result<(), String> {
        let deadline = Instant::now() + READY_WITHIN;
        loop {
            if self.greets() {
                return Ok(());
            }
            if let Ok(Some(status)) = child.try_wait() {
                let log = std::fs::read_to_string(self.log_path()).unwrap_or_default();
                return Err(format!("aiosmtpd exited with {status}: {log}"));
            }
            if Instant::now() > deadline {
                return Err(format!("aiosmtpd did not greet within {READY_WITHIN:?}"));
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// An SMTP greeting (`220 ...`), not just an open port.
    fn greets(&self) -> bool {
        let Ok(mut stream) = TcpStream::connect((self.host(), self.port)) else {
            return false;
        };
        let _ = stream.set_read_timeout(Some(Duration::from_secs(2)));
        let mut code = [0u8; 3];
        stream.read_exact(&mut code).is_ok() && &code == b"220"
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Option<Child>> {
        self.child.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        self.stop();
    }
}
