//! End-to-end benchmark of reelstream against the TMDB simulator with real
//! latency, a long-tailed jitter and TMDB's rate limit (SPEC §10).
//!
//! Run: `cargo bench --bench reelstream` (add `-- --quick` for a smoke run,
//! `-- --warm-only` for the warm-cache figure alone).
//! The server runs as its own process (the release binary), so its peak RSS
//! is its own; the simulator and the clients run in this process.

use std::process::Child;
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use eventsource_stream::Eventsource;
use futures_util::StreamExt;
use reelstream::tmdb::sim::{Catalog, SimConfig, SimHandle, Simulator};
use reelstream::tmdb::{TmdbAuth, TmdbClient, TmdbConfig};
use serde_json::Value;

/// TMDB's published limit, enforced by the simulator.
const RATE_LIMIT: u32 = 50;
/// The client stays just under it, as the server's default does under TMDB's.
const CLIENT_RPS: u32 = 48;
const LATENCY: Duration = Duration::from_millis(200);
const JITTER: Duration = Duration::from_millis(40);

struct Server {
    child: Child,
    url: String,
    client: reqwest::Client,
}

impl Server {
    async fn start(sim: &SimHandle, database: &str) -> Self {
        Self::start_with_rps(sim, database, CLIENT_RPS).await
    }

    async fn start_with_rps(sim: &SimHandle, database: &str, rps: u32) -> Self {
        let client = reqwest::Client::new();
        let rps = rps.to_string();
        let extra = [
            "--tmdb-rps",
            &rps,
            "--tmdb-concurrency",
            "20",
            // Every subscriber of the fan-out run comes from this one address.
            "--max-connections-per-client",
            "4096",
        ];
        let (child, url) = server::spawn(&client, database, &sim.base_url, &extra).await;
        Self { child, url, client }
    }

    async fn upload(&self, csv: String) -> (Value, Duration) {
        let started = Instant::now();
        let form = reqwest::multipart::Form::new().part(
            "file",
            reqwest::multipart::Part::bytes(csv.into_bytes()).file_name("films.csv"),
        );
        let response = self
            .client
            .post(format!("{}/api/upload", self.url))
            .multipart(form)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 202);
        let session = response.json().await.unwrap();
        (session, started.elapsed())
    }

    async fn wait_completed(&self, id: &str) -> Value {
        loop {
            let session: Value = self
                .client
                .get(format!("{}/api/session/{id}", self.url))
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            if session["status"] == "completed" {
                return session;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }

    /// Peak resident set size of the server process so far, in MiB.
    fn peak_rss_mib(&self) -> f64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))
            .unwrap_or_default();
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmHWM:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
            .map_or(f64::NAN, |kb| kb / 1024.0)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A catalog of `n` synthetic films (cloned from real ones, renamed), so a
/// cold run can look up thousands of distinct titles.
fn synthetic_catalog(n: usize) -> Arc<Catalog> {
    let real = Catalog::embedded();
    let movies = (0..n)
        .map(|i| {
            let mut movie = real.movies()[i % real.movies().len()].clone();
            movie.id = 50_000_000 + i as i64;
            movie.imdb_id = None;
            movie.title = format!("Benchmark Feature {i:05}");
            movie.original_title = None;
            movie.alternative_titles.clear();
            movie
        })
        .collect();
    Arc::new(Catalog::new(movies, Vec::new()).expect("a valid catalog"))
}

/// A CSV with a row per film of `films`; each row carries an identity of its
/// own (a Letterboxd URI), so a film repeated in it is two films of one
/// lookup, as two namesakes are, not one film seen twice.
fn csv_of(films: impl Iterator<Item = usize>, catalog: &Catalog) -> String {
    let mut csv = String::from("Title,Year,Letterboxd URI\n");
    for (row, i) in films.enumerate() {
        let movie = &catalog.movies()[i];
        let year = movie
            .release_date
            .as_deref()
            .and_then(|d| d.get(..4))
            .unwrap_or("");
        csv.push_str(&format!(
            "{},{year},https://boxd.it/bench{row}\n",
            movie.title
        ));
    }
    csv
}

