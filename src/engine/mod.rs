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

use tokio::sync::{Notify, mpsc};
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use crate::events::hub::Hub;
use crate::store::{Db, StoreError, work};
use resolver::Resolver;
use scheduler::Scheduler;

/// A cheap handle to poke the running engine.
#[derive(Clone, Default)]
pub struct EngineHandle {
    wake: Arc<Notify>,
}

impl EngineHandle {
    /// Tells the engine new work may exist (an upload, a retry, a fix).
    pub fn wake(&self) {
        self.wake.notify_one();
    }
}

/// The engine's background tasks.
pub struct Engine {
    tasks: Vec<JoinHandle<()>>,
}

impl Engine {
    /// Reconciles unfinished sessions, then starts the scheduler and the
    /// committer; both stop when `cancel` fires.
    pub async fn start(
        db: Db,
        resolver: Arc<Resolver>,
        hub: Hub,
        handle: &EngineHandle,
        window: usize,
        cancel: CancellationToken,
    ) -> Result<Self, StoreError> {
        Self::start_scoped(db, resolver, hub, handle, window, cancel, None).await
    }

    /// As [`Engine::start`], but with `only_session` set it touches that
    /// session alone: `reelstream enrich` sharing a server's database must
    /// not take over (or wait behind) the server's sessions.
    pub async fn start_scoped(
        db: Db,
        resolver: Arc<Resolver>,
        hub: Hub,
        handle: &EngineHandle,
        window: usize,
        cancel: CancellationToken,
        only_session: Option<String>,
    ) -> Result<Self, StoreError> {
        for session_id in work::sessions_in_order(&db).await? {
            if only_session.as_ref().is_none_or(|only| *only == session_id) {
                work::reconcile(&db, &session_id).await?;
            }
        }
        let (commits, rx) = mpsc::channel(window * 2);
        let committer = tokio::spawn(commit::run(db.clone(), hub, rx, cancel.clone()));
        let scheduler = Scheduler {
            db,
            resolver,
            commits,
            wake: handle.wake.clone(),
            cancel,
            window,
            only_session,
        };
        let scheduler = tokio::spawn(scheduler.run());
        Ok(Self {
            tasks: vec![scheduler, committer],
        })
    }

    /// Waits for the tasks to stop (after cancellation).
    pub async fn join(self) {
        for task in self.tasks {
            let _ = task.await;
        }
    }
}
