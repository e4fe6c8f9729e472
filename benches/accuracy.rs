//! Matching accuracy on real data (issue 17): the simulator serves the shared
//! 42k-film catalog (`../shared/realdata/tmdb/catalog-42k.json.gz`), and the
//! release server enriches a development set built here from the MovieLens
//! files next to it, written the way a person would write the titles, with
//! the truth from MovieLens' `links.csv`.
//!
//! Run: `cargo bench --bench accuracy` (options after `--`: `--json PATH`,
//! `--rows N` (2000), `--absent N` (200), `--imdb N` (500), `--seed N`,
//! `--examples N` (misses printed per class, 8)). The data folder is
//! `../shared/realdata` next to the repository, or `REELSTREAM_REALDATA`.
//! Without it the benchmark says so and exits 0.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::process::Child;
use std::sync::Arc;
use std::time::{Duration, Instant};

use reelstream::tmdb::sim::{Catalog, CatalogMovie, SimConfig, SimHandle, Simulator};
use serde_json::{Value, json};

#[path = "support/server.rs"]
mod server;

/// Settings from the command line.
struct Options {
    json: Option<PathBuf>,
    rows: usize,
    absent: usize,
    imdb: usize,
    seed: u64,
    examples: usize,
}

impl Options {
    fn parse() -> Self {
        let args: Vec<String> = std::env::args().collect();
        let value = |name: &str| {
            args.iter()
                .position(|a| a == name)
                .and_then(|i| args.get(i + 1))
                .cloned()
        };
        let number = |name: &str, default: u64| {
            value(name).map_or(default, |v| {
                v.parse()
                    .unwrap_or_else(|_| panic!("{name} takes a number, not {v:?}"))
            })
        };
        Self {
            json: value("--json").map(PathBuf::from),
            rows: number("--rows", 2000) as usize,
            absent: number("--absent", 200) as usize,
            imdb: number("--imdb", 500) as usize,
            seed: number("--seed", 17),
            examples: number("--examples", 8) as usize,
        }
    }
}

/// SplitMix64: a tiny PRNG whose sequence no dependency upgrade can change.
struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Fisher–Yates.
    fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = (self.next() % (i as u64 + 1)) as usize;
            items.swap(i, j);
        }
    }
}

// ---------------------------------------------------------------------------
// The development set

/// One MovieLens film: its title as MovieLens writes it, and its links.
struct LensFilm {
    title: String,
    tmdb_id: Option<i64>,
}

/// A title as a person writes it, and its year.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Written {
    title: String,
    year: Option<i32>,
}

/// Articles MovieLens moves to the end ("Matrix, The"), in the languages it does it for.
const ARTICLES: &[&str] = &[
    "The", "A", "An", "Les", "La", "Le", "L'", "Il", "Lo", "I", "Gli", "Die", "Der", "Das", "Den",
    "Det", "De", "Het", "Een", "Ein", "Eine", "El", "Los", "Las", "Un", "Una", "Une", "Des", "O",
    "Os", "As", "Ta", "To", "Ha", "Al",
];

/// "Matrix, The (1999)" → "The Matrix", 1999; "Seven Samurai (Shichinin no
/// samurai) (1954)" → "Seven Samurai"; "(a.k.a. …)" dropped.
fn written(movielens: &str) -> Written {
    let mut title = movielens.trim().to_owned();
    let mut year = None;
    // The year: "(1999)", or a series' "(2006-2007)" / "(2006– )".
    if let Some(open) = title.rfind('(')
        && title.ends_with(')')
    {
        let inner = &title[open + 1..title.len() - 1];
        let digits: String = inner.chars().take(4).collect();
        if digits.len() == 4
            && digits.chars().all(|c| c.is_ascii_digit())
            && inner[4..]
                .chars()
                .all(|c| c.is_ascii_digit() || "-– ".contains(c))
        {
            year = digits.parse().ok();
            title.truncate(open);
            title = title.trim_end().to_owned();
        }
    }
    // Trailing parentheses: the original title, "a.k.a." titles.
    while title.ends_with(')') {
        let Some(open) = matching_open(&title) else {
            break;
        };
        if open == 0 || title[..open].trim().is_empty() {
            break;
        }
        title.truncate(open);
        title = title.trim_end().to_owned();
    }
    Written {
        title: article_first(&title),
        year,
    }
}

