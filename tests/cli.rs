//! `reelstream enrich` run as a process against the TMDB simulator started
//! in this test: outputs, the ZIP export, bad input, a dead TMDB, progress
//! lines, the cache, session clean-up and Ctrl-C.

mod common;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use common::fixture;
use reelstream::tmdb::sim::{SimConfig, SimHandle, Simulator};
use serde_json::Value;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::Command;

/// No run of a handful of films may take this long.
const TIMEOUT: Duration = Duration::from_secs(120);
const KEY: &str = "cli-test-key-5e3f9a";

async fn simulator(config: SimConfig) -> SimHandle {
    Simulator::new(config)
        .spawn("127.0.0.1:0")
        .await
        .expect("simulator starts")
}

fn database_url(dir: &Path) -> String {
    format!("sqlite://{}?mode=rwc", dir.join("cli.db").display())
}

/// `reelstream enrich` on `dir`'s database with TMDB at `base_url`, in a
/// clean environment so that a developer's own settings cannot leak in.
fn enrich(dir: &Path, base_url: &str) -> Command {
    let mut cmd = enrich_without_credentials(dir, base_url);
    cmd.args(["--tmdb-api-key", KEY])
        .args(["--tmdb-rps", "1000", "--tmdb-concurrency", "32"]);
    cmd
}

/// [`enrich`] without a credential.
fn enrich_without_credentials(dir: &Path, base_url: &str) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_reelstream"));
    cmd.env_clear()
        .current_dir(dir)
        .kill_on_drop(true)
        .arg("enrich")
        .args(["--database-url", &database_url(dir)])
        .args(["--tmdb-base-url", base_url]);
    cmd
}

struct Ran {
    code: Option<i32>,
    stdout: Vec<u8>,
    stderr: String,
}

async fn run(cmd: &mut Command) -> Ran {
    let output = tokio::time::timeout(TIMEOUT, cmd.output())
        .await
        .expect("the run ends in time")
        .expect("the binary starts");
    Ran {
        code: output.status.code(),
        stdout: output.stdout,
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

fn fixture_path(path: &str) -> PathBuf {
    common::repo_root().join("tests/fixtures").join(path)
}

/// Copies a fixture into `dir`, where the default output lands beside it.
fn copy_fixture(dir: &Path, path: &str) -> PathBuf {
    let to = dir.join(Path::new(path).file_name().unwrap());
    std::fs::write(&to, fixture(path)).unwrap();
    to
}

fn read_csv(bytes: &[u8]) -> Vec<HashMap<String, String>> {
    let mut reader = csv::Reader::from_reader(bytes);
    let header = reader.headers().unwrap().clone();
    reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            header
                .iter()
                .zip(r.iter())
                .map(|(k, v)| (k.to_owned(), v.to_owned()))
                .collect()
        })
        .collect()
}

fn expected() -> Vec<Value> {
    serde_json::from_slice(&fixture("letterboxd/expected.json")).unwrap()
}

fn by_title<'a>(rows: &'a [HashMap<String, String>], title: &str) -> &'a HashMap<String, String> {
    rows.iter().find(|r| r["title"] == title).unwrap()
}

#[tokio::test]
async fn a_letterboxd_csv_is_enriched_into_a_csv_beside_it() {
    let sim = simulator(SimConfig::default()).await;
    let dir = tempfile::tempdir().unwrap();
    let input = copy_fixture(dir.path(), "letterboxd/watched.csv");
    let ran = run(enrich(dir.path(), &sim.base_url).arg(&input)).await;
    assert_eq!(ran.code, Some(0), "{}", ran.stderr);
    assert!(ran.stdout.is_empty(), "data goes to the file only");

    let rows = read_csv(&std::fs::read(dir.path().join("watched.enriched.csv")).unwrap());
    let expected = expected();
    assert_eq!(rows.len(), expected.len());
    for (i, (row, want)) in rows.iter().zip(&expected).enumerate() {
        assert_eq!(row["row"], (i + 1).to_string());
        assert_eq!(row["title"], want["name"].as_str().unwrap());
        match want["tmdb_id"].as_i64() {
            Some(id) => {
                assert_eq!(row["status"], "enriched", "{row:?}");
                assert_eq!(row["tmdb_id"], id.to_string(), "{row:?}");
                assert_eq!(row["media_type"], want["media_type"].as_str().unwrap());
            }
            None => assert_eq!(row["status"], "unmatched", "{row:?}"),
        }
    }
    let come_and_see = by_title(&rows, "Come and See");
    assert_eq!(come_and_see["genres"], "Drama; War");
    assert_eq!(come_and_see["directors"], "Elem Klimov");
    assert_eq!(come_and_see["logged_date"], "2021-01-13");
    assert_eq!(
        come_and_see["watched_date"], "",
        "a logged date is not a viewing"
    );
    let persona = by_title(&rows, "Persona");
    assert_eq!(persona["tmdb_id"], "797");
    assert_eq!(persona["directors"], "Ingmar Bergman");
    assert_eq!(by_title(&rows, "Chernobyl")["media_type"], "tv");

    assert!(
        ran.stderr.contains("88 enriched, 1 unmatched, 0 failed"),
        "{}",
        ran.stderr
    );
    assert!(ran.stderr.contains("Unmatched (1)"), "{}", ran.stderr);
    assert!(
        ran.stderr.contains("The Lantern Keeper of Vellmar (2016)"),
        "{}",
        ran.stderr
    );
    assert!(ran.stderr.contains("Wrote 89 films to"), "{}", ran.stderr);
}

