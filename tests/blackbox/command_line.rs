//! `gopy` on the command line, and every bad input of the foundation ending
//! in one clear line and a non-zero exit.

use std::net::TcpListener;

use gopy_tests::{TempDir, run_gopy, single_error_line};

#[test]
fn help_lists_serve_migrate_and_config() {
    let dir = TempDir::new();
    let output = run_gopy(dir.path(), &["--help"], &[]);
    assert!(output.status.success());
    let help = String::from_utf8_lossy(&output.stdout);
    for command in ["serve", "migrate", "config"] {
        assert!(help.lines().any(|l| l.trim_start().starts_with(command)), "{command} missing from:\n{help}");
    }
}

#[test]
fn config_prints_the_effective_configuration_without_the_password() {
    let dir = TempDir::new();
    let output = run_gopy(
        dir.path(),
        &["config"],
        &[("GOPY__DATABASE__URL", "postgres://gopy:hunter2@db.internal:5432/gopy"), ("GOPY__SERVER__ADDR", "0.0.0.0:8080")],
    );
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let printed = String::from_utf8_lossy(&output.stdout);
    assert!(!printed.contains("hunter2"), "{printed}");
    assert!(printed.contains("postgres://gopy:***@db.internal:5432/gopy"), "{printed}");
    assert!(printed.contains("addr = \"0.0.0.0:8080\""), "{printed}");
    assert!(printed.contains("level = \"warn\""), "the test overlay is applied:\n{printed}");
}

#[test]
fn a_config_file_overrides_the_defaults_and_the_environment_overrides_the_file() {
    let dir = TempDir::new();
    let file = dir.path().join("gopy.toml");
    std::fs::write(&file, "[server]\naddr = \"127.0.0.1:4000\"\nrequest_timeout_secs = 7\n").expect("write");
    let output = run_gopy(
        dir.path(),
        &["--config", "gopy.toml", "config"],
        &[("GOPY__SERVER__ADDR", "127.0.0.1:5000")],
    );
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let printed = String::from_utf8_lossy(&output.stdout);
    assert!(printed.contains("addr = \"127.0.0.1:5000\""), "{printed}");
    assert!(printed.contains("request_timeout_secs = 7"), "{printed}");
}

#[test]
fn migrate_creates_the_sqlite_file_and_folder_then_finds_nothing_to_do() {
    let dir = TempDir::new();
    let first = run_gopy(dir.path(), &["migrate"], &[]);
    assert!(first.status.success(), "{}", String::from_utf8_lossy(&first.stderr));
    assert!(String::from_utf8_lossy(&first.stdout).contains("Applied"));
    assert!(dir.path().join("data/gopy.db").is_file(), "the default database file is created");
    let second = run_gopy(dir.path(), &["migrate"], &[]);
    assert!(second.status.success());
    assert!(String::from_utf8_lossy(&second.stdout).contains("up to date"));
}

#[test]
fn a_malformed_config_file_is_named_with_its_line() {
    let dir = TempDir::new();
    std::fs::write(dir.path().join("bad.toml"), "[server]\naddr = 127.0.0.1:3000\n").expect("write");
    let line = single_error_line(&run_gopy(dir.path(), &["--config", "bad.toml", "config"], &[]));
    assert!(line.contains("bad.toml") && line.contains("not valid TOML") && line.contains("line 2"), "{line}");
}

#[test]
fn a_missing_config_file_is_named() {
    let dir = TempDir::new();
    let line = single_error_line(&run_gopy(dir.path(), &["--config", "nowhere.toml", "serve"], &[]));
    assert!(line.contains("nowhere.toml") && line.contains("cannot be read"), "{line}");
}

