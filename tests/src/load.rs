//! A small HTTP load generator for `gopy-bench`: a fixed number of
//! keep-alive connections, each sending one request after another for a
//! fixed time, every latency kept and sorted for the percentiles. What
//! completes inside the measured window counts, whenever it was sent.
//!
//! Each connection is its own client with a pool of one, so "16
//! connections" means 16 TCP connections, each with one request in flight.

use std::sync::Arc;
use std::time::{Duration, Instant};

use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use reqwest::{Method, StatusCode};

/// One request, sent again and again.
#[derive(Clone, Debug)]
pub struct Probe {
    pub method: Method,
    pub path: String,
    pub headers: HeaderMap,
    pub body: Option<Vec<u8>>,
    /// The status a good answer has; any other counts as an error.
    pub expect: StatusCode,
}

impl Probe {
    pub fn get(path: impl Into<String>) -> Self {
        let mut headers = HeaderMap::new();
        // What a browser sends: the server compresses what it would compress
        // for a person, and the driver counts the bytes without inflating them.
        headers.insert(reqwest::header::ACCEPT_ENCODING, HeaderValue::from_static("gzip, br"));
        Self { method: Method::GET, path: path.into(), headers, body: None, expect: StatusCode::OK }
    }

    pub fn header(mut self, name: HeaderName, value: &str) -> Self {
        self.headers.insert(name, HeaderValue::from_str(value).expect("a header value"));
        self
    }

    pub fn post_json(path: impl Into<String>, body: &serde_json::Value) -> Self {
        let mut probe = Self::get(path).header(reqwest::header::CONTENT_TYPE, "application/json");
        probe.method = Method::POST;
        probe.body = Some(serde_json::to_vec(body).expect("JSON"));
        probe.expect = StatusCode::CREATED;
        probe
    }
}

/// What one measurement found.
#[derive(Clone, Debug)]
pub struct Figures {
    pub requests: u64,
    pub errors: u64,
    /// Requests still unanswered 2 s after the window: counted in the
    /// percentiles with the time they had waited, so a p99 with any of
    /// them is a lower bound, never a flattering zero.
    pub unfinished: u64,
    pub requests_per_second: f64,
    pub median: Duration,
    pub p99: Duration,
    /// Bytes of the last good answer's body, as sent (compressed or not).
    pub body_bytes: usize,
    /// The first error seen, to say what went wrong.
    pub first_error: Option<String>,
}

/// How long after the window an answer is still waited for.
const LATE: Duration = Duration::from_secs(2);

#[derive(Default)]
struct Tally {
    latencies_us: Vec<u32>,
    errors: u64,
    unfinished: u64,
    body_bytes: usize,
    first_error: Option<String>,
}

/// Drives `probe` at `base` over `connections` connections: `warm_up`
/// unmeasured, then `duration` measured.
pub async fn measure(base: &str, probe: &Probe, connections: usize, warm_up: Duration, duration: Duration) -> Figures {
    let probe = Arc::new(probe.clone());
    let url: Arc<str> = format!("{base}{}", probe.path).into();
    let start = Instant::now();
    let measure_from = start + warm_up;
    let until = measure_from + duration;
    let mut workers = Vec::with_capacity(connections);
    for _ in 0..connections {
        let (probe, url) = (Arc::clone(&probe), Arc::clone(&url));
        workers.push(tokio::spawn(async move { connection(&url, &probe, measure_from, until).await }));
    }
    let mut all = Tally::default();
    for worker in workers {
        let tally = worker.await.expect("a load connection ran");
        all.latencies_us.extend(tally.latencies_us);
        all.errors += tally.errors;
        all.unfinished += tally.unfinished;
        all.body_bytes = all.body_bytes.max(tally.body_bytes);
        all.first_error = all.first_error.or(tally.first_error);
    }
    all.latencies_us.sort_unstable();
    let requests = all.latencies_us.len() as u64 - all.unfinished;
    Figures {
        requests,
        errors: all.errors,
        unfinished: all.unfinished,
        requests_per_second: requests as f64 / duration.as_secs_f64(),
        median: percentile(&all.latencies_us, 0.50),
        p99: percentile(&all.latencies_us, 0.99),
        body_bytes: all.body_bytes,
        first_error: all.first_error,
    }
}

fn percentile(sorted_us: &[u32], q: f64) -> Duration {
    if sorted_us.is_empty() {
        return Duration::ZERO;
    }
    let rank = ((sorted_us.len() as f64 * q).ceil() as usize).clamp(1, sorted_us.len());
    Duration::from_micros(u64::from(sorted_us[rank - 1]))
}

async fn connection(url: &str, probe: &Probe, measure_from: Instant, until: Instant) -> Tally {
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(1)
        .http1_only()
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("an HTTP client");
    let mut tally = Tally::default();
    loop {
        let sent = Instant::now();
        if sent >= until {
            break;
        }
        let mut request = client.request(probe.method.clone(), url).headers(probe.headers.clone());
        if let Some(body) = &probe.body {
            request = request.body(body.clone());
        }
        let exchange = async {
            let response = request.send().await.map_err(|e| format!("sending: {e}"))?;
            let status = response.status();
            match response.bytes().await {
                Ok(body) if status == probe.expect => Ok(body.len()),
                Ok(body) => Err(format!("{status}: {}", String::from_utf8_lossy(&body[..body.len().min(300)]))),
                Err(e) => Err(format!("reading the body: {e}")),
            }
        };
        // An answer that comes later than this is not counted: it would only
        // stretch the run of a path that is already far too slow.
        let Ok(outcome) = tokio::time::timeout_at((until + LATE).into(), exchange).await else {
            tally.unfinished += 1;
            tally.latencies_us.push(u32::try_from(sent.elapsed().as_micros()).unwrap_or(u32::MAX));
            break;
        };
        let done = Instant::now();
        // What completes inside the window is measured, wherever it started.
        let measured = done >= measure_from && done <= until;
        if measured {
            tally.latencies_us.push(u32::try_from((done - sent).as_micros()).unwrap_or(u32::MAX));
        }
        match outcome {
            Ok(bytes) => tally.body_bytes = bytes,
            Err(error) => {
                if measured {
                    tally.errors += 1;
                }
                tally.first_error.get_or_insert(error);
                // A refused connection must not become a busy loop.
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
        }
    }
    tally
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_are_ranks_of_the_sorted_latencies() {
        let sorted: Vec<u32> = (1..=100).collect();
        assert_eq!(percentile(&sorted, 0.50), Duration::from_micros(50));
        assert_eq!(percentile(&sorted, 0.99), Duration::from_micros(99));
        assert_eq!(percentile(&[7], 0.99), Duration::from_micros(7));
        assert_eq!(percentile(&[], 0.5), Duration::ZERO);
    }
}
