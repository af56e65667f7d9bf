//! `gopy-bench`: the load benchmark of issues #11 and #18, run by `scripts/bench`.
//!
//! For each engine (SQLite, then PostgreSQL when `GOPY_TEST_PG_URL` names a
//! server) it seeds a fresh database through `gopy seed-benchmark` (the real
//! use cases), starts the release `gopy serve` on it (`GOPY_BIN`), signs in,
//! and drives each path at 1, 16 and 64 connections over loopback. It prints
//! requests per second, median and 99th percentile latency, the ratio to
//! `/healthz` measured in the same run, errors and the server's peak RSS,
//! then the targets beside the figures, and writes the same as JSON.
//! Besides the review of 1,000 comments, the seed holds one of 10,000: its
//! version page, a passage's threads and its table of dispositions are
//! measured, and so is a `304` revalidation of each (the `ETag` of a first
//! answer sent back in `If-None-Match`).
//! It asserts nothing about speed: the figures are for people to read.
//!
//!   gopy-bench [--seconds 3] [--connections 1,16,64] [--engines sqlite,postgres] [--paths healthz,post] [--out DIR]
//!
//! `--paths` keeps the paths whose name holds one of the words (any case);
//! `/healthz` is always measured, as every ratio is to it.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use gopy_store::testing::TestDatabase;
use gopy_tests::load::{Figures, Probe, measure};
use gopy_tests::{Server, run_gopy};
use reqwest::header::{AUTHORIZATION, COOKIE};
use serde_json::{Value, json};

const PASSWORD: &str = "gopy-bench-2026";

struct Options {
    seconds: f64,
    warm_up: Duration,
    connections: Vec<usize>,
    engines: Vec<String>,
    /// Words picking the paths to measure; empty: all of them.
    paths: Vec<String>,
    out: PathBuf,
    fixtures: PathBuf,
}

/// One row of the table.
struct Row {
    path: &'static str,
    engine: &'static str,
    connections: usize,
    figures: Figures,
    /// requests per second over `/healthz`'s at the same engine and connections.
    ratio: f64,
    peak_rss_kb: u64,
}

fn main() -> ExitCode {
    let options = match parse_options() {
        Ok(options) => options,
        Err(message) => {
            eprintln!("gopy-bench: {message}");
            return ExitCode::FAILURE;
        }
    };
    // Two threads drive the load: enough for 64 connections, and the server
    // keeps the rest of the machine.
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("a runtime");
    runtime.block_on(run(options))
}

fn parse_options() -> Result<Options, String> {
    let target = std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| PathBuf::from("target"), PathBuf::from);
    let mut options = Options {
        seconds: 3.0,
        warm_up: Duration::from_millis(500),
        connections: vec![1, 16, 64],
        engines: vec!["sqlite".into(), "postgres".into()],
        paths: Vec::new(),
        out: target.join("bench"),
        fixtures: std::env::var_os("GOPY_FIXTURES").map_or_else(|| PathBuf::from("tests/fixtures"), PathBuf::from),
    };
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let mut value = || args.next().ok_or_else(|| format!("{flag} needs a value"));
        match flag.as_str() {
            "--seconds" => options.seconds = value()?.parse().map_err(|_| "--seconds: a number of seconds")?,
            "--connections" => {
                options.connections = value()?
                    .split(',')
                    .map(|n| n.trim().parse().map_err(|_| format!("--connections: {n:?} is not a number")))
                    .collect::<Result<_, _>>()?;
            }
            "--engines" => options.engines = value()?.split(',').map(|e| e.trim().to_owned()).collect(),
            "--paths" => options.paths = value()?.split(',').map(|p| p.trim().to_lowercase()).collect(),
            "--out" => options.out = PathBuf::from(value()?),
            "--fixtures" => options.fixtures = PathBuf::from(value()?),
            other => return Err(format!("unknown argument {other:?}; see the top of tests/src/bin/gopy-bench.rs")),
        }
    }
    if let Some(bad) = options.engines.iter().find(|e| !matches!(e.as_str(), "sqlite" | "postgres")) {
        return Err(format!("--engines: {bad:?} is neither sqlite nor postgres"));
    }
    options.fixtures = options
        .fixtures
        .canonicalize()
        .map_err(|e| format!("the fixtures folder {} ({e}); set GOPY_FIXTURES or --fixtures", options.fixtures.display()))?;
    Ok(options)
}

