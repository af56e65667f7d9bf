//! `gopy serve`: the HTTP server, its middleware, and a graceful stop.

use std::io::Write;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, bail};
use axum::Router;
use axum::body::Body;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderName, HeaderValue, Request, StatusCode, header};
use gopy_app::{App, SystemClock};
use gopy_store::SeaStore;
use tokio::net::TcpListener;
use tower::ServiceBuilder;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::predicate::{NotForContentType, Predicate};
use tower_http::compression::{CompressionLayer, DefaultPredicate};
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::{DefaultOnResponse, TraceLayer};
use tracing::Level;

use crate::cli::ServeArgs;
use crate::pages::Pages;
use crate::{AppState, Settings, routes};

const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// Opens the database, applies pending migrations (unless told not to), and
/// serves until SIGINT or SIGTERM.
pub async fn serve(settings: Settings, args: ServeArgs) -> anyhow::Result<()> {
    serve_with_greeting(settings, args, None).await
}

/// What a command says once Gopy serves and mail has its way, given the
/// address people open (the demo's sign-in list): only known then.
pub type Greeting = Box<dyn FnOnce(&str) + Send>;

/// [`serve`], saying `greeting` after the lines on where Gopy serves and
/// where mail goes.
pub async fn serve_with_greeting(settings: Settings, args: ServeArgs, greeting: Option<Greeting>) -> anyhow::Result<()> {
    let addr = match args.addr {
        Some(addr) => addr,
        None => settings.server_addr().context("server.addr")?,
    };
    // Bound first, so a busy port is reported before any migration runs.
    let listener = bind(addr).await?;
    let store = open_store(&settings, !args.no_migrate && settings.database.migrate_on_start).await?;
    let local = listener.local_addr().context("the listening address")?;
    // Open pages' live streams end when the server starts to stop.
    let (stopping, stopping_rx) = tokio::sync::watch::channel(false);
    let mut state = app_state(store.clone(), settings, local, stopping_rx)?;
    // Before "serving": a page opened here from then on hears other instances.
    state.live = state.live.with_others(store.clone()).await;
    let grace = Duration::from_secs(state.settings.server.shutdown_grace_secs);
    let router = with_middleware(routes::router(state.clone()), &state.settings);

    // Scripts and the black-box tests wait for this line.
    println!("Gopy is serving at http://{local}");
    let _ = std::io::stdout().flush();
    tracing::info!(%local, engine = ?store.engine(), "serving");

    let (stop, stopped) = tokio::sync::watch::channel(());
    if let Some(addr) = state.settings.metrics_addr().context("server.metrics_addr")? {
        let metrics = crate::metrics::serve(addr, store.clone(), stopped.clone()).await?;
        println!("Metrics for Prometheus at http://{metrics}/metrics");
    }
    let worker = if state.settings.mail.worker_in_serve {
        let notifier = notifier(&store, &state.settings, state.public_url())?;
        let stop = stopped.clone();
        let reminders = tokio::spawn(scheduler(state.app.clone(), state.settings.mail(state.public_url()).poll_interval, stopped.clone()));
        Some(tokio::spawn(async move {
            notifier.run(stop).await;
            let _ = reminders.await;
        }))
    } else {
        println!("Mail is not sent by this server (mail.worker_in_serve = false); run `gopy worker`.");
        None
    };
    if let Some(greeting) = greeting {
        greeting(state.public_url());
    }
    let _ = std::io::stdout().flush();
    let mut stopped_rx = stopped.clone();
    let server = axum::serve(listener, router.into_make_service_with_connect_info::<SocketAddr>())
        .with_graceful_shutdown(async move {
            let _ = stopped_rx.changed().await;
        })
        .into_future();
    tokio::pin!(server);
    let served = tokio::select! {
        result = &mut server => result.context("the server stopped"),
        () = shutdown_signal() => {
            tracing::info!(grace_secs = grace.as_secs(), "stopping: letting requests in flight finish");
            let _ = stopping.send(true);
            let _ = stop.send(());
            if tokio::time::timeout(grace, server).await.is_err() {
                tracing::warn!("stopping: requests still running after the grace period were cut off");
            }
            Ok(())
        }
    };
    // The notifier finishes the mail in hand, then stops.
    let _ = stop.send(());
    if let Some(worker) = worker
        && tokio::time::timeout(grace, worker).await.is_err()
    {
        tracing::warn!("stopping: the notifier was still sending after the grace period; its rows go again later");
    }
    drop(stopped);
    served?;
    store.close().await;
    tracing::info!("stopped");
    Ok(())
}

/// The notifier on `store`, saying where mail goes (scripts and people
/// read this line to know whether mail leaves the machine).
fn notifier(store: &SeaStore, settings: &Settings, public_url: &str) -> anyhow::Result<gopy_notifier::Notifier> {
    let notifier = gopy_notifier::Notifier::new(Arc::new(store.clone()), Arc::new(SystemClock), settings.mail(public_url))
        .context("the notifier")?;
    let went_to = notifier.transport().describe();
    println!("Mail goes to {went_to}.");
    let _ = std::io::stdout().flush();
    tracing::info!(transport = %went_to, "mail");
    Ok(notifier)
}

