//! Replicas behind one address share TMDB's budget (issue 20): three
//! replica processes on one PostgreSQL database and one simulator stay
//! within the totals together, and when one is killed its heartbeat lapses
//! and the survivors take up its share.

#[macro_use]
mod common;

use std::time::{Duration, Instant};

use common::Backend;
use common::replica::Replica;
use reelstream::engine::budget::{HEARTBEAT, LAPSE};
use reelstream::store::{Db, replicas};
use reelstream::tmdb::sim::{SimConfig, Simulator};

/// Requests a second all replicas together may send.
const TOTAL_RPS: u32 = 30;
/// A 1-second window may hold one cell more per limiter than its rate (fencepost).
const SLACK: u64 = 3;

async fn live(db: &Db) -> u64 {
    let now = chrono::Utc::now().timestamp_millis();
    replicas::live(db, now - LAPSE.as_millis() as i64)
        .await
        .unwrap()
}

async fn wait_live(db: &Db, wanted: u64) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while live(db).await != wanted {
        assert!(
            Instant::now() < deadline,
            "{wanted} live replicas within 60 s"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // Every replica re-divides at its next beat.
    tokio::time::sleep(HEARTBEAT * 2).await;
}

/// The simulator's requests a second over `span`, and the peak in any 1-second window.
async fn rate(sim: &reelstream::tmdb::sim::SimHandle, span: Duration) -> (f64, u64) {
    sim.counters.reset();
    let before = sim.counters.snapshot().total;
    tokio::time::sleep(span).await;
    let after = sim.counters.snapshot();
    (
        (after.total - before) as f64 / span.as_secs_f64(),
        after.peak_rps,
    )
}

async fn three_replicas_stay_within_the_budget_and_survivors_take_up_a_share(backend: Backend) {
    let sim = Simulator::new(SimConfig::default())
        .spawn("127.0.0.1:0")
        .await
        .unwrap();
    let test_db = backend.create_db().await;
    let env = [
        ("REELSTREAM_TMDB_RPS", "30"),
        ("REELSTREAM_TMDB_CONCURRENCY", "6"),
        ("REELSTREAM_UPLOADS_PER_HOUR", "1000"),
    ];
    let a = Replica::start(&test_db.url, &sim, &env).await;
    let b = Replica::start(&test_db.url, &sim, &env).await;
    let c = Replica::start(&test_db.url, &sim, &env).await;
    let db = Db::connect(&test_db.url).await.unwrap();
    wait_live(&db, 3).await;

    // Films nobody made: several searches each, far more than a few seconds' budget.
    let mut csv = String::from("Title,Year\n");
    for n in 0..3000 {
        csv.push_str(&format!("Qzx Unmade Picture {n},1999\n"));
    }
    let form = reqwest::multipart::Form::new().part(
        "file",
        reqwest::multipart::Part::bytes(csv.into_bytes()).file_name("films.csv"),
    );
    let uploaded = reqwest::Client::new()
        .post(format!("{}/api/upload", a.url))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(uploaded.status(), 202);
    tokio::time::sleep(Duration::from_secs(1)).await;

    let (together, peak) = rate(&sim, Duration::from_secs(4)).await;
    println!("three replicas: {together:.1} requests/s, peak {peak} in a second");
    assert!(
        peak <= u64::from(TOTAL_RPS) + SLACK,
        "three replicas together peaked at {peak} requests a second, over the total of {TOTAL_RPS}"
    );
    assert!(
        together <= f64::from(TOTAL_RPS) + 1.0,
        "three replicas together sent {together:.1} requests a second"
    );
    assert!(
        together >= f64::from(TOTAL_RPS) * 0.7,
        "the budget is used: {together:.1}/s"
    );

    // One is killed: its heartbeat lapses, and the two left take 15 a second each.
    c.kill_9().await;
    wait_live(&db, 2).await;
    let (survivors, peak) = rate(&sim, Duration::from_secs(4)).await;
    println!("two survivors: {survivors:.1} requests/s, peak {peak} in a second");
    assert!(
        peak <= u64::from(TOTAL_RPS) + SLACK,
        "survivors peaked at {peak}"
    );
    assert!(
        survivors >= f64::from(TOTAL_RPS) * 0.8,
        "the survivors took up the killed replica's share: {survivors:.1}/s (two shares of a third would be {})",
        TOTAL_RPS * 2 / 3
    );
    drop((a, b));
}

on_postgres! {
    three_replicas_stay_within_the_budget_and_survivors_take_up_a_share,
}
