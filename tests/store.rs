//! The store on its own. SQLite's defaults: WAL, a busy timeout, and write
//! transactions that begin IMMEDIATE so concurrent read-then-write
//! transactions wait for each other instead of failing with SQLITE_BUSY. On
//! both backends: migrations (also when replicas start together), the row
//! locks writers rely on, and the leases replicas claim films with.

mod common;

use std::collections::HashSet;
use std::time::Duration;

use common::Backend;
use reelstream::domain::{LookupKey, MovieStatus};
use reelstream::store::claims::{self, Lease};
use reelstream::store::finalize::{self, FilmOutcome, FinalState};
use reelstream::store::sessions::{self, NewMovie};
use reelstream::store::{Db, movies};
use sea_orm::{ConnectionTrait, Statement};

async fn temp_db() -> (Db, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("t.db").display());
    (Db::connect(&url).await.expect("connect and migrate"), dir)
}

async fn pragma(db: &Db, name: &str) -> String {
    let row = db
        .conn()
        .query_one_raw(Statement::from_string(
            db.backend(),
            format!("PRAGMA {name}"),
        ))
        .await
        .unwrap()
        .unwrap();
    row.try_get_by_index::<String>(0)
        .or_else(|_| row.try_get_by_index::<i64>(0).map(|v| v.to_string()))
        .unwrap()
}

#[tokio::test]
async fn sqlite_runs_in_wal_mode_with_a_busy_timeout() {
    let (db, _dir) = temp_db().await;
    assert_eq!(pragma(&db, "journal_mode").await, "wal");
    assert!(pragma(&db, "busy_timeout").await.parse::<i64>().unwrap() >= 1000);
    assert_eq!(pragma(&db, "foreign_keys").await, "1");
}

#[tokio::test]
async fn the_file_is_created_and_migrations_are_idempotent() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("fresh.db");
    let url = format!("sqlite://{}?mode=rwc", path.display());
    let db = Db::connect(&url).await.unwrap();
    assert!(path.exists());
    // Readable by its owner alone, and so are the files SQLite adds beside it.
    use std::os::unix::fs::PermissionsExt;
    for name in ["fresh.db", "fresh.db-wal", "fresh.db-shm"] {
        let mode = std::fs::metadata(dir.path().join(name))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600, "{name} has mode {:o}", mode & 0o777);
    }
    drop(db);
    Db::connect(&url)
        .await
        .expect("a second start migrates nothing and succeeds");
}