/// How many reminders one unit of work takes.
const REMINDER_BATCH: u64 = 100;

/// Sends the reminders due, batch after batch, until none is left.
async fn send_reminders(app: &App) -> Result<gopy_app::reminders::ReminderRound, gopy_app::AppError> {
    let mut total = gopy_app::reminders::ReminderRound::default();
    loop {
        let round = app.send_due_reminders(REMINDER_BATCH).await?;
        total.sent += round.sent;
        total.dropped += round.dropped;
        if round.taken() < REMINDER_BATCH as usize {
            return Ok(total);
        }
    }
}

/// The reminder scheduler beside the notifier: every poll interval it puts
/// the reminders that fell due into the outbox (or drops those whose reason
/// has gone), until `stop` says so.
async fn scheduler(app: App, interval: Duration, mut stop: tokio::sync::watch::Receiver<()>) {
    loop {
        match send_reminders(&app).await {
            Ok(round) if round.taken() > 0 => tracing::info!(sent = round.sent, dropped = round.dropped, "reminders"),
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "a reminder round failed; it is tried again"),
        }
        match app.deem_silent_bodies().await {
            Ok(0) => {}
            Ok(n) => tracing::info!(bodies = n, "silent bodies deemed to agree"),
            Err(e) => tracing::warn!(error = %e, "recording deemed agreements failed; it is tried again"),
        }
        tokio::select! {
            () = tokio::time::sleep(interval) => {}
            _ = stop.changed() => break,
        }
    }
}

/// A clock stopped at one moment: `gopy worker --once --now`.
struct StoppedClock(time::OffsetDateTime);

impl gopy_app::Clock for StoppedClock {
    fn now(&self) -> time::OffsetDateTime {
        self.0
    }
}

/// `gopy worker`: delivers mail and sends reminders until SIGINT or
/// SIGTERM, finishing the round in hand; with `--once`, what is due and stop.
pub async fn worker(settings: Settings, args: crate::cli::WorkerArgs) -> anyhow::Result<()> {
    let store = open_store(&settings, settings.database.migrate_on_start).await?;
    let addr = settings.server_addr().context("server.addr")?;
    let public_url = settings.public_url_for(addr);
    let clock: Arc<dyn gopy_app::Clock> = match args.now {
        Some(at) => Arc::new(StoppedClock(at)),
        None => Arc::new(SystemClock),
    };
    let app = App::new(Arc::new(store.clone()), clock.clone()).with_reminder_settings(settings.reminders());
    if args.once {
        let notifier = gopy_notifier::Notifier::new(Arc::new(store.clone()), clock, settings.mail(&public_url))
            .context("the notifier")?;
        let reminders = send_reminders(&app).await.context("sending reminders")?;
        let deemed = app.deem_silent_bodies().await.context("recording deemed agreements")?;
        let mail = notifier.drain().await.context("sending mail")?;
        println!(
            "Reminders: {} sent, {} dropped. Mail: {} sent, {} to retry, {} failed.",
            reminders.sent, reminders.dropped, mail.mails_sent, mail.retried, mail.failed
        );
        println!("Deemed to agree: {deemed} bodies.");
        store.close().await;
        return Ok(());
    }
    let notifier = notifier(&store, &settings, &public_url)?;
    let (stop, stopped) = tokio::sync::watch::channel(());
    let interval = settings.mail(&public_url).poll_interval;
    let reminders = tokio::spawn(scheduler(app, interval, stopped.clone()));
    let run = tokio::spawn(async move { notifier.run(stopped).await });
    shutdown_signal().await;
    let _ = stop.send(());
    let grace = Duration::from_secs(settings.server.shutdown_grace_secs);
    if tokio::time::timeout(grace, run).await.is_err() {
        tracing::warn!("stopping: the notifier was still sending after the grace period");
    }
    let _ = tokio::time::timeout(grace, reminders).await;
    store.close().await;
    Ok(())
}

/// `gopy migrate`: applies pending migrations and says what it did.
pub async fn migrate(settings: &Settings) -> anyhow::Result<()> {
    let store = SeaStore::connect(&settings.database()).await?;
    let applied = store.migrate().await?;
    let url = gopy_store::redact_url(&settings.database.url);
    match applied {
        0 => println!("The database at {url} is up to date."),
        n => println!("Applied {n} migration(s) to the database at {url}."),
    }
    store.close().await;
    Ok(())
}

async fn bind(addr: SocketAddr) -> anyhow::Result<TcpListener> {
    TcpListener::bind(addr).await.map_err(|e| match e.kind() {
        std::io::ErrorKind::AddrInUse => anyhow::anyhow!(
            "cannot listen on {addr}: the address is already in use (is Gopy already running? choose another with --addr)"
        ),
        std::io::ErrorKind::PermissionDenied => {
            anyhow::anyhow!("cannot listen on {addr}: permission denied (ports below 1024 need privileges)")
        }
        _ => anyhow::anyhow!("cannot listen on {addr}: {e}"),
    })
}

