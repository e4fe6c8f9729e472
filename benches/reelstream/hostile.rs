//! `--hostile`: what a server holds under load that does not finish — a
//! backlog of pending films, and idle connections (issue 15).

use std::time::{Duration, Instant};

use reelstream::tmdb::sim::{SimConfig, Simulator};
use tokio::net::TcpStream;

use super::Server;

/// Rows per upload of the large backlog (the default row limit).
const ROWS_PER_UPLOAD: usize = 50_000;

/// Sessions of the large backlog: 40 × 50 000 = 2 000 000 pending films.
const SESSIONS: usize = 40;

/// Idle connections held while `/healthz` is timed.
const IDLE_CONNECTIONS: usize = 2_000;

/// A CSV of `rows` titles no catalog has, numbered from `from`.
fn unknown_films(from: usize, rows: usize) -> String {
    let mut csv = String::with_capacity(rows * 32);
    csv.push_str("Title,Year\n");
    for n in from..from + rows {
        csv.push_str(&format!("Backlog Film {n},{}\n", 1950 + n % 70));
    }
    csv
}

/// Peak RSS of a fresh server that holds `sessions` uploads of `rows` films
/// each, all pending: the simulator answers so slowly that next to nothing
/// finishes while the scheduler wakes, pages and claims for 30 s.
async fn backlog_peak(sessions: usize, rows: usize) -> f64 {
    let sim = Simulator::new(SimConfig {
        latency: Duration::from_secs(20),
        ..SimConfig::default()
    })
    .spawn("127.0.0.1:0")
    .await
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let database = format!(
        "sqlite://{}?mode=rwc",
        dir.path().join("backlog.db").display()
    );
    let server = Server::start(&sim, &database).await;
    for s in 0..sessions {
        server.upload(unknown_films(s * rows, rows)).await;
    }
    tokio::time::sleep(Duration::from_secs(30)).await;
    let peak = server.peak_rss_mib();
    drop(server);
    let _ = sim.shutdown().await;
    peak
}

/// `/healthz` latency (p50, p99 in ms) over 1 000 requests while
/// [`IDLE_CONNECTIONS`] connections that send nothing are held open.
async fn healthz_beside_idle_connections() -> (f64, f64, usize) {
    // The bench process holds the idle connections itself.
    let _ = rlimit::increase_nofile_limit(u64::MAX);
    let sim = Simulator::new(SimConfig::default())
        .spawn("127.0.0.1:0")
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let database = format!("sqlite://{}?mode=rwc", dir.path().join("idle.db").display());
    let server = Server::start(&sim, &database).await;
    let addr = server.url.trim_start_matches("http://").to_owned();
    let mut idle = Vec::with_capacity(IDLE_CONNECTIONS);
    for _ in 0..IDLE_CONNECTIONS {
        idle.push(TcpStream::connect(&addr).await.unwrap());
    }
    let mut latencies = Vec::with_capacity(1000);
    let mut answered = 0;
    for _ in 0..1000 {
        let started = Instant::now();
        let response = server
            .client
            .get(format!("{}/healthz", server.url))
            .send()
            .await;
        if response.is_ok_and(|r| r.status() == 200) {
            answered += 1;
        }
        latencies.push(started.elapsed().as_secs_f64() * 1000.0);
    }
    latencies.sort_by(f64::total_cmp);
    drop(idle);
    drop(server);
    let _ = sim.shutdown().await;
    (latencies[500], latencies[990], answered)
}

/// Prints the `--hostile` figures as table rows.
pub async fn run() {
    println!("| figure | measured | target | |\n|---|---|---|---|");
    let small = backlog_peak(1, 10_000).await;
    println!("| peak RSS, 10 000 films pending in 1 session | {small:.0} MiB | < 200 MB | |");
    let large = backlog_peak(SESSIONS, ROWS_PER_UPLOAD).await;
    println!(
        "| peak RSS, 2 000 000 films pending in {SESSIONS} sessions | {large:.0} MiB | < 200 MB | {:.1}× the 10 000 |",
        large / small
    );
    let (p50, p99, answered) = healthz_beside_idle_connections().await;
    println!(
        "| `/healthz` beside {IDLE_CONNECTIONS} idle connections: answered, p50 / p99 | {answered} / 1000, {p50:.1} / {p99:.1} ms | all | |"
    );
}
