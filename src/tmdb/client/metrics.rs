//! Request counters of one client, shared by its clones.

use std::sync::atomic::{AtomicU64, Ordering::Relaxed};

use serde::Serialize;

/// A snapshot of what a client has done since it was built.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ClientMetrics {
    /// HTTP attempts sent, retries included.
    pub requests: u64,
    /// Attempts that were retries.
    pub retries: u64,
    /// 429 answers seen.
    pub rate_limited: u64,
    /// 5xx answers seen.
    pub server_errors: u64,
    /// Attempts that timed out.
    pub timeouts: u64,
    /// Attempts whose connection failed or broke.
    pub transport_errors: u64,
    /// 2xx answers whose body did not parse.
    pub malformed: u64,
}

/// The live counters behind [`ClientMetrics`].
#[derive(Debug, Default)]
pub(super) struct Counters {
    pub requests: AtomicU64,
    pub retries: AtomicU64,
    pub rate_limited: AtomicU64,
    pub server_errors: AtomicU64,
    pub timeouts: AtomicU64,
    pub transport_errors: AtomicU64,
    pub malformed: AtomicU64,
}

impl Counters {
    /// Adds one to a counter.
    pub fn bump(counter: &AtomicU64) {
        counter.fetch_add(1, Relaxed);
    }

    /// Reads every counter (each exact; together only roughly simultaneous).
    pub fn snapshot(&self) -> ClientMetrics {
        ClientMetrics {
            requests: self.requests.load(Relaxed),
            retries: self.retries.load(Relaxed),
            rate_limited: self.rate_limited.load(Relaxed),
            server_errors: self.server_errors.load(Relaxed),
            timeouts: self.timeouts.load(Relaxed),
            transport_errors: self.transport_errors.load(Relaxed),
            malformed: self.malformed.load(Relaxed),
        }
    }
}

/// Exports a client's counters on each Prometheus scrape, as
/// `reelstream_tmdb_*_total`.
pub struct TmdbCollector(pub(super) super::TmdbClient);

impl std::fmt::Debug for TmdbCollector {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The client holds the credential: nothing of it is printed.
        f.write_str("TmdbCollector")
    }
}

impl prometheus_client::collector::Collector for TmdbCollector {
    fn encode(
        &self,
        mut encoder: prometheus_client::encoding::DescriptorEncoder,
    ) -> Result<(), std::fmt::Error> {
        use prometheus_client::encoding::EncodeMetric;
        use prometheus_client::metrics::counter::ConstCounter;

        let m = self.0.metrics();
        for (name, help, value) in [
            (
                "tmdb_requests",
                "HTTP requests sent to TMDB, retries included",
                m.requests,
            ),
            ("tmdb_retries", "TMDB requests that were retries", m.retries),
            ("tmdb_rate_limited", "429 answers from TMDB", m.rate_limited),
            (
                "tmdb_server_errors",
                "5xx answers from TMDB",
                m.server_errors,
            ),
            ("tmdb_timeouts", "TMDB requests that timed out", m.timeouts),
            (
                "tmdb_transport_errors",
                "TMDB requests whose connection failed or broke",
                m.transport_errors,
            ),
            (
                "tmdb_malformed",
                "TMDB answers whose body did not parse",
                m.malformed,
            ),
        ] {
            let counter = ConstCounter::new(value);
            let metric = encoder.encode_descriptor(name, help, None, counter.metric_type())?;
            counter.encode(metric)?;
        }
        Ok(())
    }
}
