//! The real TMDB v3 client: one rate limiter, one connection cap and one
//! retry policy shared by every caller, and credentials that never leak.

mod attempt;
mod body;
mod config;
mod credential;
mod error;
mod gate;
mod metrics;
mod retry;
mod scrub;

use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::Duration;

use reqwest::Url;
use serde::de::DeserializeOwned;
use tokio::time::Instant;

pub use config::{DEFAULT_BASE_URL, MAX_BODY_BYTES, TmdbAuth, TmdbConfig};
pub use error::TmdbError;
pub use gate::in_share;
pub use metrics::{ClientMetrics, TmdbCollector};
pub use scrub::Scrubbed;

use super::types::{FindResponse, MovieDetails, MovieResult, Paged, TvDetails, TvResult};
use attempt::{Failure, RetryKind};
use credential::{Credential, credential};
use gate::{Gate, Priority};
use metrics::Counters;
use scrub::Secrets;

/// A TMDB v3 client. Cheap to clone; clones share the limits and metrics.
#[derive(Clone, Debug)]
pub struct TmdbClient {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    http: reqwest::Client,
    base: Url,
    auth: Option<Credential>,
    /// Every form of the credential, scrubbed from any text an error carries.
    secrets: Secrets,
    gate: Gate,
    counters: Counters,
    max_retries: u32,
    backoff_base: Duration,
    max_body_bytes: usize,
}