/// Seconds to the first `movie` event on SSE after the upload's 202, and to `completed`.
async fn first_event_and_completion(
    server: &Server,
    csv: String,
) -> (Value, Duration, Duration, Duration) {
    let (session, upload_time) = server.upload(csv).await;
    let accepted = Instant::now();
    let id = session["id"].as_str().unwrap().to_owned();
    let response = server
        .client
        .get(format!("{}/api/session/{id}/events", server.url))
        .send()
        .await
        .unwrap();
    let mut events = response.bytes_stream().eventsource();
    let mut first = None;
    while let Some(Ok(event)) = events.next().await {
        if event.event == "movie" && first.is_none() {
            first = Some(accepted.elapsed());
        }
        if event.event == "completed" {
            break;
        }
    }
    let total = accepted.elapsed();
    (
        server.wait_completed(&id).await,
        upload_time,
        first.unwrap_or(total),
        total,
    )
}

/// The comparison point: batches of 10 started by a 10 s poll, each batch
/// waiting for its slowest member before the next starts.
async fn fixed_batch(
    sim: &SimHandle,
    catalog: &Catalog,
    films: std::ops::Range<usize>,
) -> (Duration, Duration) {
    let client = TmdbClient::new(TmdbConfig {
        base_url: sim.base_url.clone(),
        auth: Some(TmdbAuth::ApiKey("bench".into())),
        rps: CLIENT_RPS,
        concurrency: 20,
        ..TmdbConfig::default()
    })
    .unwrap();
    let started = Instant::now();
    // An upload lands on average halfway through the poll interval.
    tokio::time::sleep(Duration::from_secs(5)).await;
    let mut first = None;
    let titles: Vec<String> = films.map(|i| catalog.movies()[i].title.clone()).collect();
    for batch in titles.chunks(10) {
        let lookups = batch.iter().map(|title| {
            let client = client.clone();
            async move {
                let page = client.search_movie(title, None).await.unwrap();
                client.movie_details(page.results[0].id).await.unwrap();
            }
        });
        futures_util::future::join_all(lookups).await;
        first.get_or_insert(started.elapsed());
    }
    (first.unwrap(), started.elapsed())
}

/// p50 and p99 of delivery latency, commit to receipt, over 1 000 SSE subscribers.
async fn fan_out(
    server: &Server,
    catalog: &Catalog,
    films: std::ops::Range<usize>,
    database: &std::path::Path,
) -> (f64, f64, usize) {
    let count = films.len();
    let (session, _) = server.upload(csv_of(films, catalog)).await;
    let id = session["id"].as_str().unwrap().to_owned();
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(0)
        .build()
        .unwrap();
    let subscribers: Vec<_> = (0..1000)
        .map(|_| {
            let request = client
                .get(format!("{}/api/session/{id}/events", server.url))
                .header("last-event-id", "0");
            tokio::spawn(async move {
                let mut received = Vec::new();
                let response = request.send().await.unwrap();
                let connected = Utc::now();
                let mut events = response.bytes_stream().eventsource();
                while let Some(Ok(event)) = events.next().await {
                    if event.event == "movie" {
                        received.push((event.id.parse::<i64>().unwrap(), Utc::now()));
                    }
                    if event.event == "completed" {
                        break;
                    }
                }
                (connected, received)
            })
        })
        .collect();
    let mut received = Vec::new();
    for s in subscribers {
        received.push(s.await.unwrap());
    }
    // Commit times come from the event log, written in the same transaction.
    let db = reelstream::store::Db::connect(&format!("sqlite://{}?mode=rwc", database.display()))
        .await
        .unwrap();
    let log = reelstream::store::events::range(&db, &id, 0, None, 100_000)
        .await
        .unwrap();
    let committed: std::collections::HashMap<i64, DateTime<Utc>> =
        log.into_iter().map(|e| (e.seq, e.created_at)).collect();
    let mut latencies: Vec<f64> = Vec::new();
    let mut complete = 0;
    for (connected, subscriber) in &received {
        if subscriber.len() == count {
            complete += 1;
        }
        // Events committed before this subscriber connected were replayed from
        // the log: they measure the replay, not live delivery.
        for (seq, at) in subscriber
            .iter()
            .filter(|(seq, _)| committed[seq] > *connected)
        {
            let delay = (*at - committed[seq]).num_microseconds().unwrap() as f64 / 1000.0;
            latencies.push(delay);
        }
    }
    latencies.sort_by(f64::total_cmp);
    let pick = |q: f64| latencies[((latencies.len() as f64 - 1.0) * q) as usize];
    (pick(0.5), pick(0.99), complete)
}