async fn run(options: Options) -> ExitCode {
    let started = Instant::now();
    let mut rows = Vec::new();
    let mut idle_rss = Vec::new();
    for engine in &options.engines {
        let database = match engine.as_str() {
            "sqlite" => TestDatabase::sqlite().await,
            _ if std::env::var(gopy_store::testing::PG_URL_VAR).is_err() => {
                println!("PostgreSQL skipped: GOPY_TEST_PG_URL names no server (scripts/bench starts one).");
                continue;
            }
            _ => TestDatabase::postgres().await.expect("GOPY_TEST_PG_URL is set"),
        };
        let name: &'static str = if engine == "sqlite" { "SQLite" } else { "PostgreSQL" };
        match bench_engine(&options, name, &database.url, &mut rows).await {
            Ok(idle) => idle_rss.push((name, idle)),
            Err(message) => {
                eprintln!("gopy-bench: {name}: {message}");
                database.finish().await;
                return ExitCode::FAILURE;
            }
        }
        database.finish().await;
    }
    let elapsed = started.elapsed();
    let targets = targets(&rows, &idle_rss);
    print_table(&rows, &idle_rss, &targets);
    println!("\nMeasured in {:.0} s ({} s per path and connection count, after {} ms of warm-up).", elapsed.as_secs_f64(), options.seconds, options.warm_up.as_millis());
    match write_json(&options, &rows, &idle_rss, &targets, elapsed) {
        Ok(path) => println!("Figures written to {}", path.display()),
        Err(e) => {
            eprintln!("gopy-bench: cannot write the figures: {e}");
            return ExitCode::FAILURE;
        }
    }
    ExitCode::SUCCESS
}

