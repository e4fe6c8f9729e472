//! The `reelstream` binary: parse the command line and hand over.

use std::process::ExitCode;

use clap::Parser;
use reelstream::cli::args::{Cli, Command};
use reelstream::config::LogFormat;

/// The servers' default log filter.
const SERVER_LOGS: &str = "info,sqlx=warn,sea_orm=warn";
/// `enrich` reports through its progress and summary; log lines would only
/// break the bar, so by default only errors are logged.
const CLI_LOGS: &str = "error";

#[tokio::main]
async fn main() -> anyhow::Result<ExitCode> {
    let mut cli = Cli::parse();
    // Secrets given as files are read before anything starts; a bad one is a
    // usage error, like a bad flag.
    let config = match &mut cli.command {
        Some(Command::Enrich(args)) => Some(&mut args.config),
        Some(Command::Demo(args)) => Some(&mut args.config),
        Some(Command::Serve(config)) => Some(config),
        None => Some(&mut cli.serve),
        Some(Command::TmdbSim(_) | Command::Openapi | Command::Token(_) | Command::Backup(_)) => {
            None
        }
    };
    if let Some(Err(err)) = config.map(|c| c.load_secret_files()) {
        eprintln!("error: {err}");
        return Ok(ExitCode::from(reelstream::cli::EXIT_USAGE));
    }
    match cli.command {
        Some(Command::Enrich(args)) => {
            init_tracing(args.config.log_format, CLI_LOGS);
            return Ok(reelstream::cli::enrich(args).await);
        }
        Some(Command::Token(args)) => {
            init_tracing(LogFormat::Text, CLI_LOGS);
            return Ok(reelstream::cli::token(args).await);
        }
        Some(Command::Backup(args)) => {
            init_tracing(LogFormat::Text, CLI_LOGS);
            return Ok(reelstream::cli::backup(args).await);
        }
        Some(Command::Openapi) => {
            print!("{}", reelstream::api::spec_yaml());
        }
        Some(Command::Demo(args)) => {
            init_tracing(args.config.log_format, SERVER_LOGS);
            let latency = std::time::Duration::from_millis(args.demo_latency_ms);
            reelstream::app::demo(args.config, latency).await?;
        }
        Some(Command::TmdbSim(args)) => {
            init_tracing(LogFormat::Text, SERVER_LOGS);
            args.sim.validate().map_err(anyhow::Error::msg)?;
            reelstream::tmdb::sim::serve(args.sim, &args.bind, args.catalog.as_deref()).await?;
        }
        Some(Command::Serve(config)) => {
            init_tracing(config.log_format, SERVER_LOGS);
            reelstream::app::serve(config).await?;
        }
        None => {
            init_tracing(cli.serve.log_format, SERVER_LOGS);
            reelstream::app::serve(cli.serve).await?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn init_tracing(format: LogFormat, default_filter: &str) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| default_filter.into());
    // Logs go to stderr, as the README says: stdout carries data (`enrich -o -`,
    // `openapi`, the simulator's base URL).
    // Colours only on a terminal: escape codes in a file or a collector are noise.
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_writer(std::io::stderr);
    match format {
        LogFormat::Text => builder.init(),
        LogFormat::Json => builder.json().init(),
    }
}
