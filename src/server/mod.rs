//! The HTTP server under the application: accepts connections within caps,
//! reads them with deadlines, and stops gracefully. poem's own `Server`
//! offers neither a header deadline nor caps, and retries a failed accept
//! at once (a busy loop when open files run out), so reelstream runs hyper
//! itself with poem's endpoint as the service.

mod admission;
mod client;
mod idle;
mod settings;

pub use admission::{Admission, Refusal};
pub use settings::NetSettings;

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use hyper::body::Incoming;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto;
use poem::web::LocalAddr;
use poem::{EndpointExt, IntoEndpoint, Response};
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

use idle::IdleTimeout;

/// Headroom kept under the open-file limit for the database, TMDB and files.
const RESERVED_FILES: u64 = 256;

/// Raises the soft open-file limit to the hard one and returns the limit in
/// force, so the connection cap can stay under it.
pub fn raise_open_file_limit() -> Option<u64> {
    match rlimit::increase_nofile_limit(u64::MAX) {
        Ok(limit) => {
            tracing::info!(open_files = limit, "open-file limit raised to its maximum");
            Some(limit)
        }
        Err(error) => {
            tracing::warn!(%error, "could not raise the open-file limit");
            rlimit::getrlimit(rlimit::Resource::NOFILE)
                .ok()
                .map(|(soft, _)| soft)
        }
    }
}

/// The connection cap in force: the setting, held under the open-file limit.
pub fn connection_cap(settings: &NetSettings, open_files: Option<u64>) -> usize {
    let by_files = open_files
        .map(|limit| limit.saturating_sub(RESERVED_FILES).max(16))
        .and_then(|n| usize::try_from(n).ok())
        .unwrap_or(usize::MAX);
    settings.max_connections.min(by_files)
}

/// Serves `app` on `listener` until `shutdown`, then gives in-flight
/// requests `grace` to finish before closing what is left.
pub async fn run<E>(
    listener: TcpListener,
    app: E,
    settings: NetSettings,
    shutdown: CancellationToken,
    grace: Duration,
) -> std::io::Result<()>
where
    E: IntoEndpoint,
    E::Endpoint: 'static,
{
    let app: Arc<dyn poem::endpoint::DynEndpoint<Output = Response>> = Arc::new(
        poem::endpoint::ToDynEndpoint(app.into_endpoint().map_to_response()),
    );
    let cap = connection_cap(&settings, raise_open_file_limit());
    let admission = Admission::new(cap, settings.max_connections_per_client);
    let settings = Arc::new(settings);
    let local = LocalAddr(poem::Addr::SocketAddr(listener.local_addr()?));
    let connections = TaskTracker::new();
    let abandon = CancellationToken::new();
    let mut backoff = Backoff::default();
    loop {
        let (stream, peer) = tokio::select! {
            _ = shutdown.cancelled() => break,
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(error) => {
                    let pause = backoff.next();
                    tracing::warn!(%error, pause_ms = pause.as_millis() as u64, "accept failed; pausing");
                    tokio::time::sleep(pause).await;
                    continue;
                }
            },
        };
        backoff = Backoff::default();
        let trusted = settings.trusted_proxies.contains(&peer.ip());
        let permit = match admission.admit((!trusted).then_some(peer.ip())) {
            Ok(permit) => permit,
            Err(refusal) => {
                tracing::debug!(%peer, ?refusal, "connection refused");
                tokio::spawn(admission::refuse(stream, refusal));
                continue;
            }
        };
        let _ = stream.set_nodelay(true);
        let service = client::Service {
            app: app.clone(),
            local: local.clone(),
            peer,
            trusted,
            settings: settings.clone(),
            admission: admission.clone(),
        };
        let conn = Connection {
            settings: settings.clone(),
            shutdown: shutdown.clone(),
            abandon: abandon.clone(),
        };
        connections.spawn(async move {
            conn.serve(stream, service).await;
            drop(permit);
        });
    }
    drop(listener);
    connections.close();
    if tokio::time::timeout(grace, connections.wait())
        .await
        .is_err()
    {
        tracing::info!(
            open = connections.len(),
            "grace period over; closing what is left"
        );
        abandon.cancel();
        connections.wait().await;
    }
    Ok(())
}

/// What one connection task needs besides its socket.
struct Connection {
    settings: Arc<NetSettings>,
    shutdown: CancellationToken,
    abandon: CancellationToken,
}

impl Connection {
    async fn serve(self, stream: tokio::net::TcpStream, service: client::Service) {
        let io = TokioIo::new(IdleTimeout::new(stream, self.settings.idle_timeout()));
        let mut builder = auto::Builder::new(TokioExecutor::new());
        builder
            .http1()
            .timer(TokioTimer::new())
            .header_read_timeout(self.settings.header_timeout())
            // Refusals for size are ours to give as problem documents
            // (api/request_limits.rs); hyper's own limits sit above them.
            .max_headers(500);
        builder.http2().timer(TokioTimer::new());
        let service = hyper::service::service_fn(move |req: hyper::Request<Incoming>| {
            let service = service.clone();
            async move { Ok::<_, Infallible>(service.call(req).await) }
        });
        let conn = builder.serve_connection_with_upgrades(io, service);
        tokio::pin!(conn);
        tokio::select! {
            _ = conn.as_mut() => return,
            _ = self.shutdown.cancelled() => conn.as_mut().graceful_shutdown(),
            _ = self.abandon.cancelled() => return,
        }
        tokio::select! {
            _ = conn => {}
            _ = self.abandon.cancelled() => {}
        }
    }
}

/// Pauses between failed accepts: 10 ms doubling to 1 s, so running out of
/// open files neither spins a core nor floods the log.
#[derive(Default)]
struct Backoff {
    failures: u32,
}

impl Backoff {
    fn next(&mut self) -> Duration {
        self.failures = self.failures.saturating_add(1);
        let ms = 10u64 << (self.failures - 1).min(7);
        Duration::from_millis(ms.min(1000))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_backoff_doubles_to_a_second() {
        let mut backoff = Backoff::default();
        let pauses: Vec<u64> = (0..9).map(|_| backoff.next().as_millis() as u64).collect();
        assert_eq!(pauses, [10, 20, 40, 80, 160, 320, 640, 1000, 1000]);
    }
}
