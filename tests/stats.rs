//! Library statistics and exports: the numbers equal what the films say
//! (counted by hand from the simulator catalog, `src/tmdb/sim/catalog.json`),
//! exports hold every row with its fields and neutralised CSV cells, and
//! the errors are problem+json.

mod common;

use std::time::{Duration, Instant};

use common::{Backend, TestApp, assert_problem};
use serde_json::{Value, json};

const LONG: Duration = Duration::from_secs(60);

/// Five films by TMDB id plus one that exists nowhere. From the catalog:
///
/// | id | film | released | runtime | genres | directors | countries | language |
/// |---|---|---|---|---|---|---|---|
/// | 346 | Seven Samurai | 1954 | 207 | Action, Drama | Akira Kurosawa | JP | ja |
/// | 680 | Pulp Fiction | 1994 | 154 | Thriller, Crime | Quentin Tarantino | US | en |
/// | 24 | Kill Bill: Vol. 1 | 2003 | 111 | Action, Crime | Quentin Tarantino | US | en |
/// | 550 | Fight Club | 1999 | 139 | Drama | David Fincher | DE, US | en |
/// | 194 | Amélie | 2001 | 122 | Comedy, Romance | Jean-Pierre Jeunet | FR, DE | fr |
const SMALL_LIBRARY: &str = "\
title,year,tmdb_id,rating,watched_date
Seven Samurai,1954,346,5,2023-01-14
Pulp Fiction,1994,680,4.5,2023-02-03
Kill Bill: Vol. 1,2003,24,4,2024-03-01
Fight Club,1999,550,,2024-05-27
Amélie,2001,194,4.5,
The Lantern Keeper of Vellmar,2016,,,2024-06-01
";

async fn completed_upload(app: &TestApp, csv: &str) -> String {
    let session = app.upload_csv(csv).await;
    let id = session["id"].as_str().expect("session id").to_owned();
    app.wait_completed(&id, LONG).await;
    id
}

fn names(list: &Value) -> Vec<(String, i64)> {
    list.as_array()
        .expect("a list")
        .iter()
        .map(|e| {
            (
                e["name"].as_str().unwrap().to_owned(),
                e["count"].as_i64().unwrap(),
            )
        })
        .collect()
}

fn owned(pairs: &[(&str, i64)]) -> Vec<(String, i64)> {
    pairs.iter().map(|(n, c)| ((*n).to_owned(), *c)).collect()
}

