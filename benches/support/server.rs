//! The release server as its own process, for the benchmarks: started on a
//! free port with the settings every benchmark shares, ready once `/readyz`
//! answers 200.

use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// Starts `reelstream serve` on a free loopback port against `database` and
/// the simulator at `tmdb_base_url`, with `extra` arguments; returns the
/// process and its base URL once it is ready. `BENCH_SERVER_LOG` sets its
/// log filter (`reelstream::engine=debug` shows the committer's batches).
pub async fn spawn(
    client: &reqwest::Client,
    database: &str,
    tmdb_base_url: &str,
    extra: &[&str],
) -> (Child, String) {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut child = Command::new(env!("CARGO_BIN_EXE_reelstream"))
        .args(["serve", "--bind", &format!("127.0.0.1:{port}")])
        .args(["--database-url", database, "--tmdb-base-url", tmdb_base_url])
        .args(["--tmdb-api-key", "bench", "--max-rows", "50000"])
        // Every request of a benchmark comes from one address: its load is
        // not a flood, so the per-client admission limits are lifted.
        .args([
            "--uploads-per-hour",
            "1000000",
            "--streams-per-client",
            "1000000",
        ])
        .args([
            "--writes-per-minute",
            "1000000",
            "--tmdb-calls-per-client",
            "1000000",
        ])
        .args(["--pending-films-per-client", "100000000"])
        .args(["--pending-films-total", "100000000"])
        .args(extra)
        .env(
            "RUST_LOG",
            std::env::var("BENCH_SERVER_LOG").unwrap_or_else(|_| "warn".into()),
        )
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("the reelstream binary starts");
    let url = format!("http://127.0.0.1:{port}");
    for _ in 0..400 {
        let ready = client.get(format!("{url}/readyz")).send().await;
        if ready.is_ok_and(|r| r.status() == 200) {
            return (child, url);
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let _ = child.kill();
    let _ = child.wait();
    panic!("server did not become ready");
}
