//! The one admission gate every HTTP attempt of a client passes: a
//! connection cap, a rate limiter handing out cells in priority order and,
//! within a priority, fairly between the shares callers act for (reelstream's
//! clients), and a shared pause after a 429.
//!
//! Fairness is start-time fair queueing: each waiting call gets a tag one
//! past the later of its share's previous tag and the tag last served, and
//! the smallest tag goes first. A share with a thousand calls queued and one
//! with two then alternate, whoever queued first.

use std::collections::{BTreeSet, HashMap};
use std::num::NonZeroU32;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, RwLock};

use governor::{DefaultDirectRateLimiter, Quota, RateLimiter};
use tokio::sync::{Notify, Semaphore, SemaphorePermit};
use tokio::time::Instant;

/// Which requests get rate-limit cells first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Priority {
    /// A film's last call (its details): finishing started films first keeps
    /// the time to each film's event at about two round trips, however long
    /// the queue of searches behind it.
    Finish = 0,
    /// Everything else.
    Start = 1,
}

tokio::task_local! {
    /// The share a task's TMDB calls count against (reelstream's client
    /// key); calls outside any share are one share together.
    static SHARE: Option<String>;
}

/// Runs `work` with its TMDB calls counted against `share`.
pub async fn in_share<F: Future>(share: Option<String>, work: F) -> F::Output {
    SHARE.scope(share, work).await
}

/// The waiting calls, in serving order: (priority, fair tag, arrival).
type Key = (Priority, u64, u64);

/// Who waits, and the fair-queueing clocks.
#[derive(Debug, Default)]
struct Waiting {
    queue: BTreeSet<Key>,
    /// The tag last given to each share's call.
    last_tag: HashMap<Option<String>, u64>,
    /// The tag of the call served last.
    served: u64,
}

/// Shared by all clones of a client, so all sessions together stay within
/// TMDB's per-IP limits.
#[derive(Debug)]
pub(super) struct Gate {
    permits: Semaphore,
    /// Permits to take out of circulation as they come back, after the
    /// connection cap was lowered while they were in use.
    owed: AtomicUsize,
    /// The limits in force: (requests a second, connections).
    limits: Mutex<(NonZeroU32, usize)>,
    /// Replaced whole when the rate changes (a governor quota is fixed).
    limiter: RwLock<Arc<DefaultDirectRateLimiter>>,
    /// Callers waiting for a cell, in serving order; only the first waits on the limiter.
    waiting: Mutex<Waiting>,
    arrivals: AtomicU64,
    turn: Notify,
    /// While set in the future, nobody sends: TMDB's limit is per IP, so one
    /// caller's `Retry-After` applies to every caller.
    paused_until: Mutex<Option<Instant>>,
}

impl Gate {
    /// A gate for `rps` requests a second and `concurrency` in flight.
    pub fn new(rps: NonZeroU32, concurrency: usize) -> Self {
        Self {
            permits: Semaphore::new(concurrency),
            owed: AtomicUsize::new(0),
            limits: Mutex::new((rps, concurrency)),
            limiter: RwLock::new(limiter(rps)),
            waiting: Mutex::new(Waiting::default()),
            arrivals: AtomicU64::new(0),
            turn: Notify::new(),
            paused_until: Mutex::new(None),
        }
    }

