//! The connection settings: timeouts and caps, each a flag and an environment
//! variable, with nginx-like defaults (README, "Running it on the internet").

use std::net::IpAddr;
use std::time::Duration;

use clap::Args;

/// How the server treats connections.
#[derive(Clone, Debug, Args)]
pub struct NetSettings {
    /// Seconds a client has to send a request's headers, counted from the
    /// connection's first byte or the end of its previous request.
    #[arg(long, env = "REELSTREAM_HEADER_TIMEOUT_SECS", default_value_t = 60)]
    pub header_timeout_secs: u64,

    /// Seconds a connection may stay silent both ways (an idle keep-alive, a
    /// stalled upload or download) before it is closed.
    #[arg(long, env = "REELSTREAM_IDLE_TIMEOUT_SECS", default_value_t = 75)]
    pub idle_timeout_secs: u64,

    /// Seconds allowed between two reads of a request body; a body that
    /// stalls longer is answered 408.
    #[arg(long, env = "REELSTREAM_BODY_TIMEOUT_SECS", default_value_t = 60)]
    pub body_timeout_secs: u64,

    /// Most connections open at once (also held under the open-file limit).
    #[arg(long, env = "REELSTREAM_MAX_CONNECTIONS", default_value_t = 4096)]
    pub max_connections: usize,

    /// Most connections, or requests in flight behind a trusted proxy, from
    /// one client address.
    #[arg(
        long,
        env = "REELSTREAM_MAX_CONNECTIONS_PER_CLIENT",
        default_value_t = 256
    )]
    pub max_connections_per_client: usize,

    /// Proxies whose `X-Forwarded-For` names the client (comma-separated IPs).
    #[arg(long, env = "REELSTREAM_TRUSTED_PROXIES", value_delimiter = ',')]
    pub trusted_proxies: Vec<IpAddr>,
}

impl NetSettings {
    /// The header-read deadline.
    pub fn header_timeout(&self) -> Duration {
        Duration::from_secs(self.header_timeout_secs)
    }

    /// The silence after which a connection is closed.
    pub fn idle_timeout(&self) -> Duration {
        Duration::from_secs(self.idle_timeout_secs)
    }

    /// The longest wait for the next piece of a request body.
    pub fn body_timeout(&self) -> Duration {
        Duration::from_secs(self.body_timeout_secs)
    }
}
