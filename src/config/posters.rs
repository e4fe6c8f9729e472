//! Where posters come from and where they are kept (`posters`).

use std::path::PathBuf;

use clap::Args;

use crate::tmdb::images::PosterLinks;

/// The default directory of the poster cache, which `demo` swaps for its own.
pub const DEFAULT_POSTER_CACHE_DIR: &str = "reelstream-posters";

/// Poster settings.
#[derive(Clone, Debug, Args)]
pub struct PosterSettings {
    /// Where the API's `poster_url` points: `proxy` (reelstream's
    /// `/api/poster/…`, cached) or `tmdb` (straight to TMDB's image host).
    #[arg(
        long = "poster-links",
        env = "REELSTREAM_POSTER_LINKS",
        value_enum,
        default_value_t = PosterLinks::Proxy
    )]
    pub links: PosterLinks,

    /// Directory of the poster cache (created on the first poster served).
    #[arg(
        long = "poster-cache-dir",
        env = "REELSTREAM_POSTER_CACHE_DIR",
        default_value = DEFAULT_POSTER_CACHE_DIR
    )]
    pub cache_dir: PathBuf,

    /// Size cap of the poster cache, in MB; the least recently used go first.
    #[arg(
        long = "poster-cache-max-mb",
        env = "REELSTREAM_POSTER_CACHE_MAX_MB",
        default_value_t = 512
    )]
    pub cache_max_mb: u64,

    /// TMDB's image host, which posters are fetched from.
    #[arg(
        long = "tmdb-image-base-url",
        env = "TMDB_IMAGE_BASE_URL",
        default_value = crate::tmdb::types::IMAGE_BASE_URL
    )]
    pub image_base_url: String,

    /// An exact cap in bytes instead of `cache_max_mb` (tests, which cannot
    /// fill megabytes with the simulator's small posters).
    #[arg(skip)]
    pub cache_max_bytes_exact: Option<u64>,
}

impl PosterSettings {
    /// The cache's cap in bytes.
    pub fn cache_max_bytes(&self) -> u64 {
        self.cache_max_bytes_exact
            .unwrap_or_else(|| self.cache_max_mb.saturating_mul(1024 * 1024))
    }
}
