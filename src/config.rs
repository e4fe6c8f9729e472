//! The server's settings: every one a flag and an environment variable
//! (SPEC §9). The command line itself is `cli::args`.

mod admission;
mod posters;
mod secret_file;

use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Parser, ValueEnum};

pub use admission::AdmissionSettings;
pub use posters::{DEFAULT_POSTER_CACHE_DIR, PosterSettings};
pub use secret_file::SecretFileError;

/// The default database URL, which `demo` swaps for its own file.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://reelstream.db?mode=rwc";

/// Log line format.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    /// Human-readable lines.
    #[default]
    Text,
    /// One JSON object per line.
    Json,
}

/// How TMDB's limits apply when several replicas share a database.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum TmdbLimits {
    /// The limits are the totals of all live replicas, each taking its share.
    #[default]
    Shared,
    /// Each replica has the limits to itself.
    PerReplica,
}

/// Server settings.
#[derive(Clone, Debug, Args)]
pub struct Config {
    /// Address to listen on.
    #[arg(long, env = "REELSTREAM_BIND", default_value = "127.0.0.1:8080")]
    pub bind: String,

    /// Database URL: a SQLite file (created on first run) or postgres://…
    #[arg(
        long,
        env = "DATABASE_URL",
        default_value = "sqlite://reelstream.db?mode=rwc"
    )]
    pub database_url: String,

    /// TMDB v3 API key, sent as the `api_key` query parameter. As a flag it
    /// is visible to anyone who can list processes (`ps`): prefer the variable
    /// or --tmdb-api-key-file.
    #[arg(long, env = "TMDB_API_KEY", hide_env_values = true)]
    pub tmdb_api_key: Option<String>,

    /// File holding the TMDB API key (trailing newline ignored).
    #[arg(long, env = "TMDB_API_KEY_FILE", value_name = "FILE")]
    pub tmdb_api_key_file: Option<PathBuf>,

    /// TMDB v4 read access token, sent as `Authorization: Bearer`. As a flag
    /// it is visible in `ps`: prefer the variable or --tmdb-read-token-file.
    #[arg(long, env = "TMDB_READ_TOKEN", hide_env_values = true)]
    pub tmdb_read_token: Option<String>,

    /// File holding the TMDB read access token (trailing newline ignored).
    #[arg(long, env = "TMDB_READ_TOKEN_FILE", value_name = "FILE")]
    pub tmdb_read_token_file: Option<PathBuf>,

    /// TMDB API base URL.
    #[arg(
        long,
        env = "TMDB_BASE_URL",
        default_value = "https://api.themoviedb.org/3"
    )]
    pub tmdb_base_url: String,

    /// Global TMDB request rate (requests per second), shared by all sessions.
    #[arg(long, env = "REELSTREAM_TMDB_RPS", default_value_t = 40)]
    pub tmdb_rps: u32,

    /// Global cap on concurrent TMDB requests.
    #[arg(long, env = "REELSTREAM_TMDB_CONCURRENCY", default_value_t = 16)]
    pub tmdb_concurrency: usize,

    /// Whether `--tmdb-rps` and `--tmdb-concurrency` are the totals of all
    /// live replicas on the database (`shared`: replicas behind one address,
    /// which TMDB limits together) or each replica's own (`per-replica`).
    #[arg(long, env = "REELSTREAM_TMDB_LIMITS", value_enum, default_value_t = TmdbLimits::Shared)]
    pub tmdb_limits: TmdbLimits,

    /// Timeout of one TMDB request, in seconds.
    #[arg(long, env = "REELSTREAM_TMDB_TIMEOUT_SECS", default_value_t = 10)]
    pub tmdb_timeout_secs: u64,

    /// Retries of a failing TMDB request before the film is marked failed.
    #[arg(long, env = "REELSTREAM_TMDB_MAX_RETRIES", default_value_t = 5)]
    pub tmdb_max_retries: u32,

    /// Films looked up at once (the engine's sliding window); requests are
    /// further bounded by the TMDB rate and connection cap.
    #[arg(long, env = "REELSTREAM_ENGINE_WINDOW", default_value_t = 64)]
    pub engine_window: usize,

    /// How long a replica's claim on a film lasts without renewal, in
    /// seconds; it renews its claims while it works, and when it dies other
    /// replicas sharing the PostgreSQL database take its films over after this.
    #[arg(long, env = "REELSTREAM_LEASE_SECS", default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..))]
    pub lease_secs: u64,

    /// Events a live subscriber may fall behind before it is resynchronised
    /// from the log (the broadcast buffer per session).
    #[arg(long, env = "REELSTREAM_STREAM_BUFFER", default_value_t = 1024)]
    pub stream_buffer: usize,

    /// Events a resuming subscriber may be behind and still get them replayed;
    /// further behind, it gets a fresh snapshot and reads the films instead.
    #[arg(long, env = "REELSTREAM_REPLAY_MAX_EVENTS", default_value_t = 1000)]
    pub replay_max_events: u64,

    /// How long a WebSocket client message may take to arrive whole (a frame
    /// or a fragmented message started and not finished), in milliseconds.
    #[arg(
        long,
        env = "REELSTREAM_WS_MESSAGE_TIMEOUT_MS",
        default_value_t = 10_000
    )]
    pub ws_message_timeout_ms: u64,

    /// Largest accepted upload, in bytes.
    #[arg(long, env = "REELSTREAM_MAX_UPLOAD_BYTES", default_value_t = 20 * 1024 * 1024)]
    pub max_upload_bytes: usize,

    /// Most film rows accepted in one upload.
    #[arg(long, env = "REELSTREAM_MAX_ROWS", default_value_t = 50_000)]
    pub max_rows: usize,

    /// Most library exports and share cards being made at once (429 above).
    #[arg(long, env = "REELSTREAM_MAX_EXPORTS", default_value_t = 4)]
    pub max_exports: usize,

    /// How long cached TMDB answers stay fresh, in hours.
    #[arg(long, env = "REELSTREAM_CACHE_TTL_HOURS", default_value_t = 24 * 7)]
    pub cache_ttl_hours: u64,

    /// Origins allowed by CORS, comma-separated (none by default: no cross-origin access).
    #[arg(long, env = "REELSTREAM_CORS_ORIGINS", value_delimiter = ',')]
    pub cors_origins: Vec<String>,

    /// Log format.
    #[arg(long, env = "REELSTREAM_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text)]
    pub log_format: LogFormat,

    /// Connection timeouts and caps.
    #[command(flatten)]
    pub net: crate::server::NetSettings,

    /// What one client may ask of the instance.
    #[command(flatten)]
    pub admission: AdmissionSettings,

    /// Where posters come from and where they are kept.
    #[command(flatten)]
    pub posters: PosterSettings,

    /// Deletes sessions untouched for this many days (no upload, fix or
    /// lookup changed them); unset, libraries are kept until deleted.
    #[arg(long, env = "REELSTREAM_SESSION_TTL_DAYS", value_parser = clap::value_parser!(u32).range(1..))]
    pub session_ttl_days: Option<u32>,
}

