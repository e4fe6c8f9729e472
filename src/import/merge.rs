//! Merging Letterboxd files into one entry per film, with its viewings.
//!
//! A film's identity is its Letterboxd film URI, which watched, ratings,
//! watchlist, likes and list files carry: two rows with different URIs are
//! two films, even when they share a title and a year (namesakes), and rows
//! with one URI are one film. Diary and review rows carry an *entry's* URI,
//! so they attach to a film by normalised (title, year): to the first film
//! of that title and year in the order films first appear (the rule for
//! namesakes, which a diary cannot tell apart), or to a new film when there
//! is none. Every diary row is one viewing; a review row is the viewing of
//! the diary row with the same entry URI, or a viewing of its own.

use std::collections::HashMap;

use unicode_normalization::UnicodeNormalization;

use super::error::ImportError;
use super::letterboxd::{FilmRow, Kind};
use super::{ImportedMovie, TitleKind, Viewing};

/// Lowercased, trimmed, whitespace-collapsed NFC title: the same film named
/// by two files (or composed differently by two tools) gets the same key.
pub fn normalise_title(title: &str) -> String {
    let composed: String = title.nfc().collect();
    composed
        .to_lowercase()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// A film's (normalised title, year).
type TitleKey = (String, Option<i32>);

/// What the files say about one film.
struct Film {
    movie: ImportedMovie,
    /// Whether `movie.letterboxd_uri` is the film's own, not an entry's.
    has_film_uri: bool,
    /// The entry URI of each viewing, to find a review's diary entry.
    entries: Vec<Option<String>>,
}

impl Film {
    fn new(row: &FilmRow) -> Self {
        Self {
            movie: ImportedMovie::new(row.title.clone(), row.year, TitleKind::Film),
            has_film_uri: false,
            entries: Vec::new(),
        }
    }

    /// Folds in a row of a file whose URI is the film's.
    fn add_film_row(&mut self, kind: Kind, row: FilmRow) {
        if !self.has_film_uri && row.uri.is_some() {
            self.movie.letterboxd_uri = row.uri;
            self.has_film_uri = true;
        }
        let movie = &mut self.movie;
        match kind {
            Kind::Watched => movie.logged_date = movie.logged_date.take().or(row.date),
            Kind::Ratings => {
                movie.rating = movie.rating.or(row.rating);
                movie.rated_date = movie.rated_date.take().or(row.date);
            }
            Kind::Watchlist => movie.added_date = movie.added_date.take().or(row.date),
            Kind::Likes | Kind::List | Kind::Diary | Kind::Reviews => {}
        }
    }

    /// Folds in a diary or review row: a viewing.
    fn add_entry(&mut self, kind: Kind, row: FilmRow) {
        if self.movie.letterboxd_uri.is_none() {
            self.movie.letterboxd_uri = row.uri.clone();
        }
        let viewing = Viewing {
            watched_date: row.watched_date,
            rating: row.rating,
            rewatch: row.rewatch,
            tags: row.tags,
            reviewed: kind == Kind::Reviews,
        };
        if kind == Kind::Reviews {
            let same = row.uri.as_ref().and_then(|uri| {
                self.entries
                    .iter()
                    .position(|entry| entry.as_ref() == Some(uri))
            });
            if let Some(at) = same {
                let diary = &mut self.movie.viewings[at];
                diary.reviewed = true;
                diary.rating = diary.rating.or(viewing.rating);
                diary.tags = diary.tags.take().or(viewing.tags);
                return;
            }
        }
        self.entries.push(row.uri);
        self.movie.viewings.push(viewing);
    }

    /// The film, its rating from ratings.csv or else its latest rated viewing.
    fn into_movie(mut self) -> ImportedMovie {
        if self.movie.rating.is_none() {
            self.movie.rating = self
                .movie
                .viewings
                .iter()
                .filter(|v| v.rating.is_some())
                .max_by(|a, b| a.watched_date.cmp(&b.watched_date))
                .and_then(|v| v.rating);
        }
        self.movie
    }
}

/// Accumulates the rows of Letterboxd files, in the order films first appear.
pub struct Merger {
    films: Vec<Film>,
    by_uri: HashMap<String, usize>,
    by_title: HashMap<TitleKey, usize>,
    /// Diary and review rows wait until every film file is in.
    entries: Vec<(Kind, FilmRow)>,
    max_films: usize,
}

impl Merger {
    /// A merger that rejects more than `max_films` distinct films.
    pub fn new(max_films: usize) -> Self {
        Self {
            films: Vec::new(),
            by_uri: HashMap::new(),
            by_title: HashMap::new(),
            entries: Vec::new(),
            max_films,
        }
    }

    /// Folds in the rows of one file.
    pub fn add(&mut self, kind: Kind, rows: Vec<FilmRow>) -> Result<(), ImportError> {
        if kind.has_entry_uris() {
            self.entries.extend(rows.into_iter().map(|row| (kind, row)));
            return Ok(());
        }
        for row in rows {
            let at = self.film_for(&row)?;
            self.films[at].add_film_row(kind, row);
        }
        Ok(())
    }

    /// The film a row with a film URI (or none) belongs to, created if new.
    fn film_for(&mut self, row: &FilmRow) -> Result<usize, ImportError> {
        let key = (normalise_title(&row.title), row.year);
        let Some(uri) = &row.uri else {
            return match self.by_title.get(&key) {
                Some(&at) => Ok(at),
                None => self.push(row, key),
            };
        };
        if let Some(&at) = self.by_uri.get(uri) {
            return Ok(at);
        }
        let at = self.push(row, key)?;
        self.by_uri.insert(uri.clone(), at);
        Ok(at)
    }

    fn push(&mut self, row: &FilmRow, key: TitleKey) -> Result<usize, ImportError> {
        if self.films.len() >= self.max_films {
            return Err(ImportError::TooManyRows {
                limit: self.max_films,
            });
        }
        self.films.push(Film::new(row));
        let at = self.films.len() - 1;
        self.by_title.entry(key).or_insert(at);
        Ok(at)
    }

    /// The merged films, in order of first appearance; diary entries first,
    /// then reviews, attach by title and year.
    pub fn finish(mut self) -> Result<Vec<ImportedMovie>, ImportError> {
        let mut entries = std::mem::take(&mut self.entries);
        entries.sort_by_key(|(kind, _)| *kind == Kind::Reviews);
        for (kind, row) in entries {
            let key = (normalise_title(&row.title), row.year);
            let at = match self.by_title.get(&key) {
                Some(&at) => at,
                None => self.push(&row, key)?,
            };
            self.films[at].add_entry(kind, row);
        }
        Ok(self.films.into_iter().map(Film::into_movie).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(title: &str, year: i32, uri: &str) -> FilmRow {
        FilmRow {
            line: 2,
            title: title.to_owned(),
            year: Some(year),
            uri: Some(uri.to_owned()),
            date: None,
            watched_date: None,
            rating: None,
            rewatch: false,
            tags: None,
        }
    }

    fn entry(title: &str, year: i32, uri: &str, watched: &str, rating: Option<f64>) -> FilmRow {
        FilmRow {
            watched_date: Some(watched.to_owned()),
            date: Some(watched.to_owned()),
            rating,
            ..row(title, year, uri)
        }
    }

    fn merge(files: Vec<(Kind, Vec<FilmRow>)>) -> Vec<ImportedMovie> {
        let mut merger = Merger::new(100);
        for (kind, rows) in files {
            merger.add(kind, rows).unwrap();
        }
        merger.finish().unwrap()
    }

    #[test]
    fn keys_ignore_case_spacing_and_composition() {
        assert_eq!(
            normalise_title("  Amélie "),
            normalise_title("AME\u{301}LIE")
        );
        assert_eq!(normalise_title("The  Good,\tthe Bad"), "the good, the bad");
    }

    #[test]
    fn every_diary_entry_is_a_viewing_and_ratings_csv_rates_the_film() {
        let watched = FilmRow {
            date: Some("2020-01-01".into()),
            ..row("Heat", 1995, "https://boxd.it/film")
        };
        let rewatch = FilmRow {
            rewatch: true,
            ..entry("Heat", 1995, "https://boxd.it/e2", "2024-05-01", Some(4.0))
        };
        let movies = merge(vec![
            (Kind::Watched, vec![watched]),
            (
                Kind::Diary,
                vec![
                    entry("Heat", 1995, "https://boxd.it/e1", "2023-05-01", Some(3.0)),
                    rewatch,
                ],
            ),
        ]);
        assert_eq!(movies.len(), 1);
        let heat = &movies[0];
        assert_eq!(heat.viewings.len(), 2);
        assert_eq!(heat.watched_date(), Some("2024-05-01"));
        assert_eq!(heat.logged_date.as_deref(), Some("2020-01-01"));
        assert_eq!(heat.rating, Some(4.0), "the latest rated viewing");
        assert_eq!(heat.rewatches(), 1);
        assert_eq!(heat.letterboxd_uri.as_deref(), Some("https://boxd.it/film"));

        let rated = FilmRow {
            rating: Some(4.5),
            date: Some("2021-02-02".into()),
            ..row("alien", 1979, "https://boxd.it/alien")
        };
        let movies = merge(vec![
            (
                Kind::Diary,
                vec![entry("Alien", 1979, "e", "2021-01-01", Some(2.0))],
            ),
            (Kind::Ratings, vec![rated]),
        ]);
        assert_eq!(
            movies.len(),
            1,
            "the diary entry attaches to the rated film"
        );
        assert_eq!(movies[0].title, "alien", "the film file's spelling");
        assert_eq!(movies[0].rating, Some(4.5));
        assert_eq!(movies[0].rated_date.as_deref(), Some("2021-02-02"));
        assert_eq!(movies[0].watched_date(), Some("2021-01-01"));
    }

    #[test]
    fn a_review_of_a_diary_entry_is_the_same_viewing() {
        let review = FilmRow {
            tags: Some("rain".into()),
            ..entry("Ran", 1985, "https://boxd.it/e1", "2022-02-02", Some(5.0))
        };
        let other = entry("Ran", 1985, "https://boxd.it/e9", "2023-03-03", None);
        let movies = merge(vec![
            (Kind::Reviews, vec![review, other]),
            (
                Kind::Diary,
                vec![entry("Ran", 1985, "https://boxd.it/e1", "2022-02-02", None)],
            ),
        ]);
        let viewings = &movies[0].viewings;
        assert_eq!(
            viewings.len(),
            2,
            "one reviewed diary entry, one review alone"
        );
        assert!(viewings.iter().all(|v| v.reviewed));
        assert_eq!(viewings[0].rating, Some(5.0));
        assert_eq!(viewings[0].tags.as_deref(), Some("rain"));
    }

    #[test]
    fn namesakes_stay_apart_and_entries_go_to_the_first() {
        let movies = merge(vec![
            (
                Kind::Watchlist,
                vec![
                    row("Deception", 2013, "https://boxd.it/a"),
                    row("Deception", 2013, "https://boxd.it/b"),
                    row("Deception", 2013, "https://boxd.it/a"),
                ],
            ),
            (
                Kind::Diary,
                vec![entry("Deception", 2013, "e", "2024-01-01", None)],
            ),
        ]);
        assert_eq!(
            movies.len(),
            2,
            "two URIs, two films; one URI twice, one film"
        );
        assert_eq!(movies[0].viewings.len(), 1);
        assert!(movies[1].viewings.is_empty());
    }

    #[test]
    fn remakes_and_missing_years_stay_apart() {
        let rows = vec![
            row("Dune", 1984, "a"),
            row("Dune", 2021, "b"),
            FilmRow {
                year: None,
                ..row("Dune", 1, "c")
            },
        ];
        assert_eq!(merge(vec![(Kind::Watched, rows)]).len(), 3);
    }

    #[test]
    fn a_film_known_only_from_the_diary_keeps_its_entry_uri() {
        let movies = merge(vec![(
            Kind::Diary,
            vec![entry(
                "Ran",
                1985,
                "https://boxd.it/entry",
                "2022-02-02",
                None,
            )],
        )]);
        assert_eq!(
            movies[0].letterboxd_uri.as_deref(),
            Some("https://boxd.it/entry")
        );
    }

    #[test]
    fn distinct_films_are_capped() {
        let mut merger = Merger::new(2);
        merger
            .add(
                Kind::Watched,
                vec![row("A", 2000, "a"), row("a", 2000, "a")],
            )
            .unwrap();
        merger
            .add(Kind::Watched, vec![row("B", 2000, "b")])
            .unwrap();
        let err = merger
            .add(Kind::Watchlist, vec![row("C", 2000, "c")])
            .unwrap_err();
        assert!(matches!(err, ImportError::TooManyRows { limit: 2 }));
        let mut merger = Merger::new(1);
        merger
            .add(Kind::Diary, vec![entry("A", 2000, "a", "2024-01-01", None)])
            .unwrap();
        merger
            .add(Kind::Diary, vec![entry("B", 2000, "b", "2024-01-01", None)])
            .unwrap();
        assert!(matches!(
            merger.finish(),
            Err(ImportError::TooManyRows { limit: 1 })
        ));
    }
}
