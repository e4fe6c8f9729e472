//! Every real export under `../shared/realdata/exports` (see its README and
//! `manifest.json`), uploaded over HTTP on SQLite and PostgreSQL, against
//! what the test computes from the bytes itself, without reelstream's import
//! code: the films (title exactly as written, year 1870..=next year), the
//! skipped rows (IMDb episodes, games, podcasts, music videos), the viewings
//! (one per diary/review row; a review of a diary entry is that viewing) and,
//! for a few films, their viewings in `GET /api/session/{id}/movies/{movie_id}`.
//!
//! The data is not in the repository: when the folder is absent the test
//! says so and passes. Every file is checked; the test fails once at the end
//! with every mismatch, each naming its file and part (`films`, `viewings`,
//! `detail`). `REELSTREAM_REAL_EXPORTS_ONLY=<substring>` checks only the
//! manifest entries whose `file` contains it.

mod common;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::Read;
use std::path::PathBuf;

use chrono::Datelike;
use common::{Backend, TestApp};
use serde_json::Value;
use unicode_normalization::UnicodeNormalization;

const EXPORTS: &str = "../shared/realdata/exports";

/// Column names of a plain list (folded: lowercase alphanumerics), by preference.
const PLAIN_TITLE: &[&str] = &["title", "name", "film", "movie", "filmtitle", "movietitle"];
const PLAIN_YEAR: &[&str] = &["year", "releaseyear", "filmyear", "movieyear"];
const PLAIN_TMDB: &[&str] = &["tmdbid", "tmdb"];
const PLAIN_IMDB: &[&str] = &["imdbid", "imdb", "const"];

// ---------------------------------------------------------------- text

/// The text of a file and the encoding it was read in.
fn decode(bytes: &[u8]) -> (String, &'static str) {
    use encoding_rs::{UTF_16BE, UTF_16LE, WINDOWS_1252};
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return (String::from_utf8_lossy(rest).into_owned(), "utf-8");
    }
    if let Some(rest) = bytes.strip_prefix(b"\xFF\xFE") {
        let text = UTF_16LE.decode_without_bom_handling(rest).0;
        return (text.into_owned(), "utf-16le");
    }
    if let Some(rest) = bytes.strip_prefix(b"\xFE\xFF") {
        let text = UTF_16BE.decode_without_bom_handling(rest).0;
        return (text.into_owned(), "utf-16be");
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => (text.to_owned(), "utf-8"),
        Err(_) => {
            let text = WINDOWS_1252.decode_without_bom_handling(bytes).0;
            (text.into_owned(), "windows-1252")
        }
    }
}