async fn stats_equal_what_the_films_say(backend: Backend) {
    let app = TestApp::spawn_on(&backend).await;
    let id = completed_upload(&app, SMALL_LIBRARY).await;
    let (status, stats) = app.get_json(&format!("/api/session/{id}/stats")).await;
    assert_eq!(status, 200, "{stats}");

    assert_eq!(stats["session_id"], id);
    assert_eq!(stats["total_movies"], 6);
    assert_eq!(stats["enriched_movies"], 5);
    assert_eq!(
        names(&stats["genres"]),
        owned(&[
            ("Action", 2),
            ("Crime", 2),
            ("Drama", 2),
            ("Comedy", 1),
            ("Romance", 1),
            ("Thriller", 1),
        ])
    );
    assert_eq!(
        names(&stats["directors"]),
        owned(&[
            ("Quentin Tarantino", 2),
            ("Akira Kurosawa", 1),
            ("David Fincher", 1),
            ("Jean-Pierre Jeunet", 1),
        ])
    );
    assert_eq!(
        names(&stats["countries"]),
        owned(&[("US", 3), ("DE", 2), ("FR", 1), ("JP", 1)])
    );
    assert_eq!(
        names(&stats["languages"]),
        owned(&[("en", 3), ("fr", 1), ("ja", 1)])
    );
    // Uma Thurman is in Pulp Fiction and Kill Bill.
    assert_eq!(names(&stats["actors"])[0], ("Uma Thurman".to_owned(), 2));

    assert_eq!(
        stats["decades"],
        json!([
            {"decade": 1950, "count": 1},
            {"decade": 1990, "count": 2},
            {"decade": 2000, "count": 2},
        ])
    );

    let runtime = &stats["runtime"];
    assert_eq!(runtime["total_minutes"], 207 + 154 + 111 + 139 + 122);
    assert_eq!(runtime["films"], 5);
    assert!((runtime["average_minutes"].as_f64().unwrap() - 146.6).abs() < 1e-9);
    let buckets = runtime["buckets"].as_array().unwrap();
    let in_bucket = |min: i64| {
        buckets
            .iter()
            .find(|b| b["min_minutes"] == min)
            .unwrap_or_else(|| panic!("no bucket at {min}: {runtime}"))["count"]
            .as_i64()
            .unwrap()
    };
    assert_eq!(in_bucket(105), 1, "111 min");
    assert_eq!(in_bucket(120), 1, "122 min");
    assert_eq!(in_bucket(135), 1, "139 min");
    assert_eq!(in_bucket(150), 1, "154 min");
    assert_eq!(in_bucket(195), 1, "207 min");
    assert_eq!(
        buckets
            .iter()
            .map(|b| b["count"].as_i64().unwrap())
            .sum::<i64>(),
        5
    );
    assert_eq!(buckets.last().unwrap()["max_minutes"], Value::Null);

    // Ratings come from the export and cover every row that has one.
    let ratings = &stats["ratings"];
    assert_eq!(ratings["rated"], 4);
    assert!((ratings["average"].as_f64().unwrap() - 4.5).abs() < 1e-9);
    let histogram = ratings["histogram"].as_array().unwrap();
    assert_eq!(histogram.len(), 10, "every half star");
    let rated = |r: f64| {
        histogram
            .iter()
            .find(|b| b["rating"].as_f64() == Some(r))
            .unwrap()["count"]
            .as_i64()
            .unwrap()
    };
    assert_eq!(
        (rated(4.0), rated(4.5), rated(5.0), rated(0.5)),
        (1, 2, 1, 0)
    );

    // Watched years cover every row with a date, the unmatched film included.
    assert_eq!(
        stats["watched_years"],
        json!([{"year": 2023, "count": 2}, {"year": 2024, "count": 3}])
    );

    // `top` trims the name lists.
    let (status, top) = app
        .get_json(&format!("/api/session/{id}/stats?top=1"))
        .await;
    assert_eq!(status, 200);
    assert_eq!(names(&top["genres"]), owned(&[("Action", 2)]));
    assert_eq!(top["decades"].as_array().unwrap().len(), 3);
}

async fn ratings_histogram_is_absent_without_ratings(backend: Backend) {
    let app = TestApp::spawn_on(&backend).await;
    let session = app.upload_fixture("letterboxd/watched.csv").await;
    let id = session["id"].as_str().unwrap();
    app.wait_completed(id, LONG).await;
    let (status, stats) = app.get_json(&format!("/api/session/{id}/stats")).await;
    assert_eq!(status, 200, "{stats}");
    assert!(
        stats.get("ratings").is_none(),
        "no ratings in watched.csv: {}",
        stats["ratings"]
    );
    assert_eq!(stats["total_movies"], 89);
    assert!(stats["genres"].as_array().unwrap().len() > 5);
    assert!(stats["runtime"]["total_minutes"].as_i64().unwrap() > 80 * 60);
    // Every row of watched.csv has a date: the years add up to all of them.
    let years: i64 = stats["watched_years"]
        .as_array()
        .unwrap()
        .iter()
        .map(|y| y["count"].as_i64().unwrap())
        .sum();
    assert_eq!(years, 89);

    // ratings.csv has them.
    let session = app.upload_fixture("import/ratings.csv").await;
    let id = session["id"].as_str().unwrap();
    app.wait_completed(id, LONG).await;
    let (_, stats) = app.get_json(&format!("/api/session/{id}/stats")).await;
    assert_eq!(stats["ratings"]["rated"], 6, "{stats}");
}

