//! Backoff and `Retry-After` handling.

use std::time::Duration;

use rand::Rng;
use reqwest::header::{HeaderMap, RETRY_AFTER};

/// No single backoff step is longer than this.
pub(super) const BACKOFF_CAP: Duration = Duration::from_secs(10);

/// A `Retry-After` longer than this is clamped: a misbehaving proxy must not
/// stall every session for an hour.
pub(super) const RETRY_AFTER_CAP: Duration = Duration::from_secs(60);

/// The delay before retry number `retry` (1-based): "full jitter", a uniform
/// draw in `[0, min(cap, base·2^(retry-1))]`, which spreads a herd of callers
/// that failed together.
pub(super) fn backoff(base: Duration, retry: u32) -> Duration {
    let ceiling = base
        .saturating_mul(1u32 << retry.saturating_sub(1).min(16))
        .min(BACKOFF_CAP);
    let ceiling_ms = u64::try_from(ceiling.as_millis()).unwrap_or(u64::MAX);
    Duration::from_millis(rand::rng().random_range(0..=ceiling_ms))
}

/// `Retry-After` in seconds (TMDB sends whole seconds; fractions are accepted).
/// HTTP-dates are ignored: the exponential backoff applies instead.
pub(super) fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    let seconds: f64 = value.parse().ok()?;
    (seconds.is_finite() && seconds >= 0.0)
        .then(|| Duration::from_secs_f64(seconds.min(RETRY_AFTER_CAP.as_secs_f64())))
}

#[cfg(test)]
mod tests {
    use reqwest::header::HeaderValue;

    use super::*;

    #[test]
    fn backoff_grows_and_is_capped() {
        let base = Duration::from_millis(100);
        for _ in 0..50 {
            assert!(backoff(base, 1) <= base);
            assert!(backoff(base, 3) <= base * 4);
            assert!(backoff(base, 40) <= BACKOFF_CAP);
        }
    }

    #[test]
    fn retry_after_parses_seconds_only() {
        let mut h = HeaderMap::new();
        assert_eq!(retry_after(&h), None);
        h.insert(RETRY_AFTER, HeaderValue::from_static("1"));
        assert_eq!(retry_after(&h), Some(Duration::from_secs(1)));
        h.insert(RETRY_AFTER, HeaderValue::from_static("0.5"));
        assert_eq!(retry_after(&h), Some(Duration::from_millis(500)));
        h.insert(RETRY_AFTER, HeaderValue::from_static("86400"));
        assert_eq!(retry_after(&h), Some(RETRY_AFTER_CAP));
        h.insert(
            RETRY_AFTER,
            HeaderValue::from_static("Wed, 21 Oct 2015 07:28:00 GMT"),
        );
        assert_eq!(retry_after(&h), None);
        h.insert(RETRY_AFTER, HeaderValue::from_static("-3"));
        assert_eq!(retry_after(&h), None);
    }
}