#[tokio::test]
async fn a_second_run_is_served_from_the_cache_and_json_goes_to_stdout() {
    let sim = simulator(SimConfig::default()).await;
    let dir = tempfile::tempdir().unwrap();
    let input = fixture_path("letterboxd/watched.csv");
    let first = run(enrich(dir.path(), &sim.base_url)
        .arg(&input)
        .args(["-o", "first.csv"]))
    .await;
    assert_eq!(first.code, Some(0), "{}", first.stderr);
    let before = sim.counters.snapshot();
    assert!(before.movie > 0);

    let second = run(enrich(dir.path(), &sim.base_url)
        .arg(&input)
        .args(["-o", "-", "--format", "json", "--quiet"]))
    .await;
    assert_eq!(second.code, Some(0), "{}", second.stderr);
    assert_eq!(second.stderr, "", "--quiet prints nothing on success");
    let after = sim.counters.snapshot();
    assert_eq!(after.movie, before.movie, "no new details requests");
    assert_eq!(after.total, before.total, "no TMDB request at all");

    let movies: Vec<Value> = serde_json::from_slice(&second.stdout).expect("JSON on stdout");
    assert_eq!(movies.len(), expected().len());
    let kill_bill = movies
        .iter()
        .find(|m| m["title"] == "Kill Bill: Vol. 1")
        .unwrap();
    assert_eq!(kill_bill["tmdb_id"], 24);
    assert_eq!(kill_bill["genres"], serde_json::json!(["Action", "Crime"]));
    assert_eq!(
        kill_bill["directors"],
        serde_json::json!(["Quentin Tarantino"])
    );
    let first_rows = read_csv(&std::fs::read(dir.path().join("first.csv")).unwrap());
    for (row, movie) in first_rows.iter().zip(&movies) {
        let id = movie["tmdb_id"].as_i64().map(|i| i.to_string());
        assert_eq!(row["tmdb_id"], id.unwrap_or_default(), "{}", movie["title"]);
    }
}

#[tokio::test]
async fn a_letterboxd_export_zip_is_merged_and_written_as_json_by_extension() {
    let sim = simulator(SimConfig::default()).await;
    let dir = tempfile::tempdir().unwrap();
    let ran = run(enrich(dir.path(), &sim.base_url)
        .arg(fixture_path("import/letterboxd-export.zip"))
        .args(["-o", "library.json"]))
    .await;
    assert_eq!(ran.code, Some(0), "{}", ran.stderr);
    assert!(ran.stderr.contains("(letterboxd_zip)"), "{}", ran.stderr);
    let movies: Vec<Value> =
        serde_json::from_slice(&std::fs::read(dir.path().join("library.json")).unwrap()).unwrap();
    let titles: Vec<&str> = movies
        .iter()
        .map(|m| m["title"].as_str().unwrap())
        .collect();
    assert_eq!(titles.len(), 13);
    assert_eq!(
        &titles[..5],
        [
            "Seven Samurai",
            "Amélie",
            "Crouching Tiger, Hidden Dragon",
            "Dune",
            "Dune"
        ]
    );
    let samurai = &movies[0];
    assert_eq!(samurai["status"], "enriched");
    assert_eq!(samurai["tmdb_id"], 346);
    assert_eq!(samurai["rating"], 5.0);
    assert_eq!(samurai["rewatch"], 1);
    assert_eq!(samurai["directors"], serde_json::json!(["Akira Kurosawa"]));
    assert_eq!(movies[3]["tmdb_id"], 841, "Dune 1984");
    assert_eq!(movies[4]["tmdb_id"], 438631, "Dune 2021");
}

