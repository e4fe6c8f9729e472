//! The real client against the simulator, over loopback HTTP.

mod faults;
mod hostile;
mod limits;
mod logs;
mod lookups;
mod secrets;
mod wire;

use std::time::Duration;

use super::sim::{SimConfig, SimHandle, Simulator};
use super::{TmdbAuth, TmdbClient, TmdbConfig};

/// The API key every test client sends; distinctive so a leak is easy to spot.
const KEY: &str = "k3y-5d41402abc4b2a76b9719d911017c592";

/// A simulator on a free loopback port.
async fn sim(config: SimConfig) -> SimHandle {
    Simulator::new(config)
        .spawn("127.0.0.1:0")
        .await
        .expect("simulator binds a loopback port")
}

/// A client of `sim` with the test key, fast backoff, adjusted by `tweak`.
fn client(sim: &SimHandle, tweak: impl FnOnce(&mut TmdbConfig)) -> TmdbClient {
    let mut cfg = TmdbConfig {
        base_url: sim.base_url.clone(),
        auth: Some(TmdbAuth::ApiKey(KEY.into())),
        rps: 200,
        concurrency: 8,
        timeout: Duration::from_secs(5),
        max_retries: 3,
        backoff_base: Duration::from_millis(5),
        ..TmdbConfig::default()
    };
    tweak(&mut cfg);
    TmdbClient::new(cfg).expect("valid client settings")
}

/// Ids of the embedded catalog's films, for load tests.
fn movie_ids(n: usize) -> Vec<i64> {
    let catalog = super::sim::Catalog::embedded();
    catalog
        .movies()
        .iter()
        .map(|m| m.id)
        .cycle()
        .take(n)
        .collect()
}
