//! The enrichment engine: normalisation, matching, the TMDB resolver with its
//! cache, the fair sliding-window scheduler and the single committer.

pub mod commit;
pub mod enrichment;
pub mod intake;
pub mod matcher;
pub mod normalize;
pub mod resolver;
pub mod scheduler;

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{Notify, mpsc};
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use crate::events::hub::Hub;
use crate::events::notify;
use crate::store::work::Lease;
use crate::store::{Db, StoreError, work};
use resolver::Resolver;
use scheduler::Scheduler;

/// A cheap handle to poke the running engine.
#[derive(Clone)]
pub struct EngineHandle {
    wake: Arc<Notify>,
    replica: Arc<str>,
}

impl Default for EngineHandle {
    fn default() -> Self {
        Self {
            wake: Arc::default(),
            replica: Lease::new(Duration::ZERO).owner,
        }
    }
}

impl EngineHandle {
    /// Tells the engine new work may exist (an upload, a retry, a fix).
    pub fn wake(&self) {
        self.wake.notify_one();
    }

    /// This replica's unique id, the owner written on the films it claims.
    pub fn replica_id(&self) -> &str {
        &self.replica
    }
}

/// The engine's background tasks.
pub struct Engine {
    tasks: Vec<JoinHandle<()>>,
    db: Db,
    lease: Lease,
}

impl Engine {
    /// Reconciles unfinished sessions, then starts the scheduler, the
    /// committer and the lease renewer (and, on PostgreSQL, the listener that
    /// fans every replica's events out to `hub`); all stop when `cancel`
    /// fires.
    #[allow(clippy::too_many_arguments)] // wired once, by the app
    pub async fn start(
        db: Db,
        resolver: Arc<Resolver>,
        hub: Hub,
        handle: &EngineHandle,
        window: usize,
        lease_duration: Duration,
        database_url: &str,
        cancel: CancellationToken,
    ) -> Result<Self, StoreError> {
        Self::start_scoped(
            db,
            resolver,
            hub,
            handle,
            window,
            lease_duration,
            database_url,
            cancel,
            None,
        )
        .await
    }

    /// As [`Engine::start`], but with `only_session` set it touches that
    /// session alone: `reelstream enrich` sharing a server's database must
    /// not take over (or wait behind) the server's sessions.
    #[allow(clippy::too_many_arguments)] // wired once, by the app
    pub async fn start_scoped(
        db: Db,
        resolver: Arc<Resolver>,
        hub: Hub,
        handle: &EngineHandle,
        window: usize,
        lease_duration: Duration,
        database_url: &str,
        cancel: CancellationToken,
        only_session: Option<String>,
    ) -> Result<Self, StoreError> {
        let lease = Lease {
            owner: handle.replica.clone(),
            duration: lease_duration,
        };
        let mut tasks = Vec::new();
        let remote_wake = Arc::new(Notify::new());
        if db.is_postgres() {
            // Listening before the first commit, so that no event is missed.
            tasks.push(
                notify::start(
                    database_url,
                    db.clone(),
                    hub.clone(),
                    remote_wake.clone(),
                    cancel.clone(),
                )
                .await?,
            );
        } else if only_session.is_none() {
            // One server per SQLite file: a lease left in it is a dead
            // process's, and its films are free to take at once. (A scoped
            // engine, `reelstream enrich` beside a server, leaves them be.)
            work::release_all(&db).await?;
        }
        for session_id in work::sessions_in_order(&db).await? {
            if only_session.as_ref().is_none_or(|only| *only == session_id) {
                work::reconcile(&db, &session_id).await?;
            }
        }
        let (commits, rx) = mpsc::channel(window * 2);
        tasks.push(tokio::spawn(commit::run(
            db.clone(),
            hub,
            lease.clone(),
            rx,
            cancel.clone(),
        )));
        tasks.push(tokio::spawn(renew(
            db.clone(),
            lease.clone(),
            cancel.clone(),
        )));
        let scheduler = Scheduler {
            db: db.clone(),
            resolver,
            commits,
            wake: handle.wake.clone(),
            remote_wake,
            cancel,
            window,
            lease: lease.clone(),
            only_session,
        };
        tasks.push(tokio::spawn(scheduler.run()));
        Ok(Self { tasks, db, lease })
    }

    /// Waits for the tasks to stop (after cancellation), then gives up this
    /// replica's leases so that its unfinished films are free at once.
    pub async fn join(self) {
        for task in self.tasks {
            let _ = task.await;
        }
        if let Err(err) = work::release(&self.db, &self.lease).await {
            tracing::warn!(error = %err, "could not release leases; they expire on their own");
        }
    }
}

/// Renews this replica's leases until cancelled, three times per lease.
async fn renew(db: Db, lease: Lease, cancel: CancellationToken) {
    let period = (lease.duration / 3).max(Duration::from_millis(100));
    loop {
        tokio::select! {
            _ = cancel.cancelled() => return,
            _ = tokio::time::sleep(period) => {}
        }
        if let Err(err) = work::renew(&db, &lease).await {
            tracing::warn!(error = %err, "could not renew leases");
        }
    }
}
