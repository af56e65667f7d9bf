//! A PostgreSQL cluster of a test's own, which the test may stop and start
//! (the shared one that `scripts/test` starts must never be stopped). It is
//! made with initdb and run with pg_ctl, found as `scripts/test` finds them;
//! as root they run as the `postgres` user through runuser.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::{TempDir, free_port};

pub struct PrivateCluster {
    bin: PathBuf,
    dir: TempDir,
    pub port: u16,
}

/// The folder holding initdb (and pg_ctl beside it).
fn bin_dir() -> Option<PathBuf> {
    gopy_store::find_pg_program("initdb")?.parent().map(Path::to_path_buf)
}

fn is_root() -> bool {
    Command::new("id").arg("-u").output().is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

impl PrivateCluster {
    /// A new cluster, started; `None` (with the reason printed) when
    /// `GOPY_TEST_PG=skip` says PostgreSQL tests are skipped on purpose.
    pub fn start() -> Option<Self> {
        if std::env::var("GOPY_TEST_PG").as_deref() == Ok("skip") {
            eprintln!("GOPY_TEST_PG=skip: this test needs a PostgreSQL cluster of its own and was skipped");
            return None;
        }
        let bin = bin_dir().expect(
            "initdb was found neither on PATH nor in /usr/lib/postgresql/*/bin: install Debian's postgresql \
             (scripts/test does), or set GOPY_TEST_PG=skip to skip PostgreSQL tests on purpose",
        );
        let dir = TempDir::new();
        if is_root() {
            let status = Command::new("chown").arg("postgres").arg(dir.path()).status().expect("chown runs");
            assert!(status.success(), "chown postgres {}", dir.path().display());
        }
        let cluster = Self { bin, dir, port: free_port() };
        let data = cluster.data();
        cluster.run_pg(
            "initdb",
            &["-D", &data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8"],
        );
        cluster.resume();
        Some(cluster)
    }

    fn data(&self) -> String {
        self.dir.path().join("data").display().to_string()
    }

    fn run_pg(&self, program: &str, args: &[&str]) {
        let path = self.bin.join(program);
        let mut command = if is_root() {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(&path);
            c
        } else {
            Command::new(&path)
        };
        let output = command.args(args).output().unwrap_or_else(|e| panic!("{} runs: {e}", path.display()));
        assert!(
            output.status.success(),
            "{program} {args:?} failed: {}{}\n{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr),
            std::fs::read_to_string(self.log()).unwrap_or_default()
        );
    }

    fn log(&self) -> PathBuf {
        self.dir.path().join("server.log")
    }

    /// What the cluster has written to its log so far.
    pub fn log_text(&self) -> String {
        std::fs::read_to_string(self.log()).unwrap_or_default()
    }

    /// The URL of the `postgres` database on it.
    pub fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }

    /// Stops it at once, as a crash or a failover would: connections drop.
    pub fn stop(&self) {
        self.run_pg("pg_ctl", &["-D", &self.data(), "-m", "immediate", "-w", "stop"]);
    }

    /// Starts it (again) on the same port.
    pub fn resume(&self) {
        let socket_dir = self.dir.path().display().to_string();
        let options = format!(
            "-p {} -k {socket_dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=100",
            self.port
        );
        let log = self.log().display().to_string();
        self.run_pg("pg_ctl", &["-D", &self.data(), "-l", &log, "-w", "-t", "60", "start", "-o", &options]);
    }
}

impl Drop for PrivateCluster {
    fn drop(&mut self) {
        // Stopped already, perhaps; then this fails, which is fine.
        let path = self.bin.join("pg_ctl");
        let data = self.data();
        let args = ["-D", data.as_str(), "-m", "immediate", "stop"];
        let _ = if is_root() {
            Command::new("runuser").args(["-u", "postgres", "--"]).arg(&path).args(args).output()
        } else {
            Command::new(&path).args(args).output()
        };
    }
}
