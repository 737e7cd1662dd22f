//! A throwaway PostgreSQL cluster for tests: `initdb` + `pg_ctl` on a free
//! loopback port, removed when dropped. One cluster per test process; each
//! test gets its own database in it.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU32, Ordering};

use crate::process::{cleanup_when_test_exits, free_port};

/// A running cluster.
pub struct PgCluster {
    bin: PathBuf,
    data: tempfile::TempDir,
    port: u16,
}

impl PgCluster {
    /// The process-wide cluster, started on first use. Statics are never
    /// dropped, so a watchdog stops it once the test process has exited.
    pub fn shared() -> &'static PgCluster {
        static CLUSTER: OnceLock<PgCluster> = OnceLock::new();
        CLUSTER.get_or_init(|| {
            let cluster = PgCluster::start().expect("start a PostgreSQL cluster");
            cluster.stop_when_process_exits();
            cluster
        })
    }

    fn stop_when_process_exits(&self) {
        let pg_ctl = self.bin.join("pg_ctl").display().to_string();
        let stop = if is_root() {
            format!(
                "runuser -u postgres -- {pg_ctl} -D {} -m immediate stop",
                self.dir()
            )
        } else {
            format!("{pg_ctl} -D {} -m immediate stop", self.dir())
        };
        let dir = self.data.path().display();
        cleanup_when_test_exits(&format!("{stop} >/dev/null 2>&1; rm -rf {dir}"), None);
    }

    pub fn start() -> Result<Self, String> {
        let bin = find_bin_dir().ok_or(
            "PostgreSQL server binaries not found under /usr/lib/postgresql: run ./scripts/setup.sh",
        )?;
        let data = tempfile::Builder::new()
            .prefix("wolfe-pg-")
            .tempdir()
            .map_err(|e| e.to_string())?;
        let port = free_port()?;
        make_owned_by_postgres(data.path())?;
        let cluster = Self { bin, data, port };
        cluster.run(
            "initdb",
            &[
                "-D",
                &cluster.dir(),
                "-A",
                "trust",
                "-U",
                "wolfe",
                "--no-sync",
                "-E",
                "UTF8",
            ],
        )?;
        cluster.pg_ctl_start()?;
        Ok(cluster)
    }

    fn dir(&self) -> String {
        self.data.path().join("data").display().to_string()
    }

    fn pg_ctl_start(&self) -> Result<(), String> {
        let options = format!(
            "-p {} -k {} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off \
             -c full_page_writes=off -c max_connections=200",
            self.port,
            self.data.path().display()
        );
        let log = self.data.path().join("server.log").display().to_string();
        self.run(
            "pg_ctl",
            &["-D", &self.dir(), "-o", &options, "-l", &log, "-w", "start"],
        )
    }

    /// Stops the server at once (as a crash would) and starts it again.
    pub fn restart(&self) -> Result<(), String> {
        self.stop_immediately()?;
        self.pg_ctl_start()
    }

    pub fn stop_immediately(&self) -> Result<(), String> {
        self.run(
            "pg_ctl",
            &["-D", &self.dir(), "-m", "immediate", "-w", "stop"],
        )
    }

    /// The URL of a new, empty database in this cluster.
    pub fn fresh_database(&self) -> String {
        static NEXT: AtomicU32 = AtomicU32::new(0);
        let name = format!(
            "wolfe_test_{}_{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        );
        self.run(
            "createdb",
            &[
                "-h",
                "127.0.0.1",
                "-p",
                &self.port.to_string(),
                "-U",
                "wolfe",
                &name,
            ],
        )
        .expect("create a test database");
        format!("postgres://wolfe@127.0.0.1:{}/{name}", self.port)
    }

    fn run(&self, tool: &str, args: &[&str]) -> Result<(), String> {
        let program = self.bin.join(tool);
        let mut command = if is_root() {
            // PostgreSQL refuses to run as root.
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(&program);
            c
        } else {
            Command::new(&program)
        };
        let output = command
            .args(args)
            .output()
            .map_err(|e| format!("{tool}: {e}"))?;
        if output.status.success() {
            Ok(())
        } else {
            Err(format!(
                "{tool} failed: {}{}",
                String::from_utf8_lossy(&output.stdout),
                String::from_utf8_lossy(&output.stderr)
            ))
        }
    }
}

impl Drop for PgCluster {
    fn drop(&mut self) {
        let _ = self.stop_immediately();
    }
}

fn find_bin_dir() -> Option<PathBuf> {
    let mut versions: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(Result::ok)
        .map(|e| e.path().join("bin"))
        .filter(|bin| bin.join("initdb").is_file())
        .collect();
    versions.sort();
    versions.pop()
}

fn is_root() -> bool {
    std::env::var("USER").is_ok_and(|u| u == "root")
        || Command::new("id")
            .arg("-u")
            .output()
            .is_ok_and(|o| o.stdout.starts_with(b"0\n"))
}

fn make_owned_by_postgres(dir: &Path) -> Result<(), String> {
    if !is_root() {
        return Ok(());
    }
    let status = Command::new("chown")
        .args(["-R", "postgres:postgres"])
        .arg(dir)
        .status()
        .map_err(|e| e.to_string())?;
    status
        .success()
        .then_some(())
        .ok_or_else(|| "chown of the cluster directory failed".into())
}
