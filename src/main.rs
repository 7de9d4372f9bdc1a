//! Wiring only: parse the command line, set up logging, run the command.

use std::process::ExitCode;

use clap::Parser;
use gridwatch::config::{Cli, Command, LogFormat};

/// jemalloc rather than the system allocator: see Cargo.toml and BENCHMARKS.md ("Soak").
#[cfg(not(target_env = "msvc"))]
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let logs = tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "gridwatch=info,tower_http=warn".into()),
        )
        .with_writer(std::io::stderr);
    match cli.log_format {
        LogFormat::Text => logs.init(),
        LogFormat::Json => logs.json().with_current_span(true).init(),
    }
    let result = match cli.command {
        Command::Serve(args) => gridwatch::cli::serve(&args),
        Command::Generate(args) => gridwatch::cli::generate(&args),
        Command::Import(args) => gridwatch::cli::import(&args),
        Command::FilterSql(args) => gridwatch::cli::filter_sql(&args),
        Command::Tiles {
            command: gridwatch::config::TilesCommand::Export(args),
        } => gridwatch::cli::export_tiles(&args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