/// Where the parenthesis closing `text` opens.
fn matching_open(text: &str) -> Option<usize> {
    let mut depth = 0;
    for (i, c) in text.char_indices().rev() {
        match c {
            ')' => depth += 1,
            '(' => {
                depth -= 1;
                if depth == 0 {
                    return Some(i);
                }
            }
            _ => {}
        }
    }
    None
}

/// "Matrix, The" → "The Matrix"; "Avventura, L'" → "L'Avventura".
fn article_first(title: &str) -> String {
    for article in ARTICLES {
        if let Some(rest) = title.strip_suffix(&format!(", {article}")) {
            let rest = rest.trim_end();
            return if article.ends_with('\'') {
                format!("{article}{rest}")
            } else {
                format!("{article} {rest}")
            };
        }
    }
    title.to_owned()
}

/// Lower-case letters and digits only, for "is this the same title".
fn folded(title: &str) -> String {
    title
        .chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// What a dev row is, and the film it means.
#[derive(Clone, Debug)]
struct Case {
    written: Written,
    /// The catalog film the row means; `None` for the absent set.
    truth: Option<i64>,
    /// MovieLens' own title, for the examples.
    movielens: String,
}

fn read_movielens(raw: &Path) -> Vec<LensFilm> {
    let mut links: HashMap<i64, Option<i64>> = HashMap::new();
    let mut reader = csv::Reader::from_path(raw.join("ml-latest_links.csv")).expect("links.csv");
    for record in reader.records() {
        let record = record.expect("a links.csv record");
        let movie: i64 = record[0].parse().expect("movieId");
        links.insert(movie, record[2].trim().parse().ok());
    }
    let mut reader = csv::Reader::from_path(raw.join("ml-latest_movies.csv")).expect("movies.csv");
    reader
        .records()
        .map(|record| {
            let record = record.expect("a movies.csv record");
            let movie: i64 = record[0].parse().expect("movieId");
            LensFilm {
                title: record[1].to_owned(),
                tmdb_id: links.get(&movie).copied().flatten(),
            }
        })
        .collect()
}

/// The in-catalog sample and the absent sample, each with distinct written
/// (title, year) so that no two rows gather into one film.
fn dev_set(catalog: &Catalog, lens: &[LensFilm], opts: &Options) -> (Vec<Case>, Vec<Case>) {
    let mut rng = SplitMix(opts.seed);
    let mut order: Vec<usize> = (0..lens.len()).collect();
    rng.shuffle(&mut order);
    // Catalog titles by folded title, with their years, to keep the absent set
    // free of same-named catalog films within a year (those are a namesake test).
    let mut catalog_years: HashMap<String, Vec<i32>> = HashMap::new();
    for m in catalog.movies() {
        let year = m.year().unwrap_or(0);
        for t in std::iter::once(&m.title).chain(m.original_title.iter()) {
            catalog_years.entry(folded(t)).or_default().push(year);
        }
    }
    let mut seen = HashSet::new();
    let (mut present, mut absent) = (Vec::new(), Vec::new());
    for i in order {
        let film = &lens[i];
        let w = written(&film.title);
        if w.title.is_empty() || w.year.is_none() {
            continue;
        }
        let in_catalog = film.tmdb_id.is_some_and(|id| catalog.movie(id).is_some());
        let case = Case {
            written: w.clone(),
            truth: film.tmdb_id.filter(|_| in_catalog),
            movielens: film.title.clone(),
        };
        if in_catalog && present.len() < opts.rows {
            if seen.insert((folded(&w.title), w.year)) {
                present.push(case);
            }
        } else if !in_catalog && absent.len() < opts.absent {
            let y = w.year.unwrap_or(0);
            let namesake = catalog_years
                .get(&folded(&w.title))
                .is_some_and(|years| years.iter().any(|cy| (cy - y).abs() <= 1));
            if !namesake && seen.insert((folded(&w.title), w.year)) {
                absent.push(case);
            }
        }
        if present.len() >= opts.rows && absent.len() >= opts.absent {
            break;
        }
    }
    (present, absent)
}

fn generic_csv(cases: &[Case]) -> String {
    let mut out = csv::Writer::from_writer(Vec::new());
    out.write_record(["Title", "Year"]).unwrap();
    for c in cases {
        let year = c.written.year.map(|y| y.to_string()).unwrap_or_default();
        out.write_record([c.written.title.as_str(), year.as_str()])
            .unwrap();
    }
    String::from_utf8(out.into_inner().unwrap()).unwrap()
}

// ---------------------------------------------------------------------------
// The server

struct Server {
    child: Child,
    url: String,
    client: reqwest::Client,
    _dir: tempfile::TempDir,
}

impl Server {
    async fn start(sim: &SimHandle) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let database = format!(
            "sqlite://{}?mode=rwc",
            dir.path().join("accuracy.db").display()
        );
        let client = reqwest::Client::new();
        let extra = ["--tmdb-rps", "100000", "--tmdb-concurrency", "16"];
        let (child, url) = server::spawn(&client, &database, &sim.base_url, &extra).await;
        Self {
            child,
            url,
            client,
            _dir: dir,
        }
    }

    /// Uploads a file, waits for `completed`, returns every film of the session.
    async fn enrich(&self, name: &str, body: String) -> (Vec<Value>, Duration) {
        let started = Instant::now();
        let form = reqwest::multipart::Form::new().part(
            "file",
            reqwest::multipart::Part::bytes(body.into_bytes()).file_name(name.to_owned()),
        );
        let response = self
            .client
            .post(format!("{}/api/upload", self.url))
            .multipart(form)
            .send()
            .await
            .unwrap();
        let status = response.status();
        let session: Value = response.json().await.unwrap();
        assert_eq!(status, 202, "upload answered {session}");
        let id = session["id"].as_str().unwrap().to_owned();
        loop {
            let session: Value = self.get(&format!("/api/session/{id}")).await;
            if session["status"] == "completed" {
                break;
            }
            assert_ne!(session["status"], "failed", "{session}");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let elapsed = started.elapsed();
        let mut movies = Vec::new();
        loop {
            let page = self
                .get(&format!(
                    "/api/session/{id}/movies?offset={}&limit=1000",
                    movies.len()
                ))
                .await;
            let items = page["items"].as_array().cloned().unwrap_or_default();
            if items.is_empty() {
                break;
            }
            movies.extend(items);
            if movies.len() as u64 >= page["total"].as_u64().unwrap_or(0) {
                break;
            }
        }
        (movies, elapsed)
    }

    async fn get(&self, path: &str) -> Value {
        self.client
            .get(format!("{}{path}", self.url))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

// ---------------------------------------------------------------------------
// Classifying

/// What became of a row whose film is in the catalog.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum Outcome {
    AcceptedRight,
    AcceptedWrong,
    ReviewRight,
    ReviewAmongCandidates,
    ReviewWrong,
    UnmatchedAmongCandidates,
    UnmatchedOther,
}

impl Outcome {
    const ALL: [Outcome; 7] = [
        Outcome::AcceptedRight,
        Outcome::AcceptedWrong,
        Outcome::ReviewRight,
        Outcome::ReviewAmongCandidates,
        Outcome::ReviewWrong,
        Outcome::UnmatchedAmongCandidates,
        Outcome::UnmatchedOther,
    ];

    fn key(self) -> &'static str {
        match self {
            Outcome::AcceptedRight => "accepted_right",
            Outcome::AcceptedWrong => "accepted_wrong",
            Outcome::ReviewRight => "review_right_proposal",
            Outcome::ReviewAmongCandidates => "review_right_among_candidates",
            Outcome::ReviewWrong => "review_right_missing",
            Outcome::UnmatchedAmongCandidates => "unmatched_right_among_candidates",
            Outcome::UnmatchedOther => "unmatched_or_other",
        }
    }

    fn label(self) -> &'static str {
        match self {
            Outcome::AcceptedRight => "accepted, right film",
            Outcome::AcceptedWrong => "accepted, WRONG film",
            Outcome::ReviewRight => "in review, right film proposed",
            Outcome::ReviewAmongCandidates => "in review, right film among candidates",
            Outcome::ReviewWrong => "in review, right film nowhere",
            Outcome::UnmatchedAmongCandidates => "unmatched, right film among candidates",
            Outcome::UnmatchedOther => "unmatched / other",
        }
    }
}

