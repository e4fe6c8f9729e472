//! Uploads of every input format of SPEC §2, and every rejection.

mod common;

use common::{Backend, TestApp, assert_problem, fixture};
use reelstream::tmdb::sim::SimConfig;
use serde_json::Value;
use std::time::Duration;

fn titles(movies: &[Value]) -> Vec<&str> {
    movies
        .iter()
        .map(|m| m["title"].as_str().unwrap())
        .collect()
}

async fn every_format_uploads_with_its_counts(backend: Backend) {
    let app = TestApp::spawn_on(&backend).await;
    for (file, format, rows) in [
        ("import/watched.csv", "letterboxd_watched", 8),
        ("import/ratings.csv", "letterboxd_ratings", 6),
        ("import/diary.csv", "letterboxd_diary", 3),
        ("import/reviews.csv", "letterboxd_reviews", 2),
        ("import/watchlist.csv", "letterboxd_watchlist", 3),
        ("import/likes-films.csv", "letterboxd_likes", 2),
        ("import/list.csv", "letterboxd_list", 4),
        ("import/bom_crlf.csv", "letterboxd_watched", 4),
        ("import/imdb_ratings.csv", "imdb", 5),
        ("import/imdb_watchlist.csv", "imdb", 3),
        ("import/generic.csv", "generic", 6),
        ("import/letterboxd-export.zip", "letterboxd_zip", 13),
    ] {
        let session = app.upload_fixture(file).await;
        assert_eq!(session["source_format"], format, "{file}");
        assert_eq!(session["total_movies"], rows, "{file}");
        assert_eq!(session["processed_count"], 0, "{file}");
        assert_eq!(session["status"], "enriching", "{file}");
        let movies = app.movies(session["id"].as_str().unwrap()).await;
        assert_eq!(movies.len(), rows, "{file}");
        let rows_seen: Vec<i64> = movies.iter().map(|m| m["row"].as_i64().unwrap()).collect();
        assert_eq!(rows_seen, (1..=rows as i64).collect::<Vec<_>>(), "{file}");
    }

    // A browser sends `likes/films.csv` without its folder: still likes, whose
    // Date is when the film was liked, not a viewing.
    let response = app
        .upload("films.csv", common::fixture("import/likes-films.csv"))
        .await;
    assert_eq!(response.status(), 202);
    let session: serde_json::Value = response.json().await.unwrap();
    assert_eq!(session["source_format"], "letterboxd_likes");
    let movies = app.movies(session["id"].as_str().unwrap()).await;
    assert!(
        movies.iter().all(|m| m["watched_date"].is_null()),
        "{movies:?}"
    );
}

async fn answers_202_with_location_and_a_readable_session(backend: Backend) {
    let app = TestApp::spawn_on(&backend).await;
    let response = app
        .upload("watched.csv", fixture("import/watched.csv"))
        .await;
    assert_eq!(response.status(), 202);
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    let body: Value = response.json().await.unwrap();
    assert_eq!(
        location,
        format!("/api/session/{}", body["id"].as_str().unwrap())
    );

    let (status, session) = app.get_json(&location).await;
    assert_eq!(status, 200);
    assert_eq!(session["id"], body["id"]);
    for field in [
        "status",
        "source_format",
        "total_movies",
        "processed_count",
        "enriched_count",
        "unmatched_count",
        "failed_count",
        "created_at",
        "updated_at",
    ] {
        assert!(!session[field].is_null(), "missing {field}: {session}");
    }
}

