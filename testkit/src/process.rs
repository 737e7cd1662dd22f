//! Keeping helper processes (servers, engines) from outliving the tests.

use std::net::TcpListener;
use std::process::{Command, Stdio};

/// Runs the shell command `cleanup` once this test process has exited, from
/// a detached shell that polls every half second. With `watched`, the shell
/// gives up early (without cleaning up) when that process ends first, e.g.
/// because the test stopped it itself.
pub fn cleanup_when_test_exits(cleanup: &str, watched: Option<u32>) {
    let early_exit = watched
        .map(|pid| format!("kill -0 {pid} 2>/dev/null || exit 0; "))
        .unwrap_or_default();
    let script = format!(
        "while kill -0 {test} 2>/dev/null; do {early_exit}sleep 0.5; done; {cleanup}",
        test = std::process::id()
    );
    let _ = Command::new("sh")
        .args(["-c", &script])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn();
}

/// A loopback port nothing listens on right now.
pub fn free_port() -> Result<u16, String> {
    let listener = TcpListener::bind("127.0.0.1:0").map_err(|e| e.to_string())?;
    Ok(listener.local_addr().map_err(|e| e.to_string())?.port())
}
