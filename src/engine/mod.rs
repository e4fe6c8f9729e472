//! The enrichment engine: normalisation, matching, the TMDB resolver with its
//! cache, the fair sliding-window scheduler and the single committer.

pub mod admission;
pub mod budget;
pub(crate) mod commit;
pub(crate) mod enrichment;
pub mod intake;
pub(crate) mod matcher;
pub(crate) mod normalize;
pub mod picker;
pub(crate) mod pool;
pub mod reimport;
pub(crate) mod resolver;
pub(crate) mod review;
pub(crate) mod scheduler;
pub(crate) mod supervisor;
pub(crate) mod variants;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::{Notify, mpsc};
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use crate::events::hub::Hub;
use crate::events::pg_fanout;
use crate::store::claims::{self, Lease};
use crate::store::{Db, StoreError, counters, upkeep};
use resolver::Resolver;
use scheduler::Scheduler;
use supervisor::{EngineHealth, Faults, OnRestart, Supervisor};

/// A cheap handle to poke the running engine and ask how it is.
#[derive(Clone)]
pub struct EngineHandle {
    wake: Arc<Notify>,
    replica: Arc<str>,
    health: EngineHealth,
    faults: Faults,
}

impl Default for EngineHandle {
    fn default() -> Self {
        Self {
            wake: Arc::default(),
            replica: Lease::new(Duration::ZERO).owner,
            health: EngineHealth::default(),
            faults: Faults::default(),
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

    /// Which of the engine's tasks are down right now.
    pub fn health(&self) -> &EngineHealth {
        &self.health
    }

    /// The faults tests inject into the engine's tasks.
    pub fn faults(&self) -> &Faults {
        &self.faults
    }
}

/// How the engine runs: the settings it is started with.
pub struct EngineSettings<'a> {
    /// Most lookups in flight at once.
    pub window: usize,
    /// How long a claim on a film lasts without renewal.
    pub lease: Duration,
    /// The database URL, for the PostgreSQL listener's own connection.
    pub database_url: &'a str,
    /// When set, the only session whose films are looked up.
    pub only_session: Option<String>,
    /// When set, sessions untouched for this long are deleted.
    pub session_ttl: Option<Duration>,
    /// When set, TMDB's totals, divided among the live replicas.
    pub tmdb_budget: Option<budget::Budget>,
}

/// The engine's background tasks.
pub struct Engine {
    tasks: Vec<JoinHandle<()>>,
    db: Db,
    lease: Lease,
}

impl Engine {
    /// Reconciles unfinished sessions, then starts the scheduler, the claimer,
    /// the committer and the lease renewer (and, on PostgreSQL, the listener
    /// that fans every replica's events out to `hub`), each supervised; all
    /// stop when `cancel` fires.
    ///
    /// With `only_session` set the engine touches that session alone:
    /// `reelstream enrich` sharing a server's database must not take over
    /// (or wait behind) the server's sessions.
    pub async fn start(
        db: Db,
        resolver: Arc<Resolver>,
        hub: Hub,
        handle: &EngineHandle,
        settings: EngineSettings<'_>,
        cancel: CancellationToken,
    ) -> Result<Self, StoreError> {
        let EngineSettings {
            window,
            lease: lease_duration,
            database_url,
            only_session,
            session_ttl,
            tmdb_budget,
        } = settings;
        let lease = Lease {
            owner: handle.replica.clone(),
            duration: lease_duration,
        };
        let supervisor = Supervisor::new(
            handle.health.clone(),
            cancel.clone(),
            give_back_claims(db.clone(), lease.clone(), handle.wake.clone()),
        );
        let faults = handle.faults.clone();
        let mut tasks = Vec::new();
        let remote_wake = Arc::new(Notify::new());
        if db.is_postgres() {
            // Listening before the first commit, so that no event is missed.
            let first = pg_fanout::start(
                database_url,
                db.clone(),
                hub.clone(),
                remote_wake.clone(),
                cancel.clone(),
            )
            .await?;
            let first = Mutex::new(Some(first));
            let (url, db, hub, wake) = (
                database_url.to_owned(),
                db.clone(),
                hub.clone(),
                remote_wake.clone(),
            );
            let cancel = cancel.clone();
            tasks.push(supervisor.spawn("listener", move || {
                let first = first.lock().unwrap_or_else(|e| e.into_inner()).take();
                let (url, db, hub, wake, cancel) =
                    (url.clone(), db.clone(), hub.clone(), wake.clone(), cancel.clone());
                async move {
                    let task = match first {
                        Some(task) => task,
                        None => match pg_fanout::start(&url, db, hub, wake, cancel).await {
                            Ok(task) => task,
                            Err(err) => {
                                tracing::warn!(error = %err, "could not listen for other replicas' events");
                                return;
                            }
                        },
                    };
                    rejoin(task).await;
                }
            }));
        } else if only_session.is_none() {
            // One server per SQLite file: a lease left in it is a dead
            // process's, and its films are free to take at once. (A scoped
            // engine, `reelstream enrich` beside a server, leaves them be.)
            claims::release_all(&db).await?;
        }
        for (session_id, _) in claims::sessions_in_order(&db).await? {
            if only_session.as_ref().is_none_or(|only| *only == session_id) {
                counters::reconcile(&db, &session_id).await?;
            }
        }

        // The receiving ends outlive a task that fails, so that what was
        // queued for it waits for its restart.
        let (commits, finished) = mpsc::channel(window * 2);
        let finished = Arc::new(tokio::sync::Mutex::new(finished));
        let (claims_tx, claim_requests) = mpsc::channel(window.max(1));
        let claim_requests = Arc::new(tokio::sync::Mutex::new(claim_requests));

        let (d, h, l, c, f) = (
            db.clone(),
            hub,
            lease.clone(),
            cancel.clone(),
            faults.clone(),
        );
        tasks.push(supervisor.spawn("committer", move || {
            let (db, hub, lease, cancel, faults) =
                (d.clone(), h.clone(), l.clone(), c.clone(), f.clone());
            let finished = finished.clone();
            async move {
                let mut finished = finished.lock().await;
                commit::run(db, hub, lease, &mut finished, cancel, faults).await;
            }
        }));
        let (d, l, c, f) = (db.clone(), lease.clone(), cancel.clone(), faults.clone());
        tasks.push(supervisor.spawn("claimer", move || {
            let (db, lease, cancel, faults) = (d.clone(), l.clone(), c.clone(), f.clone());
            let requests = claim_requests.clone();
            async move {
                let mut requests = requests.lock().await;
                scheduler::claimer(db, lease, &mut requests, cancel, faults).await;
            }
        }));
        let (d, l, c, f) = (db.clone(), lease.clone(), cancel.clone(), faults.clone());
        tasks.push(supervisor.spawn("renewer", move || {
            renew(d.clone(), l.clone(), c.clone(), f.clone())
        }));
        // A command-line run on a server's database is no replica.
        if let Some(total) = tmdb_budget.filter(|_| only_session.is_none()) {
            let (d, t, r, c) = (
                db.clone(),
                resolver.tmdb.clone(),
                handle.replica.to_string(),
                cancel.clone(),
            );
            tasks.push(supervisor.spawn("heartbeat", move || {
                budget::share(d.clone(), t.clone(), r.clone(), total, c.clone())
            }));
        }
        let sweep_cancel = cancel.clone();
        let scheduler = Scheduler {
            db: db.clone(),
            resolver,
            commits,
            claims: claims_tx,
            wake: handle.wake.clone(),
            remote_wake,
            cancel,
            window,
            lease: lease.clone(),
            only_session,
            faults,
        };
        let scoped = scheduler.only_session.is_some();
        tasks.push(supervisor.spawn("scheduler", move || scheduler.clone().run()));
        if let Some(ttl) = session_ttl.filter(|_| !scoped) {
            let (db, cancel) = (db.clone(), sweep_cancel);
            tasks.push(supervisor.spawn("sweeper", move || sweep(db.clone(), ttl, cancel.clone())));
        }
        Ok(Self { tasks, db, lease })
    }