async fn parsed_fields_reach_the_api(backend: Backend) {
    let app = TestApp::spawn_on(&backend).await;

    let watched = app.upload_fixture("import/watched.csv").await;
    let movies = app.movies(watched["id"].as_str().unwrap()).await;
    assert_eq!(movies[2]["title"], "Crouching Tiger, Hidden Dragon");
    let dunes: Vec<_> = movies.iter().filter(|m| m["title"] == "Dune").collect();
    assert_eq!(dunes.len(), 2);
    let wall_e = movies.iter().find(|m| m["title"] == "WALL·E").unwrap();
    assert_eq!(wall_e["year"], 2008);
    assert_eq!(wall_e["logged_date"], "2023-05-27");
    assert_eq!(
        wall_e["watched_date"],
        Value::Null,
        "a logged date is not a viewing"
    );

    let diary = app.upload_fixture("import/diary.csv").await;
    let movies = app.movies(diary["id"].as_str().unwrap()).await;
    // Five entries of three films.
    let viewings: Vec<(i64, i64)> = movies
        .iter()
        .map(|m| {
            (
                m["viewing_count"].as_i64().unwrap(),
                m["rewatch"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(viewings, [(2, 1), (2, 1), (1, 0)]);
    assert_eq!(movies[1]["watched_date"], "2024-02-29");

    let imdb = app.upload_fixture("import/imdb_ratings.csv").await;
    let movies = app.movies(imdb["id"].as_str().unwrap()).await;
    let dune = movies
        .iter()
        .find(|m| m["title"] == "Dune: Part One")
        .unwrap();
    assert_eq!(dune["imdb_id"], "tt1160419");
    assert_eq!(dune["rating"], 4.5);

    let generic = app.upload_fixture("import/generic.csv").await;
    let movies = app.movies(generic["id"].as_str().unwrap()).await;
    let amelie = movies.iter().find(|m| m["title"] == "Amélie").unwrap();
    assert_eq!(amelie["year"], 2001);
    assert_eq!(amelie["tmdb_id"], 194);
    assert_eq!(amelie["rating"], 4.0);
    assert_eq!(movies[1]["title"], "七人の侍");

    let bom = app.upload_fixture("import/bom_crlf.csv").await;
    let movies = app.movies(bom["id"].as_str().unwrap()).await;
    assert_eq!(
        movies[0]["title"], "Amélie",
        "BOM must not leak into the first cell"
    );
    assert_eq!(
        movies[3]["title"],
        "Dr. Strangelove or: How I Learned to Stop Worrying and Love the Bomb"
    );

    let list = app.upload_fixture("import/list.csv").await;
    let movies = app.movies(list["id"].as_str().unwrap()).await;
    assert_eq!(
        titles(&movies),
        ["Seven Samurai", "Ikiru", "Ran", "Rashomon"]
    );
}

async fn the_export_zip_merges_into_one_row_per_film(backend: Backend) {
    let app = TestApp::spawn_on(&backend).await;
    let session = app.upload_fixture("import/letterboxd-export.zip").await;
    let movies = app.movies(session["id"].as_str().unwrap()).await;
    assert_eq!(movies.len(), 13);
    let seven = &movies[0];
    assert_eq!(seven["title"], "Seven Samurai");
    assert_eq!(seven["watched_date"], "2024-02-09");
    assert_eq!(seven["rating"], 5.0);
    assert_eq!(seven["rewatch"], 1);
    assert_eq!(seven["letterboxd_uri"], "https://boxd.it/1ZSY");
    let dune_2021 = movies
        .iter()
        .find(|m| m["title"] == "Dune" && m["year"] == 2021)
        .unwrap();
    assert_eq!(dune_2021["rewatch"], 1);
    assert_eq!(dune_2021["rating"], 4.5);
    let dune_1984 = movies
        .iter()
        .find(|m| m["title"] == "Dune" && m["year"] == 1984)
        .unwrap();
    assert_eq!(dune_1984["rating"], 2.5);
    assert!(
        !titles(&movies).contains(&"Cats"),
        "deleted/ entries are ignored"
    );
}

async fn bad_files_get_their_status_and_persist_nothing(backend: Backend) {
    let app = TestApp::spawn_on(&backend).await;
    for (file, status) in [
        ("import/empty.csv", 400),
        ("import/header_only.csv", 400),
        ("import/invalid_utf8.csv", 400),
        ("import/missing_title.csv", 400),
        ("import/garbage.bin", 415),
        ("import/wrong_columns.csv", 422),
    ] {
        let name = file.rsplit('/').next().unwrap();
        let problem = assert_problem(app.upload(name, fixture(file)).await, status).await;
        assert!(
            problem["detail"].as_str().unwrap().len() > 10,
            "{file}: {problem}"
        );
    }
    assert_eq!(app.session_count().await, 0);
}

async fn row_errors_name_the_row_and_column(backend: Backend) {
    let app = TestApp::spawn_on(&backend).await;
    let response = app
        .upload("missing_title.csv", fixture("import/missing_title.csv"))
        .await;
    let problem = assert_problem(response, 400).await;
    let errors = problem["errors"].as_array().expect("errors array");
    assert!(!errors.is_empty());
    assert!(errors[0]["row"].as_u64().unwrap() >= 2, "{problem}");
    assert_eq!(errors[0]["column"], "Name");

    let response = app
        // Bytes that are not UTF-8 under a UTF-8 BOM: a file that says what
        // it is and is not (without the BOM they would read as Windows-1252).
        .upload(
            "bad.csv",
            b"\xEF\xBB\xBFName,Year\nHeat,1995\n\xff\xfe,2000\n".to_vec(),
        )
        .await;
    let problem = assert_problem(response, 400).await;
    assert!(
        problem["detail"].as_str().unwrap().contains('3'),
        "names line 3: {problem}"
    );
    assert_eq!(app.session_count().await, 0);
}

async fn too_many_rows_is_413(backend: Backend) {
    let app = TestApp::spawn_on_with(&backend, |c| c.max_rows = 3).await;
    let response = app
        .upload("watched.csv", fixture("import/watched.csv"))
        .await;
    assert_problem(response, 413).await;
    assert_eq!(app.session_count().await, 0);
}

fn big_csv(rows: usize) -> Vec<u8> {
    let mut csv = String::from("Title,Year\n");
    for i in 0..rows {
        csv.push_str(&format!("Film number {i},2000\n"));
    }
    csv.into_bytes()
}

async fn too_large_is_413_with_or_without_content_length(backend: Backend) {
    let app = TestApp::spawn_on_with(&backend, |c| c.max_upload_bytes = 4096).await;
    let body = big_csv(5000);

    // With a Content-Length.
    assert_problem(app.upload("big.csv", body.clone()).await, 413).await;

    // Chunked: no Content-Length, so only counting the streamed bytes can stop it.
    let boundary = "reelstreamboundary";
    let mut multipart = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.csv\"\r\nContent-Type: text/csv\r\n\r\n"
    )
    .into_bytes();
    multipart.extend_from_slice(&body);
    multipart.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let chunks: Vec<Result<Vec<u8>, std::io::Error>> =
        multipart.chunks(1024).map(|c| Ok(c.to_vec())).collect();
    let response = app
        .client
        .post(app.url("/api/upload"))
        .header(
            "content-type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(reqwest::Body::wrap_stream(futures_util::stream::iter(
            chunks,
        )))
        .send()
        .await
        .unwrap();
    assert_problem(response, 413).await;

    // A file just under the limit is fine.
    let small = app.upload("small.csv", big_csv(100)).await;
    assert_eq!(small.status(), 202);
    assert_eq!(app.session_count().await, 1);
}

async fn requests_that_are_not_an_upload_are_4xx_problems(backend: Backend) {
    let app = TestApp::spawn_on(&backend).await;
    let json = app
        .client
        .post(app.url("/api/upload"))
        .json(&serde_json::json!({"file": "watched.csv"}))
        .send()
        .await
        .unwrap();
    let status = json.status().as_u16();
    assert!(status == 400 || status == 415, "got {status}");
    assert_problem(json, status).await;

    let form = reqwest::multipart::Form::new().text("other", "x");
    let missing = app
        .client
        .post(app.url("/api/upload"))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_problem(missing, 400).await;
    assert_eq!(app.session_count().await, 0);
}

async fn unknown_and_malformed_ids_are_404_problems(backend: Backend) {
    let app = TestApp::spawn_on(&backend).await;
    for path in [
        "/api/session/0b7e5a0c-0000-4000-8000-000000000000",
        "/api/session/not-a-uuid",
        "/api/session/0b7e5a0c-0000-4000-8000-000000000000/movies",
        "/api/session/%27%3B%20DROP%20TABLE/movies",
    ] {
        let response = app.client.get(app.url(path)).send().await.unwrap();
        assert_problem(response, 404).await;
    }
    let response = app
        .client
        .delete(app.url("/api/session/0b7e5a0c-0000-4000-8000-000000000000"))
        .bearer_auth("rso_not-a-session-token")
        .send()
        .await
        .unwrap();
    assert_problem(response, 404).await;
}

async fn movies_are_paged_and_filtered(backend: Backend) {
    // A slow TMDB keeps every film pending while the test reads.
    let slow = SimConfig {
        latency: Duration::from_secs(30),
        ..SimConfig::default()
    };
    let app = TestApp::spawn_on_with_sim(&backend, slow, |_| {}).await;
    let session = app.upload_fixture("import/watched.csv").await;
    let id = session["id"].as_str().unwrap();

    let (status, page) = app
        .get_json(&format!("/api/session/{id}/movies?offset=2&limit=3"))
        .await;
    assert_eq!(status, 200);
    assert_eq!(page["total"], 8);
    assert_eq!(page["offset"], 2);
    assert_eq!(page["limit"], 3);
    let rows: Vec<i64> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["row"].as_i64().unwrap())
        .collect();
    assert_eq!(rows, [3, 4, 5]);

    let (_, pending) = app
        .get_json(&format!("/api/session/{id}/movies?status=pending"))
        .await;
    assert_eq!(pending["total"], 8);
    let (_, enriched) = app
        .get_json(&format!("/api/session/{id}/movies?status=enriched"))
        .await;
    assert_eq!(enriched["total"], 0);

    let bad = app
        .client
        .get(app.url(&format!("/api/session/{id}/movies?status=bogus")))
        .send()
        .await
        .unwrap();
    assert_problem(bad, 400).await;
    let bad = app
        .client
        .get(app.url(&format!("/api/session/{id}/movies?limit=0")))
        .send()
        .await
        .unwrap();
    assert_problem(bad, 400).await;
}

