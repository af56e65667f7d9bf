//! `/metrics` in Prometheus text, for the people who run Gopy: requests by
//! route and status with their latency, units of work by kind and outcome
//! with their duration (counted by the store), the connection pool in use
//! and waited for, the outbox's depth, the reminders pending, and the mail
//! sent and failed (counted by the notifier).
//!
//! It is served on its own address (`server.metrics_addr`), never on the
//! public one: what it tells is for the operators' scraper, not for people.

use std::net::SocketAddr;
use std::sync::OnceLock;
use std::time::Instant;

use anyhow::Context;
use axum::Router;
use axum::extract::{MatchedPath, Request, State};
use axum::http::header::CONTENT_TYPE;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use gopy_app::UnitOfWork;
use gopy_domain::MailStatus;
use gopy_store::SeaStore;
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use tokio::net::TcpListener;

/// Latency buckets, in seconds: from a cached page to a slow export.
const LATENCY_BUCKETS: &[f64] = &[0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0];

/// The recorder is the process's (the `metrics` macros write to one global
/// recorder); installed on first use, shared by every server in the process.
fn handle() -> &'static PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE.get_or_init(|| {
        let builder = PrometheusBuilder::new()
            .set_buckets_for_metric(Matcher::Suffix("_seconds".to_owned()), LATENCY_BUCKETS)
            .unwrap_or_else(|_| PrometheusBuilder::new());
        let recorder = builder.build_recorder();
        let handle = recorder.handle();
        // Another recorder already installed (a test harness's) keeps its
        // place; this handle then renders what this one records, i.e. nothing.
        let _ = metrics::set_global_recorder(recorder);
        handle
    })
}

/// Installs the recorder; call once at start-up so the first requests count.
pub fn install() {
    let _ = handle();
}

/// Counts every request by its route's pattern (not its path, which would
/// make one series per report) and status, and times it.
pub async fn track(request: Request, next: Next) -> Response {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_owned(), |p| p.as_str().to_owned());
    let method = request.method().as_str().to_owned();
    let started = Instant::now();
    let response = next.run(request).await;
    let status = response.status().as_u16().to_string();
    let seconds = started.elapsed().as_secs_f64();
    metrics::counter!("gopy_http_requests_total", "route" => route.clone(), "method" => method.clone(), "status" => status)
        .increment(1);
    metrics::histogram!("gopy_http_request_duration_seconds", "route" => route, "method" => method).record(seconds);
    response
}

/// The scrape: gauges read now (the pool, the outbox, the reminders), then
/// everything.
async fn scrape(State(store): State<SeaStore>) -> Response {
    let pool = store.pool_status();
    metrics::gauge!("gopy_db_pool_connections", "state" => "open").set(f64::from(pool.open));
    metrics::gauge!("gopy_db_pool_connections", "state" => "idle").set(f64::from(pool.idle));
    metrics::gauge!("gopy_db_pool_connections", "state" => "in_use").set(f64::from(pool.open.saturating_sub(pool.idle)));
    // Read before the depths below, whose own read unit would count.
    metrics::gauge!("gopy_db_pool_waiting").set(f64::from(pool.waiting));
    metrics::gauge!("gopy_db_writer_waiting").set(f64::from(pool.waiting_for_writer));
    match depths(&store).await {
        Ok(Depths { outbox_pending, outbox_failed, reminders_pending }) => {
            metrics::gauge!("gopy_outbox_rows", "status" => "pending").set(outbox_pending as f64);
            metrics::gauge!("gopy_outbox_rows", "status" => "failed").set(outbox_failed as f64);
            metrics::gauge!("gopy_reminders_pending").set(reminders_pending as f64);
            metrics::gauge!("gopy_db_up").set(1.0);
        }
        Err(e) => {
            tracing::warn!(error = %e, "metrics: the outbox and reminders could not be counted");
            metrics::gauge!("gopy_db_up").set(0.0);
        }
    }
    ([(CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")], handle().render()).into_response()
}

/// What waits in the database: mail in the outbox, reminders planned.
struct Depths {
    outbox_pending: u64,
    outbox_failed: u64,
    reminders_pending: u64,
}

async fn depths(store: &SeaStore) -> Result<Depths, gopy_app::StoreError> {
    use gopy_app::Store;
    let mut uow: Box<dyn UnitOfWork> = store.begin_read().await?;
    Ok(Depths {
        outbox_pending: uow.count_mail(MailStatus::Pending).await?,
        outbox_failed: uow.count_mail(MailStatus::Failed).await?,
        reminders_pending: uow.count_pending_reminders().await?,
    })
}

/// Serves `/metrics` on `addr` until `stop` changes; returns where it listens.
pub async fn serve(
    addr: SocketAddr,
    store: SeaStore,
    mut stop: tokio::sync::watch::Receiver<()>,
) -> anyhow::Result<SocketAddr> {
    install();
    let listener = TcpListener::bind(addr).await.with_context(|| format!("cannot listen for /metrics on {addr}"))?;
    let local = listener.local_addr().context("the metrics address")?;
    let router = Router::new().route("/metrics", get(scrape)).with_state(store);
    tokio::spawn(async move {
        let served = axum::serve(listener, router)
            .with_graceful_shutdown(async move {
                let _ = stop.changed().await;
            })
            .await;
        if let Err(e) = served {
            tracing::warn!(error = %e, "the metrics listener stopped");
        }
    });
    Ok(local)
}
