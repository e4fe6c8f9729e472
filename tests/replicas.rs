//! Several replicas on one PostgreSQL database: work shared through leases
//! (each film enriched once), every event delivered to every replica's
//! subscribers once and in order (LISTEN/NOTIFY, read from the log), the
//! listener surviving a dropped connection, and a replica killed with
//! SIGKILL mid-session whose films another replica takes over once their
//! leases expire. Plus the SQLite counterpart of a kill: a restart on the
//! file resumes at once.

mod common;

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use common::replica::Replica;
use common::{Backend, TestApp, TestDb, test_config};
use reelstream::app::{self, RunningServer};
use reelstream::domain::{MovieStatus, SessionStatus};
use reelstream::events::Published;
use reelstream::store::entities::{event, movie};
use reelstream::store::{Db, sessions};
use reelstream::tmdb::sim::{Catalog, SimConfig, Simulator};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Statement,
};
use serde_json::Value;
use tokio::sync::broadcast;

const LONG: Duration = Duration::from_secs(120);

/// A CSV of `n` distinct catalog films keyed by TMDB id: each costs exactly
/// one details request, so the simulator's counters show double work.
fn films_by_tmdb_id(n: usize) -> (String, Vec<i64>) {
    let catalog = Catalog::embedded();
    let mut csv = String::from("title,year,tmdb_id\n");
    let mut ids = Vec::new();
    for movie in catalog.movies().iter().take(n) {
        let year = movie.year().map(|y| y.to_string()).unwrap_or_default();
        csv.push_str(&format!(
            "\"{}\",{year},{}\n",
            movie.title.replace('"', "\"\""),
            movie.id
        ));
        ids.push(movie.id);
    }
    assert_eq!(ids.len(), n, "the catalog has {n} films");
    (csv, ids)
}

/// One event as a subscriber got it.
#[derive(Debug)]
struct Got {
    seq: i64,
    kind: String,
    data: Value,
}

/// Receives a hub's events for a session until `completed`, as a subscriber
/// whose snapshot of the log ends at `from` does: an event committed between
/// its subscription and its snapshot may arrive live as well, and is dropped
/// by seq (as the SSE and WebSocket streams drop it).
async fn collect(mut rx: broadcast::Receiver<Arc<Published>>, from: i64) -> Vec<Got> {
    let mut events = Vec::new();
    loop {
        let event = tokio::time::timeout(LONG, rx.recv())
            .await
            .expect("an event within the time limit")
            .expect("no lag, no close before completed");
        if event.seq() <= from {
            continue;
        }
        events.push(Got {
            seq: event.seq(),
            kind: event.kind().to_owned(),
            data: serde_json::from_str(event.json()).unwrap(),
        });
        if event.is_final() {
            return events;
        }
    }
}

/// A real SSE client on `base_url`: the snapshot's seq, then the events
/// after it until `completed`.
async fn sse(base_url: &str, session_id: &str) -> (i64, Vec<Got>) {
    let response = reqwest::Client::new()
        .get(format!("{base_url}/api/session/{session_id}/events"))
        .header("accept", "text/event-stream")
        .send()
        .await
        .expect("SSE request");
    let mut messages = common::live::read_sse(response, usize::MAX)
        .await
        .into_iter();
    let snapshot = messages.next().expect("a snapshot first");
    assert_eq!(snapshot.event, "snapshot");
    let from = snapshot.data["seq"].as_i64().unwrap();
    let got = messages
        .map(|m| Got {
            seq: m.id.parse().expect("id: is the seq"),
            kind: m.event,
            data: m.data,
        })
        .collect();
    (from, got)
}