fn candidates_hold(movie: &Value, id: i64) -> bool {
    movie["candidates"]
        .as_array()
        .is_some_and(|c| c.iter().any(|c| c["tmdb_id"].as_i64() == Some(id)))
}

fn classify(movie: &Value, truth: i64) -> Outcome {
    let proposed = movie["tmdb_id"].as_i64();
    match movie["status"].as_str().unwrap_or("") {
        "enriched" if proposed == Some(truth) => Outcome::AcceptedRight,
        "enriched" => Outcome::AcceptedWrong,
        "review" if proposed == Some(truth) => Outcome::ReviewRight,
        "review" if candidates_hold(movie, truth) => Outcome::ReviewAmongCandidates,
        "review" => Outcome::ReviewWrong,
        _ if candidates_hold(movie, truth) => Outcome::UnmatchedAmongCandidates,
        _ => Outcome::UnmatchedOther,
    }
}

/// Whether the simulator's search can find the film for this row at all:
/// by the title without a year (any page) or with the year.
fn reachable(catalog: &Catalog, case: &Case, truth: i64) -> bool {
    let has = |hits: Vec<&CatalogMovie>| hits.iter().any(|m| m.id == truth);
    has(catalog.search_movies(&case.written.title, None))
        || has(catalog.search_movies(&case.written.title, case.written.year))
}

