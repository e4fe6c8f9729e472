//! One HTTP attempt and how it failed: final at once, or worth another
//! try. Every text it takes from the wire (bodies, parse and transport
//! errors) becomes part of an error only through the client's scrubber.

use std::time::Duration;

use reqwest::header::{ACCEPT, AUTHORIZATION};
use reqwest::{StatusCode, Url};
use serde::de::DeserializeOwned;
use tokio::time::Instant;

use super::body::{self, BodyError};
use super::credential::Credential;
use super::gate::Priority;
use super::metrics::Counters;
use super::scrub::Scrubbed;
use super::{Inner, TmdbError, retry};

/// How much of an error body (or parse error) a message keeps.
const MESSAGE_BYTES: usize = 200;

/// How one attempt failed.
pub(super) enum Failure {
    /// Final at once (401, other 4xx, an unbuildable request, an oversized body).
    Fatal(TmdbError),
    /// Worth another attempt; `retry_after` is the server's `Retry-After`.
    Retry {
        kind: RetryKind,
        retry_after: Option<Duration>,
    },
}

/// Why a retryable attempt failed.
pub(super) enum RetryKind {
    RateLimited,
    Server(u16),
    Timeout,
    Transport(Scrubbed),
    Malformed(Scrubbed),
}

impl RetryKind {
    /// The error once no retry is left.
    pub(super) fn into_error(self, attempts: u32) -> TmdbError {
        match self {
            Self::RateLimited => TmdbError::RateLimited { attempts },
            Self::Server(status) => TmdbError::Server { status, attempts },
            Self::Timeout => TmdbError::Timeout { attempts },
            Self::Transport(message) => TmdbError::Transport { message, attempts },
            Self::Malformed(message) => TmdbError::Malformed { message, attempts },
        }
    }
}

impl Inner {
    /// One HTTP attempt, admitted by the gate; the permit is held until the body is read.
    pub(super) async fn attempt<T: DeserializeOwned>(
        &self,
        url: &Url,
        params: &[(&str, String)],
        attempt: u32,
        priority: Priority,
    ) -> Result<Option<T>, Failure> {
        let mut request = self
            .http
            .get(url.clone())
            .query(params)
            .header(ACCEPT, "application/json");
        match &self.auth {
            Some(Credential::Query(auth)) => request = request.query(&[("api_key", auth.secret())]),
            Some(Credential::Header(value)) => {
                request = request.header(AUTHORIZATION, value.clone())
            }
            None => {}
        }
        // Built before the gate: a request that cannot be built spends no
        // rate-limit cell. reqwest checks that the URL is a valid HTTP URI
        // only when sending (a title of megabytes is not), so check it here.
        let request = request.build().map_err(|e| self.transport_failure(e))?;
        if let Err(e) = request.url().as_str().parse::<http::Uri>() {
            return Err(Failure::Fatal(TmdbError::Request {
                message: self.message(e.to_string()),
            }));
        }

        let _permit = self.gate.admit(priority).await;
        Counters::bump(&self.counters.requests);
        // The path only: the query may hold the API key.
        tracing::debug!(path = url.path(), attempt, "tmdb request");
        let started = Instant::now();
        let response = self
            .http
            .execute(request)
            .await
            .map_err(|e| self.transport_failure(e))?;
        let status = response.status();
        let retry_after = retry::retry_after(response.headers());
        // Read the body even on errors so the connection goes back to the pool.
        let body = body::read_capped(response, self.max_body_bytes)
            .await
            .map_err(|e| match e {
                BodyError::TooLarge => Failure::Fatal(TmdbError::TooLarge {
                    limit: self.max_body_bytes,
                }),
                BodyError::Transport(e) => self.transport_failure(e),
            })?;
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
                    // serde quotes the offending value, which may echo the request.
                    kind: RetryKind::Malformed(self.message(e.to_string())),
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
                message: self.message(body::error_message(&body)),
            })),
        }
    }

    /// Classifies a reqwest error, stripped of its URL (which carries `api_key`):
    /// one raised while building the request is final, it would fail again.
    fn transport_failure(&self, e: reqwest::Error) -> Failure {
        let e = e.without_url();
        if e.is_builder() {
            return Failure::Fatal(TmdbError::Request {
                message: self.message(body::error_chain(&e)),
            });
        }
        let kind = if e.is_timeout() {
            Counters::bump(&self.counters.timeouts);
            RetryKind::Timeout
        } else {
            Counters::bump(&self.counters.transport_errors);
            RetryKind::Transport(self.message(body::error_chain(&e)))
        };
        Failure::Retry {
            kind,
            retry_after: None,
        }
    }

    /// Text from the wire for an error: scrubbed whole, then cut.
    fn message(&self, text: String) -> Scrubbed {
        self.secrets.scrub(text).truncate(MESSAGE_BYTES)
    }
}