#[tokio::test]
async fn bad_input_exits_2_with_the_import_error_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out.csv");
    let cases = [
        ("import/empty.csv", "the file is empty"),
        (
            "import/header_only.csv",
            "the file has a header row but no film rows",
        ),
        ("import/garbage.bin", "unsupported file"),
        (
            "import/invalid_utf8.csv",
            "not valid UTF-8 text (first bad byte on line 3)",
        ),
        (
            "import/wrong_columns.csv",
            "no recognisable columns (found: foo, bar)",
        ),
        (
            "import/missing_title.csv",
            "the file is malformed: 2 rows at fault",
        ),
    ];
    for (file, message) in cases {
        let ran = run(enrich(dir.path(), "http://127.0.0.1:9/3")
            .arg(fixture_path(file))
            .arg("-o")
            .arg(&out))
        .await;
        assert_eq!(ran.code, Some(2), "{file}: {}", ran.stderr);
        assert!(
            ran.stderr.starts_with("error: cannot import "),
            "{file}: {}",
            ran.stderr
        );
        assert!(ran.stderr.contains(message), "{file}: {}", ran.stderr);
        assert!(ran.stdout.is_empty(), "{file}");
        assert!(!out.exists(), "{file}: no output");
        assert!(
            !dir.path().join("cli.db").exists(),
            "{file}: no database touched"
        );
    }
    let ran =
        run(enrich(dir.path(), "http://127.0.0.1:9/3")
            .arg(fixture_path("import/missing_title.csv")))
        .await;
    assert!(
        ran.stderr.contains("\n  line 3, column Name: "),
        "{}",
        ran.stderr
    );
    assert!(
        ran.stderr.contains("\n  line 5, column Name: "),
        "{}",
        ran.stderr
    );

    for missing in [dir.path().join("nope.csv"), dir.path().to_owned()] {
        let ran = run(enrich(dir.path(), "http://127.0.0.1:9/3")
            .arg(&missing)
            .arg("-o")
            .arg(&out))
        .await;
        assert_eq!(ran.code, Some(2), "{}", ran.stderr);
        assert!(ran.stderr.starts_with("error: "), "{}", ran.stderr);
        assert!(
            ran.stderr.contains(&missing.display().to_string()),
            "{}",
            ran.stderr
        );
        assert!(!out.exists());
    }
}

#[tokio::test]
async fn tmdb_settings_that_cannot_work_exit_2_before_any_lookup() {
    let dir = tempfile::tempdir().unwrap();
    let input = fixture_path("import/watched.csv");
    let mut no_key = Command::new(env!("CARGO_BIN_EXE_reelstream"));
    no_key
        .env_clear()
        .current_dir(dir.path())
        .args(["enrich", "--database-url", &database_url(dir.path())])
        .args(["-o", "out.csv"])
        .arg(&input);
    let ran = run(&mut no_key).await;
    assert_eq!(ran.code, Some(2), "{}", ran.stderr);
    assert!(
        ran.stderr
            .starts_with("error: no TMDB credentials: set TMDB_API_KEY"),
        "{}",
        ran.stderr
    );

    let ran = run(enrich(dir.path(), "not a url")
        .arg(&input)
        .args(["-o", "out.csv"]))
    .await;
    assert_eq!(ran.code, Some(2), "{}", ran.stderr);
    assert!(ran.stderr.contains("base URL"), "{}", ran.stderr);
    assert!(!dir.path().join("cli.db").exists(), "no database touched");
    assert!(!dir.path().join("out.csv").exists());
}

