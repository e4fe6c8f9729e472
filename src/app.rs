//! The life cycle of the server and its background engine: bind, serve,
//! stop gracefully.

use std::net::SocketAddr;
use std::time::Duration;

use anyhow::Context;
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

use crate::config::Config;
use crate::engine::Engine;
use crate::state::AppState;

/// A server running in the background, as tests and the demo use it.
pub struct RunningServer {
    /// The address it listens on.
    pub addr: SocketAddr,
    /// The state it serves.
    pub state: AppState,
    shutdown: CancellationToken,
    task: tokio::task::JoinHandle<std::io::Result<()>>,
    engine: Engine,
}

impl RunningServer {
    /// Base URL, e.g. `http://127.0.0.1:41234`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Stops accepting, lets in-flight requests finish, stops the engine
    /// (unfinished lookups stay pending for the next start) and waits.
    pub async fn stop(self) -> anyhow::Result<()> {
        self.shutdown.cancel();
        self.engine.join().await;
        self.task.await??;
        Ok(())
    }
}

/// How long in-flight requests get to finish on shutdown.
const GRACE: Duration = Duration::from_secs(10);

/// Binds `config.bind` (port 0 picks a free port), starts the engine and
/// serves in the background.
pub async fn spawn(config: Config) -> anyhow::Result<RunningServer> {
    let listener = TcpListener::bind(config.bind.as_str())
        .await
        .with_context(|| format!("cannot listen on {}", config.bind))?;
    let addr = listener.local_addr()?;
    let net = config.net.clone();
    let state = AppState::build(config).await?;
    let shutdown = state.stopping.clone();
    let engine = state.start_engine(shutdown.child_token()).await?;
    let app = crate::api::router(state.clone());
    let signal = shutdown.clone();
    let task = tokio::spawn(crate::server::run(listener, app, net, signal, GRACE));
    tracing::info!(%addr, "reelstream listening");
    Ok(RunningServer {
        addr,
        state,
        shutdown,
        task,
        engine,
    })
}

/// Serves until SIGTERM or Ctrl-C, then shuts down gracefully.
pub async fn serve(config: Config) -> anyhow::Result<()> {
    if config.tmdb_api_key.is_none() && config.tmdb_read_token.is_none() {
        tracing::warn!(
            "no TMDB_API_KEY or TMDB_READ_TOKEN: TMDB will refuse every lookup; \
             run `reelstream demo` to try reelstream offline"
        );
    }
    let server = spawn(config).await?;
    shutdown_signal().await;
    tracing::info!("shutting down");
    server.stop().await
}

/// `reelstream demo`: a simulator on a free loopback port, and the server
/// pointed at it, until SIGTERM or Ctrl-C.
pub async fn demo(mut config: Config, latency: Duration) -> anyhow::Result<()> {
    use crate::tmdb::sim::{SimConfig, Simulator};
    let sim = SimConfig {
        latency,
        jitter: latency / 3,
        ..SimConfig::default()
    };
    let sim = Simulator::new(sim).spawn("127.0.0.1:0").await?;
    if config.database_url == crate::config::DEFAULT_DATABASE_URL {
        config.database_url = "sqlite://reelstream-demo.db?mode=rwc".into();
    }
    config.tmdb_base_url = sim.base_url.clone();
    // The simulator draws the posters too: the offline page shows them,
    // kept apart from a real server's cache of TMDB's images.
    config.posters.image_base_url = sim.image_base_url();
    if config.posters.cache_dir == std::path::Path::new(crate::config::DEFAULT_POSTER_CACHE_DIR) {
        config.posters.cache_dir = "reelstream-demo-posters".into();
    }
    config.tmdb_api_key = Some("demo".into());
    config.tmdb_read_token = None;
    let bind = config.bind.clone();
    let server = spawn(config).await?;
    tracing::info!(
        "demo: open http://{bind}/ and upload a Letterboxd export; TMDB is simulated offline at {}",
        sim.base_url
    );
    shutdown_signal().await;
    tracing::info!("shutting down");
    server.stop().await?;
    sim.shutdown().await?;
    Ok(())
}

/// Resolves on the first SIGTERM or Ctrl-C.
pub(crate) async fn shutdown_signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
            .expect("installing the SIGTERM handler cannot fail on unix");
        tokio::select! {
            _ = ctrl_c => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    let _ = ctrl_c.await;
}
