//! The real TMDB v3 client: one rate limiter, one connection cap and one
//! retry policy shared by every caller, and credentials that never leak.

mod config;
mod credential;
mod error;
mod gate;
mod metrics;
mod retry;

use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::{ACCEPT, AUTHORIZATION};
use reqwest::{StatusCode, Url};
use serde::de::DeserializeOwned;
use tokio::time::Instant;

pub use config::{DEFAULT_BASE_URL, TmdbAuth, TmdbConfig};
pub use error::TmdbError;
pub use metrics::{ClientMetrics, TmdbCollector};

use super::types::{
    ErrorBody, FindResponse, MovieDetails, MovieResult, Paged, TvDetails, TvResult,
};
use credential::{Credential, credential};
use gate::{Gate, Priority};
use metrics::Counters;

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
    gate: Gate,
    counters: Counters,
    max_retries: u32,
    backoff_base: Duration,
}

/// How one attempt failed.
enum Failure {
    /// Final at once (401, other 4xx).
    Fatal(TmdbError),
    /// Worth another attempt; `retry_after` is the server's `Retry-After`.
    Retry {
        kind: RetryKind,
        retry_after: Option<Duration>,
    },
}

enum RetryKind {
    RateLimited,
    Server(u16),
    Timeout,
    Transport(String),
    Malformed(String),
}

impl RetryKind {
    fn into_error(self, attempts: u32) -> TmdbError {
        match self {
            Self::RateLimited => TmdbError::RateLimited { attempts },
            Self::Server(status) => TmdbError::Server { status, attempts },
            Self::Timeout => TmdbError::Timeout { attempts },
            Self::Transport(message) => TmdbError::Transport { message, attempts },
            Self::Malformed(message) => TmdbError::Malformed { message, attempts },
        }
    }
}

impl TmdbClient {
    /// Builds a client; fails on an unusable base URL, credential or limit.
    pub fn new(cfg: TmdbConfig) -> Result<Self, TmdbError> {
        let base = Url::parse(cfg.base_url.trim_end_matches('/'))
            .map_err(|e| TmdbError::Config(format!("base URL: {e}")))?;
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
        let auth = cfg.auth.map(credential).transpose()?;
        let http = reqwest::Client::builder()
            .timeout(cfg.timeout)
            .connect_timeout(cfg.timeout.min(Duration::from_secs(5)))
            .pool_max_idle_per_host(cfg.concurrency)
            .user_agent(concat!("reelstream/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| TmdbError::Config(format!("HTTP client: {}", e.without_url())))?;
        Ok(Self {
            inner: Arc::new(Inner {
                http,
                base,
                auth,
                gate: Gate::new(rps, cfg.concurrency),
                counters: Counters::default(),
                max_retries: cfg.max_retries,
                backoff_base: cfg.backoff_base,
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
                message: format!(
                    "no /{} endpoint at this base URL; check TMDB_BASE_URL",
                    segments.join("/")
                ),
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

    /// One HTTP attempt, admitted by the gate; the permit is held until the body is read.
    async fn attempt<T: DeserializeOwned>(
        &self,
        url: &Url,
        params: &[(&str, String)],
        attempt: u32,
        priority: Priority,
    ) -> Result<Option<T>, Failure> {
        let _permit = self.gate.admit(priority).await;
        Counters::bump(&self.counters.requests);
        // The path only: the query may hold the API key.
        tracing::debug!(path = url.path(), attempt, "tmdb request");
        let started = Instant::now();

        let mut request = self
            .http
            .get(url.clone())
            .query(params)
            .header(ACCEPT, "application/json");
        match &self.auth {
            Some(Credential::Query(auth)) => request = request.query(&[("api_key", auth.secret())]),
            Some(Credential::Header(_, value)) => {
                request = request.header(AUTHORIZATION, value.clone())
            }
            None => {}
        }
        let response = request
            .send()
            .await
            .map_err(|e| self.transport_failure(e))?;
        let status = response.status();
        let retry_after = retry::retry_after(response.headers());
        // Read the body even on errors so the connection goes back to the pool.
        let body = response
            .bytes()
            .await
            .map_err(|e| self.transport_failure(e))?;
        tracing::debug!(
            path = url.path(),
            attempt,
            status = status.as_u16(),
            elapsed_ms = started.elapsed().as_millis() as u64,
            "tmdb response"
        );

        match status {
            s if s.is_success() => serde_json::from_slice(&body).map(Some).map_err(|e| {
                Counters::bump(&self.counters.malformed);
                Failure::Retry {
                    kind: RetryKind::Malformed(e.to_string()),
                    retry_after: None,
                }
            }),
            StatusCode::NOT_FOUND => Ok(None),
            StatusCode::UNAUTHORIZED => Err(Failure::Fatal(TmdbError::Unauthorized)),
            StatusCode::TOO_MANY_REQUESTS => {
                Counters::bump(&self.counters.rate_limited);
                Err(Failure::Retry {
                    kind: RetryKind::RateLimited,
                    retry_after,
                })
            }
            s if s.is_server_error() => {
                Counters::bump(&self.counters.server_errors);
                Err(Failure::Retry {
                    kind: RetryKind::Server(s.as_u16()),
                    retry_after,
                })
            }
            s => Err(Failure::Fatal(TmdbError::Rejected {
                status: s.as_u16(),
                message: self.scrub(error_message(&body)),
            })),
        }
    }

    /// Classifies a reqwest error, stripped of its URL (which carries `api_key`).
    fn transport_failure(&self, e: reqwest::Error) -> Failure {
        let e = e.without_url();
        let kind = if e.is_timeout() {
            Counters::bump(&self.counters.timeouts);
            RetryKind::Timeout
        } else {
            Counters::bump(&self.counters.transport_errors);
            RetryKind::Transport(self.scrub(error_chain(&e)))
        };
        Failure::Retry {
            kind,
            retry_after: None,
        }
    }

    /// Belt and braces: no text leaves the client holding the secret.
    fn scrub(&self, text: String) -> String {
        match &self.auth {
            Some(auth) if text.contains(auth.secret()) => text.replace(auth.secret(), "<redacted>"),
            _ => text,
        }
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

/// TMDB's `status_message`, or the start of a non-TMDB body.
fn error_message(body: &[u8]) -> String {
    match serde_json::from_slice::<ErrorBody>(body) {
        Ok(e) if !e.status_message.is_empty() => e.status_message,
        _ => String::from_utf8_lossy(&body[..body.len().min(200)]).into_owned(),
    }
}

/// An error and its causes, `a: b: c` (reqwest's own Display omits the cause).
fn error_chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}
