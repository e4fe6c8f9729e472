//! An offline TMDB v3 simulator: the endpoints reelstream uses, over a real
//! catalog, with TMDB's auth, errors and rate limits, and seeded faults
//! (latency, jitter, 5xx, 400s, timeouts, dropped connections, malformed
//! JSON), and a hostile mode that echoes the credentials in its errors.
//!
//! Mount it in-process with [`Simulator::endpoint`], or bind it with
//! [`Simulator::spawn`] and point a [`crate::tmdb::TmdbClient`] at
//! [`SimHandle::base_url`].

mod catalog;
mod config;
mod counters;
mod echo;
mod faults;
mod render;
mod search;
mod server;

use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use poem::listener::TcpAcceptor;
use poem::{Endpoint, Response, Server};
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

pub use catalog::{Catalog, CatalogCast, CatalogError, CatalogMovie, CatalogPerson, CatalogTv};
pub use config::SimConfig;
pub use counters::{Counters, CountersSnapshot};

use server::{SimEndpoint, SimState};

/// How long open connections get to finish once shutdown starts.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(1);

/// A configured simulator, ready to mount or bind.
#[derive(Debug)]
pub struct Simulator {
    state: Arc<SimState>,
}

impl Simulator {
    /// A simulator over the embedded catalog.
    pub fn new(config: SimConfig) -> Self {
        Self::with_catalog(config, Catalog::embedded())
    }

    /// A simulator over a given catalog (tests, benchmarks).
    pub fn with_catalog(config: SimConfig, catalog: Arc<Catalog>) -> Self {
        Self {
            state: Arc::new(SimState::new(config, catalog)),
        }
    }

    /// Its counters, shared with every endpoint and handle it makes.
    pub fn counters(&self) -> Arc<Counters> {
        self.state.counters.clone()
    }

    /// The simulator as a poem endpoint serving `/3/…`, to mount in-process.
    pub fn endpoint(&self) -> impl Endpoint<Output = Response> + use<> {
        SimEndpoint {
            state: self.state.clone(),
        }
    }

    /// Binds `bind` (`"127.0.0.1:0"` for a free port) and serves in the
    /// background until the handle is shut down or dropped.
    pub async fn spawn(self, bind: &str) -> io::Result<SimHandle> {
        let listener = tokio::net::TcpListener::bind(bind).await?;
        let addr = listener.local_addr()?;
        let acceptor = TcpAcceptor::from_tokio(listener)?;
        let shutdown = self.state.shutdown.clone();
        let counters = self.counters();
        let endpoint = self.endpoint();
        let signal = shutdown.clone().cancelled_owned();
        let task = tokio::spawn(async move {
            Server::new_with_acceptor(acceptor)
                .name("tmdb-sim")
                .run_with_graceful_shutdown(endpoint, signal, Some(SHUTDOWN_GRACE))
                .await
        });
        Ok(SimHandle {
            base_url: format!("http://{addr}/3"),
            addr,
            counters,
            shutdown,
            task: Some(task),
        })
    }
}

/// A running simulator. Dropping it starts a graceful shutdown.
#[derive(Debug)]
pub struct SimHandle {
    /// The API root to give a client, `http://127.0.0.1:PORT/3`.
    pub base_url: String,
    /// The bound address.
    pub addr: SocketAddr,
    /// What it has served.
    pub counters: Arc<Counters>,
    shutdown: CancellationToken,
    task: Option<JoinHandle<io::Result<()>>>,
}

impl SimHandle {
    /// The image host's base to give a client, `http://127.0.0.1:PORT/t/p`.
    pub fn image_base_url(&self) -> String {
        format!("http://{}/t/p", self.addr)
    }

    /// Stops accepting, ends hanging requests, and waits (about a second at
    /// most) for open connections to close.
    pub async fn shutdown(mut self) -> io::Result<()> {
        self.shutdown.cancel();
        match self.task.take() {
            Some(task) => task.await.map_err(io::Error::other)?,
            None => Ok(()),
        }
    }
}

impl Drop for SimHandle {
    fn drop(&mut self) {
        self.shutdown.cancel();
    }
}

/// Runs a simulator on `bind` until Ctrl-C (the CLI's simulator command),
/// over the catalog file `catalog` or the embedded one; prints its base URL
/// on stdout so scripts can pick a free port.
pub async fn serve(
    config: SimConfig,
    bind: &str,
    catalog: Option<&std::path::Path>,
) -> io::Result<()> {
    config
        .validate()
        .map_err(|e| io::Error::new(io::ErrorKind::InvalidInput, e))?;
    let catalog = match catalog {
        Some(path) => Arc::new(
            Catalog::from_path(path)
                .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e.to_string()))?,
        ),
        None => Catalog::embedded(),
    };
    let (movies, tv) = (catalog.movies().len(), catalog.tv().len());
    let handle = Simulator::with_catalog(config, catalog).spawn(bind).await?;
    tracing::info!(base_url = %handle.base_url, movies, tv, "TMDB simulator listening");
    println!("{}", handle.base_url);
    tokio::signal::ctrl_c().await?;
    handle.shutdown().await
}