async fn open_store(settings: &Settings, migrate: bool) -> anyhow::Result<SeaStore> {
    let store = SeaStore::connect(&settings.database()).await?;
    if migrate {
        // One line for all migrations (theirs are at debug), saying where the data is.
        let applied = store.migrate().await?;
        let url = gopy_store::redact_url(&settings.database.url);
        match applied {
            0 => println!("The database at {url} is up to date."),
            n => println!("Applied {n} migration(s) to the database at {url}."),
        }
        tracing::info!(applied, "database migrations applied");
    } else {
        let pending = store.pending_migrations().await?;
        if !pending.is_empty() {
            bail!(
                "the database has {} pending migration(s) ({}); run `gopy migrate` first",
                pending.len(),
                pending.join(", ")
            );
        }
    }
    Ok(store)
}

/// Everything the handlers share, built from the store and the settings.
pub fn app_state(
    store: SeaStore,
    settings: Settings,
    local: SocketAddr,
    stopping: tokio::sync::watch::Receiver<bool>,
) -> anyhow::Result<AppState> {
    let default_language = settings.default_language().context("i18n.default_language")?;
    let public_url = settings.public_url_for(local).into();
    let writes = Arc::new(crate::limits::WriteLimiter::new(settings.limits.writes_per_minute));
    Ok(AppState {
        app: App::new(Arc::new(store), Arc::new(SystemClock)).with_reminder_settings(settings.reminders()),
        pages: Arc::new(Pages::load()?),
        settings: Arc::new(settings),
        default_language,
        public_url,
        live: crate::live::Live::new(stopping),
        writes,
        // A few hundred files (a 1,000-row table is some 100 KB as .docx or
        // JSON), within a memory budget that leaves the server small.
        exports: Arc::new(crate::exports::ExportCache::new(256, 32 * 1024 * 1024)),
    })
}

/// The middleware every request passes, outermost first.
pub fn with_middleware(router: Router, settings: &Settings) -> Router {
    let timeout = Duration::from_secs(settings.server.request_timeout_secs);
    let router = router.layer(DefaultBodyLimit::max(settings.server.body_limit_bytes)).layer(
        ServiceBuilder::new()
            .layer(SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid))
            .layer(
                TraceLayer::new_for_http()
                    .make_span_with(|request: &Request<Body>| {
                        let id = request.headers().get(REQUEST_ID).and_then(|v| v.to_str().ok()).unwrap_or("-");
                        tracing::info_span!("request", method = %request.method(), path = %request.uri().path(), id)
                    })
                    .on_response(DefaultOnResponse::new().level(Level::INFO)),
            )
            .layer(PropagateRequestIdLayer::new(REQUEST_ID))
            .layer(security_header(header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
            .layer(security_header(header::X_FRAME_OPTIONS, "DENY"))
            .layer(security_header(header::REFERRER_POLICY, "same-origin"))
            .option_layer(strict_transport_security(settings))
            .layer(security_header(
                header::CONTENT_SECURITY_POLICY,
                "default-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
            ))
            // Live streams must reach the page as each event is sent, not
            // when a compressor's buffer fills.
            // .docx and .xlsx files are zip archives already: compressing
            // them again costs time and saves nothing.
            .layer(CompressionLayer::new().compress_when(
                DefaultPredicate::new()
                    .and(NotForContentType::const_new("text/event-stream"))
                    .and(NotForContentType::const_new("application/vnd.openxmlformats-officedocument.")),
            ))
            .layer(CatchPanicLayer::new())
            .layer(TimeoutLayer::with_status_code(StatusCode::REQUEST_TIMEOUT, timeout)),
    );
    // Outermost, so a request is timed and counted with the status it left with.
    if matches!(settings.metrics_addr(), Ok(Some(_))) {
        router.layer(axum::middleware::from_fn(crate::metrics::track))
    } else {
        router
    }
}

/// HSTS only when people reach Gopy over TLS (`server.public_url` starts
/// with https://): TLS ends at the reverse proxy, so that setting is the one
/// thing that says so; sent over plain http it would lock people out.
fn strict_transport_security(settings: &Settings) -> Option<SetResponseHeaderLayer<HeaderValue>> {
    settings
        .server
        .public_url
        .starts_with("https://")
        .then(|| security_header(header::STRICT_TRANSPORT_SECURITY, "max-age=31536000"))
}

fn security_header(name: HeaderName, value: &'static str) -> SetResponseHeaderLayer<HeaderValue> {
    SetResponseHeaderLayer::if_not_present(name, HeaderValue::from_static(value))
}

/// Resolves on SIGINT (Ctrl-C) or SIGTERM.
async fn shutdown_signal() {
    let interrupt = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {}
        () = terminate => {}
    }
}
