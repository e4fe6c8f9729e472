//! What the simulator has served, for tests and benchmarks to assert on.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::time::{Duration, Instant};

use serde::Serialize;

/// Which TMDB endpoint a request was for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum EndpointKind {
    SearchMovie,
    Movie,
    Find,
    SearchTv,
    Tv,
    Other,
}

/// Requests in the trailing second.
#[derive(Debug, Default)]
pub(super) struct SlidingWindow {
    times: VecDeque<Instant>,
}

impl SlidingWindow {
    const SPAN: Duration = Duration::from_secs(1);

    /// How many were recorded in `(now - 1 s, now]`.
    pub fn count(&mut self, now: Instant) -> usize {
        while self
            .times
            .front()
            .is_some_and(|t| now.duration_since(*t) >= Self::SPAN)
        {
            self.times.pop_front();
        }
        self.times.len()
    }

    /// Records one at `now`; returns the count including it.
    pub fn record(&mut self, now: Instant) -> usize {
        self.count(now);
        self.times.push_back(now);
        self.times.len()
    }
}

/// Live counters of one simulator; read them with [`Counters::snapshot`].
#[derive(Debug, Default)]
pub struct Counters {
    search_movie: AtomicU64,
    movie: AtomicU64,
    find: AtomicU64,
    search_tv: AtomicU64,
    tv: AtomicU64,
    other: AtomicU64,
    movie_by_imdb: AtomicU64,
    total: AtomicU64,
    in_flight: AtomicU64,
    peak_in_flight: AtomicU64,
    peak_rps: AtomicU64,
    rate_limited: AtomicU64,
    server_errors: AtomicU64,
    timeouts: AtomicU64,
    drops: AtomicU64,
    malformed: AtomicU64,
    unauthorized: AtomicU64,
    not_found: AtomicU64,
    images: AtomicU64,
    movie_details: Mutex<HashMap<i64, u64>>,
    arrivals: Mutex<SlidingWindow>,
}

/// A copy of the counters at one moment.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct CountersSnapshot {
    /// `GET /search/movie` requests.
    pub search_movie: u64,
    /// `GET /movie/{id}` requests.
    pub movie: u64,
    /// `GET /find/{id}` requests.
    pub find: u64,
    /// `GET /search/tv` requests.
    pub search_tv: u64,
    /// `GET /tv/{id}` requests.
    pub tv: u64,
    /// Requests for any other path.
    pub other: u64,
    /// Of the `GET /movie/{id}` requests, those by IMDb id (`/movie/tt…`);
    /// they count in `movie` and, when the film exists, in `movie_details`
    /// under its TMDB id.
    pub movie_by_imdb: u64,
    /// All requests, whatever their answer.
    pub total: u64,
    /// Requests being answered now.
    pub in_flight: u64,
    /// Most requests ever in flight at once.
    pub peak_in_flight: u64,
    /// Most requests that arrived within any sliding 1-second window.
    pub peak_rps: u64,
    /// 429 answers served.
    pub rate_limited: u64,
    /// 5xx answers served.
    pub server_errors: u64,
    /// Requests deliberately left hanging.
    pub timeouts: u64,
    /// Connections deliberately dropped mid-body.
    pub drops: u64,
    /// 200 answers with truncated JSON.
    pub malformed: u64,
    /// 401 answers served.
    pub unauthorized: u64,
    /// 404 answers served.
    pub not_found: u64,
    /// Image requests (`/t/p/{size}/{file}`), counted apart from the API's.
    pub images: u64,
    /// `GET /movie/{id}` requests per movie id, whatever their answer (by
    /// the TMDB id of the film an IMDb id names).
    pub movie_details: BTreeMap<i64, u64>,
}

impl CountersSnapshot {
    /// How many times the details of movie `id` were requested.
    pub fn movie_details_requests(&self, id: i64) -> u64 {
        self.movie_details.get(&id).copied().unwrap_or(0)
    }

    /// Faults injected on purpose: 5xx, timeouts, drops and malformed bodies.
    pub fn faults(&self) -> u64 {
        self.server_errors + self.timeouts + self.drops + self.malformed
    }
}

/// Marks a request in flight until dropped, so cancelled requests are released too.
#[derive(Debug)]
pub(super) struct InFlight<'a> {
    counters: &'a Counters,
    /// In flight at arrival, this request included.
    pub now: u64,
}

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.counters.in_flight.fetch_sub(1, Relaxed);
    }
}

/// A served answer worth counting.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Served {
    RateLimited,
    ServerError,
    Timeout,
    Drop,
    Malformed,
    Unauthorized,
    NotFound,
    /// A details request by IMDb id.
    MovieByImdb,
}