    /// Waits for a rate-limit cell outside any pause, served in `priority`
    /// order, then for a connection slot. The cell comes first so that a
    /// finishing call is not stuck behind searches holding every slot while
    /// they wait for cells; the permit is held until the attempt's body has
    /// been read.
    pub async fn admit(&self, priority: Priority) -> SemaphorePermit<'_> {
        let share = SHARE.try_with(Clone::clone).ok().flatten();
        let arrival = self.arrivals.fetch_add(1, Ordering::Relaxed);
        let (key, first) = {
            let mut waiting = self.lock_waiting();
            let served = waiting.served;
            let last = waiting.last_tag.entry(share).or_default();
            let tag = (*last).max(served) + 1;
            *last = tag;
            let key = (priority, tag, arrival);
            waiting.queue.insert(key);
            (key, waiting.queue.first() == Some(&key))
        };
        if first {
            // Whoever was first is sleeping towards the next cell: it must look again.
            self.turn.notify_waiters();
        }
        {
            // Leaves the queue however this ends (a cancelled caller must not block it).
            let _leave = Leave { gate: self, key };
            loop {
                let turn = self.turn.notified();
                tokio::pin!(turn);
                turn.as_mut().enable();
                if self.lock_waiting().queue.first() != Some(&key) {
                    turn.await;
                    continue;
                }
                // The cell is taken only once it is due, never reserved while
                // waiting for it: a call of higher priority arriving meanwhile
                // becomes first and wakes this one, whose wait is dropped
                // (`until_ready` takes a cell only when one is free).
                if let Some(until) = self.paused_until() {
                    tokio::select! {
                        () = tokio::time::sleep_until(until) => {}
                        () = turn => {}
                    }
                    continue;
                }
                let limiter = self.limiter();
                tokio::select! {
                    // Overtaken and due at once: the caller ahead gets the cell.
                    biased;
                    () = &mut turn => {}
                    () = limiter.until_ready() => {
                        // A 429 may have paused everyone meanwhile: then wait
                        // it out and take a fresh cell after it.
                        if self.paused_until().is_none() {
                            self.served(key.1);
                            break;
                        }
                    }
                }
            }
        }
        self.permit().await
    }

    /// Changes the limits (a replica's share of a budget divided among
    /// replicas): the rate at once, the connection cap as connections end.
    pub fn set_limits(&self, rps: NonZeroU32, concurrency: usize) {
        let concurrency = concurrency.max(1);
        let mut limits = self.limits.lock().unwrap_or_else(|e| e.into_inner());
        let (old_rps, old_concurrency) = *limits;
        if old_rps != rps {
            *self.limiter.write().unwrap_or_else(|e| e.into_inner()) = limiter(rps);
            // Whoever waits for a cell of the old limiter looks again.
            self.turn.notify_waiters();
        }
        if concurrency > old_concurrency {
            let mut more = concurrency - old_concurrency;
            // Settle what is owed first, then add the rest.
            let _ = self
                .owed
                .fetch_update(Ordering::AcqRel, Ordering::Acquire, |owed| {
                    let settled = owed.min(more);
                    more -= settled;
                    Some(owed - settled)
                });
            self.permits.add_permits(more);
        } else if concurrency < old_concurrency {
            let fewer = old_concurrency - concurrency;
            let forgotten = self.permits.forget_permits(fewer);
            self.owed.fetch_add(fewer - forgotten, Ordering::AcqRel);
        }
        *limits = (rps, concurrency);
    }

    /// The limits in force: (requests a second, connections).
    pub fn limits(&self) -> (NonZeroU32, usize) {
        *self.limits.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn limiter(&self) -> Arc<DefaultDirectRateLimiter> {
        self.limiter
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// A connection permit, paying back what a lowered cap is owed first.
    async fn permit(&self) -> SemaphorePermit<'_> {
        loop {
            // The semaphore is never closed, so acquire cannot fail.
            let permit = self
                .permits
                .acquire()
                .await
                .expect("gate semaphore is never closed");
            let paid = self
                .owed
                .fetch_update(Ordering::AcqRel, Ordering::Acquire, |owed| {
                    owed.checked_sub(1)
                })
                .is_ok();
            if !paid {
                return permit;
            }
            permit.forget();
        }
    }

    fn lock_waiting(&self) -> std::sync::MutexGuard<'_, Waiting> {
        self.waiting.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Advances the fair clock to a call served with `tag`; shares whose
    /// last tag it passes are forgotten (their next call starts from it anyway).
    fn served(&self, tag: u64) {
        let mut waiting = self.lock_waiting();
        waiting.served = waiting.served.max(tag);
        if waiting.last_tag.len() > 64 {
            let served = waiting.served;
            waiting.last_tag.retain(|_, last| *last > served);
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

/// A limiter of `rps` cells a second. Burst 1 spaces cells evenly, so no
/// 1-second window holds more than `rps`.
fn limiter(rps: NonZeroU32) -> Arc<DefaultDirectRateLimiter> {
    Arc::new(RateLimiter::direct(
        Quota::per_second(rps).allow_burst(NonZeroU32::MIN),
    ))
}

/// Removes a caller from the queue and lets the next one look.
struct Leave<'a> {
    gate: &'a Gate,
    key: Key,
}

impl Drop for Leave<'_> {
    fn drop(&mut self) {
        self.gate.lock_waiting().queue.remove(&self.key);
        self.gate.turn.notify_waiters();
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
            drop(gate.admit(Priority::Start).await);
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
        drop(gate.admit(Priority::Start).await);
        assert!(paused_at.elapsed() >= Duration::from_millis(190));
    }

    #[tokio::test]
    async fn finishing_calls_overtake_queued_starts() {
        use std::sync::Arc;
        // 5/s: the next cell is 200 ms away, far more than any scheduling delay.
        let gate = Arc::new(Gate::new(NonZeroU32::new(5).unwrap(), 16));
        drop(gate.admit(Priority::Start).await); // spend the first cell
        let order = Arc::new(Mutex::new(Vec::new()));
        let mut tasks = Vec::new();
        for i in 0..4 {
            let (gate, order) = (gate.clone(), order.clone());
            tasks.push(tokio::spawn(async move {
                drop(gate.admit(Priority::Start).await);
                order.lock().unwrap().push(format!("start{i}"));
            }));
        }
        // The first start is now waiting for the next cell; a finishing call
        // arriving meanwhile takes that cell from it.
        tokio::time::sleep(Duration::from_millis(20)).await;
        let (g, o) = (gate.clone(), order.clone());
        tasks.push(tokio::spawn(async move {
            drop(g.admit(Priority::Finish).await);
            o.lock().unwrap().push("finish".to_owned());
        }));
        for task in tasks {
            task.await.unwrap();
        }
        let order = order.lock().unwrap();
        assert_eq!(
            order[0], "finish",
            "the finishing call goes first: {order:?}"
        );
        assert_eq!(order[1..], ["start0", "start1", "start2", "start3"]);
    }

    #[tokio::test]
    async fn shares_take_turns_whoever_queued_first() {
        use std::sync::Arc;
        let gate = Arc::new(Gate::new(NonZeroU32::new(50).unwrap(), 16));
        drop(gate.admit(Priority::Start).await); // spend the first cell
        let order = Arc::new(Mutex::new(Vec::new()));
        let mut tasks = Vec::new();
        // Six calls of a flooding share queue first, then two of another.
        for (share, n) in [("flood", 6), ("victim", 2)] {
            for _ in 0..n {
                let (gate, order) = (gate.clone(), order.clone());
                tasks.push(tokio::spawn(in_share(Some(share.to_owned()), async move {
                    drop(gate.admit(Priority::Start).await);
                    order.lock().unwrap().push(share);
                })));
                tokio::time::sleep(Duration::from_millis(1)).await;
            }
        }
        for task in tasks {
            task.await.unwrap();
        }
        let order = order.lock().unwrap();
        let victim_done = order.iter().rposition(|s| *s == "victim").unwrap();
        assert!(
            victim_done <= 3,
            "the victim's two calls are among the first four: {order:?}"
        );
    }
}
