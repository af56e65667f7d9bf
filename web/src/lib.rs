//! Gopy's web server and composition root.
//!
//! Handlers are thin: they extract and check input, call one use case of
//! [`gopy_app::App`], and render a page or JSON. Everything a person sees is
//! rendered from handlebars templates and assets built into the binary, so
//! Gopy runs on a closed network with nothing beside it.

// A handler's refusal is a whole page (a `Response`) by design: boxing it
// would buy nothing on a path that ends the request anyway.
#![allow(clippy::result_large_err)]

pub mod answer;
pub mod auth;
mod bench_seed;
pub mod chart;
pub mod cli;
mod demo;
pub mod etag;
pub mod exports;
mod commands;
pub mod i18n;
pub mod limits;
pub mod live;
pub mod metrics;
pub mod pages;
pub mod paths;
pub mod render;
pub mod rules;
pub mod routes;
pub mod server;
pub mod settings;
pub mod telemetry;

use std::sync::Arc;

use gopy_app::App;
use gopy_domain::Language;

pub use settings::Settings;

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub app: App,
    pub pages: Arc<pages::Pages>,
    pub settings: Arc<Settings>,
    /// The language of pages for people who have not chosen one.
    pub default_language: Language,
    /// The address people reach Gopy at, for links in mail and on pages.
    pub public_url: Arc<str>,
    /// Announces changes to the pages people have open.
    pub live: live::Live,
    /// Every signed-in person's writes, counted against `limits.writes_per_minute`.
    pub writes: Arc<limits::WriteLimiter>,
    /// Tables of dispositions made into files, kept until their report changes.
    pub exports: Arc<exports::ExportCache>,
}

impl AppState {
    pub fn public_url(&self) -> &str {
        &self.public_url
    }

    /// Cookies are marked Secure when people reach Gopy over TLS.
    pub fn secure_cookie_suffix(&self) -> &'static str {
        if self.public_url.starts_with("https://") { "; Secure" } else { "" }
    }
}

/// Runs the command the person asked for. Every failure comes back as one
/// error whose `{:#}` form is a single line for the terminal.
pub async fn run(cli: cli::Cli) -> anyhow::Result<()> {
    let settings = Settings::load(cli.config.as_deref())?;
    let command = cli.command();
    telemetry::init(&settings.log, matches!(command, cli::Command::Demo(_)));
    match command {
        cli::Command::Config => {
            print!("{}", settings.to_redacted_toml());
            Ok(())
        }
        cli::Command::Migrate => server::migrate(&settings).await,
        cli::Command::User(cli::UserCommand::Add(args)) => commands::add_user(&settings, args).await,
        cli::Command::Token(cli::TokenCommand::Create(args)) => commands::create_token(&settings, args).await,
        cli::Command::Serve(args) => server::serve(settings, args).await,
        cli::Command::Demo(args) => demo::run(settings, args).await,
        cli::Command::Worker(args) => server::worker(settings, args).await,
        cli::Command::SendTestEmail(args) => commands::send_test_email(&settings, args).await,
        cli::Command::Backup(args) => commands::backup(&settings, args).await,
        cli::Command::Restore(args) => commands::restore(&settings, args).await,
        cli::Command::SeedBenchmark(args) => bench_seed::run(&settings, args).await,
    }
}
