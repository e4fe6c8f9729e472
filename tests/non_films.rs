//! Rows that are not films, over HTTP: IMDb's `Title Type` (films, shows,
//! skipped rows that cost no TMDB call) and Netflix histories (episodes
//! looked up as their show), on SQLite and PostgreSQL.

mod common;

use std::time::Duration;

use common::live::sse_until_completed;
use common::{Backend, TestApp, assert_counters_exact};
use serde_json::Value;

const LONG: Duration = Duration::from_secs(60);

/// The movie of a session with this title (the first when several share it).
fn titled<'a>(movies: &'a [Value], title: &str) -> &'a Value {
    movies
        .iter()
        .find(|m| m["title"] == title)
        .unwrap_or_else(|| panic!("{title} in {movies:?}"))
}

async fn imdb_title_type_decides_and_skipped_rows_cost_no_tmdb_call(backend: Backend) {
    let app = TestApp::spawn_on(&backend).await;
    let session = app.upload_fixture("import/imdb_mixed.csv").await;
    assert_eq!(session["source_format"], "imdb");
    assert_eq!(session["total_movies"], 8);
    // Skipped from the upload on: final, and counted as such at once.
    assert_eq!(session["skipped_count"], 3, "{session}");
    assert_eq!(session["processed_count"], 3, "{session}");
    let id = session["id"].as_str().unwrap();
    let session = app.wait_completed(id, LONG).await;
    assert_counters_exact(&app, &session).await;
    assert_eq!(session["skipped_count"], 3);

    let movies = app.movies(id).await;
    for (title, reason) in [
        ("Chernobyl: 1:23:45", "tv_episode"),
        ("The Secret of Monkey Island", "video_game"),
        ("Michael Jackson: Thriller", "music_video"),
    ] {
        let movie = titled(&movies, title);
        assert_eq!(movie["status"], "skipped", "{movie}");
        assert_eq!(movie["skip_reason"], reason, "{movie}");
        assert!(movie["tmdb_id"].is_null() && movie["matched_title"].is_null());
    }
    for (title, tmdb_id, media_type) in [
        ("Seven Samurai", 346, "movie"),
        ("Chernobyl", 87108, "tv"),
        ("The Queen's Gambit", 87739, "tv"),
    ] {
        let movie = titled(&movies, title);
        assert_eq!(movie["status"], "enriched", "{movie}");
        assert_eq!(
            (&movie["tmdb_id"], movie["media_type"].as_str()),
            (&Value::from(tmdb_id), Some(media_type)),
            "{movie}"
        );
        assert!(movie["skip_reason"].is_null());
    }
    // A short and a TV movie are films: looked up, not skipped.
    for title in ["La Jetée", "Duel"] {
        let status = &titled(&movies, title)["status"];
        assert!(
            status == "enriched" || status == "unmatched",
            "{title}: {status}"
        );
    }
    // One `/3/movie/{imdb_id}` per film looked up, and `/find` only after
    // its 404 (the two shows, and the two films the catalog lacks); no call
    // for the three skipped rows.
    let calls = app.sim.counters.snapshot();
    assert_eq!(calls.movie_by_imdb, 5, "{calls:?}");
    assert_eq!((calls.find, calls.not_found), (4, 4), "{calls:?}");

    // Every movie event's progress counts the skipped rows; they have no event.
    let events = sse_until_completed(&app, id, Some("0")).await;
    let movie_events: Vec<&Value> = events
        .iter()
        .filter(|e| e.event == "movie")
        .map(|e| &e.data)
        .collect();
    assert_eq!(movie_events.len(), 5);
    for event in &movie_events {
        assert_eq!(event["progress"]["skipped_count"], 3, "{event}");
        assert_ne!(event["movie"]["status"], "skipped");
    }
    let last = events.last().unwrap();
    assert_eq!(last.event, "completed");
    assert_eq!(last.data["session"]["skipped_count"], 3);

    // Statistics are of films: the skipped rows are not among them.
    let (status, stats) = app.get_json(&format!("/api/session/{id}/stats")).await;
    assert_eq!(status, 200, "{stats}");
    assert_eq!(stats["total_movies"], 5, "{stats}");
    assert_eq!(stats["ratings"]["rated"], 5, "{stats}");

    // The exports say why.
    let csv = app
        .client
        .get(app.url(&format!("/api/session/{id}/export?format=csv")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let header = csv.lines().next().unwrap();
    assert!(header.contains(",skip_reason"), "{header}");
    assert!(
        csv.contains(",skipped,") && csv.contains(",video_game"),
        "{csv}"
    );
}

async fn a_session_of_skipped_rows_only_completes_at_once(backend: Backend) {
    let app = TestApp::spawn_on(&backend).await;
    let session = app.upload_fixture("import/imdb_skipped_only.csv").await;
    assert_eq!(session["status"], "completed", "{session}");
    assert_eq!(
        (
            &session["total_movies"],
            &session["processed_count"],
            &session["skipped_count"]
        ),
        (&Value::from(2), &Value::from(2), &Value::from(2)),
        "{session}"
    );
    assert!(session["completed_at"].is_string(), "{session}");
    let id = session["id"].as_str().unwrap();

    // A subscriber gets the snapshot, then the `completed` that ends every stream.
    let events = sse_until_completed(&app, id, None).await;
    let kinds: Vec<&str> = events.iter().map(|e| e.event.as_str()).collect();
    assert_eq!(kinds, ["snapshot", "completed"], "{events:?}");
    assert_eq!(events[1].data["session"]["skipped_count"], 2);
    let (status, session) = app.get_json(&format!("/api/session/{id}")).await;
    assert_eq!(
        (status, &session["status"]),
        (200, &Value::from("completed"))
    );
    assert_counters_exact(&app, &session).await;
    // The engine was woken for nothing: give it time to call TMDB if it would.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let calls = app.sim.counters.snapshot();
    assert_eq!(calls.total, 0, "no TMDB call at all: {calls:?}");
}

async fn a_netflix_history_looks_episodes_up_as_their_show(backend: Backend) {
    let app = TestApp::spawn_on(&backend).await;
    let session = app.upload_fixture("import/netflix_day_first.csv").await;
    assert_eq!(session["source_format"], "netflix");
    assert_eq!(
        session["total_movies"], 5,
        "one per show or film: {session}"
    );
    let id = session["id"].as_str().unwrap();
    let session = app.wait_completed(id, LONG).await;
    assert_counters_exact(&app, &session).await;

    let movies = app.movies(id).await;
    let gambit = titled(&movies, "The Queen's Gambit");
    assert_eq!(
        (&gambit["status"], &gambit["media_type"], &gambit["tmdb_id"]),
        (
            &Value::from("enriched"),
            &Value::from("tv"),
            &Value::from(87739)
        ),
        "{gambit}"
    );
    assert_eq!(gambit["viewing_count"], 3, "three lines, three viewings");
    assert_eq!(gambit["rewatch"], 0, "episodes, not rewatches");
    assert_eq!(gambit["watched_date"], "2020-11-14");
    let chernobyl = titled(&movies, "Chernobyl");
    assert_eq!(
        (&chernobyl["media_type"], &chernobyl["tmdb_id"]),
        (&Value::from("tv"), &Value::from(87108))
    );
    let samurai = titled(&movies, "Seven Samurai");
    assert_eq!(
        (
            &samurai["media_type"],
            &samurai["tmdb_id"],
            &samurai["rewatch"]
        ),
        (&Value::from("movie"), &Value::from(346), &Value::from(1))
    );
    // Day first, decided by the file: 02/11/2020 is the 2nd of November.
    assert_eq!(samurai["watched_date"], "2020-11-02");
    let kill_bill = titled(&movies, "Kill Bill: Vol. 1");
    assert_eq!(
        (&kill_bill["status"], &kill_bill["media_type"]),
        (&Value::from("enriched"), &Value::from("movie"))
    );
    // A show TMDB does not have is looked for among shows only: no film is offered.
    let dark = titled(&movies, "Dark");
    assert_eq!(dark["status"], "unmatched", "{dark}");
    assert!(
        dark["candidates"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["media_type"] == "tv"),
        "{dark}"
    );

    let session = app.upload_fixture("import/netflix_month_first.csv").await;
    let id = session["id"].as_str().unwrap();
    app.wait_completed(id, LONG).await;
    let movies = app.movies(id).await;
    let normal_people = titled(&movies, "Normal People");
    assert_eq!(
        (&normal_people["media_type"], &normal_people["tmdb_id"]),
        (&Value::from("tv"), &Value::from(89905)),
        "{normal_people}"
    );
    // Month first, decided by the file's 4/30/21.
    assert_eq!(normal_people["watched_date"], "2021-05-02");
    assert_eq!(
        titled(&movies, "Spirited Away")["watched_date"],
        "2021-01-05"
    );
}

on_both_backends! {
    imdb_title_type_decides_and_skipped_rows_cost_no_tmdb_call,
    a_session_of_skipped_rows_only_completes_at_once,
    a_netflix_history_looks_episodes_up_as_their_show,
}
