//! The one admission gate every HTTP attempt of a client passes: a
//! connection cap, a rate limiter, and a shared pause after a 429.

use std::num::NonZeroU32;
use std::sync::Mutex;

use governor::{DefaultDirectRateLimiter, Quota, RateLimiter};
use tokio::sync::{Semaphore, SemaphorePermit};
use tokio::time::Instant;

/// Shared by all clones of a client, so all sessions together stay within
/// TMDB's per-IP limits.
#[derive(Debug)]
pub(super) struct Gate {
    permits: Semaphore,
    limiter: DefaultDirectRateLimiter,
    /// While set in the future, nobody sends: TMDB's limit is per IP, so one
    /// caller's `Retry-After` applies to every caller.
    paused_until: Mutex<Option<Instant>>,
}

impl Gate {
    /// A gate for `rps` requests a second and `concurrency` in flight.
    pub fn new(rps: NonZeroU32, concurrency: usize) -> Self {
        // Burst 1 spaces cells evenly, so no 1-second window holds more than `rps`.
        let quota = Quota::per_second(rps).allow_burst(NonZeroU32::MIN);
        Self {
            permits: Semaphore::new(concurrency),
            limiter: RateLimiter::direct(quota),
            paused_until: Mutex::new(None),
        }
    }

    /// Waits for a connection slot, then for a rate-limit cell outside any
    /// pause. The permit is held until the attempt's body has been read.
    pub async fn admit(&self) -> SemaphorePermit<'_> {
        // The semaphore is never closed, so acquire cannot fail.
        let permit = self
            .permits
            .acquire()
            .await
            .expect("gate semaphore is never closed");
        loop {
            if let Some(until) = self.paused_until() {
                tokio::time::sleep_until(until).await;
            }
            self.limiter.until_ready().await;
            // A 429 may have paused everyone while this caller waited for its cell.
            if self.paused_until().is_none() {
                return permit;
            }
        }
    }

    /// Pauses every caller until `until` (extending, never shortening, a pause).
    pub fn pause_until(&self, until: Instant) {
        let mut paused = self.paused_until.lock().unwrap_or_else(|e| e.into_inner());
        if paused.is_none_or(|current| current < until) {
            *paused = Some(until);
        }
    }

    fn paused_until(&self) -> Option<Instant> {
        let paused = self.paused_until.lock().unwrap_or_else(|e| e.into_inner());
        paused.filter(|until| *until > Instant::now())
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[tokio::test]
    async fn rate_is_spaced_and_pause_is_shared() {
        let gate = Gate::new(NonZeroU32::new(20).unwrap(), 4);
        let start = Instant::now();
        for _ in 0..5 {
            drop(gate.admit().await);
        }
        // Five cells at 20/s with burst 1: the last one 4 × 50 ms after the first.
        assert!(
            start.elapsed() >= Duration::from_millis(190),
            "{:?}",
            start.elapsed()
        );

        gate.pause_until(Instant::now() + Duration::from_millis(200));
        gate.pause_until(Instant::now()); // a shorter pause does not shorten it
        let paused_at = Instant::now();
        drop(gate.admit().await);
        assert!(paused_at.elapsed() >= Duration::from_millis(190));
    }
}