fn pct(n: usize, of: usize) -> f64 {
    if of == 0 {
        0.0
    } else {
        100.0 * n as f64 / of as f64
    }
}

fn describe(catalog: &Catalog, case: &Case, movie: Option<&Value>) -> String {
    let film = |id: Option<i64>| {
        id.and_then(|id| catalog.movie(id)).map_or_else(
            || "—".to_owned(),
            |m| format!("{} {} ({})", m.id, m.title, m.year().unwrap_or(0)),
        )
    };
    format!(
        "{:?} {} [MovieLens {:?}] → truth {}; got {} {}",
        case.written.title,
        case.written.year.unwrap_or(0),
        case.movielens,
        film(case.truth),
        movie
            .and_then(|m| m["status"].as_str())
            .unwrap_or("missing"),
        film(movie.and_then(|m| m["tmdb_id"].as_i64())),
    )
}

// ---------------------------------------------------------------------------

fn realdata() -> PathBuf {
    std::env::var_os("REELSTREAM_REALDATA").map_or_else(
        || Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/realdata"),
        PathBuf::from,
    )
}

/// Where the JSON goes without `--json`: the target directory's `accuracy.json`.
fn default_json_path() -> PathBuf {
    if let Some(dir) = std::env::var_os("CARGO_TARGET_DIR") {
        return PathBuf::from(dir).join("accuracy.json");
    }
    // The bench runs from <target>/release/deps/.
    std::env::current_exe()
        .ok()
        .and_then(|exe| Some(exe.parent()?.parent()?.parent()?.to_owned()))
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target"))
        .join("accuracy.json")
}

