//! Uploads of what real exports hold (issue 16), over HTTP on both
//! backends: legacy and UTF-16 encodings, pre-2023 list exports, a damaged
//! ZIP member, impossible years and title-less rows. Each quirk has its own
//! fixture in `tests/fixtures/import/` (see its README).

mod common;

use common::{Backend, TestApp, assert_problem, fixture};
use serde_json::{Value, json};

/// (title, year) of every film of a session, in upload order.
async fn films(app: &TestApp, session: &Value) -> Vec<(String, Option<i64>)> {
    let movies = app.movies(session["id"].as_str().unwrap()).await;
    movies
        .iter()
        .map(|m| (m["title"].as_str().unwrap().to_owned(), m["year"].as_i64()))
        .collect()
}

fn owned(films: &[(&str, Option<i64>)]) -> Vec<(String, Option<i64>)> {
    films.iter().map(|(t, y)| ((*t).to_owned(), *y)).collect()
}

/// The session as `GET /api/session/{id}` reads it back from the database.
async fn stored(app: &TestApp, session: &Value) -> Value {
    let id = session["id"].as_str().unwrap();
    let (status, body) = app.get_json(&format!("/api/session/{id}")).await;
    assert_eq!(status, 200, "{body}");
    body
}

async fn encodings_are_read_and_recorded(backend: Backend) {
    let app = TestApp::spawn_on(&backend).await;
    for (file, encoding, expected) in [
        (
            "import/imdb_ratings_1252.csv",
            "windows-1252",
            vec![
                ("Kurôzu zero", Some(2007)),
                ("180° South", Some(2010)),
                ("Amélie", Some(2001)),
                ("Don\u{2019}t Look Now", Some(1973)),
                ("Æon Flux", Some(2005)),
            ],
        ),
        (
            "import/utf16le.csv",
            "utf-16le",
            vec![
                ("Amélie", Some(2001)),
                ("七人の侍", Some(1954)),
                ("Kurôzu zero", Some(2007)),
            ],
        ),
        (
            "import/utf16be.csv",
            "utf-16be",
            vec![
                ("Amélie", Some(2001)),
                ("七人の侍", Some(1954)),
                ("180° South", Some(2010)),
            ],
        ),
        (
            "import/bom_crlf.csv",
            "utf-8",
            vec![
                ("Amélie", Some(2001)),
                ("Crouching Tiger, Hidden Dragon", Some(2000)),
                ("WALL·E", Some(2008)),
                (
                    "Dr. Strangelove or: How I Learned to Stop Worrying and Love the Bomb",
                    Some(1964),
                ),
            ],
        ),
    ] {
        let session = app.upload_fixture(file).await;
        assert_eq!(session["encoding"], encoding, "{file}: {session}");
        assert_eq!(session["warnings"], json!([]), "{file}");
        assert_eq!(session["warnings_total"], 0, "{file}");
        assert_eq!(stored(&app, &session).await["encoding"], encoding, "{file}");
        assert_eq!(films(&app, &session).await, owned(&expected), "{file}");
    }
}

async fn old_lists_are_lists_alone_and_in_a_zip(backend: Backend) {
    let app = TestApp::spawn_on(&backend).await;
    let alone = app.upload_fixture("import/list_old.csv").await;
    assert_eq!(alone["source_format"], "letterboxd_list");
    let list = [
        ("Heat", Some(1995)),
        ("Rififi", Some(1955)),
        ("Inside Man", Some(2006)),
    ];
    assert_eq!(films(&app, &alone).await, owned(&list));

    let zipped = app.upload_fixture("import/list_old.zip").await;
    assert_eq!(zipped["source_format"], "letterboxd_zip");
    let export = [
        ("Heat", Some(1995)),
        ("Thief", Some(1981)),
        ("Rififi", Some(1955)),
        ("Inside Man", Some(2006)),
    ];
    assert_eq!(films(&app, &zipped).await, owned(&export));
}

async fn a_damaged_zip_member_is_skipped_with_a_warning(backend: Backend) {
    let app = TestApp::spawn_on(&backend).await;
    let session = app.upload_fixture("import/damaged_member.zip").await;
    assert_eq!(session["total_movies"], 2, "{session}");
    assert_eq!(session["warnings_total"], 1);
    let warning = &session["warnings"][0];
    assert_eq!(
        warning["file"],
        "letterboxd-heister-2021-01-01-00-00-utc/lists/night-drives.csv"
    );
    assert_eq!(
        (&warning["row"], &warning["column"]),
        (&Value::Null, &Value::Null)
    );
    assert!(
        warning["message"].as_str().unwrap().contains("skipped"),
        "{warning}"
    );
    assert_eq!(
        stored(&app, &session).await["warnings"],
        session["warnings"]
    );
    let expected = [("Heat", Some(1995)), ("Thief", Some(1981))];
    assert_eq!(films(&app, &session).await, owned(&expected));
}

