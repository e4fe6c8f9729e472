//! `reelstream enrich`: the command-line path through the same import,
//! engine, cache and export as the server, with progress on stderr and no
//! HTTP server.

pub mod args;
mod backup;
mod enrich;
mod input;
mod output;
mod progress;
mod summary;
mod token;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;

use crate::config::Config;
use crate::export::ExportFormat;

pub use backup::{BackupArgs, run as backup};
pub use enrich::run as enrich;
pub use token::{TokenArgs, run as token};

/// Exit status when some films failed after every TMDB retry, or the run
/// itself failed (database, writing the output).
pub const EXIT_FAILED: u8 = 1;
/// Exit status for bad input or usage: nothing was written.
pub const EXIT_USAGE: u8 = 2;
/// Exit status after Ctrl-C or SIGTERM (128 + SIGINT, as shells report it).
pub const EXIT_INTERRUPTED: u8 = 130;

/// What `reelstream enrich --help` adds below the options.
const AFTER_HELP: &str = "\
Progress goes to stderr: a live bar on a terminal, plain lines otherwise; the
summary (unmatched titles, failures with their reasons) follows it.

The run stores FILE's films as a session in the database (--database-url,
DATABASE_URL), as an upload to the server does, so TMDB answers are cached
for later runs and for the server. The session is deleted when the run ends;
--keep-session keeps it, so that `reelstream serve` on the same database shows
it (and resumes it if the run was interrupted). The cache is kept either way.

Exit status: 0 every film enriched or unmatched; 1 some films failed after
every retry (the output is still written, those films with status `failed`)
or the run itself failed; 2 bad input or usage (nothing written);
130 interrupted by Ctrl-C or SIGTERM (nothing written).";

/// Settings of `reelstream enrich`.
#[derive(Clone, Debug, Args)]
#[command(
    after_help = AFTER_HELP,
    // Server-only settings: accepted (they come with the shared `Config`)
    // but meaningless here, so kept out of the help.
    mut_arg("bind", |a| a.hide(true)),
    mut_arg("cors_origins", |a| a.hide(true)),
    mut_arg("stream_buffer", |a| a.hide(true)),
)]
pub struct EnrichArgs {
    /// The export to enrich: a Letterboxd CSV or export ZIP, an IMDb export,
    /// or any CSV with a title column.
    #[arg(value_name = "FILE")]
    pub file: PathBuf,

    /// Where to write the enriched library; `-` for stdout. Default:
    /// `<FILE stem>.enriched.<csv|json>` (`.letterboxd.csv`, `.review.csv`) next to FILE.
    #[arg(short, long, value_name = "OUT")]
    pub output: Option<PathBuf>,

    /// Output format: the library as csv or json, a Letterboxd import file
    /// (`letterboxd`; a ZIP when it must be split), or the films to review
    /// (`review`). Default: from OUT's extension (`.json`), else csv.
    #[arg(short, long, value_enum)]
    pub format: Option<ExportFormat>,

    /// Keep the run's session in the database instead of deleting it.
    #[arg(long, env = "REELSTREAM_KEEP_SESSION")]
    pub keep_session: bool,

    /// Print neither progress nor summary; errors are still printed.
    #[arg(short, long)]
    pub quiet: bool,

    /// How often a progress line is printed when stderr is not a terminal,
    /// in milliseconds.
    #[arg(long, env = "REELSTREAM_PROGRESS_INTERVAL_MS", default_value_t = 2000)]
    pub progress_interval_ms: u64,

    /// Database, TMDB, limits and cache settings, shared with the server.
    #[command(flatten)]
    pub config: Config,
}

/// Why a run stopped short.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// Bad input or usage, found before anything was written.
    #[error("{0}")]
    Usage(String),
    /// The run itself failed: the database, or writing the output.
    #[error("{0}")]
    Runtime(String),
}

impl CliError {
    /// The process exit status for this error.
    pub fn exit_code(&self) -> ExitCode {
        ExitCode::from(match self {
            Self::Usage(_) => EXIT_USAGE,
            Self::Runtime(_) => EXIT_FAILED,
        })
    }

    /// A runtime error with context: "{context}: {err}".
    fn runtime(context: impl std::fmt::Display, err: impl std::fmt::Display) -> Self {
        Self::Runtime(format!("{context}: {err}"))
    }
}
