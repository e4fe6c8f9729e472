//! The enrichment engine against the TMDB simulator: matching the hard cases,
//! surviving faults, staying under the rate and connection caps, looking each
//! film up once, resuming after a restart, and fairness between sessions.

mod common;

use std::time::Duration;

use common::{Backend, TestApp, assert_counters_exact, fixture};
use reelstream::tmdb::sim::SimConfig;
use serde_json::Value;

const LONG: Duration = Duration::from_secs(120);

async fn a_realistic_letterboxd_file_matches_every_hard_case(backend: Backend) {
    let app = TestApp::spawn_on(&backend).await;
    let session = app.upload_fixture("letterboxd/watched.csv").await;
    let id = session["id"].as_str().unwrap();
    let session = app.wait_completed(id, LONG).await;
    assert_counters_exact(&app, &session).await;

    let expected: Vec<Value> =
        serde_json::from_slice(&fixture("letterboxd/expected.json")).expect("expected.json");
    let movies = app.movies(id).await;
    assert_eq!(movies.len(), expected.len());
    let mut wrong = Vec::new();
    for (movie, want) in movies.iter().zip(&expected) {
        assert_eq!(movie["title"], want["name"]);
        let ok = if want["tmdb_id"].is_null() {
            movie["status"] == "unmatched"
        } else {
            movie["status"] == "enriched"
                && movie["tmdb_id"] == want["tmdb_id"]
                && movie["media_type"] == want["media_type"]
        };
        if !ok {
            wrong.push(format!(
                "{} ({}, {}): got {} {} {}",
                want["name"],
                want["year"],
                want["case"],
                movie["status"],
                movie["tmdb_id"],
                movie["candidates"]
            ));
        }
    }
    assert!(wrong.is_empty(), "mismatched:\n{}", wrong.join("\n"));

    let enriched = movies.iter().find(|m| m["status"] == "enriched").unwrap();
    for field in ["genres", "directors", "top_cast", "countries"] {
        assert!(
            !enriched[field].as_array().unwrap().is_empty(),
            "{field} of {enriched}"
        );
    }
    assert!(enriched["runtime"].as_i64().unwrap() > 0);
    assert!(enriched["match_confidence"].as_f64().unwrap() > 0.5);
    // Every match carries its IMDb id, TV miniseries too.
    for movie in movies.iter().filter(|m| m["status"] == "enriched") {
        assert!(
            movie["imdb_id"]
                .as_str()
                .is_some_and(|id| id.starts_with("tt")),
            "{movie}"
        );
    }
    let unmatched = movies.iter().find(|m| m["status"] == "unmatched").unwrap();
    assert!(unmatched["candidates"].is_array());
}

async fn tmdb_faults_still_end_with_every_film_final_and_exact_counters(backend: Backend) {
    let faulty = SimConfig {
        error_rate: 0.15,
        timeout_rate: 0.05,
        timeout_delay: Duration::from_secs(3),
        drop_rate: 0.1,
        malformed_rate: 0.1,
        rate_limit: Some(30),
        seed: 7,
        ..SimConfig::default()
    };
    let app = TestApp::spawn_on_with_sim(&backend, faulty, |c| {
        c.tmdb_timeout_secs = 1;
        c.tmdb_rps = 200; // above the simulator's limit: a 429 storm
        c.tmdb_max_retries = 3;
    })
    .await;
    let session = app.upload_fixture("letterboxd/watched.csv").await;
    let session = app
        .wait_completed(session["id"].as_str().unwrap(), LONG)
        .await;
    assert_counters_exact(&app, &session).await;
    let snapshot = app.sim.counters.snapshot();
    assert!(
        snapshot.faults() > 0,
        "the simulator injected faults: {snapshot:?}"
    );
    assert!(
        snapshot.rate_limited > 0,
        "the simulator answered 429s: {snapshot:?}"
    );
    // What the client saw is on /metrics for operators, matching what TMDB served.
    let counter =
        async |name: &str| app.metric(&format!("reelstream_tmdb_{name}_total")).await as u64;
    assert_eq!(counter("requests").await, snapshot.total);
    assert_eq!(counter("rate_limited").await, snapshot.rate_limited);
    assert_eq!(counter("server_errors").await, snapshot.server_errors);
    assert_eq!(counter("malformed").await, snapshot.malformed);
    assert!(counter("retries").await > 0 && counter("timeouts").await > 0);
    let failed = app
        .movies(session["id"].as_str().unwrap())
        .await
        .into_iter()
        .filter(|m| m["status"] == "failed")
        .collect::<Vec<_>>();
    for movie in failed {
        let error = movie["error"].as_str().unwrap();
        assert!(!error.is_empty() && !error.contains("test-key"), "{error}");
    }
}