async fn stats_are_readable_while_enriching_and_of_an_empty_library(backend: Backend) {
    let app = TestApp::spawn_on(&backend).await;
    // The lookups of these titles will not be final yet when asked at once;
    // whatever the moment, the figures are consistent with each other.
    let session = app.upload_fixture("letterboxd/watched.csv").await;
    let id = session["id"].as_str().unwrap();
    let (status, stats) = app.get_json(&format!("/api/session/{id}/stats")).await;
    assert_eq!(status, 200, "{stats}");
    assert_eq!(stats["total_movies"], 89);
    let enriched = stats["enriched_movies"].as_i64().unwrap();
    let decades: i64 = stats["decades"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["count"].as_i64().unwrap())
        .sum();
    assert!(decades <= enriched, "{stats}");
    app.wait_completed(id, LONG).await;
}

/// `GET /api/session/{id}/export{query}`, checked to be a 200 of `content_type`.
async fn export(app: &TestApp, id: &str, query: &str, content_type: &str) -> reqwest::Response {
    let response = app
        .client
        .get(app.url(&format!("/api/session/{id}/export{query}")))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let actual = response.headers()["content-type"].to_str().unwrap();
    assert!(actual.starts_with(content_type), "{actual}");
    response
}

async fn export_csv_holds_every_row_with_its_fields(backend: Backend) {
    let app = TestApp::spawn_on(&backend).await;
    let id = completed_upload(&app, SMALL_LIBRARY).await;
    let response = export(&app, &id, "?format=csv", "text/csv").await;
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    assert_eq!(
        header("content-disposition"),
        format!("attachment; filename=reelstream-{id}.csv")
    );
    let body = response.bytes().await.unwrap();
    let mut reader = csv::Reader::from_reader(body.as_ref());
    let headers: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_owned)
        .collect();
    assert_eq!(
        headers,
        reelstream::export::csv_header().collect::<Vec<_>>()
    );
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 6, "every row, unmatched included");
    let col = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let titles: Vec<&str> = rows.iter().map(|r| &r[col("title")]).collect();
    assert_eq!(
        titles,
        [
            "Seven Samurai",
            "Pulp Fiction",
            "Kill Bill: Vol. 1",
            "Fight Club",
            "Amélie",
            "The Lantern Keeper of Vellmar"
        ]
    );
    let samurai = &rows[0];
    assert_eq!(&samurai[col("row")], "1");
    assert_eq!(&samurai[col("status")], "enriched");
    assert_eq!(&samurai[col("tmdb_id")], "346");
    assert_eq!(&samurai[col("genres")], "Action; Drama");
    assert_eq!(&samurai[col("directors")], "Akira Kurosawa");
    assert_eq!(&samurai[col("runtime")], "207");
    assert_eq!(&samurai[col("release_date")], "1954-04-26");
    assert_eq!(&samurai[col("countries")], "JP");
    assert_eq!(&samurai[col("rating")], "5");
    assert_eq!(&samurai[col("watched_date")], "2023-01-14");
    assert_eq!(&rows[3][col("countries")], "DE; US");
    assert_eq!(&rows[5][col("status")], "unmatched");
    assert_eq!(&rows[5][col("tmdb_id")], "");

    // Without a format the export is CSV.
    export(&app, &id, "", "text/csv").await;
}

