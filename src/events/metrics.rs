//! Prometheus metrics of the live streams, served at `/metrics` with those
//! that other layers hand in as collectors (the TMDB client's counters).

use prometheus_client::collector::Collector;
use prometheus_client::encoding::{EncodeLabelSet, text::encode};
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::registry::Registry;
use std::sync::Arc;

/// The transport a subscriber uses.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct Transport {
    /// `sse` or `websocket`.
    pub transport: &'static str,
}

/// The `limit` label of an admission refusal (`engine::admission::Limit`).
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct LimitLabel {
    /// Which limit refused.
    pub limit: &'static str,
}

/// Counters and gauges of the event streams; cheap to clone.
#[derive(Clone)]
pub struct StreamMetrics {
    registry: Arc<Registry>,
    /// Subscribers connected now, per transport.
    pub subscribers: Family<Transport, Gauge>,
    /// Events written to subscribers, per transport.
    pub events_sent: Family<Transport, Counter>,
    /// Times a lagging subscriber was resynchronised from the log.
    pub resyncs: Counter,
    /// Requests refused by an admission limit, per limit.
    pub refusals: Family<LimitLabel, Counter>,
}

impl Default for StreamMetrics {
    fn default() -> Self {
        Self::with_collectors(Vec::new())
    }
}

impl StreamMetrics {
    /// The stream metrics, served together with `collectors`.
    pub fn with_collectors(collectors: Vec<Box<dyn Collector>>) -> Self {
        let mut registry = Registry::with_prefix("reelstream");
        for collector in collectors {
            registry.register_collector(collector);
        }
        let subscribers = Family::<Transport, Gauge>::default();
        let events_sent = Family::<Transport, Counter>::default();
        let resyncs = Counter::default();
        let refusals = Family::<LimitLabel, Counter>::default();
        registry.register(
            "admission_refusals",
            "Requests refused by an admission limit (429), per limit",
            refusals.clone(),
        );
        registry.register(
            "stream_subscribers",
            "Subscribers connected now",
            subscribers.clone(),
        );
        registry.register(
            "stream_events_sent",
            "Events written to subscribers",
            events_sent.clone(),
        );
        registry.register(
            "stream_resyncs",
            "Lagging subscribers resynchronised from the event log",
            resyncs.clone(),
        );
        Self {
            registry: Arc::new(registry),
            subscribers,
            events_sent,
            resyncs,
            refusals,
        }
    }

    /// The Prometheus text exposition of every metric.
    pub fn render(&self) -> String {
        let mut out = String::new();
        encode(&mut out, &self.registry).expect("writing to a String cannot fail");
        out
    }

    /// Counts a subscriber in until the guard is dropped.
    pub fn connected(&self, transport: &'static str) -> ConnectedGuard {
        let gauge = self
            .subscribers
            .get_or_create(&Transport { transport })
            .clone();
        gauge.inc();
        ConnectedGuard { gauge }
    }

    /// Counts one event sent.
    pub fn sent(&self, transport: &'static str) {
        self.events_sent
            .get_or_create(&Transport { transport })
            .inc();
    }
}

/// Decrements the subscriber gauge when the subscriber goes away.
pub struct ConnectedGuard {
    gauge: Gauge,
}

impl Drop for ConnectedGuard {
    fn drop(&mut self) {
        self.gauge.dec();
    }
}
