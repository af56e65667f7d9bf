//! Hostile input against the JSON API: schemathesis (from PyPI; `scripts/test`
//! installs it) reads `/api/openapi.json`, generates requests for every
//! operation, valid ones and broken ones, and sends them with a real token.
//! No answer may be a 5xx, and every answer must be one the document lists,
//! in the shape it gives.
//!
//! It runs three times: as the secretariat and as a member on `gopy demo`'s
//! story (SQLite), with the path ids of one of the demo's reports, a comment
//! on it, its meeting and an opinion and an action item of that meeting, so
//! that the requests reach the use cases instead of stopping at "no such
//! report"; and as an admin on PostgreSQL. The server runs with `GOPY_ENV=test` (the kit's), so
//! the per-person write limit does not answer the many writes with 429.
//!
//! A developer without schemathesis sets `GOPY_TEST_SCHEMATHESIS=skip` and is
//! told the test did not run; otherwise a missing schemathesis fails it.

use std::path::{Path, PathBuf};
use std::process::Command;

use gopy_store::testing::TestDatabase;
use gopy_tests::{Server, TempDir, client, create_token, run_gopy};
use serde_json::Value;

/// Generated cases per operation in the fuzzing phase: enough to find what
/// the coverage phase's boundary values miss, few enough for a couple of
/// minutes on two cores.
const MAX_EXAMPLES: &str = "100";

/// The fewest cases a run must report to count: below this, operations went
/// untested (a route the caller cannot reach at all, a spec it could not read).
const MIN_CASES: u64 = 5_000;

/// What schemathesis checks on every answer.
const CHECKS: &str = "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance";

/// The schemathesis executable: `GOPY_SCHEMATHESIS` (which `scripts/test`
/// sets), else the one on `PATH`; `None` if the developer chose to skip.
fn schemathesis() -> Option<PathBuf> {
    if std::env::var("GOPY_TEST_SCHEMATHESIS").is_ok_and(|v| v == "skip") {
        println!("SKIPPED: GOPY_TEST_SCHEMATHESIS=skip, so the API was not tested with schemathesis");
        return None;
    }
    let program = std::env::var_os("GOPY_SCHEMATHESIS").map_or_else(|| PathBuf::from("schemathesis"), PathBuf::from);
    let found = Command::new(&program).arg("--version").output().is_ok_and(|o| o.status.success());
    assert!(
        found,
        "{} does not run: scripts/test installs schemathesis from PyPI and sets GOPY_SCHEMATHESIS; \
         set GOPY_TEST_SCHEMATHESIS=skip to skip this test",
        program.display()
    );
    Some(program)
}

async fn get(http: &reqwest::Client, server: &Server, token: &str, path: &str) -> Value {
    let response = http.get(server.url(path)).bearer_auth(token).send().await.expect("the API answers");
    assert!(response.status().is_success(), "{path}: {}", response.status());
    response.json().await.expect("json")
}

fn id_of(value: &Value) -> String {
    value["id"].as_str().unwrap_or_else(|| panic!("an id in {value}")).to_owned()
}

/// The ids that schemathesis puts in each operation's path, by the path's
/// first segment after `/api/v1/`.
struct Ids {
    report: String,
    comment: String,
    meeting: String,
    entry: String,
    action: String,
}

impl Ids {
    /// The ids on the demo of the report whose title holds `title`.
    async fn of_demo(server: &Server, token: &str, title: &str) -> Self {
        let http = client();
        let reports = get(&http, server, token, "/api/v1/reports").await;
        let review = reports
            .as_array()
            .expect("reports")
            .iter()
            .find(|r| r["title"].as_str().is_some_and(|t| t.contains(title)))
            .unwrap_or_else(|| panic!("no report {title} in {reports}"));
        let report = id_of(review);
        let review = get(&http, server, token, &format!("/api/v1/reports/{report}/comments")).await;
        let comment = id_of(&review["threads"][0]["comment"]);
        let meetings = get(&http, server, token, "/api/v1/meetings").await;
        let meeting = id_of(&meetings[0]);
        let detail = get(&http, server, token, &format!("/api/v1/meetings/{meeting}")).await;
        let entry = id_of(&detail["minutes"][0]);
        let action = id_of(&detail["actions"][0]);
        Self { report, comment, meeting, entry, action }
    }

    /// A schemathesis configuration that fixes the path ids per operation.
    fn config(&self) -> String {
        let Self { report, comment, meeting, entry, action } = self;
        format!(
            r#"# The first block that names an option decides it, so the files come first.
[[operations]]
include-path = "/api/v1/reports/{{id}}/versions/{{number}}/{{file}}"
parameters = {{ "path.id" = "{report}", "path.number" = 1, "path.file" = "export.docx" }}

[[operations]]
include-path = "/api/v1/reports/{{id}}/{{file}}"
parameters = {{ "path.id" = "{report}", "path.file" = "dispositions.xlsx" }}

[[operations]]
include-path-regex = "^/api/v1/reports/\\{{id\\}}"
parameters = {{ "path.id" = "{report}", "path.number" = 1 }}

[[operations]]
include-path-regex = "^/api/v1/comments/\\{{id\\}}"
parameters = {{ "path.id" = "{comment}" }}

[[operations]]
include-path-regex = "^/api/v1/meetings/\\{{id\\}}"
parameters = {{ "path.id" = "{meeting}", "path.entry" = "{entry}", "path.action" = "{action}" }}
"#
        )
    }
}

