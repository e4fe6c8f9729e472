//! Matching a person can trust, over HTTP on SQLite and PostgreSQL: what the
//! matcher is not sure of goes to `review` with its proposal and candidates,
//! a person accepts one or many, and every change is a `movie` event.

mod common;

use std::time::Duration;

use common::live::{open_sse, read_sse, sse_until_completed};
use common::{Backend, TestApp, assert_counters_exact, assert_problem};
use serde_json::{Value, json};

const LONG: Duration = Duration::from_secs(60);

const CSV: &str = "Title,Year\n\
Heat,1995\n\
Piranha,2010\n\
Eden,2014\n\
Drunks,1995\n\
The Raid: Redemption,2011\n\
Dr. Dolittle,1998\n\
Qwxyz Blorft,2001\n";

fn titled<'a>(movies: &'a [Value], title: &str) -> &'a Value {
    movies
        .iter()
        .find(|m| m["title"] == title)
        .unwrap_or_else(|| panic!("{title} in {movies:?}"))
}

fn candidate_ids(movie: &Value) -> Vec<i64> {
    movie["candidates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["tmdb_id"].as_i64().unwrap())
        .collect()
}

/// The seq of a session's last event, read from a fresh subscription's snapshot.
async fn last_seq(app: &TestApp, id: &str) -> i64 {
    let messages = read_sse(open_sse(app, id, None).await, 1).await;
    assert_eq!(messages[0].event, "snapshot");
    messages[0].data["seq"].as_i64().unwrap()
}

async fn unsure_matches_go_to_review_and_a_person_accepts_them(backend: Backend) {
    let app = TestApp::spawn_on_with_catalog(&backend, common::catalogs::matching_cases()).await;
    let uploaded = app.upload_csv(CSV).await;
    let owner = common::owner_token(&uploaded);
    let id = uploaded["id"].as_str().unwrap().to_owned();
    let session = app.wait_completed(&id, LONG).await;
    assert_counters_exact(&app, &session).await;
    assert_eq!(
        (
            &session["enriched_count"],
            &session["review_count"],
            &session["unmatched_count"]
        ),
        (&json!(3), &json!(3), &json!(1)),
        "{session}"
    );
    let movies = app.movies(&id).await;
    for (title, tmdb_id) in [
        ("Heat", 949),
        ("The Raid: Redemption", 94329),
        ("Dr. Dolittle", 3050),
    ] {
        let m = titled(&movies, title);
        assert_eq!(
            (&m["status"], &m["tmdb_id"]),
            (&json!("enriched"), &json!(tmdb_id)),
            "{m}"
        );
    }
    // The proposal fills the fields of a match; the candidates come beside it.
    let piranha = titled(&movies, "Piranha");
    assert_eq!(piranha["status"], "review", "{piranha}");
    assert_eq!(
        (&piranha["tmdb_id"], &piranha["matched_title"]),
        (&json!(43593), &json!("Piranha 3D"))
    );
    assert_eq!(piranha["directors"], json!(["Director of Piranha 3D"]));
    assert!(piranha["match_confidence"].as_f64().unwrap() < 1.0);
    assert_eq!(candidate_ids(piranha)[0], 43593, "the proposal first");
    assert!(candidate_ids(piranha).contains(&27324), "{piranha}");
    let eden = titled(&movies, "Eden");
    assert_eq!(eden["status"], "review", "namesakes of one year: {eden}");
    let eden_ids = candidate_ids(eden);
    assert!(
        eden_ids.contains(&500001) && eden_ids.contains(&500002),
        "{eden}"
    );
    let drunks = titled(&movies, "Drunks");
    assert_eq!(
        (&drunks["status"], &drunks["tmdb_id"]),
        (&json!("review"), &json!(44000)),
        "two years off: {drunks}"
    );
    assert_eq!(titled(&movies, "Qwxyz Blorft")["status"], "unmatched");

    // Listed apart, and outside the TMDB-derived statistics.
    let (status, page) = app
        .get_json(&format!("/api/session/{id}/movies?status=review"))
        .await;
    assert_eq!((status, &page["total"]), (200, &json!(3)), "{page}");
    let (_, stats) = app.get_json(&format!("/api/session/{id}/stats")).await;
    assert_eq!(
        (&stats["enriched_movies"], &stats["review_movies"]),
        (&json!(3), &json!(3))
    );

    // The library export lists them with their status and proposal.
    let (status, export) = app
        .get_json(&format!("/api/session/{id}/export?format=json"))
        .await;
    assert_eq!(status, 200);
    let exported = titled(export.as_array().unwrap(), "Piranha");
    assert_eq!(
        (&exported["status"], &exported["tmdb_id"]),
        (&json!("review"), &json!(43593))
    );

    let before = last_seq(&app, &id).await;
    let patch = |movie_id: i64, body: Value| {
        app.client
            .patch(app.url(&format!("/api/session/{id}/movies/{movie_id}")))
            .bearer_auth(owner)
            .json(&body)
            .send()
    };
    let piranha_id = piranha["id"].as_i64().unwrap();
    let answer = patch(piranha_id, json!({"accept": true})).await.unwrap();
    assert_eq!(answer.status(), 200);
    let accepted: Value = answer.json().await.unwrap();
    assert_eq!(
        (&accepted["status"], &accepted["tmdb_id"]),
        (&json!("enriched"), &json!(43593))
    );
    // Nothing left to accept, and a decision is one thing or the other.
    assert_problem(
        patch(piranha_id, json!({"accept": true})).await.unwrap(),
        409,
    )
    .await;
    assert_problem(
        patch(piranha_id, json!({"accept": true, "tmdb_id": 27324}))
            .await
            .unwrap(),
        400,
    )
    .await;
    assert_problem(patch(piranha_id, json!({})).await.unwrap(), 400).await;

    let bulk = |min: f64| {
        app.client
            .post(app.url(&format!("/api/session/{id}/review/accept")))
            .bearer_auth(owner)
            .json(&json!({ "min_confidence": min }))
            .send()
    };
    assert_problem(bulk(1.5).await.unwrap(), 400).await;
    let answer: Value = bulk(0.0).await.unwrap().json().await.unwrap();
    assert_eq!(
        (&answer["accepted"], &answer["review_count"]),
        (&json!(2), &json!(0)),
        "{answer}"
    );
    let session = app.wait_completed(&id, LONG).await;
    assert_counters_exact(&app, &session).await;
    assert_eq!(
        (&session["enriched_count"], &session["review_count"]),
        (&json!(6), &json!(0))
    );

    // Every change went out as its film's `movie` event; the stream ends on
    // the last `completed`, the one with the counters as they are now.
    let events = sse_until_completed(&app, &id, Some(&before.to_string())).await;
    let kinds: Vec<&str> = events.iter().map(|e| e.event.as_str()).collect();
    assert_eq!(
        kinds,
        ["movie", "movie", "movie", "completed"],
        "{events:?}"
    );
    let titles: Vec<&Value> = events[..3]
        .iter()
        .map(|e| &e.data["movie"]["title"])
        .collect();
    assert_eq!(
        titles,
        [&json!("Piranha"), &json!("Eden"), &json!("Drunks")]
    );
    assert!(
        events[..3]
            .iter()
            .all(|e| e.data["movie"]["status"] == "enriched")
    );
    assert_eq!(events[3].data["session"]["review_count"], 0);
    assert_eq!(events[2].data["progress"]["enriched_count"], 6);
}

async fn the_picker_searches_tmdb_through_the_server(backend: Backend) {
    let app = TestApp::spawn_on_with_catalog(&backend, common::catalogs::matching_cases()).await;
    let search = |query: &str| {
        let url = app.url("/api/tmdb/search");
        app.client.get(url).query(&[("query", query)]).send()
    };
    let answer = search("piranha").await.unwrap();
    assert_eq!(answer.status(), 200);
    let body = answer.text().await.unwrap();
    assert!(
        !body.contains("test-key"),
        "the key never reaches the answer"
    );
    let found: Value = serde_json::from_str(&body).unwrap();
    let ids: Vec<i64> = found["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["tmdb_id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids.len(), 2, "{found}");
    assert!(ids.contains(&43593) && ids.contains(&27324));

    let (status, found) = app
        .get_json("/api/tmdb/search?query=piranha&year=1978")
        .await;
    assert_eq!(
        (status, &found["results"][0]["tmdb_id"]),
        (200, &json!(27324)),
        "{found}"
    );

    // Pasted URLs and ids name one record, with its details.
    for pasted in [
        "https://www.themoviedb.org/movie/949-heat",
        "tt0113277",
        "https://www.imdb.com/title/tt0113277/",
    ] {
        let found: Value = search(pasted).await.unwrap().json().await.unwrap();
        let results = found["results"].as_array().unwrap();
        assert_eq!(results.len(), 1, "{pasted}: {found}");
        assert_eq!(results[0]["tmdb_id"], 949);
        assert_eq!(results[0]["directors"], json!(["Director of Heat"]));
        assert_eq!(results[0]["runtime"], 100);
    }

    // Answers are cached like the engine's: asking again costs no call.
    let calls = app.sim.counters.snapshot().total;
    search("piranha").await.unwrap();
    assert_eq!(app.sim.counters.snapshot().total, calls);

    let (status, heat) = app.get_json("/api/tmdb/movie/949").await;
    assert_eq!((status, &heat["title"]), (200, &json!("Heat")));
    assert_problem(
        app.client
            .get(app.url("/api/tmdb/movie/999999"))
            .send()
            .await
            .unwrap(),
        404,
    )
    .await;
    assert_problem(search("   ").await.unwrap(), 422).await;
    assert_problem(
        app.client
            .get(app.url("/api/tmdb/search?query=x&year=3000"))
            .send()
            .await
            .unwrap(),
        400,
    )
    .await;
}

async fn an_imdb_keyed_film_costs_one_tmdb_call(backend: Backend) {
    let app = TestApp::spawn_on_with_catalog(&backend, common::catalogs::matching_cases()).await;
    let csv = "Const,Your Rating,Date Rated,Title,URL,Title Type,Year\n\
tt0113277,9,2024-01-02,Heat,https://www.imdb.com/title/tt0113277/,Movie,1995\n";
    let session = app.upload_csv(csv).await;
    let id = session["id"].as_str().unwrap();
    app.wait_completed(id, LONG).await;
    let movies = app.movies(id).await;
    assert_eq!(
        (&movies[0]["status"], &movies[0]["tmdb_id"]),
        (&json!("enriched"), &json!(949))
    );
    let calls = app.sim.counters.snapshot();
    assert_eq!(
        (calls.total, calls.movie, calls.find),
        (1, 1, 0),
        "{calls:?}"
    );
}

on_both_backends! {
    unsure_matches_go_to_review_and_a_person_accepts_them,
    the_picker_searches_tmdb_through_the_server,
    an_imdb_keyed_film_costs_one_tmdb_call,
}
