//! Re-import: a newer export merged into a library by film identity, with
//! the diff in the answer and in an `imported` event; a person's match
//! survives, removed films leave the statistics, and the same export again
//! changes nothing and asks TMDB nothing.

mod common;

use std::time::Duration;

use common::live::sse_until_completed;
use common::{Backend, TestApp, assert_counters_exact, assert_problem, owner_token};
use reelstream::tmdb::sim::SimConfig;
use reqwest::multipart::{Form, Part};
use serde_json::{Value, json};

const LONG: Duration = Duration::from_secs(60);

/// Letterboxd's ratings.csv, this month: four films, one made up.
const JANUARY: &str = "Date,Name,Year,Letterboxd URI,Rating
2026-01-02,Heat,1995,https://boxd.it/2bf0,4
2026-01-03,Dune,2021,https://boxd.it/hVwK,3
2026-01-04,The Lantern Keeper of Vellmar,2016,https://boxd.it/zz01,2.5
2026-01-05,Seven Samurai,1954,https://boxd.it/1ruu,5
";

/// Next month: Heat re-rated, Dune gone, Persona new, the rest as before.
const FEBRUARY: &str = "Date,Name,Year,Letterboxd URI,Rating
2026-02-01,Heat,1995,https://boxd.it/2bf0,4.5
2026-01-04,The Lantern Keeper of Vellmar,2016,https://boxd.it/zz01,2.5
2026-01-05,Seven Samurai,1954,https://boxd.it/1ruu,5
2026-02-03,Persona,1966,https://boxd.it/1Y6e,4
";

async fn reimport(app: &TestApp, id: &str, token: Option<&str>, csv: &str) -> reqwest::Response {
    let form = Form::new().part(
        "file",
        Part::bytes(csv.as_bytes().to_vec()).file_name("ratings.csv"),
    );
    let mut request = app
        .client
        .post(app.url(&format!("/api/session/{id}/upload")))
        .multipart(form);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    request.send().await.unwrap()
}

fn id_of(movies: &[Value], title: &str) -> i64 {
    movies
        .iter()
        .find(|m| m["title"] == title)
        .unwrap_or_else(|| panic!("{title} in {movies:?}"))["id"]
        .as_i64()
        .unwrap()
}