#[test]
fn an_unknown_key_in_a_file_is_named_with_the_keys_that_exist() {
    let dir = TempDir::new();
    std::fs::write(dir.path().join("typo.toml"), "[server]\nadress = \"127.0.0.1:3000\"\n").expect("write");
    let line = single_error_line(&run_gopy(dir.path(), &["--config", "typo.toml", "serve"], &[]));
    assert!(line.contains("unknown key server.adress") && line.contains("typo.toml") && line.contains("addr"), "{line}");
}

#[test]
fn an_unknown_key_in_the_environment_is_named() {
    let dir = TempDir::new();
    let line = single_error_line(&run_gopy(dir.path(), &["serve"], &[("GOPY__DATABASE__URI", "sqlite://x.db")]));
    assert!(line.contains("unknown key database.uri"), "{line}");
    assert!(line.contains("environment variable GOPY__DATABASE__URI"), "{line}");
}

#[test]
fn a_bad_value_names_the_key_the_value_and_what_was_expected() {
    let dir = TempDir::new();
    let line = single_error_line(&run_gopy(
        dir.path(),
        &["serve"],
        &[("GOPY__SERVER__REQUEST_TIMEOUT_SECS", "soon")],
    ));
    assert!(line.contains("server.request_timeout_secs") && line.contains("soon") && line.contains("whole number"), "{line}");

    let line = single_error_line(&run_gopy(dir.path(), &["serve"], &[("GOPY__I18N__DEFAULT_LANGUAGE", "fr")]));
    assert!(line.contains("i18n.default_language") && line.contains("fr") && line.contains("vi or en"), "{line}");

    let line = single_error_line(&run_gopy(dir.path(), &["serve"], &[("GOPY__DATABASE__URL", "mysql://db/gopy")]));
    assert!(line.contains("database.url") && line.contains("mysql://db/gopy") && line.contains("sqlite://"), "{line}");
}

#[test]
fn an_unknown_environment_name_is_refused() {
    let dir = TempDir::new();
    let line = single_error_line(&run_gopy(dir.path(), &["config"], &[("GOPY_ENV", "staging")]));
    assert!(line.contains("GOPY_ENV") && line.contains("staging") && line.contains("production"), "{line}");
}

#[test]
fn an_unreachable_database_is_named_without_its_password() {
    // Port 1 on loopback: nothing listens there, so the connection is refused.
    let dir = TempDir::new();
    let line = single_error_line(&run_gopy(
        dir.path(),
        &["serve", "--addr", "127.0.0.1:0"],
        &[
            ("GOPY__DATABASE__URL", "postgres://gopy:hunter2@127.0.0.1:1/gopy"),
            ("GOPY__DATABASE__CONNECT_TIMEOUT_SECS", "2"),
        ],
    ));
    assert!(line.contains("cannot reach the database at postgres://gopy:***@127.0.0.1:1/gopy"), "{line}");
    assert!(!line.contains("hunter2"), "{line}");
}

#[test]
fn a_port_in_use_is_named() {
    let dir = TempDir::new();
    let taken = TcpListener::bind("127.0.0.1:0").expect("a free port");
    let addr = taken.local_addr().expect("its address").to_string();
    let line = single_error_line(&run_gopy(dir.path(), &["serve", "--addr", &addr], &[]));
    assert!(line.contains(&format!("cannot listen on {addr}")) && line.contains("already in use"), "{line}");
}

#[test]
fn an_unwritable_data_folder_is_named() {
    // A folder that would have to be made inside a plain file cannot be made,
    // even by root, for whom permission bits do not count.
    let dir = TempDir::new();
    std::fs::write(dir.path().join("blocker"), "not a folder").expect("write");
    let line = single_error_line(&run_gopy(
        dir.path(),
        &["serve", "--addr", "127.0.0.1:0"],
        &[("GOPY__DATABASE__URL", "sqlite://blocker/data/gopy.db")],
    ));
    assert!(line.contains("cannot create the data folder blocker/data"), "{line}");
}