async fn delete_removes_the_session_and_its_movies(backend: Backend) {
    let app = TestApp::spawn_on(&backend).await;
    let session = app.upload_fixture("import/watched.csv").await;
    let id = session["id"].as_str().unwrap();
    let response = app
        .client
        .delete(app.url(&format!("/api/session/{id}")))
        .bearer_auth(common::owner_token(&session))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 204);
    let (status, _) = app.get_json(&format!("/api/session/{id}")).await;
    assert_eq!(status, 404);
    assert_eq!(app.session_count().await, 0);
    let (_, left) = app.get_json(&format!("/api/session/{id}/movies")).await;
    assert_eq!(left["status"], 404);
}

on_both_backends! {
    every_format_uploads_with_its_counts,
    answers_202_with_location_and_a_readable_session,
    parsed_fields_reach_the_api,
    the_export_zip_merges_into_one_row_per_film,
    bad_files_get_their_status_and_persist_nothing,
    row_errors_name_the_row_and_column,
    too_many_rows_is_413,
    too_large_is_413_with_or_without_content_length,
    requests_that_are_not_an_upload_are_4xx_problems,
    unknown_and_malformed_ids_are_404_problems,
    movies_are_paged_and_filtered,
    delete_removes_the_session_and_its_movies,
}

/// A title no film has (over 1,000 characters) or an overlong URI is refused
/// with its row, and nothing is stored; 1,000 characters still pass.
#[tokio::test]
async fn overlong_fields_are_refused_with_their_row() {
    let app = TestApp::spawn().await;
    let long = "A".repeat(1001);
    let csv = format!("Title,Year\nHeat,1995\n{long},2001\n");
    let response = app.upload("films.csv", csv.into_bytes()).await;
    let problem = assert_problem(response, 400).await;
    assert_eq!(problem["errors"][0]["row"], 3, "{problem}");
    assert_eq!(problem["errors"][0]["column"], "Title", "{problem}");
    let uri = format!("https://boxd.it/{}", "x".repeat(600));
    let csv = format!("Date,Name,Year,Letterboxd URI\n2024-01-01,Heat,1995,{uri}\n");
    let response = app.upload("watched.csv", csv.into_bytes()).await;
    let problem = assert_problem(response, 400).await;
    assert_eq!(problem["errors"][0]["row"], 2, "{problem}");
    assert_eq!(app.session_count().await, 0);

    let csv = format!("Title,Year\n{},2001\n", "A".repeat(1000));
    let response = app.upload("films.csv", csv.into_bytes()).await;
    assert_eq!(response.status(), 202);
}