/// Rows of the warm-cache upload and of the fresh server's RSS run.
const WARM_ROWS: usize = 10_000;

/// Uploads 10 000 rows cycling over the first `distinct` films (all already
/// cached) and prints the upload and upload → completed times.
async fn warm_cache(server: &Server, catalog: &Catalog, distinct: usize) {
    let warm = csv_of((0..WARM_ROWS).map(|i| i % distinct), catalog);
    let (session, upload_time) = server.upload(warm).await;
    let started = Instant::now();
    server.wait_completed(session["id"].as_str().unwrap()).await;
    let warm_total = started.elapsed() + upload_time;
    println!(
        "| upload parse + store, {WARM_ROWS} rows (until 202) | {:.0} ms | | |",
        upload_time.as_secs_f64() * 1000.0
    );
    println!(
        "| warm cache {WARM_ROWS} rows ({distinct} distinct films), upload → completed | {:.2} s | < 2 s | {} |",
        warm_total.as_secs_f64(),
        if warm_total.as_secs_f64() < 2.0 {
            "met"
        } else {
            "missed"
        }
    );
}

/// `--warm-only`: the warm-cache figure alone, the cache filled first by a
/// simulator without latency or rate limit (seconds instead of minutes).
async fn warm_only(distinct: usize) {
    let catalog = synthetic_catalog(distinct);
    let sim = Simulator::with_catalog(SimConfig::default(), catalog.clone())
        .spawn("127.0.0.1:0")
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let database = format!(
        "sqlite://{}?mode=rwc",
        dir.path().join("bench.db").display()
    );
    let server = Server::start_with_rps(&sim, &database, 100_000).await;
    let (session, _) = server.upload(csv_of(0..distinct, &catalog)).await;
    server.wait_completed(session["id"].as_str().unwrap()).await;
    println!("| figure | measured | floor / target | ratio |\n|---|---|---|---|");
    warm_cache(&server, &catalog, distinct).await;
    drop(server);
    let _ = sim.shutdown().await;
}

#[path = "reelstream/hostile.rs"]
mod hostile;
#[path = "support/server.rs"]
mod server;

