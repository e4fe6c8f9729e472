//! Client settings and credentials.

use std::fmt;
use std::time::Duration;

/// TMDB's production API root.
pub const DEFAULT_BASE_URL: &str = "https://api.themoviedb.org/3";

/// The largest answer body read (8 MiB): TMDB's biggest, a film with its
/// whole credits, is a few hundred KiB.
pub const MAX_BODY_BYTES: usize = 8 * 1024 * 1024;

/// TMDB credentials. `Debug` never prints the secret.
#[derive(Clone, PartialEq, Eq)]
pub enum TmdbAuth {
    /// A v3 API key, sent as the `api_key` query parameter.
    ApiKey(String),
    /// A v4 read access token, sent as `Authorization: Bearer`.
    ReadToken(String),
}

impl TmdbAuth {
    /// Credentials from the optional key and token settings; blank values
    /// count as unset, and the token wins because a header stays out of URLs.
    pub fn from_settings(api_key: Option<&str>, read_token: Option<&str>) -> Option<Self> {
        let given = |v: Option<&str>| {
            v.map(str::trim)
                .filter(|v| !v.is_empty())
                .map(str::to_owned)
        };
        given(read_token)
            .map(Self::ReadToken)
            .or_else(|| given(api_key).map(Self::ApiKey))
    }

    /// The secret itself, so that error texts can be scrubbed of it.
    pub(super) fn secret(&self) -> &str {
        match self {
            Self::ApiKey(s) | Self::ReadToken(s) => s,
        }
    }
}

impl fmt::Debug for TmdbAuth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::ApiKey(_) => f.write_str("ApiKey(<redacted>)"),
            Self::ReadToken(_) => f.write_str("ReadToken(<redacted>)"),
        }
    }
}

/// Everything [`super::TmdbClient::new`] needs.
#[derive(Clone, Debug)]
pub struct TmdbConfig {
    /// API root, `https://api.themoviedb.org/3` or a simulator's.
    pub base_url: String,
    /// Credentials; `None` sends none (TMDB then answers 401).
    pub auth: Option<TmdbAuth>,
    /// Requests per second over all callers, retries included.
    pub rps: u32,
    /// Requests in flight at once over all callers.
    pub concurrency: usize,
    /// Timeout of one HTTP attempt, body included.
    pub timeout: Duration,
    /// Retries after the first attempt of a request.
    pub max_retries: u32,
    /// First backoff step; doubled per retry, full jitter, capped at 10 s.
    pub backoff_base: Duration,
    /// Largest answer body read; a larger one fails the request unretried.
    pub max_body_bytes: usize,
}

impl Default for TmdbConfig {
    /// Production TMDB, below its published limits (~50 rps, 20 connections per IP).
    fn default() -> Self {
        Self {
            base_url: DEFAULT_BASE_URL.to_owned(),
            auth: None,
            rps: 40,
            concurrency: 16,
            timeout: Duration::from_secs(10),
            max_retries: 5,
            backoff_base: Duration::from_millis(250),
            max_body_bytes: MAX_BODY_BYTES,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_redacts_secrets() {
        let cfg = TmdbConfig {
            auth: Some(TmdbAuth::ApiKey("s3cret".into())),
            ..TmdbConfig::default()
        };
        let text = format!("{cfg:?} {:?}", TmdbAuth::ReadToken("t0ken".into()));
        assert!(text.contains("ApiKey(<redacted>)"), "{text}");
        assert!(text.contains("ReadToken(<redacted>)"), "{text}");
        assert!(
            !text.contains("s3cret") && !text.contains("t0ken"),
            "{text}"
        );
    }

    #[test]
    fn auth_from_settings_prefers_the_token_and_ignores_blanks() {
        assert_eq!(
            TmdbAuth::from_settings(Some("k"), Some("t")),
            Some(TmdbAuth::ReadToken("t".into()))
        );
        assert_eq!(
            TmdbAuth::from_settings(Some("k"), Some(" ")),
            Some(TmdbAuth::ApiKey("k".into()))
        );
        assert_eq!(TmdbAuth::from_settings(Some(""), None), None);
    }
}