#[tokio::main]
async fn main() {
    let opts = Options::parse();
    let root = realdata();
    let catalog_path = root.join("tmdb/catalog-42k.json.gz");
    let raw = root.join("tmdb/raw");
    let needed = [
        catalog_path.clone(),
        raw.join("ml-latest_movies.csv"),
        raw.join("ml-latest_links.csv"),
    ];
    if let Some(missing) = needed.iter().find(|p| !p.is_file()) {
        println!(
            "accuracy benchmark skipped: the real data is not here ({} is missing).\n\
             It needs the shared folder `../shared/realdata` next to the repository \
             (tmdb/catalog-42k.json.gz and tmdb/raw/ml-latest_{{movies,links}}.csv), \
             or REELSTREAM_REALDATA pointing at one.",
            missing.display()
        );
        return;
    }

    let started = Instant::now();
    let catalog = Arc::new(Catalog::from_path(&catalog_path).expect("the shared catalog loads"));
    let load_time = started.elapsed();
    let lens = read_movielens(&raw);
    let (present, absent) = dev_set(&catalog, &lens, &opts);

    // Reachability, and the simulator's search speed over the catalog.
    let search_started = Instant::now();
    let reach: Vec<bool> = present
        .iter()
        .map(|c| reachable(&catalog, c, c.truth.unwrap()))
        .collect();
    let per_search = search_started.elapsed() / (2 * present.len().max(1)) as u32;

    // Both sets in one upload, in a seeded order.
    let mut rows: Vec<Case> = present.iter().chain(&absent).cloned().collect();
    SplitMix(opts.seed ^ 0x5eed).shuffle(&mut rows);
    let index_of: HashMap<(String, Option<i32>), usize> = present
        .iter()
        .enumerate()
        .map(|(i, c)| ((c.written.title.clone(), c.written.year), i))
        .collect();

    let sim = Simulator::with_catalog(
        SimConfig {
            rate_limit: Some(1_000_000),
            ..SimConfig::default()
        },
        catalog.clone(),
    )
    .spawn("127.0.0.1:0")
    .await
    .unwrap();
    let server = Server::start(&sim).await;
    let (movies, enrich_time) = server.enrich("films.csv", generic_csv(&rows)).await;
    let calls = sim.counters.snapshot();

    // Classify by row (1-based data row).
    let by_row: HashMap<i64, &Value> = movies
        .iter()
        .filter_map(|m| Some((m["row"].as_i64()?, m)))
        .collect();
    let mut outcomes: BTreeMap<Outcome, (usize, usize)> = BTreeMap::new();
    let mut examples: BTreeMap<Outcome, Vec<String>> = BTreeMap::new();
    let mut unreachable_examples = Vec::new();
    let (mut absent_accepted, mut absent_review, mut title_mismatches) = (0, 0, 0);
    let mut absent_examples = Vec::new();
    let mut reachable_count = 0;
    for (i, case) in rows.iter().enumerate() {
        let movie = by_row.get(&(i as i64 + 1)).copied();
        if movie.is_some_and(|m| m["title"].as_str() != Some(case.written.title.as_str())) {
            title_mismatches += 1;
        }
        match case.truth {
            Some(truth) => {
                let outcome = movie.map_or(Outcome::UnmatchedOther, |m| classify(m, truth));
                let is_reachable =
                    reach[index_of[&(case.written.title.clone(), case.written.year)]];
                let counts = outcomes.entry(outcome).or_default();
                counts.0 += 1;
                if is_reachable {
                    counts.1 += 1;
                    reachable_count += 1;
                } else if unreachable_examples.len() < opts.examples {
                    unreachable_examples.push(describe(&catalog, case, movie));
                }
                if outcome != Outcome::AcceptedRight {
                    let list = examples.entry(outcome).or_default();
                    if list.len() < opts.examples {
                        let mark = if is_reachable { "" } else { " (unreachable)" };
                        list.push(format!("{}{mark}", describe(&catalog, case, movie)));
                    }
                }
            }
            None => match movie.and_then(|m| m["status"].as_str()) {
                Some("enriched") => {
                    absent_accepted += 1;
                    if absent_examples.len() < opts.examples {
                        absent_examples.push(describe(&catalog, case, movie));
                    }
                }
                Some("review") => absent_review += 1,
                _ => {}
            },
        }
    }
    let n = present.len();
    let count = |o: Outcome| outcomes.get(&o).copied().unwrap_or_default();
    let right_first = count(Outcome::AcceptedRight).0 + count(Outcome::ReviewRight).0;
    let right_first_reachable = count(Outcome::AcceptedRight).1 + count(Outcome::ReviewRight).1;

    // The IMDb-style run: a ratings export of catalog films with an IMDb id,
    // on a fresh server (empty cache), counting the simulator's calls.
    let mut rng = SplitMix(opts.seed ^ 0x1d8b);
    let mut with_imdb: Vec<&CatalogMovie> = catalog
        .movies()
        .iter()
        .filter(|m| m.imdb_id.is_some() && m.year().is_some())
        .collect();
    rng.shuffle(&mut with_imdb);
    with_imdb.truncate(opts.imdb);
    let imdb_csv = imdb_export(&with_imdb);
    sim.counters.reset();
    let imdb_server = Server::start(&sim).await;
    let (imdb_movies, imdb_time) = imdb_server.enrich("ratings.csv", imdb_csv).await;
    let imdb_calls = sim.counters.snapshot();
    let imdb_right = imdb_movies
        .iter()
        .filter(|m| {
            let row = m["row"].as_i64().unwrap_or(0) as usize;
            m["status"] == "enriched"
                && row >= 1
                && with_imdb.get(row - 1).map(|f| f.id) == m["tmdb_id"].as_i64()
        })
        .count();
    let imdb_n = with_imdb.len();
    let calls_per_film = imdb_calls.total as f64 / imdb_n.max(1) as f64;
    drop(imdb_server);
    drop(server);
    let _ = sim.shutdown().await;

    // ---- The report
    println!("# Matching accuracy on real data\n");
    println!(
        "catalog: {} films ({} loaded in {:.2} s); simulator search: {:.1} µs per query \
         (mean of {} in-process searches)",
        catalog.movies().len(),
        catalog_path.display(),
        load_time.as_secs_f64(),
        per_search.as_secs_f64() * 1e6,
        2 * n
    );
    println!(
        "dev set: {n} MovieLens films in the catalog + {} absent (seed {}), one generic CSV \
         (Title,Year); enriched in {:.1} s with {} TMDB calls ({} search, {} details); \
         rows whose title came back different: {title_mismatches}\n",
        absent.len(),
        opts.seed,
        enrich_time.as_secs_f64(),
        calls.total,
        calls.search_movie,
        calls.movie,
    );
    println!(
        "reachable (the simulator's search finds the true film by the title, without the year \
         on any page or with it): {reachable_count} of {n} ({:.1} %)\n",
        pct(reachable_count, n)
    );
    println!("| outcome | rows | % of all | reachable rows | % of reachable |");
    println!("|---|---:|---:|---:|---:|");
    for o in Outcome::ALL {
        let (all, reach) = count(o);
        println!(
            "| {} | {all} | {:.1} % | {reach} | {:.1} % |",
            o.label(),
            pct(all, n),
            pct(reach, reachable_count)
        );
    }
    println!(
        "| **right film accepted or proposed first** | {right_first} | {:.1} % | \
         {right_first_reachable} | {:.1} % (target ≥ 98.5 %) |",
        pct(right_first, n),
        pct(right_first_reachable, reachable_count)
    );
    println!(
        "| accepted and wrong | {} | {:.2} % (target ≤ 0.2 %) | | |",
        count(Outcome::AcceptedWrong).0,
        pct(count(Outcome::AcceptedWrong).0, n)
    );
    println!(
        "| absent films accepted | {absent_accepted} of {} | {:.1} % (target ≤ 0.5 %) | | |",
        absent.len(),
        pct(absent_accepted, absent.len())
    );
    println!(
        "| absent films in review | {absent_review} of {} | {:.1} % | | |",
        absent.len(),
        pct(absent_review, absent.len())
    );
    println!(
        "\nIMDb ratings export, {imdb_n} catalog films with an IMDb id, fresh cache: \
         {} TMDB calls = {calls_per_film:.2} per film (target 1) — find {}, details {} \
         (by IMDb id {}), search {}; right film accepted {imdb_right} ({:.1} %), in {:.1} s",
        imdb_calls.total,
        imdb_calls.find,
        imdb_calls.movie,
        imdb_calls.movie_by_imdb,
        imdb_calls.search_movie,
        pct(imdb_right, imdb_n),
        imdb_time.as_secs_f64()
    );
    if opts.examples > 0 {
        println!("\n## Examples (up to {} per class)", opts.examples);
        for (o, list) in &examples {
            println!("\n{}:", o.label());
            for e in list {
                println!("- {e}");
            }
        }
        if !unreachable_examples.is_empty() {
            println!("\nunreachable by the simulator's search:");
            for e in &unreachable_examples {
                println!("- {e}");
            }
        }
        if !absent_examples.is_empty() {
            println!("\nabsent films accepted:");
            for e in &absent_examples {
                println!("- {e}");
            }
        }
    }

    let report = json!({
        "catalog": { "path": catalog_path, "films": catalog.movies().len() },
        "seed": opts.seed,
        "search_micros_per_query": per_search.as_secs_f64() * 1e6,
        "dev": {
            "rows": n,
            "reachable": reachable_count,
            "enrich_seconds": enrich_time.as_secs_f64(),
            "tmdb_calls": calls.total,
            "title_mismatches": title_mismatches,
            "outcomes": Outcome::ALL.iter().map(|o| {
                let (all, reach) = count(*o);
                (o.key().to_owned(), json!({
                    "rows": all,
                    "pct_all": pct(all, n),
                    "reachable_rows": reach,
                    "pct_reachable": pct(reach, reachable_count),
                }))
            }).collect::<serde_json::Map<_, _>>(),
            "right_first_pct_all": pct(right_first, n),
            "right_first_pct_reachable": pct(right_first_reachable, reachable_count),
            "accepted_wrong_pct_all": pct(count(Outcome::AcceptedWrong).0, n),
        },
        "absent": {
            "rows": absent.len(),
            "accepted": absent_accepted,
            "accepted_pct": pct(absent_accepted, absent.len()),
            "review": absent_review,
        },
        "imdb": {
            "films": imdb_n,
            "tmdb_calls": imdb_calls.total,
            "calls_per_film": calls_per_film,
            "find": imdb_calls.find,
            "details": imdb_calls.movie,
            "details_by_imdb_id": imdb_calls.movie_by_imdb,
            "search": imdb_calls.search_movie,
            "accepted_right": imdb_right,
        },
    });
    let path = opts.json.clone().unwrap_or_else(default_json_path);
    if let Some(dir) = path.parent() {
        let _ = std::fs::create_dir_all(dir);
    }
    std::fs::write(&path, serde_json::to_string_pretty(&report).unwrap()).expect("write the JSON");
    println!("\nfigures written to {}", path.display());
}