async fn impossible_years_and_title_less_rows_are_warnings(backend: Backend) {
    let app = TestApp::spawn_on(&backend).await;
    let session = app.upload_fixture("import/imdb_watchlist_odd.csv").await;
    // Titles round-trip exactly: decomposed accents, typographic quotes and
    // U+FFFD stay as the file wrote them.
    let expected = [
        ("Second Born", None),
        ("Ame\u{301}lie", Some(2001)),
        ("The Devil\u{2019}s Backbone", Some(2001)),
        ("Future Film", None),
        ("Caf\u{fffd} Society", Some(2016)),
    ];
    assert_eq!(films(&app, &session).await, owned(&expected));
    let at: Vec<(Value, Value, Value)> = session["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| (w["file"].clone(), w["row"].clone(), w["column"].clone()))
        .collect();
    assert_eq!(
        at,
        [
            (Value::Null, json!(2), json!("Year")),
            (Value::Null, json!(3), json!("Title")),
            (Value::Null, json!(6), json!("Year")),
        ]
    );
    assert_eq!(session["warnings_total"], 3);
    let read = stored(&app, &session).await;
    assert_eq!(read["warnings"], session["warnings"]);
    assert_eq!(read["warnings_total"], 3);
}

async fn warnings_keep_the_first_hundred_and_count_all(backend: Backend) {
    let app = TestApp::spawn_on(&backend).await;
    let mut csv = String::from("title,year\n");
    (0..150).for_each(|i| csv.push_str(&format!("Film {i},????\n")));
    let session = app.upload_csv(&csv).await;
    assert_eq!(session["total_movies"], 150);
    assert_eq!(session["warnings"].as_array().unwrap().len(), 100);
    assert_eq!(session["warnings_total"], 150);
    assert_eq!(session["warnings"][99]["row"], 101);
    let read = stored(&app, &session).await;
    assert_eq!(read["warnings"], session["warnings"]);
    assert_eq!(read["warnings_total"], 150);
}

async fn no_usable_film_is_still_refused(backend: Backend) {
    let app = TestApp::spawn_on(&backend).await;
    let response = app
        .upload("missing_title.csv", fixture("import/missing_title.csv"))
        .await;
    let problem = assert_problem(response, 400).await;
    assert_eq!(problem["errors"][0]["row"], 3, "{problem}");
    let response = app.upload("films.csv", vec![0u8; 4096]).await;
    assert_problem(response, 415).await;
    assert_eq!(app.session_count().await, 0);
}

on_both_backends! {
    encodings_are_read_and_recorded,
    old_lists_are_lists_alone_and_in_a_zip,
    a_damaged_zip_member_is_skipped_with_a_warning,
    impossible_years_and_title_less_rows_are_warnings,
    warnings_keep_the_first_hundred_and_count_all,
    no_usable_film_is_still_refused,
}

/// `reelstream enrich` says which encoding it read and lists the warnings
/// after its summary.
#[tokio::test]
async fn the_cli_names_the_encoding_and_prints_the_warnings() {
    use reelstream::tmdb::sim::{SimConfig, Simulator};
    let sim = Simulator::new(SimConfig::default())
        .spawn("127.0.0.1:0")
        .await
        .expect("simulator starts");
    let dir = tempfile::tempdir().unwrap();
    let run = |file: &str| {
        let input = dir.path().join(file);
        std::fs::write(&input, fixture(&format!("import/{file}"))).unwrap();
        let database = format!("sqlite://{}?mode=rwc", dir.path().join("cli.db").display());
        let mut cmd = tokio::process::Command::new(env!("CARGO_BIN_EXE_reelstream"));
        cmd.env_clear()
            .current_dir(dir.path())
            .kill_on_drop(true)
            .arg("enrich")
            .args(["--database-url", &database])
            .args(["--tmdb-base-url", &sim.base_url])
            .args(["--tmdb-api-key", "real-inputs-test-key"])
            .args(["--tmdb-rps", "1000"])
            .arg(&input);
        async move {
            let out = tokio::time::timeout(std::time::Duration::from_secs(120), cmd.output())
                .await
                .expect("the run ends in time")
                .expect("the binary starts");
            (
                out.status.code(),
                String::from_utf8_lossy(&out.stderr).into_owned(),
            )
        }
    };
    let (code, stderr) = run("imdb_ratings_1252.csv").await;
    assert_eq!(code, Some(0), "{stderr}");
    assert!(stderr.contains("(imdb, windows-1252)"), "{stderr}");
    assert!(!stderr.contains("Warnings"), "{stderr}");

    let (code, stderr) = run("imdb_watchlist_odd.csv").await;
    assert_eq!(code, Some(0), "{stderr}");
    assert!(
        stderr.contains("Warnings (3), skipped or dropped while reading the file:\n  line 2, column Year: `????` is not a year"),
        "{stderr}"
    );
    assert!(stderr.contains("  line 3, column Title: "), "{stderr}");
}
