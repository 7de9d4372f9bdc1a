//! Command line and environment, parsed by clap into raw arguments and then validated into the
//! settings each command runs with.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::geodata::generate::{DEFAULT_INCIDENTS, DEFAULT_SEED};

/// gridwatch: spatial analytics for community governance.
#[derive(Debug, Parser)]
#[command(version, about)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the dataset over HTTP (OGC API – Features, health checks).
    Serve(ServeArgs),
    /// Generate the deterministic synthetic Jingmen dataset.
    Generate(GenerateArgs),
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "GRIDWATCH_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,
    /// Dataset directory to load.
    #[arg(long, env = "GRIDWATCH_DATA", default_value = "geodata")]
    pub data: PathBuf,
}

#[derive(Debug, Args)]
pub struct GenerateArgs {
    /// Directory to write the dataset into.
    #[arg(long, default_value = "geodata")]
    pub out: PathBuf,
    /// Directory of the real reference files (district boundaries, community names).
    #[arg(long, default_value = "geodata/sources")]
    pub sources: PathBuf,
    /// Random seed; the same seed writes the same bytes.
    #[arg(long, default_value_t = DEFAULT_SEED)]
    pub seed: u64,
    /// Number of incidents (the bundled dataset has the default; use 1000000 for benchmarks,
    /// written somewhere other than geodata/).
    #[arg(long, default_value_t = DEFAULT_INCIDENTS)]
    pub scale: usize,
}