    /// Waits for the tasks to stop (after cancellation), then gives up this
    /// replica's leases so that its unfinished films are free at once.
    pub async fn join(self) {
        for task in self.tasks {
            let _ = task.await;
        }
        if let Err(err) = claims::release(&self.db, &self.lease).await {
            tracing::warn!(error = %err, "could not release leases; they expire on their own");
        }
    }
}

/// What a restart does first: gives this replica's claims back and wakes the
/// scheduler, so that the films a failed task held (claimed, being looked up,
/// or queued for a commit that never came) are claimed and looked up again.
/// The films the scheduler still has in flight it skips; another replica may
/// look one up again, and the commit that lands first finalises it.
fn give_back_claims(db: Db, lease: Lease, wake: Arc<Notify>) -> OnRestart {
    Arc::new(move || {
        let (db, lease, wake) = (db.clone(), lease.clone(), wake.clone());
        Box::pin(async move {
            if let Err(err) = claims::release(&db, &lease).await {
                tracing::warn!(error = %err, "could not give claims back; they expire on their own");
            }
            wake.notify_one();
        })
    })
}

/// Waits for a task, passing its panic on to the supervisor.
/// Deletes the sessions untouched for `ttl`, at start and then hourly.
async fn sweep(db: Db, ttl: Duration, cancel: CancellationToken) {
    loop {
        let cutoff = chrono::Utc::now() - chrono::Duration::from_std(ttl).unwrap_or_default();
        match upkeep::delete_untouched_since(&db, cutoff).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(
                deleted = n,
                "untouched sessions deleted (REELSTREAM_SESSION_TTL_DAYS)"
            ),
            Err(err) => tracing::warn!(error = %err, "could not delete untouched sessions"),
        }
        tokio::select! {
            () = cancel.cancelled() => return,
            () = tokio::time::sleep(Duration::from_secs(3600)) => {}
        }
    }
}

async fn rejoin(task: JoinHandle<()>) {
    if let Err(err) = task.await
        && err.is_panic()
    {
        std::panic::resume_unwind(err.into_panic());
    }
}

/// Renews this replica's leases until cancelled, three times per lease.
async fn renew(db: Db, lease: Lease, cancel: CancellationToken, faults: Faults) {
    let period = (lease.duration / 3).max(Duration::from_millis(100));
    loop {
        tokio::select! {
            _ = cancel.cancelled() => return,
            _ = tokio::time::sleep(period) => {}
        }
        faults.trip("renewer");
        if let Err(err) = claims::renew(&db, &lease).await {
            tracing::warn!(error = %err, "could not renew leases");
        }
    }
}