#[test]
fn a_database_file_that_is_a_folder_is_named() {
    let dir = TempDir::new();
    std::fs::create_dir_all(dir.path().join("data/gopy.db")).expect("mkdir");
    let line = single_error_line(&run_gopy(dir.path(), &["migrate"], &[]));
    assert!(line.contains("data/gopy.db"), "{line}");
}

#[test]
fn serve_with_no_migrate_refuses_a_database_with_pending_migrations() {
    let dir = TempDir::new();
    let line = single_error_line(&run_gopy(dir.path(), &["serve", "--addr", "127.0.0.1:0", "--no-migrate"], &[]));
    assert!(line.contains("pending migration") && line.contains("gopy migrate"), "{line}");
}

/// Starts `gopy <command>` on a free port with stdout and stderr piped,
/// reads its printed lines until `last` appears, then stops it and returns
/// (stdout, stderr).
fn start_up_lines(command: &str, last: &str, env: &[(&str, &str)]) -> (String, String) {
    use std::io::{BufRead, BufReader, Read};
    use std::process::Stdio;
    let dir = TempDir::new();
    let mut child = gopy_tests::gopy_command(dir.path(), &[command, "--addr", "127.0.0.1:0"], env)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("gopy starts");
    let stdout = child.stdout.take().expect("piped stdout");
    let mut printed = String::new();
    for line in BufReader::new(stdout).lines().map_while(Result::ok) {
        printed.push_str(&line);
        printed.push('\n');
        if line.starts_with(last) {
            break;
        }
    }
    let _ = child.kill();
    let _ = child.wait();
    let mut logged = String::new();
    if let Some(mut stderr) = child.stderr.take() {
        let _ = stderr.read_to_string(&mut logged);
    }
    (printed, logged)
}

#[test]
fn serve_starts_with_a_few_lines_and_the_migrations_in_one() {
    // At info, as configured by default, not the test overlay's warn.
    let (printed, logged) = start_up_lines("serve", "Mail goes to", &[("GOPY__LOG__LEVEL", "info")]);
    let lines: Vec<&str> = printed.lines().collect();
    assert!(lines.len() <= 4, "a few lines: {printed}");
    assert!(lines.iter().any(|l| l.starts_with("Applied ") && l.contains("migration(s) to the database at sqlite://data/gopy.db")), "{printed}");
    assert!(lines.iter().any(|l| l.starts_with("Gopy is serving at http://127.0.0.1:")), "{printed}");
    assert!(lines.iter().any(|l| l.starts_with("Mail goes to .eml files in data/mail")), "{printed}");
    assert!(!logged.contains("Applying migration") && !logged.contains("m20261125_000001"), "no line per migration:\n{logged}");
    assert!(logged.contains("database migrations applied"), "one log line says how many:\n{logged}");
}

#[test]
fn the_demo_says_where_it_serves_where_mail_goes_and_how_to_sign_in() {
    let (printed, logged) = start_up_lines("demo", "Stop with Ctrl+C", &[]);
    let lines: Vec<&str> = printed.lines().collect();
    assert!(lines.len() <= 14, "a screenful at most: {printed}");
    let serving = lines.iter().find_map(|l| l.strip_prefix("Gopy is serving at ")).expect("where it serves").to_owned();
    assert!(lines.iter().any(|l| l.starts_with("Mail goes to .eml files in data/mail")), "{printed}");
    assert!(printed.contains(&format!("Sign in at {serving}/sign-in as any of these, password gopy-demo-2023:")), "{printed}");
    for email in ["vanphong@tinhuy.vn", "bithu@tinhuy.vn", "uyvien@tinhuy.vn", "tuyengiao@tinhuy.vn", "quantri@tinhuy.vn"] {
        assert!(printed.contains(email), "{email} in {printed}");
    }
    assert!(printed.contains(&format!("Start with the mid-term review and its comments: {serving}/reports/")), "{printed}");
    assert!(!logged.contains("Applying migration") && !logged.contains("mail sent"), "the demo's logs keep to warnings:\n{logged}");
}
