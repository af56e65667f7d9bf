//! `/metrics` for the people who run Gopy: served on its own address and
//! not on the public one, in Prometheus text that a scraper can parse, with
//! the requests by route and status, the units of work by kind and outcome
//! and their duration, the pool in use and waited for, the outbox and the
//! reminders pending.

use std::collections::BTreeMap;

use gopy_store::testing::TestDatabase;
use gopy_tests::{Server, client};
use reqwest::StatusCode;

/// One sample line: its name, labels and value.
#[derive(Debug)]
struct Sample {
    name: String,
    labels: BTreeMap<String, String>,
    value: f64,
}

/// Parses the text format: `# HELP`/`# TYPE` lines, blank lines, and
/// `name{label="value",...} number`. Any other line fails the test.
fn parse(text: &str) -> Vec<Sample> {
    let mut samples = Vec::new();
    for line in text.lines().filter(|l| !l.trim().is_empty() && !l.starts_with('#')) {
        let (series, value) = line.rsplit_once(' ').unwrap_or_else(|| panic!("no value in {line:?}"));
        let value: f64 = value.parse().unwrap_or_else(|_| panic!("not a number in {line:?}"));
        let (name, labels) = match series.split_once('{') {
            None => (series.to_owned(), BTreeMap::new()),
            Some((name, rest)) => {
                let inner = rest.strip_suffix('}').unwrap_or_else(|| panic!("unclosed labels in {line:?}"));
                let labels = inner
                    .split("\",")
                    .filter(|pair| !pair.is_empty())
                    .map(|pair| {
                        let (key, value) = pair.split_once("=\"").unwrap_or_else(|| panic!("bad label in {line:?}"));
                        (key.to_owned(), value.trim_end_matches('"').to_owned())
                    })
                    .collect();
                (name.to_owned(), labels)
            }
        };
        assert!(
            name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':'),
            "metric name {name:?} in {line:?}"
        );
        samples.push(Sample { name, labels, value });
    }
    samples
}

fn value(samples: &[Sample], name: &str, labels: &[(&str, &str)]) -> Option<f64> {
    samples
        .iter()
        .find(|s| s.name == name && labels.iter().all(|(k, v)| s.labels.get(*k).map(String::as_str) == Some(*v)))
        .map(|s| s.value)
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").expect("a free port").local_addr().expect("its address").port()
}

async fn scraped_after_some_requests(database_url: Option<&str>) {
    let port = free_port().to_string();
    let metrics_addr = format!("127.0.0.1:{port}");
    let mut env = vec![("GOPY__SERVER__METRICS_ADDR", metrics_addr.as_str())];
    if let Some(url) = database_url {
        env.push(("GOPY__DATABASE__URL", url));
    }
    let server = Server::start_with(&[], &env);
    let http = client();
    for _ in 0..3 {
        assert_eq!(http.get(server.url("/healthz")).send().await.expect("healthz").status(), StatusCode::OK);
    }
    assert_eq!(http.get(server.url("/no-such-page")).send().await.expect("404").status(), StatusCode::NOT_FOUND);
    // A sign-in for nobody: a write unit that only reads and is let go (the
    // throttle's check), then one that records the attempt and commits.
    let refused = crate::accounts::sign_in(&http, &server, "khong-co-ai@tinhuy.vn", "không phải mật khẩu").await;
    assert!(!refused.status().is_server_error(), "{}", refused.status());
    // Not on the public address.
    assert_eq!(http.get(server.url("/metrics")).send().await.expect("public").status(), StatusCode::NOT_FOUND);

    let scrape = http.get(format!("http://{metrics_addr}/metrics")).send().await.expect("scrape");
    assert_eq!(scrape.status(), StatusCode::OK);
    let content_type = scrape.headers()["content-type"].to_str().expect("ascii").to_owned();
    assert!(content_type.starts_with("text/plain"), "{content_type}");
    let samples = parse(&scrape.text().await.expect("body"));

    let healthz = value(&samples, "gopy_http_requests_total", &[("route", "/healthz"), ("method", "GET"), ("status", "200")]);
    assert!(healthz.is_some_and(|n| n >= 3.0), "the three probes are counted: {healthz:?}");
    assert!(
        value(&samples, "gopy_http_requests_total", &[("route", "unmatched"), ("status", "404")]).is_some(),
        "an unknown path is counted under one series, not its own"
    );
    let buckets = samples.iter().filter(|s| s.name == "gopy_http_request_duration_seconds_bucket").count();
    assert!(buckets > 0, "latency is a histogram with buckets");
    assert!(value(&samples, "gopy_db_pool_connections", &[("state", "open")]).is_some_and(|n| n >= 1.0));
    assert!(value(&samples, "gopy_db_pool_connections", &[("state", "in_use")]).is_some(), "connections in use");
    assert!(value(&samples, "gopy_db_pool_waiting", &[]).is_some(), "units waiting for a connection");
    assert!(value(&samples, "gopy_db_writer_waiting", &[]).is_some(), "writes waiting for the writer");
    assert_eq!(value(&samples, "gopy_outbox_rows", &[("status", "pending")]), Some(0.0));
    assert_eq!(value(&samples, "gopy_outbox_rows", &[("status", "failed")]), Some(0.0));
    assert_eq!(value(&samples, "gopy_reminders_pending", &[]), Some(0.0));
    assert_eq!(value(&samples, "gopy_db_up", &[]), Some(1.0));

    // Units of work, by kind and outcome: the sign-in's two write units,
    // and the read units of the pages and of the scrape itself. Each kind
    // counted is timed in a histogram.
    let units = |kind: &str, outcome: &str| value(&samples, "gopy_db_units_total", &[("kind", kind), ("outcome", outcome)]);
    assert!(units("write", "committed").is_some_and(|n| n >= 1.0), "the attempt recorded: {:?}", units("write", "committed"));
    assert!(units("write", "rolled_back").is_some_and(|n| n >= 1.0), "the check let go: {:?}", units("write", "rolled_back"));
    let reads = units("read", "committed").unwrap_or(0.0) + units("read", "rolled_back").unwrap_or(0.0);
    assert!(reads >= 1.0, "read units are counted: {reads}");
    for kind in ["read", "write"] {
        let timed = value(&samples, "gopy_db_unit_duration_seconds_count", &[("kind", kind)]);
        assert!(timed.is_some_and(|n| n >= 1.0), "{kind} units are timed: {timed:?}");
    }
    let unit_buckets = samples.iter().filter(|s| s.name == "gopy_db_unit_duration_seconds_bucket").count();
    assert!(unit_buckets > 0, "a unit's duration is a histogram with buckets");
}

#[tokio::test]
async fn metrics_are_served_apart_and_parse_as_prometheus_text() {
    scraped_after_some_requests(None).await;
}

#[tokio::test]
async fn metrics_are_served_on_postgresql_too() {
    let Some(database) = TestDatabase::postgres().await else { return };
    scraped_after_some_requests(Some(&database.url)).await;
    database.finish().await;
}