async fn export_json_holds_every_row_as_the_api_shows_it(backend: Backend) {
    let app = TestApp::spawn_on(&backend).await;
    let id = completed_upload(&app, SMALL_LIBRARY).await;
    let response = export(&app, &id, "?format=json", "application/json").await;
    assert_eq!(
        response.headers()["content-disposition"],
        format!("attachment; filename=reelstream-{id}.json").as_str()
    );
    let exported: Vec<Value> = response.json().await.unwrap();
    let listed = app.movies(&id).await;
    assert_eq!(exported.len(), 6);
    // Each film as the API lists it, and its viewings as its detail reads them.
    let mut films = exported.clone();
    for (film, listed) in films.iter_mut().zip(&listed) {
        let viewings = film.as_object_mut().unwrap().remove("viewings").unwrap();
        let (_, detail) = app
            .get_json(&format!("/api/session/{id}/movies/{}", listed["id"]))
            .await;
        assert_eq!(viewings, detail["viewings"], "{detail}");
    }
    assert_eq!(films, listed, "the export says what the API says");
    let amelie = &exported[4];
    assert_eq!(amelie["title"], "Amélie");
    assert_eq!(amelie["status"], "enriched");
    assert_eq!(amelie["tmdb_id"], 194);
    assert_eq!(amelie["genres"], json!(["Comedy", "Romance"]));
    assert_eq!(amelie["directors"], json!(["Jean-Pierre Jeunet"]));
    assert_eq!(amelie["countries"], json!(["FR", "DE"]));
    assert_eq!(amelie["original_language"], "fr");
    assert_eq!(amelie["runtime"], 122);
    assert_eq!(amelie["rating"], 4.5);
    assert!(!amelie["top_cast"].as_array().unwrap().is_empty());
    assert_eq!(exported[5]["status"], "unmatched");
}

async fn csv_export_neutralises_formula_cells(backend: Backend) {
    let app = TestApp::spawn_on(&backend).await;
    let id = completed_upload(
        &app,
        "title,year\n\"=HYPERLINK(\"\"http://evil.example\"\",\"\"click\"\")\",2020\n@SUM(A1),2021\n",
    )
    .await;
    let body = export(&app, &id, "?format=csv", "text/csv")
        .await
        .bytes()
        .await
        .unwrap();
    let mut reader = csv::Reader::from_reader(body.as_ref());
    let titles: Vec<String> = reader.records().map(|r| r.unwrap()[1].to_owned()).collect();
    assert_eq!(
        titles,
        [
            "'=HYPERLINK(\"http://evil.example\",\"click\")",
            "'@SUM(A1)"
        ]
    );
    // JSON is data, not a spreadsheet: the title is kept as written.
    let (_, movies) = app
        .get_json(&format!("/api/session/{id}/export?format=json"))
        .await;
    assert_eq!(
        movies[0]["title"],
        "=HYPERLINK(\"http://evil.example\",\"click\")"
    );
}

async fn unknown_sessions_and_bad_formats_are_problems(backend: Backend) {
    let app = TestApp::spawn_on(&backend).await;
    let unknown = uuid::Uuid::new_v4();
    for path in [
        format!("/api/session/{unknown}/stats"),
        format!("/api/session/{unknown}/export?format=csv"),
        "/api/session/not-a-session/stats".to_owned(),
        "/api/session/not-a-session/export".to_owned(),
    ] {
        let response = app.client.get(app.url(&path)).send().await.unwrap();
        let problem = assert_problem(response, 404).await;
        assert!(
            problem["detail"].as_str().unwrap().contains("session"),
            "{path}: {problem}"
        );
    }

    let id = completed_upload(&app, "title,year\nPersona,1966\n").await;
    for path in [
        format!("/api/session/{id}/export?format=xlsx"),
        format!("/api/session/{id}/export?format="),
        format!("/api/session/{id}/stats?top=0"),
        format!("/api/session/{id}/stats?top=many"),
    ] {
        let response = app.client.get(app.url(&path)).send().await.unwrap();
        assert_problem(response, 400).await;
    }
}