#[tokio::main]
async fn main() {
    if std::env::args().any(|a| a == "--warm-only") {
        return warm_only(5_500).await;
    }
    if std::env::args().any(|a| a == "--hostile") {
        return hostile::run().await;
    }
    let quick = std::env::args().any(|a| a == "--quick");
    let (small, large) = if quick { (100, 300) } else { (500, 5000) };
    // Cold runs, the fixed-batch comparison and the fan-out each get titles of their own.
    let (batch_range, fan_range) = (
        small + large..small + large + 100,
        small + large + 100..small + large + 200,
    );
    let catalog = synthetic_catalog(small + large + 200);
    let sim_config = SimConfig {
        latency: LATENCY,
        jitter: JITTER,
        rate_limit: Some(RATE_LIMIT),
        max_connections: Some(20),
        seed: 42,
        ..SimConfig::default()
    };
    let sim = Simulator::with_catalog(sim_config, catalog.clone())
        .spawn("127.0.0.1:0")
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let db_path = dir.path().join("bench.db");
    let database = format!("sqlite://{}?mode=rwc", db_path.display());
    let server = Server::start(&sim, &database).await;
    let floor = |films: usize| (2 * films) as f64 / RATE_LIMIT as f64;
    println!("| figure | measured | floor / target | ratio |\n|---|---|---|---|");

    // Cold cache, two calls per film (search + details).
    let (_, _, first, total) =
        first_event_and_completion(&server, csv_of(0..small, &catalog)).await;
    let two_round_trips = 2.0 * (LATENCY + JITTER).as_secs_f64();
    println!(
        "| cold {small} films, upload → completed | {:.2} s | {:.2} s (calls ÷ {RATE_LIMIT}/s) | {:.0} % of ceiling |",
        total.as_secs_f64(),
        floor(small),
        100.0 * floor(small) / total.as_secs_f64()
    );
    println!(
        "| 202 → first `movie` event (SSE) | {:.0} ms | {:.0} ms (2 round trips) | {:.2}× |",
        first.as_secs_f64() * 1000.0,
        two_round_trips * 1000.0,
        first.as_secs_f64() / two_round_trips
    );
    let snapshot_before = sim.counters.snapshot().rate_limited;

    let (_, _, _, total) =
        first_event_and_completion(&server, csv_of(small..small + large, &catalog)).await;
    println!(
        "| cold {large} films, upload → completed | {:.1} s | {:.1} s | {:.0} % of ceiling |",
        total.as_secs_f64(),
        floor(large),
        100.0 * floor(large) / total.as_secs_f64()
    );
    println!(
        "| 429s served during the cold runs | {} | 0 | |",
        sim.counters.snapshot().rate_limited - snapshot_before
    );

    // The fixed-batch design on fresh titles, same simulator and limits.
    let batch_films = batch_range.len();
    let (batch_first, batch_total) = fixed_batch(&sim, &catalog, batch_range.clone()).await;
    println!(
        "| fixed batches of 10 + 10 s poll: first film | {:.0} ms | reelstream {:.0} ms | {:.1}× slower |",
        batch_first.as_secs_f64() * 1000.0,
        first.as_secs_f64() * 1000.0,
        batch_first.as_secs_f64() / first.as_secs_f64()
    );
    let per_film_batch = (batch_total.as_secs_f64() - 5.0) / batch_films as f64;
    let per_film_ours = total.as_secs_f64() / large as f64;
    println!(
        "| fixed batches: time per film | {:.0} ms | reelstream {:.0} ms | {:.1}× slower |",
        per_film_batch * 1000.0,
        per_film_ours * 1000.0,
        per_film_batch / per_film_ours
    );

    // Warm cache: 10 000 rows of films enriched above.
    warm_cache(&server, &catalog, small + large).await;
    println!(
        "| server peak RSS (after all runs above) | {:.0} MiB | < 150 MB | |",
        server.peak_rss_mib()
    );

    // A fresh server process enriching 10 000 rows, for its own peak RSS.
    drop(server);
    let fresh = Server::start(&sim, &database).await;
    let (session, _) = fresh
        .upload(csv_of(
            (0..WARM_ROWS).map(|i| i % (small + large)),
            &catalog,
        ))
        .await;
    fresh.wait_completed(session["id"].as_str().unwrap()).await;
    println!(
        "| peak RSS of a fresh server enriching {WARM_ROWS} rows | {:.0} MiB | < 150 MB | |",
        fresh.peak_rss_mib()
    );

    // 1 000 SSE subscribers on one session (100 cold films).
    let (p50, p99, complete) = fan_out(&fresh, &catalog, fan_range, &db_path).await;
    println!("| 1 000 SSE subscribers: all events received | {complete} / 1000 | 1000 | |");
    println!(
        "| 1 000 SSE subscribers: delivery p50 / p99 | {p50:.1} / {p99:.1} ms | p99 < 50 ms | |"
    );
    drop(fresh);
    let _ = sim.shutdown().await;
}
