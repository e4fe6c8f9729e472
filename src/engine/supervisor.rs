//! Keeps the engine's background tasks running. A task that panics, or
//! returns while the engine is not stopping, is logged with its cause,
//! reported down (so `/readyz` answers 503 naming it) and started again
//! after a backoff; it is reported up again once restarted.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures_util::future::BoxFuture;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

/// The first wait before a restart; it doubles up to [`MAX_BACKOFF`].
const FIRST_BACKOFF: Duration = Duration::from_millis(500);
/// The longest wait before a restart.
const MAX_BACKOFF: Duration = Duration::from_secs(30);
/// A task that ran this long before failing starts over from the first backoff.
const STABLE: Duration = Duration::from_secs(60);

/// Which engine tasks are down and why; shared with the readiness probe.
#[derive(Clone, Debug, Default)]
pub struct EngineHealth {
    down: Arc<Mutex<BTreeMap<&'static str, String>>>,
    restarts: Arc<Mutex<BTreeMap<&'static str, u64>>>,
}

impl EngineHealth {
    /// The tasks down right now, with the cause of their last failure.
    pub fn down(&self) -> Vec<(&'static str, String)> {
        let down = self.down.lock().unwrap_or_else(|e| e.into_inner());
        down.iter()
            .map(|(task, cause)| (*task, cause.clone()))
            .collect()
    }

    /// How many times `task` was restarted since the engine started.
    pub fn restarts(&self, task: &str) -> u64 {
        let restarts = self.restarts.lock().unwrap_or_else(|e| e.into_inner());
        restarts.get(task).copied().unwrap_or(0)
    }

    fn set_down(&self, task: &'static str, cause: String) {
        let mut down = self.down.lock().unwrap_or_else(|e| e.into_inner());
        down.insert(task, cause);
    }

    fn set_up(&self, task: &'static str) {
        self.down
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(task);
        *self
            .restarts
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .entry(task)
            .or_default() += 1;
    }
}

/// Runs after a task failed and before it starts again, to put back what
/// the failed run held (its claims on films).
pub type OnRestart = Arc<dyn Fn() -> BoxFuture<'static, ()> + Send + Sync>;

/// Starts engine tasks and keeps them running until the engine stops.
#[derive(Clone)]
pub struct Supervisor {
    health: EngineHealth,
    cancel: CancellationToken,
    on_restart: OnRestart,
}

impl Supervisor {
    /// A supervisor reporting to `health`, stopping with `cancel`, calling
    /// `on_restart` before each restart.
    pub fn new(health: EngineHealth, cancel: CancellationToken, on_restart: OnRestart) -> Self {
        Self {
            health,
            cancel,
            on_restart,
        }
    }

    /// Starts the task `name`, made anew by `make` at every start.
    pub fn spawn<F, Fut>(&self, name: &'static str, mut make: F) -> JoinHandle<()>
    where
        F: FnMut() -> Fut + Send + 'static,
        Fut: Future<Output = ()> + Send + 'static,
    {
        let Self {
            health,
            cancel,
            on_restart,
        } = self.clone();
        tokio::spawn(async move {
            let mut backoff = FIRST_BACKOFF;
            loop {
                let started = Instant::now();
                // A task of its own, so that a panic ends it and not the supervisor.
                let result = tokio::spawn(make()).await;
                if cancel.is_cancelled() {
                    return;
                }
                let cause = match result {
                    Ok(()) => "returned before shutdown".to_owned(),
                    Err(err) if err.is_panic() => format!("panicked: {}", panic_message(err)),
                    Err(err) => err.to_string(),
                };
                if started.elapsed() > STABLE {
                    backoff = FIRST_BACKOFF;
                }
                tracing::error!(
                    task = name,
                    %cause,
                    retry_in_ms = backoff.as_millis() as u64,
                    "engine task stopped; restarting"
                );
                health.set_down(name, cause);
                tokio::select! {
                    _ = cancel.cancelled() => return,
                    _ = tokio::time::sleep(backoff) => {}
                }
                backoff = (backoff * 2).min(MAX_BACKOFF);
                on_restart().await;
                tracing::info!(task = name, "engine task restarted");
                health.set_up(name);
            }
        })
    }
}

fn panic_message(err: tokio::task::JoinError) -> String {
    let payload = err.into_panic();
    if let Some(message) = payload.downcast_ref::<&str>() {
        (*message).to_owned()
    } else if let Some(message) = payload.downcast_ref::<String>() {
        message.clone()
    } else {
        "a panic without a message".to_owned()
    }
}

/// Faults that tests inject into the engine's tasks. Without the
/// `fault-injection` feature it holds nothing and injects nothing.
#[derive(Clone, Debug, Default)]
pub struct Faults {
    #[cfg(feature = "fault-injection")]
    armed: Arc<Mutex<BTreeMap<&'static str, u32>>>,
}

impl Faults {
    /// Makes `task` panic the next `times` times it reaches its fault point.
    #[cfg(feature = "fault-injection")]
    pub fn panic_next(&self, task: &'static str, times: u32) {
        let mut armed = self.armed.lock().unwrap_or_else(|e| e.into_inner());
        armed.insert(task, times);
    }

    /// The fault point of `task`: panics when a test armed it.
    pub(crate) fn trip(&self, task: &'static str) {
        #[cfg(feature = "fault-injection")]
        {
            let mut armed = self.armed.lock().unwrap_or_else(|e| e.into_inner());
            if let Some(left) = armed.get_mut(task).filter(|left| **left > 0) {
                *left -= 1;
                drop(armed);
                panic!("fault injected into the {task}");
            }
        }
        #[cfg(not(feature = "fault-injection"))]
        let _ = task;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn a_task_that_panics_is_reported_down_then_restarted() {
        let health = EngineHealth::default();
        let cancel = CancellationToken::new();
        let runs = Arc::new(Mutex::new(0));
        let restarted = Arc::new(Mutex::new(0));
        let hook_count = restarted.clone();
        let on_restart: OnRestart = Arc::new(move || {
            *hook_count.lock().unwrap() += 1;
            Box::pin(async {})
        });
        let counter = runs.clone();
        let stop = cancel.clone();
        let supervisor = Supervisor::new(health.clone(), cancel.clone(), on_restart);
        let task = supervisor.spawn("worker", move || {
            let counter = counter.clone();
            let stop = stop.clone();
            async move {
                let run = {
                    let mut runs = counter.lock().unwrap();
                    *runs += 1;
                    *runs
                };
                if run == 1 {
                    panic!("boom");
                }
                stop.cancelled().await;
            }
        });
        // Just after the panic: down, with the cause.
        tokio::time::sleep(Duration::from_millis(100)).await;
        assert_eq!(
            health.down(),
            [("worker", "panicked: boom".to_owned())],
            "reported down with its cause"
        );
        assert_eq!(*restarted.lock().unwrap(), 0, "not before the backoff");
        tokio::time::sleep(FIRST_BACKOFF).await;
        assert!(health.down().is_empty(), "up again after the backoff");
        assert_eq!(health.restarts("worker"), 1);
        assert_eq!((*runs.lock().unwrap(), *restarted.lock().unwrap()), (2, 1));
        cancel.cancel();
        task.await.unwrap();
        assert_eq!(*runs.lock().unwrap(), 2, "a clean stop is not restarted");
    }
}