/// An IMDb ratings export of these films (IMDb's columns; IMDb Rating and
/// Num Votes empty, as no source has them).
fn imdb_export(films: &[&CatalogMovie]) -> String {
    let mut out = csv::Writer::from_writer(Vec::new());
    out.write_record([
        "Const",
        "Your Rating",
        "Date Rated",
        "Title",
        "Original Title",
        "URL",
        "Title Type",
        "IMDb Rating",
        "Runtime (mins)",
        "Year",
        "Genres",
        "Num Votes",
        "Release Date",
        "Directors",
    ])
    .unwrap();
    for (i, m) in films.iter().enumerate() {
        let imdb = m.imdb_id.as_deref().unwrap_or_default();
        let genres: Vec<&str> = m.genres.iter().map(|g| g.name.as_str()).collect();
        let directors: Vec<&str> = m.directors.iter().map(|d| d.name.as_str()).collect();
        out.write_record([
            imdb,
            &(1 + i % 10).to_string(),
            &format!("2024-{:02}-{:02}", 1 + i % 12, 1 + i % 28),
            &m.title,
            m.original_title(),
            &format!("https://www.imdb.com/title/{imdb}/"),
            "Movie",
            "",
            &m.runtime.map(|r| r.to_string()).unwrap_or_default(),
            &m.year().map(|y| y.to_string()).unwrap_or_default(),
            &genres.join(", "),
            "",
            m.release_date.as_deref().unwrap_or_default(),
            &directors.join(", "),
        ])
        .unwrap();
    }
    String::from_utf8(out.into_inner().unwrap()).unwrap()
}
