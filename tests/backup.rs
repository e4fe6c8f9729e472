//! `reelstream backup` (issue 20) taken while uploads run: the copy opens,
//! passes its check, and holds every film committed before it started.

mod common;

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use common::TestApp;
use reelstream::tmdb::sim::SimConfig;
use sea_orm::{ConnectionTrait, Database, DbBackend, Statement};

fn backup(out: &std::path::Path, database_url: &str) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_reelstream"))
        .env_clear()
        .arg("backup")
        .arg(out)
        .args(["--database-url", database_url])
        .output()
        .expect("the binary runs")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_taken_while_uploads_run_holds_every_committed_film() {
    let sim = SimConfig {
        latency: Duration::from_millis(20),
        ..SimConfig::default()
    };
    let app = Arc::new(TestApp::spawn_with_sim(sim, |_| {}).await);
    let id = app.upload_fixture("letterboxd/watched.csv").await["id"]
        .as_str()
        .unwrap()
        .to_owned();

    // More uploads keep arriving while the copy is taken.
    let running = Arc::new(AtomicBool::new(true));
    let uploader = tokio::spawn({
        let (app, running) = (app.clone(), running.clone());
        async move {
            let mut n = 0;
            while running.load(Ordering::Relaxed) {
                app.upload_csv(&format!("Title,Year\nHeat,1995\nA Film {n},2001\n"))
                    .await;
                n += 1;
                tokio::time::sleep(Duration::from_millis(30)).await;
            }
            n
        }
    });

    // Some films of the first session committed, some not yet.
    let committed = loop {
        let movies = app.movies(&id).await;
        let done: BTreeMap<i64, String> = movies
            .iter()
            .filter(|m| m["status"] != "pending")
            .map(|m| {
                (
                    m["id"].as_i64().unwrap(),
                    m["status"].as_str().unwrap().to_owned(),
                )
            })
            .collect();
        if done.len() >= 10 {
            break done;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    };

    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("copy.db");
    let url = app.db.url.clone();
    let ran = tokio::task::spawn_blocking({
        let out = out.clone();
        move || backup(&out, &url)
    })
    .await
    .unwrap();
    running.store(false, Ordering::Relaxed);
    let uploads = uploader.await.unwrap();
    let stderr = String::from_utf8_lossy(&ran.stderr);
    assert_eq!(ran.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains("Backed up") && stderr.contains("films"),
        "{stderr}"
    );
    assert!(uploads > 0, "uploads ran beside the backup");

    let copy = Database::connect(format!("sqlite://{}?mode=ro", out.display()))
        .await
        .expect("the copy opens");
    for (movie_id, status) in &committed {
        let row = copy
            .query_one_raw(Statement::from_sql_and_values(
                DbBackend::Sqlite,
                "SELECT status FROM movies WHERE id = ?",
                [(*movie_id).into()],
            ))
            .await
            .unwrap()
            .unwrap_or_else(|| panic!("film {movie_id} is in the copy"));
        let copied: String = row.try_get_by_index(0).unwrap();
        assert_eq!(&copied, status, "film {movie_id}");
    }
    let films = copy
        .query_one_raw(Statement::from_sql_and_values(
            DbBackend::Sqlite,
            "SELECT COUNT(*) FROM movies WHERE session_id = ?",
            [id.clone().into()],
        ))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        films.try_get_by_index::<i64>(0).unwrap(),
        89,
        "every row of the session"
    );
}

#[tokio::test]
async fn a_backup_refuses_what_it_cannot_do_well() {
    let app = TestApp::spawn().await;
    let dir = tempfile::tempdir().unwrap();
    let taken = dir.path().join("taken.db");
    std::fs::write(&taken, b"x").unwrap();
    for (out, url, says) in [
        (taken.clone(), app.db.url.clone(), "exists"),
        (
            dir.path().join("a.db"),
            "postgres://u@localhost/db".to_owned(),
            "pg_dump",
        ),
        (
            dir.path().join("b.db"),
            format!("sqlite://{}/none.db?mode=rwc", dir.path().display()),
            "no database",
        ),
        (
            dir.path().join("nope/c.db"),
            app.db.url.clone(),
            "does not exist",
        ),
    ] {
        let ran = backup(&out, &url);
        let stderr = String::from_utf8_lossy(&ran.stderr);
        assert_eq!(ran.status.code(), Some(2), "{stderr}");
        assert!(stderr.contains(says), "{stderr}");
    }
    assert!(
        !dir.path().join("none.db").exists(),
        "no database was created"
    );
}
