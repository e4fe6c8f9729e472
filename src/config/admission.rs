//! What one client may ask of a shared instance (`engine::admission`).

use std::time::Duration;

use clap::Args;

/// Admission limits; each answers 429 with `Retry-After` when exceeded.
#[derive(Clone, Debug, Args)]
pub struct AdmissionSettings {
    /// Uploads and re-imports one client may make per hour.
    #[arg(long, env = "REELSTREAM_UPLOADS_PER_HOUR", default_value_t = 60)]
    pub uploads_per_hour: u32,

    /// Films of one client's sessions waiting for their lookup at most; an
    /// upload that would exceed it is refused before anything is stored.
    #[arg(
        long,
        env = "REELSTREAM_PENDING_FILMS_PER_CLIENT",
        default_value_t = 100_000
    )]
    pub pending_films_per_client: u64,

    /// Films waiting for their lookup in the whole instance at most.
    #[arg(
        long,
        env = "REELSTREAM_PENDING_FILMS_TOTAL",
        default_value_t = 1_000_000
    )]
    pub pending_films_total: u64,

    /// Event streams (SSE and WebSocket) one client may hold open at once.
    #[arg(long, env = "REELSTREAM_STREAMS_PER_CLIENT", default_value_t = 32)]
    pub streams_per_client: usize,

    /// Changes (fixes, retries, accepts, deletions, re-imports) one client
    /// may make per minute.
    #[arg(long, env = "REELSTREAM_WRITES_PER_MINUTE", default_value_t = 300)]
    pub writes_per_minute: u32,

    /// TMDB requests one client's own actions (manual fixes, the picker's
    /// searches) may make per second; the engine's lookups share TMDB between
    /// clients on their own.
    #[arg(long, env = "REELSTREAM_TMDB_CALLS_PER_CLIENT", default_value_t = 10)]
    pub tmdb_calls_per_client: u32,

    /// The period of `uploads_per_hour`: an hour (shorter only in tests).
    #[arg(skip = Duration::from_secs(3600))]
    pub upload_period: Duration,

    /// The period of `writes_per_minute`: a minute (shorter only in tests).
    #[arg(skip = Duration::from_secs(60))]
    pub write_period: Duration,
}