/// 10 000 enriched rows, written straight into a database: the aggregation
/// stays in the database and answers quickly.
async fn stats_of_ten_thousand_films_are_fast(backend: Backend) {
    use reelstream::store::{Db, sessions, stats};
    use sea_orm::ConnectionTrait;

    let test_db = backend.create_db().await;
    let db = Db::connect(&test_db.url).await.unwrap();
    let rows = (0..10_000)
        .map(|i| sessions::NewMovie {
            watched_date: Some(format!("{}-06-01", 2015 + i % 10)),
            rating: Some(f64::from(1 + i % 10) / 2.0),
            viewings: vec![reelstream::domain::Viewing {
                watched_date: Some(format!("{}-06-01", 2015 + i % 10)),
                rewatch: i % 4 == 0,
                ..Default::default()
            }],
            ..sessions::NewMovie::new(
                i + 1,
                format!("Film {i}"),
                Some(1950 + i % 70),
                reelstream::domain::LookupKey::Tmdb(i as i64 + 1),
            )
        })
        .collect();
    let session = sessions::create(&db, "generic", rows, |_| String::new())
        .await
        .unwrap();
    db.conn()
        .execute_unprepared(&format!(
            "UPDATE movies SET status = 'enriched', runtime = 80 + \"row\" % 100, \
             release_date = CAST(year AS TEXT) || '-01-01', original_language = 'en', \
             genres = '[\"Drama\",\"Genre ' || (\"row\" % 20) || '\"]', \
             directors = '[\"Director ' || (\"row\" % 500) || '\"]', \
             \"cast\" = '[\"Actor A\",\"Actor ' || (\"row\" % 1000) || '\",\"Actor ' || (\"row\" % 7) || '\"]', \
             countries = '[\"US\",\"FR\"]' WHERE session_id = '{}'",
            session.id
        ))
        .await
        .unwrap();

    let started = Instant::now();
    let stats = stats::library(&db, &session.id, 20, None).await.unwrap();
    let took = started.elapsed();
    assert_eq!(stats.total_movies, 10_000);
    assert_eq!(stats.enriched_movies, 10_000);
    assert_eq!(stats.genres[0].name, "Drama");
    assert_eq!(stats.genres[0].count, 10_000);
    assert_eq!(stats.genres.len(), 20);
    assert_eq!(stats.directors[0].count, 20);
    assert_eq!(stats.actors[0].name, "Actor A");
    assert_eq!(stats.actors[0].count, 10_000);
    assert_eq!(stats.countries.len(), 2);
    assert_eq!(stats.decades.len(), 7);
    assert_eq!(stats.decades.iter().map(|d| d.count).sum::<i64>(), 10_000);
    assert_eq!(stats.watched_years.len(), 10);
    assert_eq!(stats.ratings.len(), 10);
    assert_eq!(
        stats.runtime_minutes,
        (1..=10_000).map(|row| 80 + row % 100).sum::<i64>()
    );
    assert!(took < Duration::from_secs(2), "stats took {took:?}");
    println!("stats of 10 000 films: {took:?}");
    assert_eq!(
        stats.viewing_days.iter().map(|d| d.viewings).sum::<i64>(),
        10_000
    );
    assert_eq!(stats.viewing_years.len(), 10);

    // A year in review: its thousand films' viewings and highlights.
    let started = Instant::now();
    let year = stats::library(&db, &session.id, 20, Some(2019))
        .await
        .unwrap();
    let films = reelstream::store::year_films::year_films(&db, &session.id, Some(2019))
        .await
        .unwrap();
    let took = started.elapsed();
    assert_eq!(year.viewing_days.len(), 1_000);
    assert_eq!(
        year.viewing_days.iter().map(|d| d.rewatches).sum::<i64>(),
        500
    );
    assert_eq!((films.films, films.longest[0].runtime), (1_000, Some(175)));
    println!("a year in review of 10 000 films (1 000 that year): {took:?}");
}

