//! Logs: tracing to standard error, as text for people or JSON for
//! collectors. Standard output is kept for what a command prints.

use tracing_subscriber::EnvFilter;

use crate::settings::{LogFormat, LogSettings};

/// Migrations say one line each at info; the command that runs them says
/// how many in one line of its own, so theirs wait for debug. A filter that
/// names them itself (coming after this) still wins.
const QUIET_BY_DEFAULT: &str = "sea_orm_migration=warn";

/// Installs the global subscriber. `RUST_LOG`, when set, wins over `log.level`.
/// `quiet` (the demo, whose few printed lines are the point) lowers the
/// configured level to warnings unless `RUST_LOG` asks otherwise.
pub fn init(settings: &LogSettings, quiet: bool) {
    let level = if quiet { "warn" } else { settings.level.as_str() };
    let filter = EnvFilter::try_from_default_env()
        .or_else(|_| EnvFilter::try_new(format!("{QUIET_BY_DEFAULT},{level}")))
        .unwrap_or_else(|_| EnvFilter::new("info"));
    let colour = std::io::IsTerminal::is_terminal(&std::io::stderr());
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).with_ansi(colour);
    // A second call (as in tests) keeps the first subscriber; nothing to report.
    let _ = match settings.format {
        LogFormat::Text => builder.with_target(false).try_init(),
        LogFormat::Json => builder.json().try_init(),
    };
}