async fn the_client_never_exceeds_the_rate_or_connection_cap(backend: Backend) {
    let sim = SimConfig {
        latency: Duration::from_millis(40),
        jitter: Duration::from_millis(20),
        ..SimConfig::default()
    };
    let app = TestApp::spawn_on_with_sim(&backend, sim, |c| {
        c.tmdb_rps = 25;
        c.tmdb_concurrency = 4;
    })
    .await;
    let session = app.upload_fixture("letterboxd/watched.csv").await;
    app.wait_completed(session["id"].as_str().unwrap(), LONG)
        .await;
    let snapshot = app.sim.counters.snapshot();
    assert!(
        snapshot.total > 40,
        "enough requests to measure: {snapshot:?}"
    );
    assert!(
        snapshot.peak_rps <= 25 + 1,
        "peak rps {} over 25",
        snapshot.peak_rps
    );
    assert!(
        snapshot.peak_in_flight <= 4,
        "peak in flight {}",
        snapshot.peak_in_flight
    );
    assert_eq!(snapshot.rate_limited, 0);
}

async fn a_film_repeated_in_one_upload_and_across_uploads_is_fetched_once(backend: Backend) {
    let app = TestApp::spawn_on(&backend).await;
    // Three Letterboxd films (three URIs) with one title and year: three
    // films, one lookup.
    let csv = "Date,Name,Year,Letterboxd URI\n2024-01-01,Dune,2021,https://boxd.it/a\n\
        2024-01-02,Dune,2021,https://boxd.it/b\n2024-01-03,Seven Samurai,1954,https://boxd.it/c\n\
        2024-01-04,DUNE,2021,https://boxd.it/d\n";
    let first = app.upload_csv(csv).await;
    let second = app.upload_csv(csv).await;
    for session in [&first, &second] {
        let done = app
            .wait_completed(session["id"].as_str().unwrap(), LONG)
            .await;
        assert_eq!(done["enriched_count"], 4, "{done}");
    }
    let third = app.upload_csv("title,year\nDune,2021\n").await;
    app.wait_completed(third["id"].as_str().unwrap(), LONG)
        .await;
    let snapshot = app.sim.counters.snapshot();
    assert_eq!(snapshot.movie_details_requests(438631), 1, "{snapshot:?}");
    assert_eq!(snapshot.movie_details_requests(346), 1, "{snapshot:?}");
    assert_eq!(
        snapshot.search_movie, 2,
        "one search per distinct film: {snapshot:?}"
    );
}

