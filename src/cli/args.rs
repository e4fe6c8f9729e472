//! The command line: subcommands and their arguments. Server settings are
//! `config::Config`, flattened into each subcommand that serves.

use clap::{Args, Parser, Subcommand};

use crate::config::Config;

/// reelstream: turn a movie watch history into an enriched, explorable library, live.
#[derive(Debug, Parser)]
#[command(
    name = "reelstream",
    version,
    about,
    args_conflicts_with_subcommands = true
)]
pub struct Cli {
    /// What to run; `serve` when omitted.
    #[command(subcommand)]
    pub command: Option<Command>,
    /// Settings for the default `serve` command.
    #[command(flatten)]
    pub serve: Config,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
#[allow(clippy::large_enum_variant)] // parsed once at start-up
pub enum Command {
    /// Run the HTTP server (the default).
    Serve(Config),
    /// Serve with a built-in offline TMDB simulator and its sample catalog:
    /// no key, no network.
    Demo(DemoArgs),
    /// Enrich an export from the command line, with a progress bar; no
    /// server needed.
    ///
    /// Reads FILE (a Letterboxd CSV or export ZIP, an IMDb export, or any CSV
    /// with a title column), looks every film up on TMDB with the server's
    /// engine, cache and matcher, and writes the enriched library as CSV or
    /// JSON.
    Enrich(super::EnrichArgs),
    /// Run only the TMDB simulator (for benchmarks and scripts).
    TmdbSim(SimArgs),
    /// Print the OpenAPI specification (YAML) and exit.
    Openapi,
    /// Give a session a new owner token and print it (the old one stops
    /// working): for sessions stored before owner tokens, or a lost token.
    Token(super::TokenArgs),
    /// Copy the SQLite database to a new file while the server runs
    /// (`VACUUM INTO`: one consistent snapshot, checked once written).
    Backup(super::BackupArgs),
}

/// Settings of `reelstream demo`.
#[derive(Clone, Debug, Args)]
pub struct DemoArgs {
    /// Server settings; the database defaults to `reelstream-demo.db` so
    /// simulated answers never mix with a real TMDB cache.
    #[command(flatten)]
    pub config: Config,
    /// Simulated TMDB latency per request, in milliseconds.
    #[arg(long, env = "REELSTREAM_DEMO_LATENCY_MS", default_value_t = 150)]
    pub demo_latency_ms: u64,
}

/// Settings of `reelstream tmdb-sim`.
#[derive(Clone, Debug, Args)]
pub struct SimArgs {
    /// Address the simulator listens on (port 0 picks one; the base URL is printed).
    #[arg(long, env = "REELSTREAM_SIM_BIND", default_value = "127.0.0.1:8090")]
    pub bind: String,
    /// A catalog file to serve instead of the embedded one: `catalog.json`'s
    /// format or the shared real-data catalog's, plain `.json` or `.json.gz`.
    #[arg(long, env = "REELSTREAM_SIM_CATALOG", value_name = "FILE")]
    pub catalog: Option<std::path::PathBuf>,
    /// Simulator behaviour.
    #[command(flatten)]
    pub sim: crate::tmdb::sim::SimConfig,
}