/// Asserts a subscriber that subscribed when the log ended at `from` got
/// every later event exactly once, in order, ending with `completed`, and
/// that they are the logged ones.
async fn assert_once_in_order(db: &Db, session_id: &str, from: i64, got: &[Got]) {
    let logged = event::Entity::find()
        .filter(event::Column::SessionId.eq(session_id))
        .order_by_asc(event::Column::Seq)
        .all(db.conn())
        .await
        .unwrap();
    let seqs: Vec<i64> = got.iter().map(|e| e.seq).collect();
    let last = logged.last().map_or(0, |e| e.seq);
    // Subscribers drop what their snapshot holds (SSE does, and `collect`
    // does for a bare hub), so the stream starts right after it.
    let start = from + 1;
    assert_eq!(
        seqs,
        (start..=last).collect::<Vec<_>>(),
        "every event after {from} once and in order"
    );
    assert_eq!(
        logged.iter().map(|e| e.seq).collect::<Vec<_>>(),
        (1..=last).collect::<Vec<_>>(),
        "the log is dense"
    );
    for (event, row) in got.iter().zip(&logged[(start - 1) as usize..]) {
        assert_eq!(event.kind, row.kind, "seq {}", row.seq);
        let logged: Value = serde_json::from_str(&row.payload).unwrap();
        assert_eq!(event.data, logged, "seq {}", row.seq);
    }
    assert_eq!(got.last().map(|e| e.kind.as_str()), Some("completed"));
}

/// Asserts each movie row got exactly one `movie` event (no film finalised
/// twice) and the session's counters equal what the rows say.
async fn assert_each_row_final_once(db: &Db, session_id: &str) {
    let rows = movie::Entity::find()
        .filter(movie::Column::SessionId.eq(session_id))
        .all(db.conn())
        .await
        .unwrap();
    assert!(
        rows.iter().all(|m| m.status != MovieStatus::Pending),
        "none pending"
    );
    let mut per_row: BTreeMap<i64, usize> = BTreeMap::new();
    for e in event::Entity::find()
        .filter(event::Column::SessionId.eq(session_id))
        .filter(event::Column::Kind.eq("movie"))
        .all(db.conn())
        .await
        .unwrap()
    {
        let payload: Value = serde_json::from_str(&e.payload).unwrap();
        *per_row
            .entry(payload["movie"]["id"].as_i64().unwrap())
            .or_default() += 1;
    }
    assert_eq!(per_row.len(), rows.len(), "one event per row");
    assert!(per_row.values().all(|n| *n == 1), "{per_row:?}");
    let session = sessions::get(db, session_id).await.unwrap().unwrap();
    let count = |s: MovieStatus| rows.iter().filter(|m| m.status == s).count() as i32;
    assert_eq!(session.status, SessionStatus::Completed);
    assert_eq!(session.total_movies, rows.len() as i32);
    assert_eq!(session.enriched_count, count(MovieStatus::Enriched));
    assert_eq!(session.unmatched_count, count(MovieStatus::Unmatched));
    assert_eq!(session.failed_count, count(MovieStatus::Failed));
    assert_eq!(
        session.processed_count,
        session.enriched_count + session.unmatched_count + session.failed_count
    );
}

/// The owners of the leases held now.
async fn lease_owners(db: &Db) -> BTreeSet<String> {
    movie::Entity::find()
        .select_only()
        .column(movie::Column::LeaseOwner)
        .filter(movie::Column::LeaseOwner.is_not_null())
        .filter(movie::Column::Status.eq("pending"))
        .distinct()
        .into_tuple::<String>()
        .all(db.conn())
        .await
        .unwrap()
        .into_iter()
        .collect()
}