impl TmdbClient {
    /// Builds a client; fails on an unusable base URL, credential or limit.
    pub fn new(cfg: TmdbConfig) -> Result<Self, TmdbError> {
        let secrets = Secrets::new(cfg.auth.as_ref());
        let config_error = |text: String| TmdbError::Config(secrets.scrub(text));
        let base = Url::parse(cfg.base_url.trim_end_matches('/'))
            .map_err(|e| config_error(format!("base URL: {e}")))?;
        if base.cannot_be_a_base() || !matches!(base.scheme(), "http" | "https") {
            return Err(TmdbError::Config("base URL must be an http(s) URL".into()));
        }
        let rps = NonZeroU32::new(cfg.rps)
            .ok_or_else(|| TmdbError::Config("rps must be at least 1".into()))?;
        if cfg.concurrency == 0 {
            return Err(TmdbError::Config("concurrency must be at least 1".into()));
        }
        if cfg.timeout.is_zero() {
            return Err(TmdbError::Config("timeout must be positive".into()));
        }
        if cfg.max_body_bytes == 0 {
            return Err(TmdbError::Config("the body cap must be positive".into()));
        }
        let auth = cfg.auth.map(credential).transpose()?;
        let http = reqwest::Client::builder()
            .timeout(cfg.timeout)
            .connect_timeout(cfg.timeout.min(Duration::from_secs(5)))
            .pool_max_idle_per_host(cfg.concurrency)
            .user_agent(concat!("reelstream/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| config_error(format!("HTTP client: {}", e.without_url())))?;
        Ok(Self {
            inner: Arc::new(Inner {
                http,
                base,
                auth,
                secrets,
                gate: Gate::new(rps, cfg.concurrency),
                counters: Counters::default(),
                max_retries: cfg.max_retries,
                backoff_base: cfg.backoff_base,
                max_body_bytes: cfg.max_body_bytes,
            }),
        })
    }

    /// `GET /search/movie`, page 1; `year` matches any of a film's release dates.
    pub async fn search_movie(
        &self,
        query: &str,
        year: Option<i32>,
    ) -> Result<Paged<MovieResult>, TmdbError> {
        let mut params = search_params(query);
        params.extend(year.map(|y| ("year", y.to_string())));
        self.get_required(&["search", "movie"], &params).await
    }

    /// `GET /movie/{id}?append_to_response=credits`; `Ok(None)` when TMDB has no such film.
    pub async fn movie_details(&self, id: i64) -> Result<Option<MovieDetails>, TmdbError> {
        let id = id.to_string();
        self.get(&["movie", &id], &credits_params()).await
    }

    /// `GET /movie/{imdb_id}?append_to_response=credits,external_ids`: TMDB
    /// takes an IMDb id in place of its own, so a film known by its IMDb id
    /// costs one call. `Ok(None)` when no film has that id (a show's id, or
    /// one TMDB does not know).
    pub async fn movie_details_by_imdb(
        &self,
        imdb_id: &str,
    ) -> Result<Option<MovieDetails>, TmdbError> {
        let imdb_id = imdb_id.trim();
        if !is_imdb_id(imdb_id) {
            // Anything else in that place would name another path.
            return Ok(None);
        }
        let params = [
            ("append_to_response", "credits,external_ids".to_owned()),
            ("language", "en-US".to_owned()),
        ];
        self.get(&["movie", imdb_id], &params).await
    }

    /// `GET /find/{imdb_id}?external_source=imdb_id`.
    pub async fn find_by_imdb(&self, imdb_id: &str) -> Result<FindResponse, TmdbError> {
        let imdb_id = imdb_id.trim();
        if imdb_id.is_empty() {
            // Nothing can match; `/find/` would be a 404 for the endpoint itself.
            return Ok(FindResponse::default());
        }
        let params = [
            ("external_source", "imdb_id".to_owned()),
            ("language", "en-US".to_owned()),
        ];
        self.get_required(&["find", imdb_id], &params).await
    }

    /// `GET /search/tv`, page 1, optionally filtered on the first air date's year.
    pub async fn search_tv(
        &self,
        query: &str,
        first_air_date_year: Option<i32>,
    ) -> Result<Paged<TvResult>, TmdbError> {
        let mut params = search_params(query);
        params.extend(first_air_date_year.map(|y| ("first_air_date_year", y.to_string())));
        self.get_required(&["search", "tv"], &params).await
    }

    /// `GET /tv/{id}?append_to_response=credits`; `Ok(None)` when TMDB has no such show.
    pub async fn tv_details(&self, id: i64) -> Result<Option<TvDetails>, TmdbError> {
        let id = id.to_string();
        // A show's IMDb id is not among its details, unlike a film's.
        let params = [
            ("append_to_response", "credits,external_ids".to_owned()),
            ("language", "en-US".to_owned()),
        ];
        self.get(&["tv", &id], &params).await
    }

    /// The client's counters as a Prometheus collector, read on each scrape.
    pub fn collector(&self) -> TmdbCollector {
        TmdbCollector(self.clone())
    }

    /// `text` rid of this client's credentials in every spelling, for an
    /// error made outside the client (say, from a cached answer).
    pub fn scrub(&self, text: impl Into<String>) -> Scrubbed {
        self.inner.secrets.scrub(text)
    }

    /// Sets the request rate and connection cap in force: this replica's
    /// share when replicas divide one budget.
    pub fn set_limits(&self, rps: NonZeroU32, concurrency: usize) {
        self.inner.gate.set_limits(rps, concurrency);
    }

    /// The request rate and connection cap in force.
    pub fn limits(&self) -> (NonZeroU32, usize) {
        self.inner.gate.limits()
    }

    /// What this client (and its clones) has done so far.
    pub fn metrics(&self) -> ClientMetrics {
        self.inner.counters.snapshot()
    }

    /// Like [`Self::get`], for endpoints where a 404 means a wrong base URL, not a missing film.
    async fn get_required<T: DeserializeOwned>(
        &self,
        segments: &[&str],
        params: &[(&str, String)],
    ) -> Result<T, TmdbError> {
        self.get(segments, params)
            .await?
            .ok_or_else(|| TmdbError::Rejected {
                status: 404,
                message: self.scrub(format!(
                    "no /{} endpoint at this base URL; check TMDB_BASE_URL",
                    segments.join("/")
                )),
            })
    }

    /// One logical GET: attempts with retries; `Ok(None)` on 404.
    async fn get<T: DeserializeOwned>(
        &self,
        segments: &[&str],
        params: &[(&str, String)],
    ) -> Result<Option<T>, TmdbError> {
        let inner = &self.inner;
        let url = inner.url(segments);
        // Details are a film's last call: they go before new searches.
        let priority = match segments.first() {
            Some(&"movie") | Some(&"tv") => Priority::Finish,
            _ => Priority::Start,
        };
        let mut attempts = 0;
        loop {
            attempts += 1;
            let (kind, retry_after) = match inner.attempt(&url, params, attempts, priority).await {
                Ok(value) => return Ok(value),
                Err(Failure::Fatal(e)) => return Err(e),
                Err(Failure::Retry { kind, retry_after }) => (kind, retry_after),
            };
            if attempts > inner.max_retries {
                tracing::debug!(path = url.path(), attempts, "tmdb request gave up");
                return Err(kind.into_error(attempts));
            }
            Counters::bump(&inner.counters.retries);
            let delay = match (&kind, retry_after) {
                // Everyone waits: the limit is per IP. Gate::admit honours the pause.
                (RetryKind::RateLimited, Some(after)) => {
                    inner.gate.pause_until(Instant::now() + after);
                    Duration::ZERO
                }
                (_, Some(after)) => after,
                (_, None) => retry::backoff(inner.backoff_base, attempts),
            };
            tracing::debug!(
                path = url.path(),
                attempts,
                delay_ms = delay.as_millis() as u64,
                "tmdb request will retry"
            );
            tokio::time::sleep(delay).await;
        }
    }
}

impl Inner {
    /// `base` plus percent-encoded path segments (an IMDb id from a CSV must not
    /// be able to change the path or add a query).
    fn url(&self, segments: &[&str]) -> Url {
        let mut url = self.base.clone();
        url.path_segments_mut()
            .expect("checked in TmdbClient::new: base URL can be a base")
            .pop_if_empty()
            .extend(segments);
        url
    }
}

fn search_params(query: &str) -> Vec<(&'static str, String)> {
    vec![
        ("query", query.trim().to_owned()),
        ("include_adult", "false".to_owned()),
        ("language", "en-US".to_owned()),
        ("page", "1".to_owned()),
    ]
}

fn credits_params() -> [(&'static str, String); 2] {
    [
        ("append_to_response", "credits".to_owned()),
        ("language", "en-US".to_owned()),
    ]
}

/// Whether `id` is an IMDb title id (`tt` and digits).
pub fn is_imdb_id(id: &str) -> bool {
    let digits = id.strip_prefix("tt").or_else(|| id.strip_prefix("TT"));
    digits.is_some_and(|d| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit()))
}
