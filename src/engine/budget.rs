//! TMDB's budget divided among replicas: TMDB limits requests per IP
//! address, and replicas behind one address must stay within it together.
//! Each replica beats a heartbeat into the database; the live ones (a beat
//! within [`LAPSE`]) each take an equal share of the totals, re-divided at
//! every beat, so a replica joining or lapsing changes everyone's share
//! within a beat or two.

use std::num::NonZeroU32;
use std::time::Duration;

use tokio_util::sync::CancellationToken;

use crate::store::{Db, replicas};
use crate::tmdb::TmdbClient;

/// How often a replica beats.
pub const HEARTBEAT: Duration = Duration::from_secs(1);

/// A replica whose last beat is older than this is gone (killed, or cut off).
pub const LAPSE: Duration = Duration::from_secs(5);

/// Rows of replicas gone this long are deleted.
const FORGET: Duration = Duration::from_secs(3600);

/// The totals all live replicas share.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Budget {
    /// Requests a second, for all replicas together.
    pub rps: u32,
    /// Connections, for all replicas together.
    pub concurrency: usize,
}

impl Budget {
    /// One replica's share when `live` replicas divide the budget (at least
    /// one request a second and one connection each).
    pub fn share(self, live: u64) -> (NonZeroU32, usize) {
        let live = live.max(1);
        let rps = u64::from(self.rps) / live;
        let rps =
            NonZeroU32::new(u32::try_from(rps).unwrap_or(u32::MAX)).unwrap_or(NonZeroU32::MIN);
        let concurrency = (self.concurrency as u64 / live).max(1);
        (rps, usize::try_from(concurrency).unwrap_or(1))
    }
}

fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

/// Beats `replica`'s heartbeat and sets `tmdb`'s share of `budget` until
/// cancelled; then removes the replica, so the others take up its share at
/// their next beat.
pub async fn share(
    db: Db,
    tmdb: TmdbClient,
    replica: String,
    budget: Budget,
    cancel: CancellationToken,
) {
    let mut beat = tokio::time::interval(HEARTBEAT);
    loop {
        tokio::select! {
            _ = beat.tick() => {}
            () = cancel.cancelled() => break,
        }
        let now = now_ms();
        let lapse = i64::try_from(LAPSE.as_millis()).unwrap_or(i64::MAX);
        let live = match replicas::beat(&db, &replica, now).await {
            Ok(()) => replicas::live(&db, now - lapse).await,
            Err(err) => Err(err),
        };
        match live {
            Ok(live) => {
                let share = budget.share(live);
                if tmdb.limits() != share {
                    tracing::info!(
                        replicas = live,
                        rps = share.0.get(),
                        concurrency = share.1,
                        "TMDB budget divided among the live replicas"
                    );
                    tmdb.set_limits(share.0, share.1);
                }
            }
            // The share in force stays until the database answers again.
            Err(err) => tracing::warn!(error = %err, "heartbeat failed"),
        }
    }
    let forget = now_ms() - i64::try_from(FORGET.as_millis()).unwrap_or(i64::MAX);
    if let Err(err) = replicas::leave(&db, &replica, forget).await {
        tracing::warn!(error = %err, "could not deregister; the heartbeat lapses on its own");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_live_replica_takes_an_equal_share_within_the_totals() {
        let budget = Budget {
            rps: 40,
            concurrency: 16,
        };
        let share = |live| {
            let (rps, concurrency) = budget.share(live);
            (rps.get(), concurrency)
        };
        assert_eq!(share(0), (40, 16));
        assert_eq!(share(1), (40, 16));
        assert_eq!(share(3), (13, 5), "rounded down: 39 and 15 together");
        assert_eq!(share(64), (1, 1), "never below one");
    }
}