impl Counters {
    /// Counts an arrival and marks it in flight.
    pub(super) fn arrive(
        &self,
        kind: EndpointKind,
        movie_id: Option<i64>,
        now: Instant,
    ) -> InFlight<'_> {
        self.total.fetch_add(1, Relaxed);
        self.endpoint(kind).fetch_add(1, Relaxed);
        if let Some(id) = movie_id {
            *lock(&self.movie_details).entry(id).or_default() += 1;
        }
        let in_window = lock(&self.arrivals).record(now) as u64;
        self.peak_rps.fetch_max(in_window, Relaxed);
        let in_flight = self.in_flight.fetch_add(1, Relaxed) + 1;
        self.peak_in_flight.fetch_max(in_flight, Relaxed);
        InFlight {
            counters: self,
            now: in_flight,
        }
    }

    /// Counts an image request.
    pub(super) fn image(&self) {
        self.images.fetch_add(1, Relaxed);
    }

    /// Counts an answer of note.
    pub(super) fn served(&self, what: Served) {
        let counter = match what {
            Served::RateLimited => &self.rate_limited,
            Served::ServerError => &self.server_errors,
            Served::Timeout => &self.timeouts,
            Served::Drop => &self.drops,
            Served::Malformed => &self.malformed,
            Served::Unauthorized => &self.unauthorized,
            Served::NotFound => &self.not_found,
            Served::MovieByImdb => &self.movie_by_imdb,
        };
        counter.fetch_add(1, Relaxed);
    }

    fn endpoint(&self, kind: EndpointKind) -> &AtomicU64 {
        match kind {
            EndpointKind::SearchMovie => &self.search_movie,
            EndpointKind::Movie => &self.movie,
            EndpointKind::Find => &self.find,
            EndpointKind::SearchTv => &self.search_tv,
            EndpointKind::Tv => &self.tv,
            EndpointKind::Other => &self.other,
        }
    }

    /// Reads every counter.
    pub fn snapshot(&self) -> CountersSnapshot {
        let load = |c: &AtomicU64| c.load(Relaxed);
        CountersSnapshot {
            search_movie: load(&self.search_movie),
            movie: load(&self.movie),
            find: load(&self.find),
            search_tv: load(&self.search_tv),
            tv: load(&self.tv),
            other: load(&self.other),
            movie_by_imdb: load(&self.movie_by_imdb),
            total: load(&self.total),
            in_flight: load(&self.in_flight),
            peak_in_flight: load(&self.peak_in_flight),
            peak_rps: load(&self.peak_rps),
            rate_limited: load(&self.rate_limited),
            server_errors: load(&self.server_errors),
            timeouts: load(&self.timeouts),
            drops: load(&self.drops),
            malformed: load(&self.malformed),
            unauthorized: load(&self.unauthorized),
            not_found: load(&self.not_found),
            images: load(&self.images),
            movie_details: lock(&self.movie_details)
                .iter()
                .map(|(k, v)| (*k, *v))
                .collect(),
        }
    }

    /// Zeroes the counters between test phases. Requests still in flight stay
    /// counted as in flight (and so as the new peak), since they will still end.
    pub fn reset(&self) {
        for counter in [
            &self.search_movie,
            &self.movie,
            &self.find,
            &self.search_tv,
            &self.tv,
            &self.other,
            &self.movie_by_imdb,
            &self.total,
            &self.peak_rps,
            &self.rate_limited,
            &self.server_errors,
            &self.timeouts,
            &self.drops,
            &self.malformed,
            &self.unauthorized,
            &self.not_found,
            &self.images,
        ] {
            counter.store(0, Relaxed);
        }
        self.peak_in_flight
            .store(self.in_flight.load(Relaxed), Relaxed);
        lock(&self.movie_details).clear();
        *lock(&self.arrivals) = SlidingWindow::default();
    }
}

/// Locks a counter mutex; a panic elsewhere must not stop the counting.
pub(super) fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn window_slides_and_peaks_are_kept() {
        let c = Counters::default();
        let t0 = Instant::now();
        let a = c.arrive(EndpointKind::Movie, Some(841), t0);
        let b = c.arrive(
            EndpointKind::Movie,
            Some(841),
            t0 + Duration::from_millis(500),
        );
        assert_eq!(b.now, 2);
        drop((a, b));
        let _c = c.arrive(
            EndpointKind::SearchMovie,
            None,
            t0 + Duration::from_millis(1200),
        );
        let s = c.snapshot();
        assert_eq!((s.total, s.movie, s.search_movie), (3, 2, 1));
        assert_eq!(s.peak_rps, 2); // the first left the window before the third came
        assert_eq!((s.in_flight, s.peak_in_flight), (1, 2));
        assert_eq!(s.movie_details_requests(841), 2);

        c.reset();
        let s = c.snapshot();
        assert_eq!(
            (s.total, s.peak_rps, s.in_flight, s.peak_in_flight),
            (0, 0, 1, 1)
        );
        assert!(s.movie_details.is_empty());
    }
}
