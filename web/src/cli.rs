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
    /// Apply the database migrations that have not run yet, then stop.
    Migrate,
    /// Print the effective configuration, with passwords hidden.
    Config,
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