async fn a_restart_mid_session_completes_it_with_exact_counters(backend: Backend) {
    let slow = SimConfig {
        latency: Duration::from_millis(150),
        ..SimConfig::default()
    };
    let app = TestApp::spawn_on_with_sim(&backend, slow, |c| {
        c.tmdb_concurrency = 2;
        c.engine_window = 2;
    })
    .await;
    let session = app.upload_fixture("letterboxd/watched.csv").await;
    let id = session["id"].as_str().unwrap().to_owned();
    loop {
        let (_, now) = app.get_json(&format!("/api/session/{id}")).await;
        if now["processed_count"].as_i64().unwrap() >= 3 {
            assert_eq!(
                now["status"], "enriching",
                "restart must happen mid-session"
            );
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let app = app.restart(|_| {}).await;
    let session = app.wait_completed(&id, LONG).await;
    assert_counters_exact(&app, &session).await;
    let expected = fixture("letterboxd/expected.json");
    let expected: Vec<Value> = serde_json::from_slice(&expected).unwrap();
    assert_eq!(
        session["total_movies"].as_u64().unwrap() as usize,
        expected.len()
    );
}

async fn a_small_session_finishes_while_a_5000_row_session_runs(backend: Backend) {
    let sim = SimConfig {
        latency: Duration::from_millis(20),
        ..SimConfig::default()
    };
    let app = TestApp::spawn_on_with_sim(&backend, sim, |c| c.tmdb_rps = 100).await;
    let mut big = String::from("Title,Year\n");
    for i in 0..5000 {
        big.push_str(&format!("Nonexistent Picture {i},{}\n", 1950 + i % 70));
    }
    let big = app.upload_csv(&big).await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    let small = app
        .upload_csv("Name,Year\nSeven Samurai,1954\nDune,1984\nDune,2021\n")
        .await;
    let small = app
        .wait_completed(small["id"].as_str().unwrap(), Duration::from_secs(30))
        .await;
    assert_eq!(small["enriched_count"], 3);
    let (_, big) = app
        .get_json(&format!("/api/session/{}", big["id"].as_str().unwrap()))
        .await;
    assert_eq!(
        big["status"], "enriching",
        "the big session is still running: {big}"
    );
    assert!(big["processed_count"].as_i64().unwrap() < 5000);
}

async fn a_manual_fix_re_enriches_the_film_and_emits_its_event_again(backend: Backend) {
    let app = TestApp::spawn_on(&backend).await;
    let session = app
        .upload_csv("Name,Year\nThe Lantern Keeper of Vellmar,2016\nDune,2021\n")
        .await;
    let id = session["id"].as_str().unwrap().to_owned();
    let owner = common::owner_token(&session);
    let done = app.wait_completed(&id, LONG).await;
    assert_eq!(done["unmatched_count"], 1);
    let unmatched = app
        .movies(&id)
        .await
        .into_iter()
        .find(|m| m["status"] == "unmatched")
        .unwrap();
    let movie_path = format!("/api/session/{id}/movies/{}", unmatched["id"]);

    let bad = app
        .client
        .patch(app.url(&movie_path))
        .bearer_auth(owner)
        .json(&serde_json::json!({"tmdb_id": 999_999_999}))
        .send()
        .await
        .unwrap();
    common::assert_problem(bad, 422).await;
    let bad = app
        .client
        .patch(app.url(&movie_path))
        .bearer_auth(owner)
        .json(&serde_json::json!({"tmdb": "x"}))
        .send()
        .await
        .unwrap();
    common::assert_problem(bad, 400).await;
    let missing = format!("/api/session/{id}/movies/987654");
    let bad = app
        .client
        .patch(app.url(&missing))
        .bearer_auth(owner)
        .json(&serde_json::json!({"tmdb_id": 550}))
        .send()
        .await
        .unwrap();
    common::assert_problem(bad, 404).await;

    let fixed = app
        .client
        .patch(app.url(&movie_path))
        .bearer_auth(owner)
        .json(&serde_json::json!({"tmdb_id": 550}))
        .send()
        .await
        .unwrap();
    assert_eq!(fixed.status(), 202);
    let done = app.wait_completed(&id, LONG).await;
    assert_eq!(done["enriched_count"], 2, "{done}");
    assert_eq!(done["unmatched_count"], 0, "{done}");
    assert_counters_exact(&app, &done).await;
    let movie = app
        .movies(&id)
        .await
        .into_iter()
        .find(|m| m["id"] == unmatched["id"])
        .unwrap();
    assert_eq!(movie["tmdb_id"], 550);
    assert_eq!(movie["matched_title"], "Fight Club");

    // The log holds the film's first (unmatched) and second (enriched) final states.
    let log = common::live::sse_until_completed(&app, &id, Some("0")).await;
    let states: Vec<&str> = log
        .iter()
        .filter(|m| m.event == "movie" && m.data["movie"]["id"] == unmatched["id"])
        .map(|m| m.data["movie"]["status"].as_str().unwrap())
        .collect();
    assert_eq!(states, ["unmatched", "enriched"]);
}

async fn retry_requeues_failed_films_once_tmdb_answers_again(backend: Backend) {
    // First TMDB is unreachable: every film fails after its retries.
    let app = TestApp::spawn_on_with_sim(&backend, SimConfig::default(), |c| {
        c.tmdb_base_url = "http://127.0.0.1:9/3".into();
        c.tmdb_max_retries = 1;
        c.tmdb_timeout_secs = 1;
    })
    .await;
    let session = app
        .upload_csv("Name,Year\nDune,2021\nSeven Samurai,1954\n")
        .await;
    let id = session["id"].as_str().unwrap().to_owned();
    let owner = common::owner_token(&session);
    let done = app.wait_completed(&id, LONG).await;
    assert_eq!(done["failed_count"], 2, "{done}");
    let failed = app.movies(&id).await;
    assert!(
        failed[0]["error"].as_str().unwrap().contains("TMDB"),
        "{}",
        failed[0]
    );

    // Then it is back: a retry re-queues the failed films and they enrich.
    let app = app.restart(|_| {}).await;
    let response = app
        .client
        .post(app.url(&format!("/api/session/{id}/retry")))
        .bearer_auth(owner)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 202);
    let requeued: Value = response.json().await.unwrap();
    assert_eq!(requeued["failed_count"], 0);
    let done = app.wait_completed(&id, LONG).await;
    assert_eq!(done["enriched_count"], 2, "{done}");
    assert_counters_exact(&app, &done).await;

    let unknown = app
        .client
        .post(app.url("/api/session/nope/retry"))
        .bearer_auth(owner)
        .send()
        .await
        .unwrap();
    common::assert_problem(unknown, 404).await;
}

/// The scheduler reads pending work a page at a time: a film whose rows
/// fill several pages (here 600 rewatches) is looked up once, and the films
/// after it are reached.
async fn a_film_repeated_over_several_pages_is_fetched_once_and_the_rest_follow(backend: Backend) {
    let app = TestApp::spawn_on(&backend).await;
    // 600 films by their URIs, all looked up by one title and year.
    let mut csv = String::from("Date,Name,Year,Letterboxd URI\n");
    for uri in 0..600 {
        csv.push_str(&format!("2024-01-01,Dune,2021,https://boxd.it/d{uri}\n"));
    }
    csv.push_str("2024-01-01,Seven Samurai,1954,https://boxd.it/s\n");
    let session = app.upload_csv(&csv).await;
    let done = app
        .wait_completed(session["id"].as_str().unwrap(), LONG)
        .await;
    assert_eq!(done["enriched_count"], 601, "{done}");
    let snapshot = app.sim.counters.snapshot();
    assert_eq!(snapshot.movie_details_requests(438631), 1, "{snapshot:?}");
}

on_both_backends! {
    a_film_repeated_over_several_pages_is_fetched_once_and_the_rest_follow,
    a_realistic_letterboxd_file_matches_every_hard_case,
    tmdb_faults_still_end_with_every_film_final_and_exact_counters,
    the_client_never_exceeds_the_rate_or_connection_cap,
    a_film_repeated_in_one_upload_and_across_uploads_is_fetched_once,
    a_restart_mid_session_completes_it_with_exact_counters,
    a_small_session_finishes_while_a_5000_row_session_runs,
    a_manual_fix_re_enriches_the_film_and_emits_its_event_again,
    retry_requeues_failed_films_once_tmdb_answers_again,
}

/// A common title hides the film beyond the first page of results, and the
/// export's year is one off TMDB's: the searches by year, then the years
/// either side, find it.
#[tokio::test]
async fn a_crowded_title_is_found_in_the_years_either_side_of_the_exports() {
    use reelstream::tmdb::sim::{Catalog, CatalogMovie, Simulator};

    let template = Catalog::embedded().movies()[0].clone();
    let the_return = |id: i64, year: i32, popularity: f64| CatalogMovie {
        id,
        imdb_id: None,
        title: "The Return".into(),
        original_title: None,
        alternative_titles: Vec::new(),
        release_date: Some(format!("{year}-06-01")),
        popularity,
        ..template.clone()
    };
    // 25 more popular namesakes fill the first page (20 results).
    let mut movies: Vec<CatalogMovie> = (0..25)
        .map(|i| the_return(90_000_000 + i, 1950 + i as i32, 100.0 - i as f64))
        .collect();
    movies.push(the_return(90_000_100, 2003, 0.5));
    let catalog = std::sync::Arc::new(Catalog::new(movies, Vec::new()).unwrap());
    let sim = Simulator::with_catalog(SimConfig::default(), catalog)
        .spawn("127.0.0.1:0")
        .await
        .unwrap();
    let app = TestApp::spawn_with(|c| c.tmdb_base_url = sim.base_url.clone()).await;

    let session = app.upload_csv("Title,Year\nThe Return,2004\n").await;
    let sid = session["id"].as_str().unwrap();
    app.wait_completed(sid, LONG).await;
    let movie = &app.movies(sid).await[0];
    assert_eq!(movie["status"], "enriched", "{movie}");
    assert_eq!(movie["tmdb_id"], 90_000_100);
    assert_eq!(movie["release_date"], "2003-06-01");
}

/// A TMDB id in an export that TMDB has no record of (a typo) does not strand
/// the film: it is looked up by title and year instead.
#[tokio::test]
async fn an_unknown_tmdb_id_in_the_export_falls_back_to_the_title() {
    let app = TestApp::spawn().await;
    let session = app
        .upload_csv("Title,Year,tmdb_id\nSeven Samurai,1954,999999999\nPersona,1966,797\n")
        .await;
    let sid = session["id"].as_str().unwrap();
    app.wait_completed(sid, LONG).await;
    let movies = app.movies(sid).await;
    let ids: Vec<(&Value, &Value)> = movies
        .iter()
        .map(|m| (&m["status"], &m["tmdb_id"]))
        .collect();
    assert_eq!(
        ids,
        [
            (&Value::from("enriched"), &Value::from(346)),
            (&Value::from("enriched"), &Value::from(797))
        ],
        "{movies:?}"
    );
    assert_eq!(movies[0]["matched_title"], "Seven Samurai");
}
