//! Admission limits: what one client may ask of a shared instance, so that
//! no one holds every stream, floods changes, or queues films against
//! everyone's TMDB budget. Each limit is a setting (`config::AdmissionSettings`);
//! a refusal says which limit and when to try again, and is counted per
//! limit on `/metrics`.

use std::fmt;
use std::num::NonZeroU32;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use dashmap::DashMap;
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;

use crate::config::AdmissionSettings;
use crate::domain::ClientKey;
use crate::events::metrics::LimitLabel;

/// One of the limits.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Limit {
    /// Uploads and re-imports per client per hour.
    Uploads,
    /// Films waiting for a lookup, per client.
    ClientPending,
    /// Films waiting for a lookup in the whole instance.
    InstancePending,
    /// Open event streams (SSE and WebSocket) per client.
    Streams,
    /// Changes (fixes, retries, accepts, deletions) per client per minute.
    Writes,
    /// TMDB requests a client's own actions make (fixes, the picker) per second.
    Tmdb,
}

impl Limit {
    /// The label on `/metrics`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Uploads => "uploads_per_hour",
            Self::ClientPending => "pending_films_per_client",
            Self::InstancePending => "pending_films_total",
            Self::Streams => "streams_per_client",
            Self::Writes => "writes_per_minute",
            Self::Tmdb => "tmdb_calls_per_client",
        }
    }
}

/// A refusal: which limit, why, and how long to wait.
#[derive(Clone, Debug)]
pub struct Refusal {
    /// The limit that refused.
    pub limit: Limit,
    /// For a person.
    pub detail: String,
    /// When to try again.
    pub retry_after: Duration,
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.detail)
    }
}

/// The limits in force and what they have counted; cheap to clone.
#[derive(Clone)]
pub struct Admission {
    inner: Arc<Inner>,
}

struct Inner {
    settings: AdmissionSettings,
    uploads: DefaultKeyedRateLimiter<ClientKey>,
    writes: DefaultKeyedRateLimiter<ClientKey>,
    tmdb: DefaultKeyedRateLimiter<ClientKey>,
    streams: DashMap<ClientKey, usize>,
    refusals: Family<LimitLabel, Counter>,
    checks: AtomicU64,
}

/// An open stream's place under its client's cap, given back when dropped.
pub struct StreamPermit {
    inner: Arc<Inner>,
    client: ClientKey,
}

impl Drop for StreamPermit {
    fn drop(&mut self) {
        let emptied = match self.inner.streams.get_mut(&self.client) {
            Some(mut open) => {
                *open = open.saturating_sub(1);
                *open == 0
            }
            None => false,
        };
        if emptied {
            self.inner
                .streams
                .remove_if(&self.client, |_, open| *open == 0);
        }
    }
}

fn per(n: u32, period: Duration) -> Quota {
    let n = NonZeroU32::new(n.max(1)).unwrap_or(NonZeroU32::MIN);
    Quota::with_period(period / n.get())
        .unwrap_or_else(|| Quota::per_second(n))
        .allow_burst(n)
}

impl Admission {
    /// The limits of `settings`, counting refusals in `refusals`.
    pub fn new(settings: AdmissionSettings, refusals: Family<LimitLabel, Counter>) -> Self {
        let tmdb_share = Quota::per_second(
            NonZeroU32::new(settings.tmdb_calls_per_client.max(1)).unwrap_or(NonZeroU32::MIN),
        );
        Self {
            inner: Arc::new(Inner {
                uploads: RateLimiter::keyed(per(settings.uploads_per_hour, settings.upload_period)),
                writes: RateLimiter::keyed(per(settings.writes_per_minute, settings.write_period)),
                tmdb: RateLimiter::keyed(tmdb_share),
                streams: DashMap::new(),
                refusals,
                checks: AtomicU64::new(0),
                settings,
            }),
        }
    }

    /// The settings in force.
    pub fn settings(&self) -> &AdmissionSettings {
        &self.inner.settings
    }

    /// Counts an upload or re-import of `client`.
    pub fn upload(&self, client: &ClientKey) -> Result<(), Refusal> {
        let n = self.inner.settings.uploads_per_hour;
        self.take(&self.inner.uploads, client, Limit::Uploads, || {
            format!("at most {n} uploads an hour from one client")
        })
    }

    /// Counts a change to a session by `client`.
    pub fn write(&self, client: &ClientKey) -> Result<(), Refusal> {
        let n = self.inner.settings.writes_per_minute;
        self.take(&self.inner.writes, client, Limit::Writes, || {
            format!("at most {n} changes a minute from one client")
        })
    }

    /// Counts a TMDB request that `client`'s own action makes.
    pub fn tmdb_call(&self, client: &ClientKey) -> Result<(), Refusal> {
        let n = self.inner.settings.tmdb_calls_per_client;
        self.take(&self.inner.tmdb, client, Limit::Tmdb, || {
            format!("at most {n} TMDB searches and checks a second from one client")
        })
    }

    /// Whether `films` more waiting films fit: `client` waits for
    /// `client_pending` already and the instance for `total_pending`.
    pub fn pending(
        &self,
        films: u64,
        client_pending: u64,
        total_pending: u64,
    ) -> Result<(), Refusal> {
        let settings = &self.inner.settings;
        let wait = Duration::from_secs(60);
        if client_pending + films > settings.pending_films_per_client {
            return Err(self.refuse(
                Limit::ClientPending,
                wait,
                format!(
                    "{client_pending} of your films are still waiting for their lookup and this \
                 upload adds {films}: one client may have {} waiting; try again once some are done",
                    settings.pending_films_per_client
                ),
            ));
        }
        if total_pending + films > settings.pending_films_total {
            return Err(self.refuse(Limit::InstancePending, wait, format!(
                "this instance has {total_pending} films waiting for their lookup, and takes at \
                 most {}; try again later",
                settings.pending_films_total
            )));
        }
        Ok(())
    }

    /// A place for an event stream of `client`, held while it is open.
    pub fn stream(&self, client: &ClientKey) -> Result<StreamPermit, Refusal> {
        let max = self.inner.settings.streams_per_client;
        let mut open = self.inner.streams.entry(client.clone()).or_insert(0);
        if *open >= max {
            drop(open);
            return Err(self.refuse(
                Limit::Streams,
                Duration::from_secs(5),
                format!("at most {max} event streams open at once from one client"),
            ));
        }
        *open += 1;
        Ok(StreamPermit {
            inner: self.inner.clone(),
            client: client.clone(),
        })
    }

    fn take(
        &self,
        limiter: &DefaultKeyedRateLimiter<ClientKey>,
        client: &ClientKey,
        limit: Limit,
        detail: impl FnOnce() -> String,
    ) -> Result<(), Refusal> {
        // Forget clients whose quota is whole again, now and then.
        if self.inner.checks.fetch_add(1, Ordering::Relaxed) % 1024 == 1023 {
            limiter.retain_recent();
        }
        limiter.check_key(client).map_err(|not_until| {
            let wait = not_until.wait_time_from(DefaultClock::default().now());
            self.refuse(limit, wait, detail())
        })
    }

    fn refuse(&self, limit: Limit, wait: Duration, detail: String) -> Refusal {
        self.inner
            .refusals
            .get_or_create(&LimitLabel {
                limit: limit.as_str(),
            })
            .inc();
        Refusal {
            limit,
            detail,
            retry_after: wait.max(Duration::from_secs(1)),
        }
    }
}
