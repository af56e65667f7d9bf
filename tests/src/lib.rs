//! Helpers for black-box tests: run the real `gopy` binary in a scratch
//! folder, wait until it serves, and talk to it over HTTP.
//!
//! The binary is the one `scripts/test` builds (`cargo build -p gopy-web`)
//! next to the test executables, or the one `GOPY_BIN` names. Pages that
//! need a real browser are driven through [`browser::Browser`].

pub mod browser;
pub mod routes;
pub mod load;
pub mod mail;
pub mod postgres;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::mpsc;
use std::time::Duration;

pub use browser::Browser;
pub use mail::{Mail, MailAttachment, SmtpServer, free_port};
pub use postgres::PrivateCluster;

/// The `gopy` binary under test.
pub fn gopy_bin() -> PathBuf {
    if let Some(path) = std::env::var_os("GOPY_BIN") {
        return PathBuf::from(path);
    }
    // Test executables live in target/<profile>/deps; the binary one level up.
    let exe = std::env::current_exe().expect("the test executable has a path");
    let bin = exe.parent().and_then(Path::parent).expect("target/<profile>").join("gopy");
    assert!(
        bin.exists(),
        "{} is missing: build it first with `cargo build -p gopy-web --bin gopy` (scripts/test does), or set GOPY_BIN",
        bin.display()
    );
    bin
}

/// A scratch folder, removed when dropped.
pub struct TempDir(PathBuf);

impl TempDir {
    pub fn new() -> Self {
        let path = std::env::temp_dir().join(format!("gopy-test-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&path).expect("a scratch folder");
        Self(path)
    }

    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Default for TempDir {
    fn default() -> Self {
        Self::new()
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The release `gopy` that `scripts/test` builds and names in
/// `GOPY_RELEASE_BIN`, for the tests that must run what is deployed (the
/// crash test). Without it, the debug binary, and a line saying so.
pub fn release_gopy_bin() -> PathBuf {
    match std::env::var_os("GOPY_RELEASE_BIN") {
        Some(path) => PathBuf::from(path),
        None => {
            eprintln!("GOPY_RELEASE_BIN is not set (scripts/test sets it): running the debug gopy instead");
            gopy_bin()
        }
    }
}

/// `gopy` with `args`, run in `dir` with only `env` set (beside `PATH` and
/// `GOPY_ENV=test`), so nothing from the developer's shell leaks in.
pub fn gopy_command(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Command {
    command_of(&gopy_bin(), dir, args, env)
}

fn command_of(bin: &Path, dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Command {
    let mut command = Command::new(bin);
    command
        .args(args)
        .current_dir(dir)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("GOPY_ENV", "test")
        .envs(env.iter().copied());
    command
}

/// Runs `gopy` to its end and returns what it printed.
pub fn run_gopy(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    gopy_command(dir, args, env).stdin(Stdio::null()).output().expect("gopy runs")
}

/// A personal access token for `email`, made with `gopy token create`
/// beside `server` (with `env`, e.g. the demo's database).
pub fn create_token(server: &Server, email: &str, env: &[(&str, &str)]) -> String {
    let created = run_gopy(server.dir.path(), &["token", "create", "--email", email, "--name", "kiểm thử"], env);
    assert!(created.status.success(), "{}", String::from_utf8_lossy(&created.stderr));
    String::from_utf8_lossy(&created.stdout).trim().to_owned()
}

/// What a failed run printed on standard error, checked to be exactly one
/// line in the `gopy: error: …` form with a non-zero exit.
pub fn single_error_line(output: &Output) -> String {
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success(), "gopy should have failed; stderr: {stderr}");
    let lines: Vec<&str> = stderr.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(lines.len(), 1, "expected one line on stderr, got:\n{stderr}");
    assert!(lines[0].starts_with("gopy: error: "), "unexpected form: {}", lines[0]);
    assert!(!stderr.contains("panicked") && !stderr.contains("backtrace"), "{stderr}");
    lines[0].to_owned()
}

/// A `gopy serve` running in its own scratch folder on a free port; killed
/// when dropped.
pub struct Server {
    child: Child,
    pub base: String,
    pub dir: TempDir,
    /// The environment it was started with, for commands run beside it.
    env: Vec<(String, String)>,
}

impl Server {
    /// Starts `gopy serve` on SQLite in a fresh folder.
    pub fn start() -> Self {
        Self::start_with(&[], &[])
    }

    /// Starts `gopy demo`: the demo's story, loaded and served.
    pub fn demo() -> Self {
        Self::run_command(&gopy_bin(), "demo", &[], &[])
    }

    /// Starts `gopy demo` with extra environment.
    pub fn demo_with(env: &[(&str, &str)]) -> Self {
        Self::run_command(&gopy_bin(), "demo", &[], env)
    }

    /// Starts `gopy serve` with extra arguments and environment.
    pub fn start_with(args: &[&str], env: &[(&str, &str)]) -> Self {
        Self::run_command(&gopy_bin(), "serve", args, env)
    }

    /// Starts `gopy serve` of the binary `bin` (see [`release_gopy_bin`]).
    pub fn start_binary(bin: &Path, args: &[&str], env: &[(&str, &str)]) -> Self {
        Self::run_command(bin, "serve", args, env)
    }

    fn run_command(bin: &Path, command: &str, args: &[&str], env: &[(&str, &str)]) -> Self {
        let dir = TempDir::new();
        let mut all_args = vec![command, "--addr", "127.0.0.1:0"];
        all_args.extend_from_slice(args);
        let mut child = command_of(bin, dir.path(), &all_args, env)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("gopy serve starts");
        let stdout = child.stdout.take().expect("piped stdout");
        let (found, address) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if let Some(base) = line.strip_prefix("Gopy is serving at ") {
                    let _ = found.send(base.to_owned());
                }
            }
        });
        let env = env.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect();
        match address.recv_timeout(Duration::from_secs(60)) {
            Ok(base) => Self { child, base, dir, env },
            Err(_) => {
                let _ = child.kill();
                panic!("gopy serve did not say where it serves within 60 s");
            }
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Runs another `gopy` command in its folder with its environment, so
    /// the command reaches the same database.
    pub fn gopy(&self, args: &[&str]) -> Output {
        let env: Vec<(&str, &str)> = self.env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        run_gopy(self.dir.path(), args, &env)
    }

    /// Sends SIGKILL: the process ends at once, mid-write if it was writing.
    pub fn kill(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// Sends SIGTERM and waits for the exit status.
    pub fn terminate(mut self) -> std::process::ExitStatus {
        let status = Command::new("kill").args(["-TERM", &self.child.id().to_string()]).status().expect("kill runs");
        assert!(status.success(), "kill -TERM failed");
        for _ in 0..300 {
            if let Ok(Some(status)) = self.child.try_wait() {
                return status;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        panic!("gopy did not stop within 30 s of SIGTERM");
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// An HTTP client that keeps cookies, as a browser does, and does not follow
/// redirects, so tests can see them.
pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("an HTTP client")
}
