//! The state every request handler and background task shares, built once
//! at start-up and passed explicitly.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::Semaphore;
use tokio_util::sync::CancellationToken;

use crate::config::{Config, TmdbLimits};
use crate::engine::admission::Admission;
use crate::engine::budget::Budget;
use crate::engine::resolver::Resolver;
use crate::engine::{Engine, EngineHandle, EngineSettings};
use crate::events::hub::Hub;
use crate::events::metrics::StreamMetrics;
use crate::posters::Posters;
use crate::store::Db;
use crate::tmdb::TmdbClient;
use crate::tmdb::images::PosterLinks;

/// Everything a request handler or background task needs, built once at start-up.
#[derive(Clone)]
pub struct AppState {
    /// The database.
    pub db: Db,
    /// The settings the server was started with.
    pub config: Arc<Config>,
    /// Looks films up on TMDB, through the cache.
    pub resolver: Arc<Resolver>,
    /// Live event fan-out.
    pub hub: Hub,
    /// Wakes the engine when work arrives.
    pub engine: EngineHandle,
    /// Metrics of the live streams and of the TMDB client.
    pub metrics: StreamMetrics,
    /// Places for exports running at once (`REELSTREAM_MAX_EXPORTS`).
    pub exports: Arc<Semaphore>,
    /// What one client may ask of the instance.
    pub admission: Admission,
    /// Posters served through reelstream; `None` when links go straight to TMDB.
    pub posters: Option<Arc<Posters>>,
    /// Fires when the server begins to stop: live streams say goodbye.
    pub stopping: CancellationToken,
}

impl AppState {
    /// Connects to the database (migrating it) and assembles the state.
    pub async fn build(config: Config) -> anyhow::Result<Self> {
        let db = Db::connect(&config.database_url).await?;
        let tmdb = TmdbClient::new(config.tmdb())?;
        let metrics = StreamMetrics::with_collectors(vec![Box::new(tmdb.collector())]);
        let links = config.posters.links;
        let resolver = Resolver::new(tmdb, db.clone(), config.cache_ttl());
        let resolver = Arc::new(resolver.with_poster_links(links));
        let posters = match links {
            PosterLinks::Proxy => Some(Arc::new(Posters::new(
                &config.posters.image_base_url,
                &config.posters.cache_dir,
                config.posters.cache_max_bytes(),
            )?)),
            PosterLinks::Tmdb => None,
        };
        let hub = Hub::new(config.stream_buffer);
        let admission = Admission::new(config.admission.clone(), metrics.refusals.clone());
        Ok(Self {
            admission,
            posters,
            stopping: CancellationToken::new(),
            db,
            resolver,
            hub,
            engine: EngineHandle::default(),
            metrics,
            exports: Arc::new(Semaphore::new(config.max_exports.max(1))),
            config: Arc::new(config),
        })
    }

    /// Starts the enrichment engine on this state.
    pub async fn start_engine(&self, cancel: CancellationToken) -> anyhow::Result<Engine> {
        self.start_engine_scoped(cancel, None).await
    }

    /// Starts the enrichment engine on this state; with `only_session` set
    /// it looks up that session's films and no other's.
    pub async fn start_engine_scoped(
        &self,
        cancel: CancellationToken,
        only_session: Option<String>,
    ) -> anyhow::Result<Engine> {
        let settings = EngineSettings {
            window: self.config.engine_window.max(1),
            lease: self.config.lease(),
            database_url: &self.config.database_url,
            only_session,
            session_ttl: self
                .config
                .session_ttl_days
                .map(|days| Duration::from_secs(u64::from(days) * 86_400)),
            tmdb_budget: (self.config.tmdb_limits == TmdbLimits::Shared).then_some(Budget {
                rps: self.config.tmdb_rps,
                concurrency: self.config.tmdb_concurrency,
            }),
        };
        Ok(Engine::start(
            self.db.clone(),
            self.resolver.clone(),
            self.hub.clone(),
            &self.engine,
            settings,
            cancel,
        )
        .await?)
    }
}