/// Seeds, serves, signs in and measures every path on one engine; returns
/// the server's idle RSS in kB.
async fn bench_engine(options: &Options, engine: &'static str, url: &str, rows: &mut Vec<Row>) -> Result<u64, String> {
    let env = [("GOPY__DATABASE__URL", url)];
    let seed_dir = gopy_tests::TempDir::new();
    let fixtures = options.fixtures.to_string_lossy();
    let seeding = Instant::now();
    let output = run_gopy(seed_dir.path(), &["seed-benchmark", "--fixtures", &fixtures, "--password", PASSWORD], &env);
    if !output.status.success() {
        return Err(format!("seeding failed: {}", String::from_utf8_lossy(&output.stderr).trim()));
    }
    let seeded: Value = serde_json::from_slice(&output.stdout).map_err(|e| format!("the seed's JSON: {e}"))?;
    println!(
        "{engine}: seeded {} people, {} reports, {} comments on one and {} on another in {:.1} s",
        seeded["people"], seeded["reports"], seeded["comments"], seeded["many_comments"], seeding.elapsed().as_secs_f64()
    );
    // GOPY_ENV=test (the kit's): warn-level logs, and no per-person write
    // limit, since every measured comment comes from one person.
    // The seed leaves tens of thousands of notices in the outbox; a worker
    // writing them out would share the cores with what is measured.
    let server = Server::start_with(&[], &[env[0], ("GOPY__MAIL__WORKER_IN_SERVE", "false")]);
    let pid = server.pid();
    let cookie = sign_in(&server.base, &seeded).await?;
    // Let the start settle (the notifier's first round) before the idle figure.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let idle = rss_kb(pid, "VmRSS");
    let text = |key: &str| seeded[key].as_str().unwrap_or_default().to_owned();
    let (review, target, many, busiest) = (text("review"), text("target"), text("many"), text("many_busiest_block"));
    let reader = format!("Bearer {}", text("reader_token"));
    let commenter = format!("Bearer {}", text("commenter_token"));
    let version_page = Probe::get(format!("/reports/{review}/versions/2")).header(COOKIE, &cookie);
    let many_page = Probe::get(format!("/reports/{many}/versions/3")).header(COOKIE, &cookie);
    let many_threads =
        Probe::get(format!("/reports/{many}/versions/3/passages/{busiest}/threads?fragment=1")).header(COOKIE, &cookie);
    let dispositions = Probe::get(format!("/api/v1/reports/{review}/dispositions")).header(AUTHORIZATION, &reader);
    let many_dispositions = Probe::get(format!("/api/v1/reports/{many}/dispositions")).header(AUTHORIZATION, &reader);
    let mut paths: Vec<(&'static str, Probe)> = vec![
        ("GET /healthz", Probe::get("/healthz")),
        ("GET version page (1,000 comments)", version_page.clone()),
        ("GET version page (10,000 comments)", many_page.clone()),
        ("GET passage threads (10,000)", many_threads.clone()),
        ("GET dispositions .json", dispositions.clone()),
        ("GET dispositions .json (10,000)", many_dispositions.clone()),
        ("GET dispositions .xlsx", Probe::get(format!("/api/v1/reports/{review}/dispositions.xlsx")).header(AUTHORIZATION, &reader)),
        ("GET diff v1..v2", Probe::get(format!("/reports/{review}/diff?from=1&to=2")).header(COOKIE, &cookie)),
        // Last, so the mail its outbox rows cause does not weigh on the reads.
        ("POST comment (bearer)", Probe::post_json(format!("/api/v1/reports/{target}/comments"), &seeded["comment_request"]).header(AUTHORIZATION, &commenter)),
    ];
    // Revalidations: each read again with the ETag its first answer gave.
    let revalidations = [
        ("GET 304 version page (1,000)", version_page),
        ("GET 304 version page (10,000)", many_page),
        ("GET 304 passage threads (10,000)", many_threads),
        ("GET 304 dispositions .json", dispositions),
        ("GET 304 dispositions .json (10,000)", many_dispositions),
    ];
    // Before the comment POST, which stays last.
    let mut at = paths.len() - 1;
    for (name, probe) in revalidations {
        match etag_of(&server.base, &probe).await {
            Some(tag) => {
                let mut probe = probe.header(reqwest::header::IF_NONE_MATCH, &tag);
                probe.expect = reqwest::StatusCode::NOT_MODIFIED;
                paths.insert(at, (name, probe));
                at += 1;
            }
            None => println!("  {name}: the first answer had no ETag; not measured"),
        }
    }
    let duration = Duration::from_secs_f64(options.seconds);
    let chosen = |path: &str| {
        let path = path.to_lowercase();
        options.paths.is_empty() || path.contains("healthz") || options.paths.iter().any(|word| path.contains(word.as_str()))
    };
    for (path, probe) in paths.iter().filter(|(path, _)| chosen(path)) {
        for &connections in &options.connections {
            reset_peak_rss(pid);
            let figures = measure(&server.base, probe, connections, options.warm_up, duration).await;
            let peak_rss_kb = rss_kb(pid, "VmHWM");
            let baseline = rows
                .iter()
                .find(|r| r.engine == engine && r.connections == connections && r.path == "GET /healthz")
                .map_or(figures.requests_per_second, |r| r.figures.requests_per_second);
            let ratio = if baseline > 0.0 { figures.requests_per_second / baseline } else { 0.0 };
            println!(
                "  {path:<36} {connections:>3} conn: {:>8.0} req/s, p50 {:>7.2} ms, p99 {}{:.2} ms, {} errors, {} unfinished, {} B a body",
                figures.requests_per_second,
                ms(figures.median),
                at_least(&figures),
                ms(figures.p99),
                figures.errors,
                figures.unfinished,
                figures.body_bytes
            );
            if let Some(error) = &figures.first_error {
                println!("    first error: {error}");
            }
            rows.push(Row { path, engine, connections, figures, ratio, peak_rss_kb });
        }
    }
    drop(server);
    Ok(idle)
}

/// The `ETag` of `probe`'s answer, if it has one.
async fn etag_of(base: &str, probe: &Probe) -> Option<String> {
    let client = gopy_tests::client();
    let mut request = client.get(format!("{base}{}", probe.path));
    for (name, value) in &probe.headers {
        request = request.header(name, value);
    }
    let response = request.send().await.ok()?;
    response.headers().get(reqwest::header::ETAG)?.to_str().ok().map(str::to_owned)
}

/// Signs in as the seeded secretary through the sign-in form, as a browser
/// does, and returns the `Cookie` header of that browser.
async fn sign_in(base: &str, seeded: &Value) -> Result<String, String> {
    let client = gopy_tests::client();
    let page = client.get(format!("{base}/sign-in")).send().await.map_err(|e| format!("GET /sign-in: {e}"))?;
    let csrf = set_cookie(page.headers(), "gopy_csrf").ok_or("GET /sign-in set no CSRF cookie")?;
    let form = [
        ("csrf", csrf.as_str()),
        ("email", seeded["reader_email"].as_str().unwrap_or_default()),
        ("password", seeded["reader_password"].as_str().unwrap_or_default()),
    ];
    let signed = client.post(format!("{base}/sign-in")).form(&form).send().await.map_err(|e| format!("POST /sign-in: {e}"))?;
    let session = set_cookie(signed.headers(), "gopy_session")
        .ok_or_else(|| format!("POST /sign-in answered {} without a session", signed.status()))?;
    Ok(format!("gopy_csrf={csrf}; gopy_session={session}"))
}