/// A diary across three years, rewatches among it; weekdays by the calendar
/// (2023-12-30 and 2024-01-06 are Saturdays, 2024-01-08 a Monday,
/// 2021-10-01 and 2024-03-15 Fridays). The simulator's TMDB averages: Heat
/// 7.9 (170 min), Dune 7.8 (155 min), Seven Samurai 8.5 (207 min); a film's
/// rating is its latest viewing's: Heat 4.5, Dune 3.5, Seven Samurai 5.
const DIARY: &str = "\
Date,Name,Year,Letterboxd URI,Rating,Rewatch,Tags,Watched Date
2021-10-01,Dune,2021,https://boxd.it/e0,4,,,2021-10-01
2023-12-30,Heat,1995,https://boxd.it/e1,4,,,2023-12-30
2024-01-06,Heat,1995,https://boxd.it/e2,4.5,Yes,,2024-01-06
2024-01-06,Dune,2021,https://boxd.it/e3,3,,,2024-01-06
2024-01-08,Seven Samurai,1954,https://boxd.it/e4,5,,,2024-01-08
2024-03-15,Dune,2021,https://boxd.it/e5,3.5,Yes,,2024-03-15
";

async fn viewing_stats_follow_the_year(backend: Backend) {
    let app = TestApp::spawn_on(&backend).await;
    let response = app.upload("diary.csv", DIARY.as_bytes().to_vec()).await;
    assert_eq!(response.status(), 202);
    let id = response.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();

    app.wait_completed(&id, LONG).await;
    let (status, stats) = app.get_json(&format!("/api/session/{id}/stats")).await;
    assert_eq!(status, 200, "{stats}");
    let all = &stats["viewings"];
    assert_eq!(all["year"], Value::Null);
    assert_eq!(
        all["years"],
        json!([
            {"year": 2021, "viewings": 1},
            {"year": 2023, "viewings": 1},
            {"year": 2024, "viewings": 4}
        ])
    );
    assert_eq!(
        (
            &all["viewings"],
            &all["films"],
            &all["first_watches"],
            &all["rewatches"]
        ),
        (&json!(6), &json!(3), &json!(4), &json!(2))
    );
    assert_eq!(all["weekdays"], json!([1, 0, 0, 0, 2, 3, 0]));
    assert_eq!(
        all["months"],
        json!([
            {"month": "2021-10", "viewings": 1, "films": 1},
            {"month": "2023-12", "viewings": 1, "films": 1},
            {"month": "2024-01", "viewings": 3, "films": 3},
            {"month": "2024-03", "viewings": 1, "films": 1},
        ])
    );

    // Rated furthest above TMDB: Seven Samurai (10 − 8.5), Heat (9 − 7.9);
    // below: Dune (7 − 7.8). None was last watched in its release year.
    let titles = |list: &Value| -> Vec<String> {
        let films = list.as_array().unwrap().iter();
        films
            .map(|f| f["title"].as_str().unwrap().to_owned())
            .collect()
    };
    let h = &stats["highlights"];
    assert_eq!(titles(&h["above_tmdb"]), ["Seven Samurai", "Heat"], "{h}");
    assert_eq!(titles(&h["below_tmdb"]), ["Dune"]);
    // Rated 5, 4.5 and 3.5 (each film's latest rating).
    assert_eq!(titles(&h["top_rated"]), ["Seven Samurai", "Heat", "Dune"]);
    assert_eq!(titles(&h["longest"]), ["Seven Samurai", "Heat", "Dune"]);
    assert_eq!(titles(&h["shortest"]), ["Dune", "Heat", "Seven Samurai"]);
    let release_split = |h: &Value| {
        (
            h["films"].clone(),
            h["new_releases"].clone(),
            h["older"].clone(),
        )
    };
    assert_eq!(release_split(h), (json!(3), json!(0), json!(3)));
    // 2021: Dune alone, a new release that year; 2023: Heat alone.
    let (_, y2021) = app
        .get_json(&format!("/api/session/{id}/stats?year=2021"))
        .await;
    assert_eq!(
        release_split(&y2021["highlights"]),
        (json!(1), json!(1), json!(0))
    );
    assert_eq!(titles(&y2021["highlights"]["below_tmdb"]), ["Dune"]);
    // Every figure of a year covers that year's films alone: Dune in 2021
    // (Science Fiction, Adventure; US and Canada; rated 3.5, its latest).
    assert_eq!(y2021["total_movies"], 1, "{y2021}");
    assert_eq!(y2021["enriched_movies"], 1);
    assert_eq!(
        names(&y2021["genres"]),
        owned(&[("Adventure", 1), ("Science Fiction", 1)])
    );
    assert_eq!(
        names(&y2021["directors"]),
        owned(&[("Denis Villeneuve", 1)])
    );
    assert_eq!(names(&y2021["countries"]), owned(&[("CA", 1), ("US", 1)]));
    assert_eq!(y2021["decades"], json!([{"decade": 2020, "count": 1}]));
    assert_eq!(y2021["runtime"]["total_minutes"], 155);
    assert_eq!(
        (&y2021["ratings"]["rated"], &y2021["ratings"]["average"]),
        (&json!(1), &json!(3.5))
    );
    let (_, y2023) = app
        .get_json(&format!("/api/session/{id}/stats?year=2023"))
        .await;
    assert_eq!(titles(&y2023["highlights"]["longest"]), ["Heat"]);
    assert_eq!(names(&y2023["directors"]), owned(&[("Michael Mann", 1)]));
    assert_eq!(y2023["total_movies"], 1);
    assert_eq!(y2023["runtime"]["total_minutes"], 170);

    let (_, year) = app
        .get_json(&format!("/api/session/{id}/stats?year=2024"))
        .await;
    assert_eq!(
        titles(&year["highlights"]["above_tmdb"]),
        ["Seven Samurai", "Heat"]
    );
    // 2024: all three, Dune counted once for its two viewings.
    assert_eq!(year["total_movies"], 3);
    assert_eq!(
        names(&year["genres"])[..2],
        owned(&[("Action", 2), ("Drama", 2)])[..]
    );
    assert_eq!(year["runtime"]["total_minutes"], 155 + 170 + 207);
    let year = &year["viewings"];
    assert_eq!(year["year"], 2024);
    assert_eq!(year["years"], all["years"], "the picker's years stay whole");
    assert_eq!(
        (
            &year["viewings"],
            &year["films"],
            &year["first_watches"],
            &year["rewatches"]
        ),
        (&json!(4), &json!(3), &json!(2), &json!(2))
    );
    assert_eq!(year["weekdays"], json!([1, 0, 0, 0, 1, 2, 0]));
    assert_eq!(
        year["days"],
        json!([
            {"date": "2024-01-06", "viewings": 2},
            {"date": "2024-01-08", "viewings": 1},
            {"date": "2024-03-15", "viewings": 1},
        ])
    );
    let (_, none) = app
        .get_json(&format!("/api/session/{id}/stats?year=1999"))
        .await;
    assert_eq!(
        (
            &none["viewings"]["viewings"],
            &none["viewings"]["days"],
            &none["total_movies"],
            &none["genres"]
        ),
        (&json!(0), &json!([]), &json!(0), &json!([]))
    );
    let bad = app
        .client
        .get(app.url(&format!("/api/session/{id}/stats?year=20x4")))
        .send()
        .await
        .unwrap();
    assert_problem(bad, 400).await;
}

on_both_backends! {
    viewing_stats_follow_the_year,
    stats_equal_what_the_films_say,
    ratings_histogram_is_absent_without_ratings,
    stats_are_readable_while_enriching_and_of_an_empty_library,
    export_csv_holds_every_row_with_its_fields,
    export_json_holds_every_row_as_the_api_shows_it,
    csv_export_neutralises_formula_cells,
    unknown_sessions_and_bad_formats_are_problems,
    stats_of_ten_thousand_films_are_fast,
}
