//! Seeded fault and delay injection.
//!
//! A request's fault is drawn from an RNG seeded by (seed, the request
//! without its credentials, how many times that request was seen before),
//! so a replay with the same seed injects the same faults into the same
//! requests however concurrent callers interleave.

use std::sync::Mutex;
use std::time::Duration;

use bytes::Bytes;
use dashmap::DashMap;
use futures_util::StreamExt;
use futures_util::stream;
use poem::Response;
use poem::http::StatusCode;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use super::config::SimConfig;
use super::counters::lock;

/// What happens to one request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Fault {
    /// Answered normally.
    None,
    /// Answered with this 5xx status.
    ServerError(StatusCode),
    /// Left hanging for `timeout_delay`, then answered.
    Timeout,
    /// 200 headers and part of the body, then the connection is cut.
    Drop,
    /// 200 with the JSON cut in half.
    Malformed,
    /// 400, TMDB's "invalid parameters".
    Rejected,
}

/// The injector: fault rates, the seed, and how often each request was seen.
#[derive(Debug)]
pub(super) struct Faults {
    seed: u64,
    error_rate: f64,
    timeout_rate: f64,
    drop_rate: f64,
    malformed_rate: f64,
    reject_rate: f64,
    jitter_scale: Duration,
    seen: DashMap<String, u64>,
    jitter_rng: Mutex<StdRng>,
}

/// Long-tail cap: no single answer gets more than this many jitter scales extra.
const JITTER_CAP: f64 = 20.0;

impl Faults {
    pub fn new(cfg: &SimConfig) -> Self {
        Self {
            seed: cfg.seed,
            error_rate: cfg.error_rate,
            timeout_rate: cfg.timeout_rate,
            drop_rate: cfg.drop_rate,
            malformed_rate: cfg.malformed_rate,
            reject_rate: cfg.reject_rate,
            jitter_scale: cfg.jitter,
            seen: DashMap::new(),
            jitter_rng: Mutex::new(StdRng::seed_from_u64(cfg.seed ^ 0x6a09_e667_f3bc_c908)),
        }
    }

    /// The fault for the next occurrence of `request` (method, path and query
    /// without credentials).
    pub fn draw(&self, request: &str) -> Fault {
        let total = self.error_rate
            + self.timeout_rate
            + self.drop_rate
            + self.malformed_rate
            + self.reject_rate;
        if total <= 0.0 {
            // A clean simulator remembers nothing per request.
            return Fault::None;
        }
        let occurrence = {
            let mut seen = self.seen.entry(request.to_owned()).or_default();
            *seen += 1;
            *seen
        };
        let mut rng = StdRng::seed_from_u64(mix(self.seed, request, occurrence));
        let u: f64 = rng.random();
        // Cumulative bands, so each kind happens at exactly its own rate.
        let mut edge = self.error_rate;
        if u < edge {
            const STATUSES: [StatusCode; 4] = [
                StatusCode::INTERNAL_SERVER_ERROR,
                StatusCode::BAD_GATEWAY,
                StatusCode::SERVICE_UNAVAILABLE,
                StatusCode::GATEWAY_TIMEOUT,
            ];
            return Fault::ServerError(STATUSES[rng.random_range(0..STATUSES.len())]);
        }
        edge += self.timeout_rate;
        if u < edge {
            return Fault::Timeout;
        }
        edge += self.drop_rate;
        if u < edge {
            return Fault::Drop;
        }
        edge += self.malformed_rate;
        if u < edge {
            return Fault::Malformed;
        }
        edge += self.reject_rate;
        if u < edge {
            return Fault::Rejected;
        }
        Fault::None
    }

    /// An extra delay with a long tail: Pareto (shape 2) excess over the
    /// scale, so the mean is about the scale and rare answers are far slower.
    pub fn jitter(&self) -> Duration {
        if self.jitter_scale.is_zero() {
            return Duration::ZERO;
        }
        // 1 - u lies in (0, 1], so the power is finite.
        let u: f64 = 1.0 - lock(&self.jitter_rng).random::<f64>();
        let excess = (u.powf(-0.5) - 1.0).min(JITTER_CAP);
        self.jitter_scale.mul_f64(excess)
    }
}