fn set_cookie(headers: &reqwest::header::HeaderMap, name: &str) -> Option<String> {
    headers.get_all(reqwest::header::SET_COOKIE).iter().find_map(|v| {
        let pair = v.to_str().ok()?.split(';').next()?;
        let (key, value) = pair.split_once('=')?;
        (key.trim() == name).then(|| value.to_owned())
    })
}

/// A line of /proc/PID/status in kB: VmRSS now, or VmHWM, the peak.
fn rss_kb(pid: u32, field: &str) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix(field)?.strip_prefix(':')?.trim().strip_suffix("kB")?.trim().parse().ok())
        .unwrap_or(0)
}

/// Resets VmHWM to the present RSS (Linux's clear_refs "5"), so each
/// measurement's peak is its own; if refused, the peak is the run's so far.
fn reset_peak_rss(pid: u32) {
    let _ = std::fs::write(format!("/proc/{pid}/clear_refs"), "5");
}

/// "≥ " before a percentile that unfinished requests make a lower bound.
fn at_least(figures: &Figures) -> &'static str {
    if figures.unfinished > 0 { "≥ " } else { "" }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn mb(kb: u64) -> f64 {
    kb as f64 / 1024.0
}

/// A target of the issue, judged against this run's figures.
struct Target {
    name: String,
    figure: String,
    met: Option<bool>,
}