/// The key form of a title: NFC, lowercase, whitespace collapsed.
fn norm(title: &str) -> String {
    let lower = title.nfc().collect::<String>().to_lowercase();
    lower.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A year cell: an integer from 1870 to next year, else none.
fn year(cell: &str) -> Option<i64> {
    let next = i64::from(chrono::Utc::now().year()) + 1;
    cell.trim()
        .parse::<i64>()
        .ok()
        .filter(|y| (1870..=next).contains(y))
}

/// Lowercase alphanumerics only (header names, IMDb `Title Type`).
fn fold(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// A CSV's records; the delimiter is `;` when the first line has more `;` than `,`.
fn records(text: &str) -> Vec<Vec<String>> {
    let first = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    let semicolon = first.matches(';').count() > first.matches(',').count();
    csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(if semicolon { b';' } else { b',' })
        .from_reader(text.as_bytes())
        .records()
        .map_while(Result::ok)
        .filter(|r| r.iter().any(|c| !c.trim().is_empty()))
        .map(|r| r.iter().map(str::to_owned).collect())
        .collect()
}

/// A header row and the rows under it.
struct Table {
    header: Vec<String>,
    rows: Vec<Vec<String>>,
}

impl Table {
    /// The first record is the header.
    fn of(text: &str) -> Self {
        let mut records = records(text).into_iter();
        let header = records.next().unwrap_or_default();
        Self {
            header,
            rows: records.collect(),
        }
    }

    /// A Letterboxd list: the film table starts at the `Position,Name,…` record.
    fn list(text: &str) -> Self {
        let mut records = records(text);
        let is_header =
            |r: &Vec<String>| fold(&r[0]) == "position" && r.iter().any(|c| fold(c) == "name");
        let start = records.iter().position(is_header).unwrap_or(records.len());
        let mut films = records.split_off(start).into_iter();
        Self {
            header: films.next().unwrap_or_default(),
            rows: films.collect(),
        }
    }

    /// The first column whose folded name is one of `names`, in `names` order.
    fn col(&self, names: &[&str]) -> Option<usize> {
        names
            .iter()
            .find_map(|n| self.header.iter().position(|h| fold(h) == *n))
    }
}

fn cell(row: &[String], col: Option<usize>) -> &str {
    col.and_then(|c| row.get(c)).map_or("", |c| c.trim())
}

// ---------------------------------------------------------------- expectations

/// What a film is keyed by within one upload.
#[derive(Debug, Hash, PartialEq, Eq)]
enum Key {
    Uri(String),
    Imdb(String),
    Tmdb(String),
    TitleYear(String, Option<i64>),
}

#[derive(Debug)]
struct Viewing {
    date: Option<String>,
    rewatch: bool,
    reviewed: bool,
    entry: String,
}

#[derive(Debug)]
struct Film {
    title: String,
    year: Option<i64>,
    /// The Letterboxd film URI (never a diary entry's).
    uri: Option<String>,
    skip: Option<&'static str>,
    viewings: Vec<Viewing>,
}

/// What one upload must become.
#[derive(Default)]
struct Expected {
    films: Vec<Film>,
    index: HashMap<Key, usize>,
    /// The first film of each (normalised title, year).
    by_title: HashMap<(String, Option<i64>), usize>,
    /// Rows without a title, and unreadable ZIP members: at least one warning each.
    warnings: usize,
    /// Viewings are asserted (not for plain lists, whose contract says nothing of them).
    viewings: bool,
    /// Netflix: (lines with a title, distinct titles); films are only bounded.
    netflix: Option<(usize, usize)>,
}

impl Expected {
    fn film(&mut self, key: Key, title: &str, year: Option<i64>, uri: Option<&str>) -> usize {
        if let Some(&i) = self.index.get(&key) {
            return i;
        }
        let i = self.films.len();
        self.films.push(Film {
            title: title.to_owned(),
            year,
            uri: uri.map(str::to_owned),
            skip: None,
            viewings: Vec::new(),
        });
        self.index.insert(key, i);
        self.by_title.entry((norm(title), year)).or_insert(i);
        i
    }

    fn film_uris(&self) -> HashSet<&str> {
        self.films.iter().filter_map(|f| f.uri.as_deref()).collect()
    }

    /// Letterboxd watched/ratings/watchlist/likes (URI column) or list (URL column).
    fn letterboxd_films(&mut self, table: &Table) {
        let (name, yr) = (table.col(&["name"]), table.col(&["year"]));
        let uri = table.col(&["letterboxduri", "url"]);
        for row in &table.rows {
            let (title, year, uri) = (cell(row, name), year(cell(row, yr)), cell(row, uri));
            if title.is_empty() {
                self.warnings += 1;
            } else if uri.is_empty() {
                self.film(Key::TitleYear(norm(title), year), title, year, None);
            } else {
                self.film(Key::Uri(uri.to_owned()), title, year, Some(uri));
            }
        }
    }

    /// Diary or reviews rows: each a viewing of the first film with its title
    /// and year (created when none); in a ZIP, a review of a diary entry
    /// (same entry URI) marks that viewing reviewed instead.
    fn letterboxd_viewings(&mut self, table: &Table, reviewed: bool) {
        let (name, yr) = (table.col(&["name"]), table.col(&["year"]));
        let uri = table.col(&["letterboxduri"]);
        let rewatch = table.col(&["rewatch"]);
        let watched = table.col(&["watcheddate"]);
        for row in &table.rows {
            let (title, year) = (cell(row, name), year(cell(row, yr)));
            if title.is_empty() {
                self.warnings += 1;
                continue;
            }
            let entry = cell(row, uri).to_owned();
            if reviewed && !entry.is_empty() {
                let seen = self.films.iter_mut().flat_map(|f| f.viewings.iter_mut());
                if let Some(v) = seen.filter(|v| v.entry == entry).find(|v| !v.reviewed) {
                    v.reviewed = true;
                    continue;
                }
            }
            let key = (norm(title), year);
            let i = match self.by_title.get(&key) {
                Some(&i) => i,
                None => self.film(Key::TitleYear(key.0, year), title, year, None),
            };
            let date = cell(row, watched);
            self.films[i].viewings.push(Viewing {
                date: (!date.is_empty()).then(|| date.to_owned()),
                rewatch: cell(row, rewatch).eq_ignore_ascii_case("yes"),
                reviewed,
                entry,
            });
        }
    }

    fn imdb(&mut self, table: &Table) {
        let (id, title) = (table.col(&["const"]), table.col(&["title"]));
        let (yr, kind) = (table.col(&["year"]), table.col(&["titletype"]));
        for row in &table.rows {
            let (name, year, id) = (cell(row, title), year(cell(row, yr)), cell(row, id));
            if name.is_empty() {
                self.warnings += 1;
                continue;
            }
            let key = match id {
                "" => Key::TitleYear(norm(name), year),
                id => Key::Imdb(id.to_owned()),
            };
            let i = self.film(key, name, year, None);
            self.films[i].skip = match fold(cell(row, kind)).as_str() {
                "tvepisode" => Some("tv_episode"),
                "videogame" => Some("video_game"),
                "podcastseries" | "podcastepisode" => Some("podcast"),
                "musicvideo" => Some("music_video"),
                _ => None,
            };
        }
    }

    fn plain_list(&mut self, table: &Table) {
        let (title, yr) = (table.col(PLAIN_TITLE), table.col(PLAIN_YEAR));
        let (tmdb, imdb) = (table.col(PLAIN_TMDB), table.col(PLAIN_IMDB));
        for row in &table.rows {
            let (name, year) = (cell(row, title), year(cell(row, yr)));
            if name.is_empty() {
                self.warnings += 1;
                continue;
            }
            let key = match (cell(row, tmdb), cell(row, imdb)) {
                ("", "") => Key::TitleYear(norm(name), year),
                ("", imdb) => Key::Imdb(imdb.to_owned()),
                (tmdb, _) => Key::Tmdb(tmdb.to_owned()),
            };
            self.film(key, name, year, None);
        }
    }

    fn netflix(&mut self, table: &Table) {
        let title = table.col(&["title"]);
        let titles: Vec<&str> = table
            .rows
            .iter()
            .map(|r| cell(r, title))
            .filter(|t| !t.is_empty())
            .collect();
        self.warnings += table.rows.len() - titles.len();
        let distinct: HashSet<&str> = titles.iter().copied().collect();
        self.netflix = Some((titles.len(), distinct.len()));
    }

    /// A Letterboxd export ZIP: films by URI from watched, ratings, watchlist,
    /// likes/films and lists (in that order), then diary and reviews rows.
    fn letterboxd_zip(&mut self, bytes: &[u8]) {
        let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a ZIP");
        let mut members: Vec<(String, Option<String>)> = Vec::new();
        for i in 0..archive.len() {
            let mut member = archive.by_index(i).expect("a ZIP member");
            if member.is_dir() {
                continue;
            }
            let name = String::from_utf8_lossy(member.name_raw()).into_owned();
            let mut parts: Vec<&str> = name.split('/').collect();
            if parts.len() > 1 && !["likes", "lists", "deleted", "orphaned"].contains(&parts[0]) {
                parts.remove(0); // a top folder, as a re-zipped export has
            }
            let mut data = Vec::new();
            let text = match member.read_to_end(&mut data) {
                Ok(_) if data.iter().any(|&b| b != 0) => Some(decode(&data).0),
                _ => None,
            };
            members.push((parts.join("/"), text));
        }
        let wanted = |path: &str| match path {
            "watched.csv" => Some(0),
            "ratings.csv" => Some(1),
            "watchlist.csv" => Some(2),
            "likes/films.csv" => Some(3),
            p if p.starts_with("lists/") && p.ends_with(".csv") && !p[6..].contains('/') => Some(4),
            "diary.csv" => Some(5),
            "reviews.csv" => Some(6),
            _ => None,
        };
        let mut used: Vec<(usize, &str)> = Vec::new();
        for (path, text) in &members {
            match (wanted(path), text) {
                (Some(rank), Some(text)) => used.push((rank, text)),
                (Some(_), None) => self.warnings += 1,
                (None, _) => {}
            }
        }
        used.sort_by_key(|(rank, _)| *rank); // stable: lists keep the ZIP's order
        for (rank, text) in used {
            match rank {
                0..=3 => self.letterboxd_films(&Table::of(text)),
                4 => self.letterboxd_films(&Table::list(text)),
                5 => self.letterboxd_viewings(&Table::of(text), false),
                _ => self.letterboxd_viewings(&Table::of(text), true),
            }
        }
    }
}

/// The expectation for one manifest entry, or `None` for a kind it does not know.
fn expect(kind: &str, bytes: &[u8]) -> Option<(Expected, Option<&'static str>)> {
    let mut expected = Expected {
        viewings: true,
        ..Expected::default()
    };
    if kind.starts_with("lb-zip") {
        expected.letterboxd_zip(bytes);
        return Some((expected, None));
    }
    let (text, encoding) = decode(bytes);
    match kind {
        "lb-watched" | "lb-ratings" | "lb-watchlist" | "lb-likes" => {
            expected.letterboxd_films(&Table::of(&text))
        }
        "lb-list" => expected.letterboxd_films(&Table::list(&text)),
        "lb-diary" | "lb-diary-semicolon-resave" => {
            expected.letterboxd_viewings(&Table::of(&text), false)
        }
        "lb-reviews" => expected.letterboxd_viewings(&Table::of(&text), true),
        "imdb-ratings" | "imdb-watchlist" => expected.imdb(&Table::of(&text)),
        "netflix" => expected.netflix(&Table::of(&text)),
        "plain-list" => {
            expected.viewings = false;
            expected.plain_list(&Table::of(&text));
        }
        _ => return None,
    }
    Some((expected, Some(encoding)))
}

// ---------------------------------------------------------------- checks

/// Every movie of a session, page by page (the API's largest page is 1000).
async fn all_movies(app: &TestApp, id: &str) -> Result<Vec<Value>, String> {
    let mut movies = Vec::new();
    loop {
        let path = format!(
            "/api/session/{id}/movies?limit=1000&offset={}",
            movies.len()
        );
        let (status, page) = app.get_json(&path).await;
        let items = page["items"].as_array().filter(|_| status == 200);
        let items = items.ok_or_else(|| format!("listing movies answered {status}: {page}"))?;
        movies.extend(items.iter().cloned());
        if items.is_empty() || movies.len() as u64 >= page["total"].as_u64().unwrap_or(0) {
            return Ok(movies);
        }
    }
}

/// One file's mismatches, each with the part it concerns: `films`, `viewings` or `detail`.
#[derive(Default)]
struct Problems(Vec<(&'static str, String)>);

impl Problems {
    fn add(&mut self, part: &'static str, message: impl Into<String>) {
        self.0.push((part, message.into()));
    }

    /// Adds the differences of `want` and `got` as multisets (first six of each side).
    fn diff<T: Ord + std::fmt::Debug>(
        &mut self,
        part: &'static str,
        what: &str,
        want: Vec<T>,
        got: Vec<T>,
    ) {
        let mut counts: BTreeMap<T, i64> = BTreeMap::new();
        want.into_iter()
            .for_each(|w| *counts.entry(w).or_default() += 1);
        got.into_iter()
            .for_each(|g| *counts.entry(g).or_default() -= 1);
        let show = |missing: bool| {
            let side: Vec<_> = counts
                .iter()
                .filter(|(_, n)| (**n > 0) == missing && **n != 0)
                .collect();
            let shown: Vec<_> = side
                .iter()
                .take(6)
                .map(|(t, n)| format!("{t:?}×{}", n.abs()))
                .collect();
            let more = if side.len() > 6 { ", …" } else { "" };
            format!("{} [{}{more}]", side.len(), shown.join(", "))
        };
        if counts.values().any(|n| *n != 0) {
            self.add(
                part,
                format!("{what}: missing {}; unexpected {}", show(true), show(false)),
            );
        }
    }

    fn has(&self, part: &str) -> bool {
        self.0.iter().any(|(p, _)| *p == part)
    }
}

type FilmId = (String, Option<i64>, Option<String>);

/// A movie of the API as (title, year, film URI when it is one of the expected film URIs).
fn api_id(movie: &Value, uris: &HashSet<&str>) -> FilmId {
    let uri = movie["letterboxd_uri"]
        .as_str()
        .filter(|u| uris.contains(u));
    let title = movie["title"].as_str().unwrap_or("<no title>").to_owned();
    (title, movie["year"].as_i64(), uri.map(str::to_owned))
}

fn film_id(film: &Film) -> FilmId {
    (film.title.clone(), film.year, film.uri.clone())
}

/// Uploads one file and checks the session and its movies against `expected`.
async fn check(app: &TestApp, entry: &Value, bytes: Vec<u8>) -> Problems {
    let mut problems = Problems::default();
    let kind = entry["kind"].as_str().unwrap_or_default();
    let Some((expected, encoding)) = expect(kind, &bytes) else {
        problems.add("films", format!("unknown kind {kind}"));
        return problems;
    };
    let name = entry["upload_name"].as_str().unwrap_or("export.csv");
    let response = app.upload(name, bytes).await;
    let status = response.status().as_u16();
    let session: Value = response.json().await.unwrap_or(Value::Null);
    let empty = expected.films.is_empty() && expected.netflix.is_none_or(|(n, _)| n == 0);
    // A file without a single row is refused, as every upload without a film is.
    let want_status = if empty { 400 } else { 202 };
    if status != want_status {
        problems.add(
            "films",
            format!("answered {status}, not {want_status}: {session}"),
        );
    }
    if status != 202 {
        return problems;
    }
    let id = session["id"].as_str().unwrap_or_default();
    let movies = match all_movies(app, id).await {
        Ok(movies) => movies,
        Err(e) => {
            problems.add("films", e);
            return problems;
        }
    };
    if let Some(encoding) = encoding.filter(|e| session["encoding"] != *e) {
        let got = &session["encoding"];
        problems.add("films", format!("encoding {got} (read as {encoding})"));
    }
    let warnings = session["warnings_total"].as_u64().unwrap_or(0) as usize;
    if warnings < expected.warnings {
        problems.add(
            "films",
            format!("{warnings} warnings, want ≥ {}", expected.warnings),
        );
    }
    let counts: Option<Vec<u64>> = movies.iter().map(|m| m["viewing_count"].as_u64()).collect();
    if counts.is_none() && (expected.viewings || expected.netflix.is_some()) {
        problems.add("viewings", "viewing_count is absent from the movie list");
    }

    if let Some((lines, distinct)) = expected.netflix {
        let total = session["total_movies"].as_u64().unwrap_or(0) as usize;
        if total == 0 || total > distinct {
            problems.add(
                "films",
                format!("total_movies {total}, want 1..={distinct}"),
            );
        }
        let viewed = counts.map(|c| c.iter().sum::<u64>() as usize);
        if viewed.is_some_and(|v| v != lines) {
            problems.add("viewings", format!("{viewed:?} viewings, want {lines}"));
        }
        return problems;
    }
    check_films(&mut problems, &expected, &session, &movies);
    if expected.viewings {
        check_viewings(&mut problems, &expected, &movies, counts.as_deref());
        check_detail(&mut problems, app, id, &expected, &movies).await;
    }
    problems
}

/// How many movies, which (title, year), which skipped and why.
fn check_films(problems: &mut Problems, expected: &Expected, session: &Value, movies: &[Value]) {
    let want_total = expected.films.len() as u64;
    if session["total_movies"].as_u64() != Some(want_total) {
        let got = &session["total_movies"];
        problems.add("films", format!("total_movies {got}, want {want_total}"));
    }
    let want_skipped = expected.films.iter().filter(|f| f.skip.is_some()).count() as u64;
    if session["skipped_count"].as_u64() != Some(want_skipped) {
        let got = &session["skipped_count"];
        problems.add("films", format!("skipped_count {got}, want {want_skipped}"));
    }
    let want = expected.films.iter().map(|f| (f.title.clone(), f.year));
    let got = movies.iter().map(|m| {
        (
            m["title"].as_str().unwrap_or_default().to_owned(),
            m["year"].as_i64(),
        )
    });
    problems.diff("films", "(title, year)", want.collect(), got.collect());
    let want = expected.films.iter().filter_map(|f| f.skip);
    let got = movies.iter().filter_map(|m| m["skip_reason"].as_str());
    problems.diff("films", "skip reasons", want.collect(), got.collect());
}

/// Viewings per film (when the list has `viewing_count`), then the rewatch
/// count and latest watched date of every film viewed.
fn check_viewings(
    problems: &mut Problems,
    expected: &Expected,
    movies: &[Value],
    counts: Option<&[u64]>,
) {
    let uris = expected.film_uris();
    if let Some(counts) = counts {
        let want_views: usize = expected.films.iter().map(|f| f.viewings.len()).sum();
        let got_views = counts.iter().sum::<u64>() as usize;
        if got_views != want_views {
            problems.add(
                "viewings",
                format!("{got_views} viewings, want {want_views}"),
            );
        }
        let want = expected
            .films
            .iter()
            .map(|f| (film_id(f), f.viewings.len() as u64));
        let got = movies
            .iter()
            .zip(counts)
            .map(|(m, c)| (api_id(m, &uris), *c));
        problems.diff(
            "viewings",
            "viewings per film",
            want.collect(),
            got.collect(),
        );
    }
    let viewed = expected.films.iter().filter(|f| !f.viewings.is_empty());
    let latest = |f: &Film| f.viewings.iter().filter_map(|v| v.date.clone()).max();
    let rewatches = |f: &Film| f.viewings.iter().filter(|v| v.rewatch).count() as i64;
    let want: Vec<_> = viewed
        .map(|f| (film_id(f), rewatches(f), latest(f)))
        .collect();
    let want_ids: HashSet<&FilmId> = want.iter().map(|(id, _, _)| id).collect();
    let got: Vec<_> = movies
        .iter()
        .map(|m| (api_id(m, &uris), m))
        .filter(|(id, _)| want_ids.contains(id))
        .map(|(id, m)| {
            let date = m["watched_date"].as_str().map(str::to_owned);
            (id, m["rewatch"].as_i64().unwrap_or(-1), date)
        })
        .collect();
    problems.diff("viewings", "(film, rewatch, watched_date)", want, got);
}

/// The viewings in the detail of a few films: the first and last viewed,
/// the most viewed and the first with a review.
async fn check_detail(
    problems: &mut Problems,
    app: &TestApp,
    id: &str,
    expected: &Expected,
    movies: &[Value],
) {
    let uris = expected.film_uris();
    let viewed: Vec<&Film> = expected
        .films
        .iter()
        .filter(|f| !f.viewings.is_empty())
        .collect();
    let most = viewed.iter().max_by_key(|f| f.viewings.len());
    let reviewed = viewed
        .iter()
        .find(|f| f.viewings.iter().any(|v| v.reviewed));
    let mut sampled = HashSet::new();
    let sample = [viewed.first(), most, reviewed, viewed.last()]
        .into_iter()
        .flatten();
    for film in sample.filter(|f| sampled.insert(film_id(f))) {
        let Some(movie) = movies.iter().find(|m| api_id(m, &uris) == film_id(film)) else {
            continue; // reported by check_films
        };
        let path = format!("/api/session/{id}/movies/{}", movie["id"]);
        let (status, detail) = app.get_json(&path).await;
        let Some(got) = detail["viewings"].as_array().filter(|_| status == 200) else {
            problems.add(
                "detail",
                format!("GET {path} answered {status}, no viewings"),
            );
            return;
        };
        let got = got.iter().map(|v| {
            let date = v["watched_date"].as_str().map(str::to_owned);
            (date, v["rewatch"] == true, v["reviewed"] == true)
        });
        let want = film
            .viewings
            .iter()
            .map(|v| (v.date.clone(), v.rewatch, v.reviewed));
        let what = format!(
            "{} ({:?}) viewings (date, rewatch, reviewed)",
            film.title, film.year
        );
        problems.diff("detail", &what, want.collect(), got.collect());
    }
}

// ---------------------------------------------------------------- the test

/// The exports folder, canonicalised, or `None` when it is absent.
fn exports() -> Option<PathBuf> {
    let dir = common::repo_root().join(EXPORTS).canonicalize().ok()?;
    dir.join("manifest.json").is_file().then_some(dir)
}

async fn every_real_export_imports_as_computed(backend: Backend) {
    let Some(dir) = exports() else {
        eprintln!(
            "skipping: {EXPORTS} is absent (no manifest.json there), so no real export is checked"
        );
        return;
    };
    let manifest: Value =
        serde_json::from_slice(&std::fs::read(dir.join("manifest.json")).expect("manifest"))
            .expect("manifest.json is JSON");
    let only = std::env::var("REELSTREAM_REAL_EXPORTS_ONLY").unwrap_or_default();
    let app = TestApp::spawn_on(&backend).await;
    let mut failures: Vec<String> = Vec::new();
    let mut checked = 0;
    for entry in manifest["files"].as_array().expect("files") {
        let file = entry["file"].as_str().expect("file");
        if !file.contains(only.as_str()) {
            continue;
        }
        checked += 1;
        let bytes = std::fs::read(dir.join(file)).unwrap_or_else(|e| panic!("reading {file}: {e}"));
        let problems = check(&app, entry, bytes).await;
        let parts = ["films", "viewings", "detail"]
            .map(|part| format!("{part} {}", if problems.has(part) { "FAIL" } else { "ok" }));
        let (kind, group) = (entry["kind"].as_str(), entry["group"].as_str());
        let (kind, group) = (kind.unwrap_or("?"), group.unwrap_or("?"));
        eprintln!("{}: {file} ({kind}): {}", backend.name(), parts.join(", "));
        let tag = format!("{file} ({kind}, {group})");
        failures.extend(
            problems
                .0
                .into_iter()
                .map(|(part, p)| format!("{tag} [{part}]: {p}")),
        );
    }
    assert!(checked > 0, "no manifest entry matches {only:?}");
    assert!(
        failures.is_empty(),
        "{} mismatches on {} in {checked} real exports:\n  {}",
        failures.len(),
        backend.name(),
        failures.join("\n  ")
    );
}

on_both_backends! {
    every_real_export_imports_as_computed,
}
