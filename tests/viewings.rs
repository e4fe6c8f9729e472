//! Films and their viewings (issue 16), over HTTP on both backends: a diary
//! gives films with one viewing per entry, alone as inside its export ZIP; a
//! review of a diary entry is that viewing; films that carry an identity
//! (a Letterboxd film URI, an IMDb `Const`) are one film per identity, so
//! namesakes stay apart; each export date is kept for what it is; the
//! viewings are read with the film and written in the exports. Fixtures:
//! `tests/fixtures/viewings/` (see its README).

mod common;

use std::io::Write;

use common::{Backend, TestApp, fixture};
use serde_json::{Value, json};

/// A ZIP laid out as a Letterboxd export, of the named fixture files.
fn export_zip(files: &[&str]) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default();
    for file in files {
        zip.start_file(
            format!("letterboxd-cinephile-2024-06-01-00-00-utc/{file}"),
            options,
        )
        .unwrap();
        zip.write_all(&fixture(&format!("viewings/{file}")))
            .unwrap();
    }
    zip.finish().unwrap().into_inner()
}

async fn upload(app: &TestApp, name: &str, bytes: Vec<u8>) -> Value {
    let response = app.upload(name, bytes).await;
    let status = response.status();
    let body: Value = response.json().await.unwrap();
    assert_eq!(status, 202, "{name}: {body}");
    body
}

/// Every film of a session with its viewings, as `GET …/movies/{id}` reads it.
async fn library(app: &TestApp, session: &Value) -> Vec<Value> {
    let id = session["id"].as_str().unwrap();
    let mut films = Vec::new();
    for movie in app.movies(id).await {
        let (status, detail) = app
            .get_json(&format!("/api/session/{id}/movies/{}", movie["id"]))
            .await;
        assert_eq!(status, 200, "{detail}");
        assert_eq!(
            detail["title"], movie["title"],
            "the detail is the listed film"
        );
        assert_eq!(
            detail["viewing_count"],
            json!(detail["viewings"].as_array().unwrap().len()),
            "{detail}"
        );
        films.push(detail);
    }
    films
}

/// (title, year, viewings as (date, rating, rewatch, reviewed)) of each film.
fn shape(films: &[Value]) -> Vec<(String, Value, Vec<Value>)> {
    films
        .iter()
        .map(|f| {
            let viewings = f["viewings"]
                .as_array()
                .unwrap()
                .iter()
                .map(|v| json!([v["watched_date"], v["rating"], v["rewatch"], v["reviewed"]]))
                .collect();
            (
                f["title"].as_str().unwrap().to_owned(),
                f["year"].clone(),
                viewings,
            )
        })
        .collect()
}

fn find<'a>(films: &'a [Value], title: &str, uri: &str) -> &'a Value {
    films
        .iter()
        .find(|f| f["title"] == title && f["letterboxd_uri"] == uri)
        .unwrap_or_else(|| panic!("{title} <{uri}> in {films:#?}"))
}

async fn a_diary_gives_films_and_viewings_alone_as_in_its_zip(backend: Backend) {
    let app = TestApp::spawn_on(&backend).await;
    let alone = upload(&app, "diary.csv", fixture("viewings/diary.csv")).await;
    assert_eq!(
        alone["total_movies"], 4,
        "six entries of four films: {alone}"
    );
    let films = library(&app, &alone).await;
    let samurai = &films[0];
    assert_eq!(samurai["title"], "Seven Samurai");
    assert_eq!(
        (&samurai["viewing_count"], &samurai["rewatch"]),
        (&json!(3), &json!(2))
    );
    assert_eq!(
        samurai["watched_date"], "2024-02-09",
        "the latest dated entry"
    );
    assert_eq!(
        samurai["viewings"][0],
        json!({"watched_date": "2023-01-14", "rating": 5.0, "rewatch": false,
               "tags": ["kurosawa", "criterion"], "reviewed": false})
    );
    assert_eq!(
        samurai["viewings"][2]["watched_date"],
        Value::Null,
        "an entry without a Watched Date has no date: none is invented"
    );

    let zipped = upload(&app, "export.zip", export_zip(&["diary.csv"])).await;
    assert_eq!(zipped["source_format"], "letterboxd_zip");
    assert_eq!(shape(&library(&app, &zipped).await), shape(&films));
}

