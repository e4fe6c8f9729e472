//! The client's error type. No variant ever carries a URL or a credential.

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
        message: String,
        /// HTTP attempts made.
        attempts: u32,
    },
    /// The last answer was a 2xx whose body was not the expected JSON.
    #[error("TMDB sent a malformed body after {attempts} attempts: {message}")]
    Malformed {
        /// The parse error.
        message: String,
        /// HTTP attempts made.
        attempts: u32,
    },
    /// A 4xx other than 401 and 429 (404 where a resource was not expected); never retried.
    #[error("TMDB rejected the request ({status}): {message}")]
    Rejected {
        /// HTTP status.
        status: u16,
        /// TMDB's `status_message`, or the start of the body.
        message: String,
    },
    /// The client settings are unusable.
    #[error("invalid TMDB client settings: {0}")]
    Config(String),
}

impl TmdbError {
    /// Whether a later try (say, a re-queued film) may succeed: transient
    /// failures yes, refused credentials, rejected requests and bad settings no.
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
            Self::Unauthorized | Self::Rejected { .. } => Some(1),
            Self::Config(_) => None,
        }
    }
}