impl Config {
    /// Reads the TMDB secrets given as files into their settings; an error
    /// when a file is unreadable or empty, or a secret is given both ways.
    pub fn load_secret_files(&mut self) -> Result<(), SecretFileError> {
        secret_file::resolve(
            &mut self.tmdb_api_key,
            self.tmdb_api_key_file.as_deref(),
            ("TMDB_API_KEY", "TMDB_API_KEY_FILE"),
        )?;
        secret_file::resolve(
            &mut self.tmdb_read_token,
            self.tmdb_read_token_file.as_deref(),
            ("TMDB_READ_TOKEN", "TMDB_READ_TOKEN_FILE"),
        )
    }

    /// The TMDB client settings.
    pub fn tmdb(&self) -> crate::tmdb::TmdbConfig {
        crate::tmdb::TmdbConfig {
            base_url: self.tmdb_base_url.clone(),
            auth: crate::tmdb::TmdbAuth::from_settings(
                self.tmdb_api_key.as_deref(),
                self.tmdb_read_token.as_deref(),
            ),
            rps: self.tmdb_rps,
            concurrency: self.tmdb_concurrency,
            timeout: self.tmdb_timeout(),
            max_retries: self.tmdb_max_retries,
            ..crate::tmdb::TmdbConfig::default()
        }
    }

    /// The limits on one upload or input file.
    pub fn limits(&self) -> crate::import::Limits {
        crate::import::Limits {
            max_bytes: self.max_upload_bytes,
            max_rows: self.max_rows,
        }
    }

    /// TMDB request timeout.
    pub fn tmdb_timeout(&self) -> Duration {
        Duration::from_secs(self.tmdb_timeout_secs)
    }

    /// How long a claim on a film lasts without renewal.
    pub fn lease(&self) -> Duration {
        Duration::from_secs(self.lease_secs)
    }

    /// TMDB cache time to live.
    pub fn cache_ttl(&self) -> Duration {
        Duration::from_secs(self.cache_ttl_hours * 3600)
    }

    /// Defaults for tests and embedding: everything as documented, on `database_url`.
    pub fn with_database(database_url: impl Into<String>) -> Self {
        /// The settings alone, as a command line without arguments gives them.
        #[derive(Parser)]
        struct Defaults {
            #[command(flatten)]
            config: Config,
        }
        let mut config = Defaults::parse_from(["reelstream"]).config;
        config.database_url = database_url.into();
        config
    }
}