async fn namesakes_reviews_and_dates_in_a_whole_export(backend: Backend) {
    let app = TestApp::spawn_on(&backend).await;
    let files = [
        "watched.csv",
        "diary.csv",
        "ratings.csv",
        "reviews.csv",
        "watchlist.csv",
    ];
    let session = upload(&app, "export.zip", export_zip(&files)).await;
    let films = library(&app, &session).await;
    let titles: Vec<_> = films.iter().map(|f| f["title"].as_str().unwrap()).collect();
    assert_eq!(
        titles,
        [
            "Seven Samurai",
            "Deception",
            "Deception",
            "Perfect Days",
            "Heat",
            "Past Lives"
        ],
        "two Letterboxd URIs are two films, though title and year agree"
    );

    let first = find(&films, "Deception", "https://boxd.it/4Cfa");
    let second = find(&films, "Deception", "https://boxd.it/5xQb");
    assert_eq!(
        first["viewing_count"], 1,
        "the diary entry goes to the first namesake"
    );
    assert_eq!(
        (&second["viewing_count"], &second["rating"]),
        (&json!(0), &json!(2.0))
    );
    assert_eq!(second["rated_date"], "2023-03-14");

    let samurai = find(&films, "Seven Samurai", "https://boxd.it/28Y4");
    assert_eq!(
        samurai["viewing_count"], 3,
        "the review of entry e4 is that viewing"
    );
    let reviewed: Vec<_> = samurai["viewings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["reviewed"].as_bool().unwrap())
        .collect();
    assert_eq!(reviewed, [false, true, false]);
    assert_eq!(samurai["rating"], 5.0, "ratings.csv rates the film");
    assert_eq!(
        (&samurai["logged_date"], &samurai["watched_date"]),
        (&json!("2023-01-15"), &json!("2024-02-09"))
    );

    let heat = find(&films, "Heat", "https://boxd.it/2aHa");
    let dates: Vec<_> = heat["viewings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["watched_date"].as_str().unwrap())
        .collect();
    assert_eq!(
        dates,
        ["2024-04-01", "2022-05-31"],
        "a review alone is a viewing of its own"
    );

    let past_lives = find(&films, "Past Lives", "https://boxd.it/2Ebc");
    assert_eq!(
        (
            &past_lives["added_date"],
            &past_lives["watched_date"],
            &past_lives["logged_date"]
        ),
        (&json!("2024-05-05"), &Value::Null, &Value::Null),
        "a watchlist's date is when it was added"
    );
}

async fn a_lone_watched_file_logs_without_viewings(backend: Backend) {
    let app = TestApp::spawn_on(&backend).await;
    let session = upload(&app, "watched.csv", fixture("viewings/watched.csv")).await;
    assert_eq!(session["total_movies"], 5, "{session}");
    let films = library(&app, &session).await;
    assert!(
        films
            .iter()
            .all(|f| f["viewing_count"] == 0 && f["watched_date"].is_null())
    );
    assert_eq!(films[2]["logged_date"], "2023-03-13");
}

async fn imdb_rows_are_one_film_per_const(backend: Backend) {
    let app = TestApp::spawn_on(&backend).await;
    let session = upload(&app, "ratings.csv", fixture("viewings/imdb_ratings.csv")).await;
    let id = session["id"].as_str().unwrap();
    let films: Vec<_> = app
        .movies(id)
        .await
        .iter()
        .map(|m| {
            (
                m["title"].as_str().unwrap().to_owned(),
                m["imdb_id"].clone(),
            )
        })
        .collect();
    assert_eq!(
        films,
        [
            ("Seven Samurai".to_owned(), json!("tt0047478")),
            ("Deception".to_owned(), json!("tt2267968")),
            ("Deception".to_owned(), json!("tt3174376")),
        ]
    );
    let samurai = &app.movies(id).await[0];
    assert_eq!(
        (
            &samurai["rating"],
            &samurai["rated_date"],
            &samurai["watched_date"]
        ),
        (&json!(5.0), &json!("2023-03-04"), &Value::Null),
        "the first row's rating; a rating's date is not a viewing"
    );
}

async fn viewings_are_read_with_the_film_and_exported(backend: Backend) {
    let app = TestApp::spawn_on(&backend).await;
    let session = upload(&app, "diary.csv", fixture("viewings/diary.csv")).await;
    let other = upload(&app, "watched.csv", fixture("viewings/watched.csv")).await;
    let id = session["id"].as_str().unwrap();
    let foreign = app.movies(other["id"].as_str().unwrap()).await[0]["id"].clone();
    let (status, problem) = app
        .get_json(&format!("/api/session/{id}/movies/{foreign}"))
        .await;
    assert_eq!(status, 404, "another session's film: {problem}");

    let export = |format: &'static str| {
        let url = app.url(&format!("/api/session/{id}/export?format={format}"));
        let client = app.client.clone();
        async move { client.get(url).send().await.unwrap().text().await.unwrap() }
    };
    let json: Vec<Value> = serde_json::from_str(&export("json").await).unwrap();
    assert_eq!(
        json[0]["viewings"].as_array().unwrap().len(),
        3,
        "{:#}",
        json[0]
    );
    let csv = export("csv").await;
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let header = reader.headers().unwrap().clone();
    let at = |name: &str| header.iter().position(|h| h == name).unwrap();
    let first = reader.records().next().unwrap().unwrap();
    assert_eq!(&first[at("viewing_count")], "3");
    assert_eq!(&first[at("viewing_dates")], "2023-01-14; 2024-02-09");
}

on_both_backends!(
    a_diary_gives_films_and_viewings_alone_as_in_its_zip,
    namesakes_reviews_and_dates_in_a_whole_export,
    a_lone_watched_file_logs_without_viewings,
    imdb_rows_are_one_film_per_const,
    viewings_are_read_with_the_film_and_exported,
);
