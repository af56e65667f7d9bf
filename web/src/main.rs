//! The `gopy` binary: parse the command line, run, and report any failure as
//! one line with a non-zero exit.

use std::process::ExitCode;

use clap::Parser;
use gopy_web::cli::Cli;

fn main() -> ExitCode {
    let cli = Cli::parse();
    // A bug must still end in one line, not a backtrace on a person's terminal.
    std::panic::set_hook(Box::new(|info| {
        let location = info.location().map(|l| format!(" at {}:{}", l.file(), l.line())).unwrap_or_default();
        eprintln!("gopy: internal error{location}; please report it");
    }));
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(err) => {
            eprintln!("gopy: error: cannot start the async runtime: {err}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(gopy_web::run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("gopy: error: {err:#}");
            ExitCode::FAILURE
        }
    }
}
