//! The `gopy` command line: what a person can ask of the binary.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Parser, Subcommand};

/// Gopy: meeting minutes and the review of draft reports.
#[derive(Debug, Parser)]
#[command(name = "gopy", version, about = "Gopy: meetings, minutes and the review of draft reports.")]
pub struct Cli {
    /// A TOML file layered over the built-in configuration
    /// (see `gopy config` for every key).
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,

    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Clone, Debug, Subcommand)]
pub enum Command {
    /// Serve Gopy over HTTP (what `gopy` does when no command is given).
    Serve(ServeArgs),
    /// Load the story of a Standing Committee's review into its own SQLite
    /// file (data/demo.db, made afresh) and serve it.
    Demo(ServeArgs),
    /// Apply the database migrations that have not run yet, then stop.
    Migrate,
    /// Print the effective configuration, with passwords hidden.
    Config,
    /// Manage people from the command line.
    #[command(subcommand)]
    User(UserCommand),
    /// Manage personal access tokens for the API.
    #[command(subcommand)]
    Token(TokenCommand),
    /// Deliver mail from the outbox until stopped, without serving HTTP
    /// (set `mail.worker_in_serve = false` where this runs beside `serve`).
    /// It also sends the reminders that fall due.
    Worker(WorkerArgs),
    /// Send one mail through the configured transport and say whether it worked.
    SendTestEmail(SendTestEmailArgs),
    /// Write a backup of the whole database to a new file: SQLite's online
    /// backup (VACUUM INTO), or pg_dump on PostgreSQL. Safe while serving.
    Backup(BackupArgs),
    /// Replace the configured database with a backup made by `gopy backup`.
    /// Stop the server first.
    Restore(RestoreArgs),
    /// Load the load benchmark's data into the configured database and print
    /// what `gopy-bench` needs as JSON (used by scripts/bench).
    #[command(hide = true)]
    SeedBenchmark(SeedBenchmarkArgs),
}

#[derive(Clone, Debug, clap::Args)]
pub struct WorkerArgs {
    /// Send what is due now (reminders, then mail) and stop, instead of
    /// running until stopped.
    #[arg(long)]
    pub once: bool,
    /// With --once: take this moment (RFC 3339, e.g. 2027-03-05T08:00:00+07:00)
    /// as now. For tests, which move time without waiting for it, and for
    /// seeing what a given morning sends; a worker left running always keeps
    /// the real time.
    #[arg(long, value_name = "TIME", requires = "once", value_parser = parse_moment)]
    pub now: Option<time::OffsetDateTime>,
}

fn parse_moment(raw: &str) -> Result<time::OffsetDateTime, String> {
    time::OffsetDateTime::parse(raw, &time::format_description::well_known::Rfc3339)
        .map_err(|_| format!("{raw:?} is not a moment such as 2027-03-05T08:00:00+07:00"))
}

#[derive(Clone, Debug, clap::Args)]
pub struct BackupArgs {
    /// The file to write; it must not exist yet.
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
}

#[derive(Clone, Debug, clap::Args)]
pub struct RestoreArgs {
    /// The backup to restore.
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// Replace a database that already holds data (everything in it is lost).
    #[arg(long)]
    pub force: bool,
}

#[derive(Clone, Debug, clap::Args)]
pub struct SeedBenchmarkArgs {
    /// The fixtures folder (reports/ and comments.so-ket-v1.json).
    #[arg(long, value_name = "DIR")]
    pub fixtures: PathBuf,
    /// The password of the secretary the benchmark signs in as.
    #[arg(long)]
    pub password: String,
}

#[derive(Clone, Debug, clap::Args)]
pub struct SendTestEmailArgs {
    /// The address to send it to.
    #[arg(long, value_name = "ADDRESS")]
    pub to: String,
    /// The language of the mail: vi or en.
    #[arg(long, default_value = "vi", value_parser = ["vi", "en"])]
    pub language: String,
}

#[derive(Clone, Debug, Subcommand)]
pub enum UserCommand {
    /// Add a person (the first admin, say) and print a one-time link to set
    /// their password.
    Add(UserAddArgs),
}

#[derive(Clone, Debug, clap::Args)]
pub struct UserAddArgs {
    #[arg(long)]
    pub email: String,
    #[arg(long)]
    pub name: String,
    /// Their position (chức vụ), e.g. "Phó Bí thư Tỉnh ủy".
    #[arg(long)]
    pub title: Option<String>,
    /// A global role: admin or secretariat.
    #[arg(long, value_parser = ["admin", "secretariat"])]
    pub role: Option<String>,
    /// Their language: vi or en.
    #[arg(long, default_value = "vi", value_parser = ["vi", "en"])]
    pub language: String,
}

#[derive(Clone, Debug, Subcommand)]
pub enum TokenCommand {
    /// Create a token for a person and print it (shown this once only).
    Create(TokenCreateArgs),
}

#[derive(Clone, Debug, clap::Args)]
pub struct TokenCreateArgs {
    /// Whose token it is.
    #[arg(long)]
    pub email: String,
    /// What it is for, e.g. "benchmark".
    #[arg(long)]
    pub name: String,
}

#[derive(Clone, Debug, Default, clap::Args)]
pub struct ServeArgs {
    /// The address and port to listen on, overriding `server.addr`.
    #[arg(long, value_name = "ADDR")]
    pub addr: Option<SocketAddr>,
    /// Do not apply pending migrations at start (overrides
    /// `database.migrate_on_start`); refuse to start if any are pending.
    #[arg(long)]
    pub no_migrate: bool,
}

impl Cli {
    /// The command to run; `serve` when none is named, so `cargo run` serves.
    pub fn command(&self) -> Command {
        self.command.clone().unwrap_or_else(|| Command::Serve(ServeArgs::default()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_command_line_is_well_formed() {
        <Cli as CommandFactory>::command().debug_assert();
    }
}