/// The number of test cases a run reports, from its closing summary: a line
/// "Test cases:" and under it "N generated, N passed".
fn cases_run(output: &str) -> Option<u64> {
    let mut lines = output.lines().skip_while(|l| l.trim() != "Test cases:").skip(1);
    let (count, rest) = lines.next()?.trim().split_once(' ')?;
    rest.starts_with("generated").then(|| count.parse().ok()).flatten()
}


/// Runs schemathesis against `server` as the holder of `token`, with
/// `config` (a schemathesis.toml) if given; fails the test on any failure it
/// reports and returns the number of cases it ran.
fn run_schemathesis(program: &Path, server: &Server, token: &str, config: Option<String>, who: &str) -> u64 {
    let work = TempDir::new();
    let mut command = Command::new(program);
    command.current_dir(work.path());
    if let Some(config) = config {
        let path = work.path().join("schemathesis.toml");
        std::fs::write(&path, config).expect("the schemathesis configuration");
        command.arg("--config-file").arg(path);
    }
    let output = command
        .args(["run", &server.url("/api/openapi.json"), "--url", &server.base])
        .args(["--checks", CHECKS, "--max-examples", MAX_EXAMPLES])
        .args(["--phases", "examples,coverage,fuzzing", "--workers", "2", "--seed", "20260627"])
        .args(["--request-timeout", "30", "--no-color", "--suppress-health-check", "all"])
        .args(["--header", &format!("Authorization: Bearer {token}"), "--header", "Accept-Language: vi"])
        .output()
        .expect("schemathesis runs");
    let printed = format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    let cases = cases_run(&printed);
    println!("schemathesis ran {} test cases as {who}", cases.map_or("?".to_owned(), |n| n.to_string()));
    assert!(output.status.success(), "schemathesis found failures as {who}:\n{printed}");
    let cases = cases.unwrap_or_else(|| panic!("no count of test cases in:\n{printed}"));
    // The issue's floor (#22): each run covers every operation with thousands of cases.
    assert!(cases >= MIN_CASES, "schemathesis ran only {cases} cases, fewer than {MIN_CASES}:\n{printed}");
    cases
}

/// Runs schemathesis as `email` on a fresh demo, on the report whose title
/// holds `title`.
async fn on_the_demo(email: &str, title: &str, who: &str) {
    let Some(program) = schemathesis() else { return };
    let server = Server::demo();
    let token = create_token(&server, email, &[("GOPY__DATABASE__URL", "sqlite://data/demo.db")]);
    let ids = Ids::of_demo(&server, &token, title).await;
    run_schemathesis(&program, &server, &token, Some(ids.config()), who);
}

/// The mid-term review, whose round is over: the secretariat's steps,
/// versions, the table of dispositions, the meeting.
#[tokio::test]
async fn no_request_as_the_secretariat_on_the_demo_gets_a_server_error_or_an_undocumented_answer() {
    on_the_demo("vanphong@tinhuy.vn", "sơ kết giữa nhiệm kỳ", "the secretariat on the demo (SQLite)").await;
}

/// The self-assessment, open for comments: a member's comments, anchors
/// and replies.
#[tokio::test]
async fn no_request_as_a_member_on_the_demo_gets_a_server_error_or_an_undocumented_answer() {
    on_the_demo("uyvien@tinhuy.vn", "kiểm điểm giữa nhiệm kỳ", "a member on the demo (SQLite)").await;
}

/// PostgreSQL refuses what SQLite takes (a NUL byte in text, say), so the
/// generated strings go to it too: an admin on a store with nothing in it,
/// whose searches and new reports reach the database.
#[tokio::test]
async fn no_request_as_an_admin_on_postgresql_gets_a_server_error_or_an_undocumented_answer() {
    let Some(program) = schemathesis() else { return };
    let Some(database) = TestDatabase::postgres().await else { return };
    let env = [("GOPY__DATABASE__URL", database.url.as_str())];
    let server = Server::start_with(&[], &env);
    let added = run_gopy(server.dir.path(), &["user", "add", "--email", "admin@tinhuy.vn", "--name", "Quản trị", "--role", "admin"], &env);
    assert!(added.status.success(), "{}", String::from_utf8_lossy(&added.stderr));
    let token = create_token(&server, "admin@tinhuy.vn", &env);
    run_schemathesis(&program, &server, &token, None, "an admin on PostgreSQL");
    drop(server);
    database.finish().await;
}