/// Many transactions that each read a counter and write it back, through
/// four handles (four pools, as four processes on one file would have):
/// under deferred transactions some fail at once with SQLITE_BUSY (the read
/// lock cannot be upgraded); begun IMMEDIATE they queue and every increment
/// lands. (Within one handle the write gate alone would queue them.) On
/// PostgreSQL the read locks the row (`FOR UPDATE`, as every writer of a
/// session row does), and the increments queue just the same.
async fn concurrent_read_then_write_transactions_all_commit(backend: Backend) {
    let test_db = backend.create_db().await;
    let db = Db::connect(&test_db.url)
        .await
        .expect("connect and migrate");
    let backend = db.backend();
    let read = if db.is_postgres() {
        "SELECT n FROM counter FOR UPDATE"
    } else {
        "SELECT n FROM counter"
    };
    db.conn()
        .execute_raw(Statement::from_string(
            backend,
            "CREATE TABLE counter (n INTEGER)",
        ))
        .await
        .unwrap();
    db.conn()
        .execute_raw(Statement::from_string(
            backend,
            "INSERT INTO counter VALUES (0)",
        ))
        .await
        .unwrap();
    let mut handles = vec![db.clone()];
    for _ in 1..4 {
        handles.push(Db::connect(&test_db.url).await.expect("connect"));
    }
    let tasks: Vec<_> = (0..40)
        .map(|i| {
            let db = handles[i % handles.len()].clone();
            tokio::spawn(async move {
                let txn = db.begin_write().await?;
                let row = txn
                    .query_one_raw(Statement::from_string(backend, read))
                    .await?
                    .unwrap();
                let n: i32 = row.try_get_by_index(0)?;
                tokio::task::yield_now().await;
                txn.execute_raw(Statement::from_string(
                    backend,
                    format!("UPDATE counter SET n = {}", n + 1),
                ))
                .await?;
                txn.commit().await?;
                Ok::<_, Box<dyn std::error::Error + Send + Sync>>(())
            })
        })
        .collect();
    for task in tasks {
        task.await.unwrap().expect("transaction committed");
    }
    let row = db
        .conn()
        .query_one_raw(Statement::from_string(backend, "SELECT n FROM counter"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(row.try_get_by_index::<i32>(0).unwrap(), 40);
}

/// Replicas starting together on a new database: one migrates, the others
/// wait for it; a later start finds nothing to do.
async fn migrations_run_once_when_replicas_start_together(backend: Backend) {
    let test_db = backend.create_db().await;
    let starts: Vec<_> = (0..4)
        .map(|_| {
            let url = test_db.url.clone();
            tokio::spawn(async move { Db::connect(&url).await.map(|_| ()) })
        })
        .collect();
    for start in starts {
        start.await.unwrap().expect("every replica starts");
    }
    Db::connect(&test_db.url)
        .await
        .expect("a later start migrates nothing and succeeds");
}

/// A session of `films` films, each in `rows_each` rows.
async fn session_of(db: &Db, films: usize, rows_each: usize) -> String {
    let mut rows = Vec::new();
    for film in 0..films {
        for _ in 0..rows_each {
            rows.push(NewMovie {
                row: rows.len() as i32 + 1,
                title: format!("Film {film}"),
                year: Some(2000),
                letterboxd_uri: None,
                imdb_id: None,
                tmdb_id: Some(film as i64 + 1),
                watched_date: None,
                rating: None,
                rewatch: 0,
                lookup_key: LookupKey::Tmdb(film as i64 + 1),
                skip_reason: None,
            });
        }
    }
    // No row is skipped, so the session never completes at its creation.
    sessions::create(db, "generic", rows, |_| String::new())
        .await
        .unwrap()
        .id
}

fn lease(secs: u64) -> Lease {
    Lease::new(Duration::from_secs(secs))
}

/// A claimed film belongs to its claimer until the lease expires: nobody
/// else can claim it, see it as pending work, or commit its rows; then
/// anyone can. Renewal keeps it; release gives it back.
async fn a_film_is_one_replicas_until_its_lease_expires(backend: Backend) {
    let test_db = backend.create_db().await;
    let db = Db::connect(&test_db.url).await.unwrap();
    let session = session_of(&db, 2, 3).await;
    let (a, b) = (lease(60), lease(60));
    let key = LookupKey::Tmdb(1);
    let film = (session.as_str(), &key);

    let claimed = claims::claim(&db, &a, &[film]).await.unwrap();
    assert_eq!(claimed.len(), 1);
    let token = &claimed[0];
    assert_eq!((token.row, &token.lookup_key), (1, &key));
    assert_eq!(token.lease_owner.as_deref(), Some(&*a.owner));
    assert!(claims::claim(&db, &b, &[film]).await.unwrap().is_empty());
    assert!(claims::claim(&db, &a, &[film]).await.unwrap().is_empty());
    let pending = claims::pending_page(&db, &session, None, 100)
        .await
        .unwrap()
        .films;
    assert_eq!(
        pending
            .iter()
            .map(|f| f.lookup_key.to_string())
            .collect::<Vec<_>>(),
        ["tmdb:2"],
        "a leased film is nobody else's work"
    );
    let enriched = FinalState {
        status: MovieStatus::Enriched,
        enrichment: None,
        match_confidence: None,
        candidates: None,
        error: None,
    };
    let outcome = [FilmOutcome {
        session_id: &session,
        lookup_key: &key,
        state: &enriched,
    }];
    let txn = db.begin_write().await.unwrap();
    assert!(
        finalize::finalize_films(&txn, &b, &outcome)
            .await
            .unwrap()
            .is_empty(),
        "nor anybody else's to commit"
    );
    let finalised = finalize::finalize_films(&txn, &a, &outcome).await.unwrap();
    let rows = &finalised[&(session.clone(), key.clone())];
    assert_eq!(
        rows.iter().map(|m| m.row).collect::<Vec<_>>(),
        [1, 2, 3],
        "all three rows are the claimer's to commit, in row order"
    );
    assert!(
        rows.iter().all(|m| m.status == MovieStatus::Enriched
            && m.lease_owner.is_none()
            && m.attempts == 1)
    );
    txn.rollback().await.unwrap();
    assert_eq!(claims::renew(&db, &a).await.unwrap(), 3);
    assert_eq!(claims::renew(&db, &b).await.unwrap(), 0);

    // A claim that lapses (a replica that died) is anyone's.
    let short = Lease {
        duration: Duration::ZERO,
        ..a.clone()
    };
    assert_eq!(claims::renew(&db, &short).await.unwrap(), 3);
    tokio::time::sleep(Duration::from_millis(20)).await;
    assert_eq!(
        claims::pending_page(&db, &session, None, 100)
            .await
            .unwrap()
            .films
            .len(),
        2
    );
    let taken = claims::claim(&db, &b, &[film]).await.unwrap();
    assert_eq!(taken.len(), 1, "taken over");
    assert_eq!(taken[0].lease_owner.as_deref(), Some(&*b.owner));
    assert_eq!(claims::renew(&db, &a).await.unwrap(), 0, "A lost it");

    // Released (a clean shutdown): free at once.
    assert_eq!(claims::release(&db, &b).await.unwrap(), 3);
    assert_eq!(claims::claim(&db, &a, &[film]).await.unwrap().len(), 1);
    let rows = movies::page(&db, &session, Some(MovieStatus::Pending), 0, 100)
        .await
        .unwrap()
        .0;
    assert_eq!(rows.len(), 6, "claims never change a row's status");
}

/// Eight replicas claiming the same twenty films at once: each film goes to
/// exactly one of them.
async fn concurrent_claims_give_each_film_to_one_replica(backend: Backend) {
    let test_db = backend.create_db().await;
    let db = Db::connect(&test_db.url).await.unwrap();
    let session = session_of(&db, 20, 2).await;
    let keys: Vec<LookupKey> = (1..=20).map(LookupKey::Tmdb).collect();
    let claims: Vec<_> = (0..8)
        .map(|i| {
            let (db, session, keys) = (db.clone(), session.clone(), keys.clone());
            tokio::spawn(async move {
                let lease = lease(60);
                let mut mine = Vec::new();
                // In different orders, in small batches, as schedulers do.
                let mut keys = keys;
                keys.rotate_left(i * 3 % 20);
                for batch in keys.chunks(3) {
                    let films: Vec<(&str, &LookupKey)> =
                        batch.iter().map(|k| (session.as_str(), k)).collect();

                    for row in claims::claim(&db, &lease, &films).await.unwrap() {
                        assert_eq!(row.lease_owner.as_deref(), Some(&*lease.owner));
                        mine.push(row.lookup_key);
                    }
                }
                mine
            })
        })
        .collect();
    let mut all = Vec::new();
    for claim in claims {
        all.extend(claim.await.unwrap());
    }
    let distinct: HashSet<&LookupKey> = all.iter().collect();
    assert_eq!(all.len(), 20, "every film claimed once: {all:?}");
    assert_eq!(distinct.len(), 20);
    let left = claims::pending_page(&db, &session, None, 100)
        .await
        .unwrap();
    assert!(left.films.is_empty() && left.last_row.is_none());
}

/// PostgreSQL: a claim never waits for a row lock. Here the film's lease has
/// lapsed while its old claimer's committer holds one of its rows, about to
/// finalise the others: a claim that waited for that row (holding the film's
/// first row) would close a deadlock with it.
async fn a_claim_skips_rows_a_lapsed_claimers_committer_holds(backend: Backend) {
    let test_db = backend.create_db().await;
    let db = Db::connect(&test_db.url).await.unwrap();
    let session = session_of(&db, 1, 3).await;
    let key = LookupKey::Tmdb(1);
    let film = (session.as_str(), &key);
    let lapsed = lease(0);
    assert_eq!(claims::claim(&db, &lapsed, &[film]).await.unwrap().len(), 1);
    tokio::time::sleep(Duration::from_millis(20)).await;

    let committer = db.begin_write().await.unwrap();
    let row_id =
        |row: i32| format!("SELECT id FROM movies WHERE session_id = '{session}' AND row = {row}");
    let lock = format!("{} FOR UPDATE", row_id(2));
    committer
        .execute_raw(Statement::from_string(db.backend(), lock))
        .await
        .unwrap();

    let taker = lease(60);
    let taken = tokio::time::timeout(Duration::from_secs(10), claims::claim(&db, &taker, &[film]))
        .await
        .expect("the claim waits for no lock")
        .unwrap();
    assert_eq!(taken.iter().map(|m| m.row).collect::<Vec<_>>(), [1]);

    // The committer goes on to the film's first row: nobody holds it now.
    let finalise_first = format!(
        "UPDATE movies SET lease_owner = NULL WHERE id IN ({}) AND lease_owner = '{}'",
        row_id(1),
        lapsed.owner
    );
    let touched = tokio::time::timeout(
        Duration::from_secs(10),
        committer.execute_raw(Statement::from_string(db.backend(), finalise_first)),
    )
    .await
    .expect("no deadlock")
    .unwrap();
    assert_eq!(
        touched.rows_affected(),
        0,
        "the first row is the taker's now"
    );
    committer.rollback().await.unwrap();

    let owners: Vec<Option<String>> = movies::page(&db, &session, None, 0, 10)
        .await
        .unwrap()
        .0
        .into_iter()
        .map(|m| m.lease_owner)
        .collect();
    let (taker, lapsed) = (
        Some(taker.owner.to_string()),
        Some(lapsed.owner.to_string()),
    );
    assert_eq!(
        owners,
        [taker.clone(), lapsed, taker],
        "the row the committer held stays with its lapsed lease, claimable again"
    );
}

on_postgres! {
    a_claim_skips_rows_a_lapsed_claimers_committer_holds,
}

on_both_backends! {
    concurrent_read_then_write_transactions_all_commit,
    migrations_run_once_when_replicas_start_together,
    a_film_is_one_replicas_until_its_lease_expires,
    concurrent_claims_give_each_film_to_one_replica,
}