/// A 64-bit seed from the run's seed, the request and its occurrence:
/// FNV-1a over the request, then SplitMix64 finalisation. Stable across
/// Rust versions, unlike `DefaultHasher`.
fn mix(seed: u64, request: &str, occurrence: u64) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in request.bytes() {
        h = (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3);
    }
    let mut z = h ^ seed.rotate_left(17) ^ occurrence.wrapping_mul(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// The request's identity for fault draws: method, path and query, minus `api_key`.
pub(super) fn request_key(method: &str, path: &str, query: Option<&str>) -> String {
    let query: Vec<&str> = query
        .unwrap_or_default()
        .split('&')
        .filter(|pair| !pair.is_empty() && !pair.starts_with("api_key="))
        .collect();
    format!("{method} {path}?{}", query.join("&"))
}

/// A 200 whose JSON is cut in half (invalid for any object), whatever the
/// answer would have been: a truncated 404 would go unnoticed by a client.
pub(super) fn malformed(body: &Bytes) -> Response {
    json_response(StatusCode::OK, body.slice(..body.len() / 2))
}

/// An answer whose connection is cut after half the body. The full length
/// is announced up front: on a chunked body hyper would end the message
/// cleanly when the stream fails, whereas a short fixed-length body cannot be
/// completed, so the connection is aborted and the client sees it break.
pub(super) fn dropped(status: StatusCode, body: &Bytes) -> Response {
    let full_length = body.len();
    let head = body.slice(..body.len() / 2);
    let chunks =
        stream::once(async move { Ok::<_, std::io::Error>(head) }).chain(stream::once(async {
            // Let the first chunk reach the wire before the connection is cut.
            tokio::time::sleep(Duration::from_millis(2)).await;
            Err(std::io::Error::new(
                std::io::ErrorKind::ConnectionReset,
                "simulated dropped connection",
            ))
        }));
    Response::builder()
        .status(status)
        .content_type("application/json;charset=utf-8")
        .header(poem::http::header::CONTENT_LENGTH, full_length)
        .body(poem::Body::from_bytes_stream(chunks))
}

/// A complete JSON answer.
pub(super) fn json_response(status: StatusCode, body: Bytes) -> Response {
    Response::builder()
        .status(status)
        .content_type("application/json;charset=utf-8")
        .body(body)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn faults(seed: u64) -> Faults {
        Faults::new(&SimConfig {
            seed,
            error_rate: 0.25,
            timeout_rate: 0.25,
            drop_rate: 0.25,
            malformed_rate: 0.25,
            ..SimConfig::default()
        })
    }

    #[test]
    fn draws_are_reproducible_per_request_and_occurrence() {
        let keys = [
            "GET /3/movie/1?",
            "GET /3/movie/2?",
            "GET /3/search/movie?query=dune",
        ];
        let run = |f: &Faults, order: &[usize]| {
            let mut out: Vec<(usize, Fault)> =
                order.iter().map(|&i| (i, f.draw(keys[i]))).collect();
            out.sort_by_key(|(i, _)| *i);
            out
        };
        // The same requests in another interleaving get the same faults.
        assert_eq!(
            run(&faults(7), &[0, 1, 2, 0, 1, 2]),
            run(&faults(7), &[2, 2, 1, 0, 0, 1])
        );
        assert_ne!(
            (0..32).map(|_| faults(7).draw("x")).collect::<Vec<_>>(),
            (0..32).map(|i| faults(i).draw("x")).collect::<Vec<_>>()
        );
    }

    #[test]
    fn rates_are_respected() {
        let f = Faults::new(&SimConfig {
            error_rate: 0.3,
            ..SimConfig::default()
        });
        let errors = (0..2000)
            .filter(|i| f.draw(&format!("GET /3/movie/{i}?")) != Fault::None)
            .count();
        assert!((500..700).contains(&errors), "{errors}");
        let clean = Faults::new(&SimConfig::default());
        assert!((0..100).all(|i| clean.draw(&i.to_string()) == Fault::None));
    }

    #[test]
    fn jitter_is_capped_and_keys_drop_the_api_key() {
        let f = Faults::new(&SimConfig {
            jitter: Duration::from_millis(10),
            ..SimConfig::default()
        });
        assert!(
            (0..1000)
                .map(|_| f.jitter())
                .all(|d| d <= Duration::from_millis(200))
        );
        assert_eq!(
            request_key("GET", "/3/movie/1", Some("api_key=s&language=en-US")),
            "GET /3/movie/1?language=en-US"
        );
    }
}
