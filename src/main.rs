//! The `reelstream` binary: parse the command line and hand over.

use clap::Parser;
use reelstream::config::{Cli, Command, LogFormat};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    match cli.command {
        Some(Command::Openapi) => {
            print!("{}", reelstream::api::spec_yaml());
            Ok(())
        }
        Some(Command::Demo(args)) => {
            init_tracing(args.config.log_format);
            reelstream::app::demo(args).await
        }
        Some(Command::TmdbSim(args)) => {
            init_tracing(LogFormat::Text);
            args.sim.validate().map_err(anyhow::Error::msg)?;
            Ok(reelstream::tmdb::sim::serve(args.sim, &args.bind).await?)
        }
        Some(Command::Serve(config)) => {
            init_tracing(config.log_format);
            reelstream::app::serve(config).await
        }
        None => {
            init_tracing(cli.serve.log_format);
            reelstream::app::serve(cli.serve).await
        }
    }
}

fn init_tracing(format: LogFormat) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| "info,sqlx=warn,sea_orm=warn".into());
    let builder = tracing_subscriber::fmt().with_env_filter(filter);
    match format {
        LogFormat::Text => builder.init(),
        LogFormat::Json => builder.json().init(),
    }
}
