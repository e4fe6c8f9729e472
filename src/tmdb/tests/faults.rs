//! Injected faults end every call in a value or a typed, transient error,
//! the client counts what the simulator injected, and a seed replays a run.

use std::time::Duration;

use futures_util::future::join_all;

use super::{client, sim};
use crate::tmdb::TmdbError;
use crate::tmdb::sim::{Catalog, CountersSnapshot, SimConfig};

/// What one logical call ended in, comparable across runs.
#[derive(Debug, PartialEq, Eq)]
enum Outcome {
    Found,
    Failed(&'static str),
}

fn outcome<T>(result: &Result<T, TmdbError>) -> Outcome {
    match result {
        Ok(_) => Outcome::Found,
        Err(e) => {
            assert!(
                e.is_transient(),
                "a fault must end in a transient error, not {e:?}"
            );
            Outcome::Failed(match e {
                TmdbError::Server { .. } => "server",
                TmdbError::Timeout { .. } => "timeout",
                TmdbError::Transport { .. } => "transport",
                TmdbError::Malformed { .. } => "malformed",
                _ => "rate-limited",
            })
        }
    }
}

/// Thirty distinct lookups at once (searches, details, finds) against a faulty simulator.
async fn run(
    config: SimConfig,
    max_retries: u32,
) -> (Vec<Outcome>, CountersSnapshot, crate::tmdb::ClientMetrics) {
    let sim = sim(SimConfig {
        timeout_delay: Duration::from_secs(2),
        ..config
    })
    .await;
    let tmdb = client(&sim, |c| {
        c.max_retries = max_retries;
        c.timeout = Duration::from_millis(300);
        c.backoff_base = Duration::from_millis(2);
    });
    // Distinct requests, so each call's faults depend on the seed alone.
    let ids: Vec<i64> = Catalog::embedded()
        .movies()
        .iter()
        .map(|m| m.id)
        .take(10)
        .collect();
    let calls = (0..30).map(|i| {
        let tmdb = tmdb.clone();
        let id = ids.get(i / 3).copied().unwrap_or(100_000_000 + i as i64);
        async move {
            match i % 3 {
                0 => outcome(&tmdb.movie_details(id).await),
                1 => outcome(
                    &tmdb
                        .search_movie(&format!("dune {i}"), Some(2000 + i as i32))
                        .await,
                ),
                _ => outcome(&tmdb.find_by_imdb(&format!("tt{:07}", 1000 + i)).await),
            }
        }
    });
    let outcomes = join_all(calls).await;
    let metrics = tmdb.metrics();
    let snap = sim.counters.snapshot();
    (outcomes, snap, metrics)
}

#[tokio::test]
async fn each_fault_kind_ends_in_a_value_or_a_typed_error() {
    let clean = SimConfig::default;
    let kinds = [
        (
            "5xx",
            SimConfig {
                error_rate: 0.3,
                seed: 1,
                ..clean()
            },
        ),
        (
            "timeout",
            SimConfig {
                timeout_rate: 0.3,
                seed: 2,
                ..clean()
            },
        ),
        (
            "drop",
            SimConfig {
                drop_rate: 0.3,
                seed: 3,
                ..clean()
            },
        ),
        (
            "malformed",
            SimConfig {
                malformed_rate: 0.3,
                seed: 4,
                ..clean()
            },
        ),
    ];
    let tasks = kinds
        .into_iter()
        .map(|(name, config)| async move { (name, run(config, 4).await) });
    for (name, (outcomes, snap, metrics)) in join_all(tasks).await {
        let found = outcomes.iter().filter(|o| **o == Outcome::Found).count();
        // 0.3^5 per call: all but a rare unlucky one get through with four retries.
        assert!(found >= 28, "{name}: {outcomes:?}");
        assert!(snap.faults() > 0, "{name}: no fault injected");
        // What the client saw is what the simulator did.
        let (injected, seen) = match name {
            "5xx" => (snap.server_errors, metrics.server_errors),
            "timeout" => (snap.timeouts, metrics.timeouts),
            "drop" => (snap.drops, metrics.transport_errors),
            _ => (snap.malformed, metrics.malformed),
        };
        assert_eq!(injected, seen, "{name}: {snap:?} vs {metrics:?}");
        assert_eq!(metrics.requests, snap.total, "{name}");
        let failed = (outcomes.len() - found) as u64;
        assert_eq!(
            metrics.retries + failed,
            snap.faults(),
            "{name}: every fault was retried or ended the call"
        );
    }
}

#[tokio::test]
async fn mixed_faults_with_few_retries_give_typed_failures() {
    let config = SimConfig {
        error_rate: 0.15,
        timeout_rate: 0.15,
        drop_rate: 0.15,
        malformed_rate: 0.15,
        seed: 9,
        ..SimConfig::default()
    };
    let (outcomes, snap, _) = run(config, 1).await;
    assert!(outcomes.contains(&Outcome::Found));
    assert!(
        outcomes.iter().any(|o| matches!(o, Outcome::Failed(_))),
        "{outcomes:?}"
    );
    assert!(
        snap.server_errors > 0 && snap.timeouts > 0 && snap.drops > 0 && snap.malformed > 0,
        "{snap:?}"
    );
}

#[tokio::test]
async fn a_seed_replays_the_same_faults() {
    let config = |seed| SimConfig {
        error_rate: 0.15,
        timeout_rate: 0.1,
        drop_rate: 0.15,
        malformed_rate: 0.15,
        seed,
        ..SimConfig::default()
    };
    let (a, b, c) = tokio::join!(run(config(42), 2), run(config(42), 2), run(config(43), 2));
    let faults =
        |s: &CountersSnapshot| (s.total, s.server_errors, s.timeouts, s.drops, s.malformed);
    assert_eq!(a.0, b.0, "same seed, same outcome per call");
    assert_eq!(faults(&a.1), faults(&b.1));
    assert_ne!(
        (&a.0, faults(&a.1)),
        (&c.0, faults(&c.1)),
        "another seed, another run"
    );
}
