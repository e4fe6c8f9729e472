//! The client's one rate limiter and connection cap hold against the
//! simulator's limits, and a 429 storm ends in success.

use std::time::Duration;

use futures_util::future::join_all;

use super::{client, movie_ids, sim};
use crate::tmdb::sim::SimConfig;

#[tokio::test]
async fn a_client_below_the_limits_is_never_refused() {
    let sim = sim(SimConfig {
        // Slow answers, so that the connection cap and not the rate is what binds.
        latency: Duration::from_millis(300),
        rate_limit: Some(20),
        max_connections: Some(4),
        ..SimConfig::default()
    })
    .await;
    let tmdb = client(&sim, |c| {
        c.rps = 15;
        c.concurrency = 4;
    });
    // Forty callers at once, as many sessions would be.
    let results = join_all(movie_ids(40).into_iter().map(|id| {
        let tmdb = tmdb.clone();
        async move { tmdb.movie_details(id).await }
    }))
    .await;
    assert!(results.iter().all(|r| matches!(r, Ok(Some(_)))));
    let snap = sim.counters.snapshot();
    assert_eq!(snap.rate_limited, 0, "{snap:?}");
    assert!(snap.peak_rps <= 15 + 1, "peak {} rps", snap.peak_rps);
    let peak = snap.peak_in_flight;
    assert!((2..=4).contains(&peak), "peak {peak} in flight");
    assert_eq!(tmdb.metrics().requests, 40);
}

#[tokio::test]
async fn a_429_storm_pauses_every_caller_and_ends_in_success() {
    let sim = sim(SimConfig {
        latency: Duration::from_millis(5),
        rate_limit: Some(5),
        ..SimConfig::default()
    })
    .await;
    let tmdb = client(&sim, |c| {
        c.rps = 20;
        c.concurrency = 8;
        c.max_retries = 10;
    });
    let results = join_all(movie_ids(20).into_iter().map(|id| {
        let tmdb = tmdb.clone();
        async move { tmdb.movie_details(id).await }
    }))
    .await;
    assert!(
        results.iter().all(|r| matches!(r, Ok(Some(_)))),
        "{results:?}"
    );
    let snap = sim.counters.snapshot();
    assert!(snap.rate_limited > 0, "the storm happened");
    assert!(snap.peak_rps <= 20 + 1, "peak {} rps", snap.peak_rps);
    assert!(
        snap.peak_in_flight <= 8,
        "peak {} in flight",
        snap.peak_in_flight
    );
    let metrics = tmdb.metrics();
    assert_eq!(metrics.rate_limited, snap.rate_limited);
    // Retry-After paused everyone: far fewer 429s than a caller-by-caller retry would cause.
    assert!(metrics.rate_limited < 40, "{metrics:?}");
}

#[tokio::test]
async fn too_many_connections_is_a_429_too() {
    let sim = sim(SimConfig {
        latency: Duration::from_millis(50),
        max_connections: Some(2),
        ..SimConfig::default()
    })
    .await;
    let tmdb = client(&sim, |c| {
        c.concurrency = 6;
        c.max_retries = 10;
    });
    let results = join_all(movie_ids(6).into_iter().map(|id| {
        let tmdb = tmdb.clone();
        async move { tmdb.movie_details(id).await }
    }))
    .await;
    assert!(
        results.iter().all(|r| matches!(r, Ok(Some(_)))),
        "{results:?}"
    );
    let snap = sim.counters.snapshot();
    assert!(
        snap.rate_limited > 0 && snap.peak_in_flight <= 6,
        "{snap:?}"
    );
}