fn targets(rows: &[Row], idle_rss: &[(&'static str, u64)]) -> Vec<Target> {
    let find = |path: &str, engine: &str, connections: usize| {
        rows.iter().find(|r| r.path.starts_with(path) && r.engine == engine && r.connections == connections)
    };
    let mut targets = Vec::new();
    let post = find("POST comment", "SQLite", 64);
    targets.push(Target {
        name: "Comment POST, SQLite, 64 conn: at least 0.5x /healthz's req/s".into(),
        figure: post.map_or("not measured".into(), |r| format!("{:.2}x", r.ratio)),
        met: post.map(|r| r.ratio >= 0.5),
    });
    targets.push(Target {
        name: "Comment POST, SQLite, 64 conn: p99 under 20 ms".into(),
        figure: post.map_or("not measured".into(), |r| format!("{}{:.2} ms", at_least(&r.figures), ms(r.figures.p99))),
        met: post.map(|r| r.figures.p99 < Duration::from_millis(20)),
    });
    for engine in ["SQLite", "PostgreSQL"] {
        let page = find("GET version page (1,000", engine, 16);
        if let Some(page) = page {
            targets.push(Target {
                name: format!("Version page (1,000 comments), {engine}, 16 conn: p99 under 10 ms"),
                figure: format!("{}{:.2} ms", at_least(&page.figures), ms(page.figures.p99)),
                met: Some(page.figures.p99 < Duration::from_millis(10)),
            });
            // 50 times OpenSlides 3.3's 56.8 requests/s for its list of 1,000 comments.
            targets.push(Target {
                name: format!("Version page (1,000 comments), {engine}, 16 conn: at least 2,850 req/s"),
                figure: format!("{:.0} req/s", page.figures.requests_per_second),
                met: Some(page.figures.requests_per_second >= 2_850.0),
            });
        }
        if let (Some(small), Some(large)) = (page, find("GET version page (10,000", engine, 16)) {
            targets.push(Target {
                name: format!("Version page (10,000 comments), {engine}, 16 conn: p99 at most 2x the 1,000's"),
                figure: format!("{}{:.2} ms vs {:.2} ms", at_least(&large.figures), ms(large.figures.p99), ms(small.figures.p99)),
                met: Some(large.figures.p99 <= small.figures.p99 * 2),
            });
        }
        // Issue 18 measured 39 to 123 requests/s before; ten times the better figure.
        if let Some(table) = find("GET dispositions .json", engine, 16) {
            targets.push(Target {
                name: format!("Dispositions .json (1,000 rows), {engine}, 16 conn: at least 1,230 req/s"),
                figure: format!("{:.0} req/s", table.figures.requests_per_second),
                met: Some(table.figures.requests_per_second >= 1_230.0),
            });
        }
        let revalidated = find("GET 304 dispositions .json", engine, 16);
        targets.push(Target {
            name: format!("Dispositions .json 304, {engine}, 16 conn: at least 0.3x /healthz's req/s"),
            figure: revalidated.map_or("not measured (no ETag)".into(), |r| format!("{:.2}x", r.ratio)),
            met: revalidated.map(|r| r.ratio >= 0.3),
        });
    }
    for (engine, idle) in idle_rss {
        targets.push(Target {
            name: format!("Server RSS idle, {engine}: under 60 MB"),
            figure: format!("{:.1} MB", mb(*idle)),
            met: Some(mb(*idle) < 60.0),
        });
    }
    if let Some(peak) = rows.iter().max_by_key(|r| r.peak_rss_kb) {
        targets.push(Target {
            name: "Server RSS under the heaviest load: under 200 MB".into(),
            figure: format!("{:.1} MB ({}, {}, {} conn)", mb(peak.peak_rss_kb), peak.path, peak.engine, peak.connections),
            met: Some(mb(peak.peak_rss_kb) < 200.0),
        });
    }
    targets
}

fn print_table(rows: &[Row], idle_rss: &[(&'static str, u64)], targets: &[Target]) {
    println!();
    println!(
        "{:<36} {:<10} {:>5} {:>9} {:>10} {:>11} {:>10} {:>7} {:>10} {:>12}",
        "path", "engine", "conn", "req/s", "median ms", "p99 ms", "x healthz", "errors", "unfinished", "peak RSS MB"
    );
    for r in rows {
        println!(
            "{:<36} {:<10} {:>5} {:>9.0} {:>10.2} {:>11} {:>10.2} {:>7} {:>10} {:>12.1}",
            r.path,
            r.engine,
            r.connections,
            r.figures.requests_per_second,
            ms(r.figures.median),
            format!("{}{:.2}", at_least(&r.figures), ms(r.figures.p99)),
            r.ratio,
            r.figures.errors,
            r.figures.unfinished,
            mb(r.peak_rss_kb)
        );
    }
    for (engine, idle) in idle_rss {
        println!("Idle RSS on {engine} after seeding and sign-in: {:.1} MB", mb(*idle));
    }
    println!("\nTargets (issues #11 and #18; figures of this run, not asserted):");
    for t in targets {
        let verdict = match t.met {
            Some(true) => "met",
            Some(false) => "NOT met",
            None => "not measured",
        };
        println!("  [{verdict:^12}] {:<66} {}", t.name, t.figure);
    }
}

fn write_json(
    options: &Options,
    rows: &[Row],
    idle_rss: &[(&'static str, u64)],
    targets: &[Target],
    elapsed: Duration,
) -> std::io::Result<PathBuf> {
    std::fs::create_dir_all(&options.out)?;
    let now = time::OffsetDateTime::now_utc();
    let document = json!({
        "benchmark": "gopy-bench (load)",
        "finished_at": now.format(&time::format_description::well_known::Rfc3339).unwrap_or_default(),
        "seconds_per_measurement": options.seconds,
        "warm_up_ms": options.warm_up.as_millis() as u64,
        "cores": std::thread::available_parallelism().map_or(0, |n| n.get()),
        "elapsed_secs": elapsed.as_secs_f64(),
        "results": rows.iter().map(|r| json!({
            "path": r.path,
            "engine": r.engine,
            "connections": r.connections,
            "requests": r.figures.requests,
            "requests_per_second": r.figures.requests_per_second,
            "median_ms": ms(r.figures.median),
            "p99_ms": ms(r.figures.p99),
            "ratio_to_healthz": r.ratio,
            "errors": r.figures.errors,
            "unfinished": r.figures.unfinished,
            "p99_is_lower_bound": r.figures.unfinished > 0,
            "first_error": r.figures.first_error,
            "body_bytes": r.figures.body_bytes,
            "peak_rss_mb": mb(r.peak_rss_kb),
        })).collect::<Vec<_>>(),
        "idle_rss_mb": idle_rss.iter().map(|(engine, kb)| (engine.to_string(), json!(mb(*kb)))).collect::<serde_json::Map<_, _>>(),
        "targets": targets.iter().map(|t| json!({ "target": t.name, "figure": t.figure, "met": t.met })).collect::<Vec<_>>(),
    });
    let path = options.out.join("load.json");
    std::fs::write(&path, serde_json::to_string_pretty(&document).map_err(std::io::Error::other)? + "\n")?;
    Ok(absolute(&path))
}

fn absolute(path: &Path) -> PathBuf {
    std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf())
}