/// Two servers in one process on one database: an upload on A is enriched
/// by both, each film once; a real SSE client on B and a subscriber of A's
/// hub each get every event once and in order.
async fn two_replicas_share_the_work_and_every_event_reaches_both(backend: Backend) {
    let sim = SimConfig {
        latency: Duration::from_millis(40),
        ..SimConfig::default()
    };
    let settings = |c: &mut reelstream::config::Config| {
        c.engine_window = 4;
        c.lease_secs = 5;
    };
    let a = TestApp::spawn_on_with_sim(&backend, sim, settings).await;
    let b = a.replica(settings).await;
    let (csv, ids) = films_by_tmdb_id(80);
    let session = a.upload_csv(&csv).await;
    let id = session["id"].as_str().unwrap().to_owned();
    let on_a = a.server.state.hub.subscribe(&id);
    // What a subscriber does next: read where the log stands.
    let from = sessions::get(&a.server.state.db, &id)
        .await
        .unwrap()
        .unwrap()
        .last_seq;
    let on_a = tokio::spawn(collect(on_a, from));
    let on_b = tokio::spawn({
        let (url, id) = (b.url(), id.clone());
        async move { sse(&url, &id).await }
    });

    // Both replicas hold leases on the session's films at some point.
    let mut owners = BTreeSet::new();
    let deadline = tokio::time::Instant::now() + LONG;
    while !on_b.is_finished() && tokio::time::Instant::now() < deadline {
        owners.extend(lease_owners(&b.state.db).await);
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let (from_b, got_b) = on_b.await.unwrap();
    let got_a = on_a.await.unwrap();
    assert_once_in_order(&b.state.db, &id, from_b, &got_b).await;
    assert_once_in_order(&a.server.state.db, &id, from, &got_a).await;
    assert_each_row_final_once(&a.server.state.db, &id).await;
    let replicas: BTreeSet<String> = [
        a.server.state.engine.replica_id().to_owned(),
        b.state.engine.replica_id().to_owned(),
    ]
    .into();
    // A announces the upload (NOTIFY reelstream_work), so B joins at once
    // rather than at its idle poll: both claim films of the session.
    assert_eq!(owners, replicas, "both replicas claimed films");

    let counters = a.sim.counters.snapshot();
    for id in ids {
        assert_eq!(counters.movie_details_requests(id), 1, "film {id}");
    }
    b.stop().await.unwrap();
}

/// Kills the listening connections of the database now; returns how many.
async fn kill_listeners(db: &Db) -> usize {
    db.conn()
        .query_all_raw(Statement::from_string(
            db.backend(),
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
             WHERE datname = current_database() AND query ILIKE 'LISTEN%'",
        ))
        .await
        .unwrap()
        .len()
}

/// The listening connection is killed again and again: for a while
/// mid-session (later announcements fill the gap from the log), and from
/// near the end until the session has completed (only the replay after the
/// reconnect can deliver that tail). Subscribers get every event once and in
/// order all the same.
async fn the_listener_reconnects_and_replays_what_it_missed(backend: Backend) {
    let sim = SimConfig {
        latency: Duration::from_millis(30),
        ..SimConfig::default()
    };
    let app = TestApp::spawn_on_with_sim(&backend, sim, |c| c.engine_window = 2).await;
    let (csv, _) = films_by_tmdb_id(60);
    let session = app.upload_csv(&csv).await;
    let id = session["id"].as_str().unwrap().to_owned();
    let db = app.server.state.db.clone();
    let rx = app.server.state.hub.subscribe(&id);
    let from = sessions::get(&db, &id).await.unwrap().unwrap().last_seq;
    let events = tokio::spawn(collect(rx, from));

    wait_processed(&db, &id, 15).await;
    let mut killed = 0;
    let outage = tokio::time::Instant::now() + Duration::from_millis(400);
    while tokio::time::Instant::now() < outage {
        killed += kill_listeners(&db).await;
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert!(killed >= 1, "the listening connection was found and killed");

    wait_processed(&db, &id, 50).await;
    killed = 0;
    loop {
        killed += kill_listeners(&db).await;
        let now = sessions::get(&db, &id).await.unwrap().unwrap();
        if now.status == SessionStatus::Completed {
            break;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    killed += kill_listeners(&db).await;
    assert!(killed >= 1, "the listening connection was found and killed");
    let got = events.await.unwrap();
    assert_once_in_order(&db, &id, from, &got).await;
}

async fn upload_to(url: &str, csv: &str) -> Value {
    let form = reqwest::multipart::Form::new().part(
        "file",
        reqwest::multipart::Part::bytes(csv.as_bytes().to_vec()).file_name("films.csv"),
    );
    let response = reqwest::Client::new()
        .post(format!("{url}/api/upload"))
        .multipart(form)
        .send()
        .await
        .expect("upload");
    assert_eq!(response.status(), 202);
    response.json().await.unwrap()
}

async fn wait_processed(db: &Db, id: &str, at_least: i32) {
    let deadline = tokio::time::Instant::now() + LONG;
    loop {
        let now = sessions::get(db, id).await.unwrap().unwrap();
        if now.processed_count >= at_least {
            assert_eq!(now.status, SessionStatus::Enriching, "still mid-session");
            return;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "no progress: {now:?}"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

async fn wait_completed(db: &Db, id: &str) {
    let deadline = tokio::time::Instant::now() + LONG;
    loop {
        let now = sessions::get(db, id).await.unwrap().unwrap();
        if now.status == SessionStatus::Completed {
            return;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "not completed: {now:?}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

const LEASE_SECS: i64 = 3;

/// Replica A (a real process) and replica B (in this process) share a
/// session uploaded on A and followed over SSE on B; A is killed with
/// SIGKILL mid-session. B leaves A's leased films
/// alone until their leases expire, then finishes them: every film final
/// once, exact counters, and no film's details fetched twice except those A
/// had in flight when it died.
async fn a_replica_killed_mid_session_is_taken_over_after_its_leases_expire(backend: Backend) {
    let sim = Simulator::new(SimConfig {
        latency: Duration::from_millis(250),
        ..SimConfig::default()
    })
    .spawn("127.0.0.1:0")
    .await
    .unwrap();
    let db: TestDb = backend.create_db().await;
    let lease = LEASE_SECS.to_string();
    let replica_a = Replica::start(
        &db.url,
        &sim,
        &[
            ("REELSTREAM_LEASE_SECS", &lease),
            ("REELSTREAM_ENGINE_WINDOW", "3"),
        ],
    )
    .await;
    let b: RunningServer = app::spawn(test_config(&sim, &db.url, |c| {
        c.lease_secs = LEASE_SECS as u64;
        c.engine_window = 3;
    }))
    .await
    .unwrap();
    let b_id = b.state.engine.replica_id().to_owned();
    let store = b.state.db.clone();

    let (csv, ids) = films_by_tmdb_id(60);
    let session = upload_to(&replica_a.url, &csv).await;
    let id = session["id"].as_str().unwrap().to_owned();
    let events = tokio::spawn({
        let (url, id) = (b.url(), id.clone());
        async move { sse(&url, &id).await }
    });

    // Kill A once both replicas are at work.
    let deadline = tokio::time::Instant::now() + LONG;
    loop {
        let owners = lease_owners(&store).await;
        if owners.len() >= 2 {
            break;
        }
        assert!(tokio::time::Instant::now() < deadline, "{owners:?}");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    wait_processed(&store, &id, 12).await;
    replica_a.kill_9().await;
    let killed_at = Utc::now();

    // What A held when it died, frozen in the database.
    let orphans: Vec<movie::Model> = movie::Entity::find()
        .filter(movie::Column::SessionId.eq(id.as_str()))
        .filter(movie::Column::Status.eq("pending"))
        .filter(movie::Column::LeaseOwner.is_not_null())
        .filter(movie::Column::LeaseOwner.ne(b_id.as_str()))
        .all(store.conn())
        .await
        .unwrap();
    assert!(!orphans.is_empty(), "A died holding leases");
    let expiry: DateTime<Utc> = orphans
        .iter()
        .filter_map(|m| m.lease_expires_at)
        .max()
        .unwrap();
    assert!(expiry > killed_at, "A's leases were alive when it died");
    assert!(
        expiry <= killed_at + chrono::Duration::seconds(LEASE_SECS),
        "and expire within one lease"
    );

    wait_completed(&store, &id).await;
    let took = Utc::now() - killed_at;
    let (from, got) = events.await.unwrap();
    assert_once_in_order(&store, &id, from, &got).await;
    assert_each_row_final_once(&store, &id).await;

    // B finished A's films, and only after their leases expired.
    for orphan in &orphans {
        let now = movie::Entity::find_by_id(orphan.id)
            .one(store.conn())
            .await
            .unwrap()
            .unwrap();
        assert_ne!(now.status, MovieStatus::Pending);
        assert!(
            now.updated_at >= orphan.lease_expires_at.unwrap(),
            "film {} finalised at {} before A's lease expired at {:?}",
            now.id,
            now.updated_at,
            orphan.lease_expires_at
        );
    }

    // No film's details fetched twice, except those A had in flight.
    let in_flight: HashSet<i64> = orphans.iter().filter_map(|m| m.tmdb_id).collect();
    let counters = sim.counters.snapshot();
    let mut twice = Vec::new();
    for film in ids {
        let n = counters.movie_details_requests(film);
        let allowed = if in_flight.contains(&film) { 2 } else { 1 };
        assert!((1..=allowed).contains(&n), "film {film}: {n} requests");
        if n == 2 {
            twice.push(film);
        }
    }
    println!(
        "A died holding {} films ({} of them fetched again by B); B completed the session {} ms after the kill (lease {LEASE_SECS} s)",
        orphans.len(),
        twice.len(),
        took.num_milliseconds()
    );
    b.stop().await.unwrap();
}

/// On SQLite a single process owns the file: after a SIGKILL the restarted
/// server resumes the dead one's films at once instead of waiting for the
/// leases it left behind, and the counters stay exact.
async fn after_a_kill_9_a_restart_on_the_sqlite_file_resumes_at_once(backend: Backend) {
    let sim = Simulator::new(SimConfig {
        latency: Duration::from_millis(100),
        ..SimConfig::default()
    })
    .spawn("127.0.0.1:0")
    .await
    .unwrap();
    let db = backend.create_db().await;
    let replica = Replica::start(
        &db.url,
        &sim,
        &[
            ("REELSTREAM_LEASE_SECS", "600"),
            ("REELSTREAM_ENGINE_WINDOW", "4"),
        ],
    )
    .await;
    let (csv, ids) = films_by_tmdb_id(40);
    let session = upload_to(&replica.url, &csv).await;
    let id = session["id"].as_str().unwrap().to_owned();
    let store = Db::connect(&db.url).await.unwrap();
    wait_processed(&store, &id, 8).await;
    replica.kill_9().await;
    assert!(
        !lease_owners(&store).await.is_empty(),
        "the killed server left leases behind"
    );
    let restarted = app::spawn(test_config(&sim, &db.url, |c| c.lease_secs = 600))
        .await
        .unwrap();
    let started = tokio::time::Instant::now();
    wait_completed(&store, &id).await;
    assert!(
        started.elapsed() < Duration::from_secs(60),
        "resumed without waiting for the 600 s leases"
    );
    assert_each_row_final_once(&store, &id).await;
    let counters = sim.counters.snapshot();
    for film in ids {
        assert!((1..=2).contains(&counters.movie_details_requests(film)));
    }
    restarted.stop().await.unwrap();
}

mod sqlite_restart {
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn after_a_kill_9_a_restart_on_the_sqlite_file_resumes_at_once() {
        super::after_a_kill_9_a_restart_on_the_sqlite_file_resumes_at_once(
            crate::common::Backend::Sqlite,
        )
        .await
    }
}

on_postgres! {
    two_replicas_share_the_work_and_every_event_reaches_both,
    the_listener_reconnects_and_replays_what_it_missed,
    a_replica_killed_mid_session_is_taken_over_after_its_leases_expire,
}