async fn a_newer_export_merges_by_identity(backend: Backend) {
    let app = TestApp::spawn_on(&backend).await;
    let uploaded = app.upload("ratings.csv", JANUARY.as_bytes().to_vec()).await;
    let uploaded: Value = uploaded.json().await.unwrap();
    let (id, token) = (uploaded["id"].as_str().unwrap(), owner_token(&uploaded));
    app.wait_completed(id, LONG).await;
    let before = app.movies(id).await;
    let (heat, dune, lantern, samurai) = (
        id_of(&before, "Heat"),
        id_of(&before, "Dune"),
        id_of(&before, "The Lantern Keeper of Vellmar"),
        id_of(&before, "Seven Samurai"),
    );
    // A person fixes the made-up film by hand: Fight Club.
    let fixed = app
        .client
        .patch(app.url(&format!("/api/session/{id}/movies/{lantern}")))
        .bearer_auth(token)
        .json(&json!({"tmdb_id": 550}))
        .send()
        .await
        .unwrap();
    assert_eq!(fixed.status(), 202);
    app.wait_completed(id, LONG).await;

    // Only the owner re-imports.
    assert_problem(reimport(&app, id, None, FEBRUARY).await, 401).await;
    let other = app.upload_csv("Title,Year\nHeat,1995\n").await;
    assert_problem(
        reimport(&app, id, Some(owner_token(&other)), FEBRUARY).await,
        403,
    )
    .await;

    let calls_before = app.sim.counters.snapshot().total;
    let answer = reimport(&app, id, Some(token), FEBRUARY).await;
    assert_eq!(answer.status(), 202, "Persona is to be looked up");
    let answer: Value = answer.json().await.unwrap();
    let diff = &answer["diff"];
    assert_eq!(diff["changed"], json!([heat]), "{answer}");
    assert_eq!(diff["removed"], json!([dune]), "{answer}");
    assert_eq!(diff["unchanged"], json!([lantern, samurai]), "{answer}");
    let added = diff["added"].as_array().unwrap();
    assert_eq!(added.len(), 1, "{answer}");
    assert_eq!(answer["session"]["status"], "enriching");
    assert_eq!(answer["session"]["total_movies"], 4);

    let done = app.wait_completed(id, LONG).await;
    assert_counters_exact(&app, &done).await;
    assert!(
        app.sim.counters.snapshot().total > calls_before,
        "Persona was looked up"
    );
    let after = app.movies(id).await;
    let titles: Vec<&str> = after.iter().map(|m| m["title"].as_str().unwrap()).collect();
    assert_eq!(
        titles,
        [
            "Heat",
            "The Lantern Keeper of Vellmar",
            "Seven Samurai",
            "Persona"
        ]
    );
    let by_id = |movie_id: i64| after.iter().find(|m| m["id"] == movie_id).unwrap();
    assert_eq!(by_id(heat)["rating"], 4.5);
    assert_eq!(
        by_id(heat)["tmdb_id"],
        949,
        "a changed rating keeps the match"
    );
    let pinned = by_id(lantern);
    assert_eq!(
        (&pinned["tmdb_id"], &pinned["status"]),
        (&json!(550), &json!("enriched"))
    );
    assert_eq!(by_id(added[0].as_i64().unwrap())["status"], "enriched");

    // Removed films leave the statistics.
    let (_, stats) = app.get_json(&format!("/api/session/{id}/stats")).await;
    assert_eq!(stats["total_movies"], 4, "{stats}");
    assert_eq!(stats["enriched_movies"], 4, "{stats}");
    let ratings = &stats["ratings"];
    assert_eq!(ratings["rated"], 4, "{stats}");

    // The log carries the same diff, and ends on a `completed`.
    let log = sse_until_completed(&app, id, Some("0")).await;
    let imported = log
        .iter()
        .find(|m| m.event == "imported")
        .expect("an imported event");
    assert_eq!(imported.data["diff"], *diff);
    assert_eq!(log.last().unwrap().event, "completed");

    // The same export again: nothing changes and TMDB is not asked.
    let calls = app.sim.counters.snapshot().total;
    let (_, session) = app.get_json(&format!("/api/session/{id}")).await;
    let again = reimport(&app, id, Some(token), FEBRUARY).await;
    assert_eq!(again.status(), 200);
    let again: Value = again.json().await.unwrap();
    let unchanged = again["diff"]["unchanged"].as_array().unwrap().len();
    assert_eq!(
        (
            &again["diff"]["added"],
            &again["diff"]["changed"],
            &again["diff"]["removed"],
            unchanged
        ),
        (&json!([]), &json!([]), &json!([]), 4)
    );
    let (_, still) = app.get_json(&format!("/api/session/{id}")).await;
    assert_eq!(still, session, "not a field of the session changed");
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(app.sim.counters.snapshot().total, calls, "no TMDB call");
}

async fn a_session_still_enriching_is_not_merged_into(backend: Backend) {
    let slow = SimConfig {
        latency: Duration::from_secs(30),
        ..SimConfig::default()
    };
    let app = TestApp::spawn_on_with_sim(&backend, slow, |_| {}).await;
    let uploaded = app.upload("ratings.csv", JANUARY.as_bytes().to_vec()).await;
    let uploaded: Value = uploaded.json().await.unwrap();
    let (id, token) = (uploaded["id"].as_str().unwrap(), owner_token(&uploaded));
    let busy = reimport(&app, id, Some(token), FEBRUARY).await;
    let problem = assert_problem(busy, 409).await;
    assert!(
        problem["detail"].as_str().unwrap().contains("enriching"),
        "{problem}"
    );
    assert_eq!(app.movies(id).await.len(), 4, "nothing merged");
    // A session that is not there is a 404, token or not.
    let missing = reimport(
        &app,
        "0b7e5a0c-0000-4000-8000-000000000000",
        Some(token),
        FEBRUARY,
    )
    .await;
    assert_problem(missing, 404).await;
}

on_both_backends! {
    a_newer_export_merges_by_identity,
    a_session_still_enriching_is_not_merged_into,
}