#[tokio::test]
async fn a_dead_tmdb_exits_1_with_the_films_failed_in_the_output() {
    let closed = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap()
    };
    let dir = tempfile::tempdir().unwrap();
    let ran = run(enrich(dir.path(), &format!("http://{closed}/3"))
        .arg(fixture_path("import/watched.csv"))
        .args(["-o", "out.csv"])
        .args(["--tmdb-max-retries", "1", "--tmdb-timeout-secs", "1"]))
    .await;
    assert_eq!(ran.code, Some(1), "{}", ran.stderr);
    let written = std::fs::read(dir.path().join("out.csv")).expect("the output is written");
    let rows = read_csv(&written);
    assert_eq!(rows.len(), 8);
    for row in &rows {
        assert_eq!(row["status"], "failed", "{row:?}");
        assert!(row["error"].starts_with("TMDB lookup failed"), "{row:?}");
    }
    assert!(ran.stderr.contains("Failed (8)"), "{}", ran.stderr);
    assert!(
        ran.stderr.contains("0 enriched, 0 unmatched, 8 failed"),
        "{}",
        ran.stderr
    );
    for text in [&ran.stderr, &String::from_utf8_lossy(&written).into_owned()] {
        assert!(!text.contains(KEY), "the TMDB key leaked: {text}");
    }
}

