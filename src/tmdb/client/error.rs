//! The client's error type. No variant ever carries a URL or a credential:
//! its texts are [`Scrubbed`], made only by the client's one scrubber.

use super::scrub::Scrubbed;

/// Why a TMDB call failed, after any retries.
#[derive(Debug, thiserror::Error)]
pub enum TmdbError {
    /// 401: the API key or read token was refused; never retried.
    #[error("TMDB refused the credentials (401): check TMDB_API_KEY or TMDB_READ_TOKEN")]
    Unauthorized,
    /// 429 on every attempt.
    #[error("TMDB rate limit (429) still hit after {attempts} attempts")]
    RateLimited {
        /// HTTP attempts made.
        attempts: u32,
    },
    /// 5xx on the last attempt.
    #[error("TMDB server error {status} after {attempts} attempts")]
    Server {
        /// HTTP status of the last answer.
        status: u16,
        /// HTTP attempts made.
        attempts: u32,
    },
    /// The last attempt hit the per-request timeout.
    #[error("TMDB request timed out after {attempts} attempts")]
    Timeout {
        /// HTTP attempts made.
        attempts: u32,
    },
    /// The connection failed or broke on the last attempt.
    #[error("TMDB connection failed after {attempts} attempts: {message}")]
    Transport {
        /// The cause, without URL or credentials.
        message: Scrubbed,
        /// HTTP attempts made.
        attempts: u32,
    },
    /// The last answer was a 2xx whose body was not the expected JSON.
    #[error("TMDB sent a malformed body after {attempts} attempts: {message}")]
    Malformed {
        /// The parse error.
        message: Scrubbed,
        /// HTTP attempts made.
        attempts: u32,
    },
    /// A 4xx other than 401 and 429 (404 where a resource was not expected); never retried.
    #[error("TMDB rejected the request ({status}): {message}")]
    Rejected {
        /// HTTP status.
        status: u16,
        /// TMDB's `status_message`, or the start of the body.
        message: Scrubbed,
    },
    /// The request could not be built (say, a title too long for a URL):
    /// it never left, and would fail the same way again.
    #[error("the TMDB request could not be built: {message}")]
    Request {
        /// Why, without URL or credentials.
        message: Scrubbed,
    },
    /// The answer's body was larger than the client accepts; never retried.
    #[error("TMDB sent a body larger than {limit} bytes")]
    TooLarge {
        /// The cap, in bytes.
        limit: usize,
    },
    /// The client settings are unusable.
    #[error("invalid TMDB client settings: {0}")]
    Config(Scrubbed),
}

impl TmdbError {
    /// Whether a later try (say, a re-queued film) may succeed: transient
    /// failures yes; refused credentials, rejected or unbuildable requests,
    /// oversized bodies and bad settings no.
    pub fn is_transient(&self) -> bool {
        matches!(
            self,
            Self::RateLimited { .. }
                | Self::Server { .. }
                | Self::Timeout { .. }
                | Self::Transport { .. }
                | Self::Malformed { .. }
        )
    }

    /// HTTP attempts made, where the variant records them.
    pub fn attempts(&self) -> Option<u32> {
        match self {
            Self::RateLimited { attempts }
            | Self::Server { attempts, .. }
            | Self::Timeout { attempts }
            | Self::Transport { attempts, .. }
            | Self::Malformed { attempts, .. } => Some(*attempts),
            Self::Unauthorized | Self::Rejected { .. } | Self::TooLarge { .. } => Some(1),
            Self::Request { .. } | Self::Config(_) => None,
        }
    }
}