#[tokio::test]
async fn progress_is_plain_lines_on_stderr_when_it_is_not_a_terminal() {
    let sim = simulator(SimConfig {
        latency: Duration::from_millis(40),
        ..SimConfig::default()
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let ran = run(enrich(dir.path(), &sim.base_url)
        .arg(fixture_path("letterboxd/watched.csv"))
        .args(["-o", "out.csv", "--progress-interval-ms", "50"]))
    .await;
    assert_eq!(ran.code, Some(0), "{}", ran.stderr);
    assert!(
        !ran.stderr.contains('\x1b'),
        "no terminal escapes: {:?}",
        ran.stderr
    );
    assert!(
        ran.stderr.starts_with("Enriching 89 films from "),
        "{}",
        ran.stderr
    );
    let lines: Vec<&str> = ran
        .stderr
        .lines()
        .filter(|l| l.starts_with("progress: "))
        .collect();
    assert!(lines.len() >= 3, "periodic lines: {}", ran.stderr);
    let done: Vec<u32> = lines
        .iter()
        .map(|l| {
            l["progress: ".len()..]
                .split('/')
                .next()
                .unwrap()
                .parse()
                .unwrap()
        })
        .collect();
    assert!(done.windows(2).all(|w| w[0] <= w[1]), "{lines:?}");
    let last = lines.last().unwrap();
    assert!(
        last.starts_with("progress: 89/89 films (100%), 88 enriched, 1 unmatched, 0 failed, "),
        "{last}"
    );
    assert!(last.ends_with(" films/s, done"), "{last}");
    assert!(lines.iter().any(|l| l.contains("ETA ")), "{lines:?}");
}

async fn session_count(url: &str) -> u64 {
    let db = reelstream::store::Db::connect(url).await.unwrap();
    common::count_sessions(&db).await
}

#[tokio::test]
async fn only_its_own_session_is_enriched_and_it_is_deleted_unless_kept() {
    let sim = simulator(SimConfig::default()).await;
    let dir = tempfile::tempdir().unwrap();
    let url = database_url(dir.path());
    // A server's session waiting in the same database.
    let db = reelstream::store::Db::connect(&url).await.unwrap();
    let import =
        reelstream::import::parse(b"title,year\nPersona,1966\n", None, &Default::default());
    let (other, _) = reelstream::engine::intake::create_session(&db, import.unwrap(), None)
        .await
        .unwrap();

    let input = fixture_path("import/watched.csv");
    let ran = run(enrich(dir.path(), &sim.base_url)
        .arg(&input)
        .args(["-o", "a.csv"]))
    .await;
    assert_eq!(ran.code, Some(0), "{}", ran.stderr);
    let left = reelstream::store::sessions::get(&db, &other.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (left.status.as_str(), left.processed_count),
        ("enriching", 0),
        "untouched"
    );
    assert_eq!(session_count(&url).await, 1, "the run's session is deleted");

    let ran =
        run(enrich(dir.path(), &sim.base_url)
            .arg(&input)
            .args(["-o", "b.csv", "--keep-session"]))
        .await;
    assert_eq!(ran.code, Some(0), "{}", ran.stderr);
    assert_eq!(session_count(&url).await, 2, "kept");
    let kept = ran
        .stderr
        .lines()
        .find(|l| l.starts_with("Session "))
        .expect("says so");
    let id = kept.split(' ').nth(1).unwrap();
    let kept = reelstream::store::sessions::get(&db, id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (kept.status.as_str(), kept.processed_count),
        ("completed", 8)
    );
    // An operator can replace it: the new token works, the old one not.
    let replaced = run(Command::new(env!("CARGO_BIN_EXE_reelstream"))
        .env_clear()
        .args(["token", id, "--database-url", &url]))
    .await;
    assert_eq!(replaced.code, Some(0), "{}", replaced.stderr);
    let new_token = String::from_utf8(replaced.stdout).unwrap();
    let renewed = reelstream::store::sessions::get(&db, id)
        .await
        .unwrap()
        .unwrap();
    let renewed =
        reelstream::domain::OwnerTokenHash::from_stored(renewed.owner_token_hash.unwrap());
    assert!(renewed.verifies(new_token.trim()));
    let unknown = run(Command::new(env!("CARGO_BIN_EXE_reelstream"))
        .env_clear()
        .args([
            "token",
            "0b7e5a0c-0000-4000-8000-000000000000",
            "--database-url",
            &url,
        ]))
    .await;
    assert_eq!(unknown.code, Some(1), "{}", unknown.stderr);
    // The token it printed, once, was the kept session's owner token until then.
    let token = ran
        .stderr
        .lines()
        .find_map(|l| l.strip_prefix("Owner token ")?.rsplit(' ').next())
        .expect("the owner token is printed");
    let stored = reelstream::domain::OwnerTokenHash::from_stored(kept.owner_token_hash.unwrap());
    assert!(stored.verifies(token), "{}", ran.stderr);
    assert!(!renewed.verifies(token), "the old token stops working");
}

#[cfg(unix)]
#[tokio::test]
async fn ctrl_c_stops_gracefully_writes_nothing_and_cleans_up() {
    let sim = simulator(SimConfig {
        latency: Duration::from_millis(400),
        ..SimConfig::default()
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let mut child = enrich(dir.path(), &sim.base_url)
        .arg(fixture_path("letterboxd/watched.csv"))
        .args(["-o", "out.csv"])
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stderr = BufReader::new(child.stderr.take().unwrap()).lines();
    let mut seen = String::new();
    tokio::time::timeout(TIMEOUT, async {
        while let Some(line) = stderr.next_line().await.unwrap() {
            seen.push_str(&line);
            seen.push('\n');
            if line.starts_with("Enriching ") {
                break;
            }
        }
    })
    .await
    .expect("the run starts");
    let pid = child.id().unwrap().to_string();
    let kill = std::process::Command::new("kill")
        .args(["-INT", &pid])
        .status()
        .unwrap();
    assert!(kill.success());
    let status = tokio::time::timeout(TIMEOUT, child.wait())
        .await
        .unwrap()
        .unwrap();
    while let Some(line) = stderr.next_line().await.unwrap() {
        seen.push_str(&line);
        seen.push('\n');
    }
    assert_eq!(status.code(), Some(130), "{seen}");
    assert!(seen.contains("Interrupted after "), "{seen}");
    assert!(seen.contains("nothing written"), "{seen}");
    assert!(!dir.path().join("out.csv").exists());
    assert_eq!(session_count(&database_url(dir.path())).await, 0);
}

/// `enrich` of the watched fixture into `out.csv`, with no credential given.
fn enrich_watched(dir: &Path, base_url: &str) -> Command {
    let mut cmd = enrich_without_credentials(dir, base_url);
    cmd.args(["-o", "out.csv"])
        .arg(fixture_path("import/watched.csv"));
    cmd
}

#[tokio::test]
async fn tmdb_secrets_come_from_files_and_a_bad_file_exits_2() {
    const TOKEN: &str = "cli-test-token-81c0";
    let sim = simulator(SimConfig {
        api_key: Some(KEY.into()),
        read_token: Some(TOKEN.into()),
        ..SimConfig::default()
    })
    .await;
    let secrets = tempfile::tempdir().unwrap();
    let key_file = secrets.path().join("key");
    std::fs::write(&key_file, format!("{KEY}\n")).unwrap();
    let token_file = secrets.path().join("token");
    std::fs::write(&token_file, format!("{TOKEN}\n")).unwrap();
    let empty = secrets.path().join("empty");
    std::fs::write(&empty, "\n").unwrap();

    // The simulator accepts only these exact secrets: the newline was dropped.
    for (variable, file) in [
        ("TMDB_API_KEY_FILE", &key_file),
        ("TMDB_READ_TOKEN_FILE", &token_file),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let ran = run(enrich_watched(dir.path(), &sim.base_url).env(variable, file)).await;
        assert_eq!(ran.code, Some(0), "{variable}: {}", ran.stderr);
        assert!(dir.path().join("out.csv").exists());
    }

    let missing = secrets.path().join("missing");
    for (args, expected) in [
        (
            vec!["--tmdb-api-key-file".into(), missing.display().to_string()],
            "TMDB_API_KEY_FILE (",
        ),
        (
            vec!["--tmdb-read-token-file".into(), empty.display().to_string()],
            "is empty",
        ),
        (
            vec![
                "--tmdb-api-key".into(),
                KEY.into(),
                "--tmdb-api-key-file".into(),
                key_file.display().to_string(),
            ],
            "TMDB_API_KEY and TMDB_API_KEY_FILE are both set",
        ),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let ran = run(enrich_watched(dir.path(), &sim.base_url).args(&args)).await;
        assert_eq!(ran.code, Some(2), "{args:?}: {}", ran.stderr);
        assert!(
            ran.stderr.starts_with("error: ") && ran.stderr.contains(expected),
            "{}",
            ran.stderr
        );
        assert!(!ran.stderr.contains(KEY), "{}", ran.stderr);
        assert!(!dir.path().join("cli.db").exists(), "nothing started");
    }
}

#[tokio::test]
async fn format_letterboxd_writes_a_letterboxd_import_file_one_row_per_viewing() {
    let sim = simulator(SimConfig::default()).await;
    let dir = tempfile::tempdir().unwrap();
    let input = copy_fixture(dir.path(), "import/diary.csv");
    let ran = run(enrich(dir.path(), &sim.base_url)
        .arg(&input)
        .args(["--format", "letterboxd"]))
    .await;
    assert_eq!(ran.code, Some(0), "{}", ran.stderr);
    let written = dir.path().join("diary.letterboxd.csv");
    assert!(
        ran.stderr.contains("diary.letterboxd.csv"),
        "{}",
        ran.stderr
    );
    let bytes = std::fs::read(&written).unwrap();
    let header = String::from_utf8_lossy(&bytes)
        .lines()
        .next()
        .unwrap()
        .to_owned();
    assert_eq!(
        header,
        "LetterboxdURI,tmdbID,imdbID,Title,Year,Directors,WatchedDate,Rating,Rating10,Tags,Rewatch,Review"
    );
    // Five diary entries of three films: five rows, in the diary's order per film.
    let rows = read_csv(&bytes);
    let cells = |r: &HashMap<String, String>| {
        [
            r["Title"].clone(),
            r["tmdbID"].clone(),
            r["WatchedDate"].clone(),
            r["Rating"].clone(),
            r["Rating10"].clone(),
            r["Rewatch"].clone(),
            r["Tags"].clone(),
        ]
    };
    let rows: Vec<[String; 7]> = rows.iter().map(cells).collect();
    let row = |cells: [&str; 7]| cells.map(str::to_owned);
    assert_eq!(
        rows,
        [
            row([
                "Seven Samurai",
                "346",
                "2023-01-14",
                "5",
                "10",
                "",
                "kurosawa, criterion"
            ]),
            row([
                "Seven Samurai",
                "346",
                "2024-02-09",
                "4.5",
                "9",
                "Yes",
                "kurosawa"
            ]),
            row(["Dune", "438631", "2023-03-12", "3.5", "7", "", ""]),
            row(["Dune", "438631", "2024-02-29", "4", "8", "Yes", "imax"]),
            // Not in the simulator's catalog: by title and year alone.
            row(["Perfect Days", "", "2023-08-19", "4", "8", "", ""]),
        ]
    );

    // The films to review: Perfect Days, unmatched.
    let ran = run(enrich(dir.path(), &sim.base_url)
        .arg(&input)
        .args(["--format", "review", "-o", "-", "--quiet"]))
    .await;
    assert_eq!(ran.code, Some(0), "{}", ran.stderr);
    let review = String::from_utf8(ran.stdout).unwrap();
    assert!(review.starts_with("row,title,year,status,"), "{review}");
    let rows = read_csv(review.as_bytes());
    assert_eq!(rows.len(), 1, "{review}");
    assert_eq!(
        (rows[0]["title"].as_str(), rows[0]["status"].as_str()),
        ("Perfect Days", "unmatched")
    );
}
