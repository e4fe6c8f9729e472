//! Merging the files of a Letterboxd export into one entry per film.
//!
//! Films are keyed by normalised (Name, Year), never by URI: diary and review
//! URIs point at entries, not films, and remakes (Dune 1984/2021) share a name
//! but not a year.

use std::collections::HashMap;

use unicode_normalization::UnicodeNormalization;

use super::error::ImportError;
use super::letterboxd::{FilmRow, Kind};
use super::{ImportedMovie, TitleKind};

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

/// A dated value; the latest wins, and on equal dates the later row does,
/// since Letterboxd writes diaries oldest first.
type Dated<T> = Option<(Option<String>, T)>;

fn keep_latest<T>(slot: &mut Dated<T>, date: &Option<String>, value: T) {
    if slot.as_ref().is_none_or(|(latest, _)| date >= latest) {
        *slot = Some((date.clone(), value));
    }
}

/// Records a diary or review entry: its viewing date and rating, if latest.
fn viewing(
    date: &mut Dated<()>,
    rating: &mut Dated<f64>,
    viewed: Option<String>,
    rated: Option<f64>,
) {
    if viewed.is_some() {
        keep_latest(date, &viewed, ());
    }
    if let Some(value) = rated {
        keep_latest(rating, &viewed, value);
    }
}

/// What the export's files say about one film.
#[derive(Default)]
struct Film {
    title: String,
    year: Option<i32>,
    film_uri: Option<String>,
    entry_uri: Option<String>,
    logged: Option<String>,
    rating: Option<f64>,
    diary_date: Dated<()>,
    diary_rating: Dated<f64>,
    review_date: Dated<()>,
    review_rating: Dated<f64>,
    rewatches: u32,
}

impl Film {
    fn add(&mut self, kind: Kind, row: FilmRow) {
        if kind.has_entry_uris() {
            self.entry_uri = self.entry_uri.take().or(row.uri);
        } else {
            self.film_uri = self.film_uri.take().or(row.uri);
        }
        match kind {
            Kind::Watched => self.logged = self.logged.take().or(row.date),
            Kind::Ratings => self.rating = self.rating.or(row.rating),
            Kind::Diary => {
                self.rewatches += u32::from(row.rewatch);
                let viewed = row.watched_date.or(row.date);
                viewing(
                    &mut self.diary_date,
                    &mut self.diary_rating,
                    viewed,
                    row.rating,
                );
            }
            Kind::Reviews => {
                let viewed = row.watched_date.or(row.date);
                viewing(
                    &mut self.review_date,
                    &mut self.review_rating,
                    viewed,
                    row.rating,
                );
            }
            Kind::Likes | Kind::Watchlist | Kind::List => {}
        }
    }

    /// Diary first, reviews (diary entries too) next, watched.csv's log date
    /// last; ratings.csv holds the film's current rating.
    fn into_movie(self) -> ImportedMovie {
        let date = |dated: Dated<()>| dated.and_then(|(date, ())| date);
        ImportedMovie {
            title: self.title,
            year: self.year,
            letterboxd_uri: self.film_uri.or(self.entry_uri),
            imdb_id: None,
            tmdb_id: None,
            watched_date: date(self.diary_date)
                .or(date(self.review_date))
                .or(self.logged),
            rating: self
                .rating
                .or(self.diary_rating.map(|(_, r)| r))
                .or(self.review_rating.map(|(_, r)| r)),
            rewatch: self.rewatches,
            kind: TitleKind::Film,
            viewing_dates: Vec::new(),
        }
    }
}

/// Accumulates the rows of an export's files, in the order the films first appear.
pub struct Merger {
    films: Vec<Film>,
    index: HashMap<(String, Option<i32>), usize>,
    max_films: usize,
}

impl Merger {
    /// A merger that rejects more than `max_films` distinct films.
    pub fn new(max_films: usize) -> Self {
        Self {
            films: Vec::new(),
            index: HashMap::new(),
            max_films,
        }
    }

    /// Folds in the rows of one file.
    pub fn add(&mut self, kind: Kind, rows: Vec<FilmRow>) -> Result<(), ImportError> {
        for row in rows {
            let key = (normalise_title(&row.title), row.year);
            let at = match self.index.get(&key) {
                Some(&at) => at,
                None => {
                    if self.films.len() >= self.max_films {
                        return Err(ImportError::TooManyRows {
                            limit: self.max_films,
                        });
                    }
                    self.films.push(Film {
                        title: row.title.clone(),
                        year: row.year,
                        ..Film::default()
                    });
                    self.index.insert(key, self.films.len() - 1);
                    self.films.len() - 1
                }
            };
            self.films[at].add(kind, row);
        }
        Ok(())
    }

    /// The merged films, in order of first appearance.
    pub fn finish(self) -> Vec<ImportedMovie> {
        self.films.into_iter().map(Film::into_movie).collect()
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
        }
    }

    fn diary(title: &str, year: i32, watched: &str, rating: Option<f64>, rewatch: bool) -> FilmRow {
        FilmRow {
            watched_date: Some(watched.to_owned()),
            date: Some(watched.to_owned()),
            rating,
            rewatch,
            ..row(title, year, "https://boxd.it/entry")
        }
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
    fn the_latest_diary_entry_sets_date_and_rating_unless_rated() {
        let mut merger = Merger::new(10);
        let watched = FilmRow {
            date: Some("2020-01-01".into()),
            ..row("Heat", 1995, "https://boxd.it/film")
        };
        merger.add(Kind::Watched, vec![watched]).unwrap();
        let entries = vec![
            diary("Heat", 1995, "2023-05-01", Some(3.0), false),
            diary("Heat", 1995, "2024-05-01", Some(4.0), true),
            diary("Heat", 1995, "2024-06-01", None, true),
        ];
        merger.add(Kind::Diary, entries).unwrap();
        let movies = merger.finish();
        assert_eq!(movies.len(), 1);
        let heat = &movies[0];
        assert_eq!(heat.watched_date.as_deref(), Some("2024-06-01"));
        assert_eq!(heat.rating, Some(4.0), "the latest rated entry");
        assert_eq!(heat.rewatch, 2);
        assert_eq!(heat.letterboxd_uri.as_deref(), Some("https://boxd.it/film"));
    }

    #[test]
    fn ratings_win_over_the_diary_and_watched_date_is_the_fallback() {
        let mut merger = Merger::new(10);
        merger
            .add(
                Kind::Diary,
                vec![diary("Alien", 1979, "2021-01-01", Some(2.0), false)],
            )
            .unwrap();
        let rated = FilmRow {
            rating: Some(4.5),
            ..row("alien", 1979, "https://boxd.it/alien")
        };
        merger.add(Kind::Ratings, vec![rated]).unwrap();
        let logged = FilmRow {
            date: Some("2019-03-03".into()),
            ..row("Brazil", 1985, "https://boxd.it/b")
        };
        merger.add(Kind::Watched, vec![logged]).unwrap();
        let movies = merger.finish();
        assert_eq!(movies[0].title, "Alien", "the first spelling seen");
        assert_eq!(movies[0].rating, Some(4.5));
        assert_eq!(
            movies[0].letterboxd_uri.as_deref(),
            Some("https://boxd.it/alien")
        );
        assert_eq!(movies[1].watched_date.as_deref(), Some("2019-03-03"));
    }

    #[test]
    fn remakes_and_missing_years_stay_apart() {
        let mut merger = Merger::new(10);
        let rows = vec![
            row("Dune", 1984, "a"),
            row("Dune", 2021, "b"),
            FilmRow {
                year: None,
                ..row("Dune", 1, "c")
            },
        ];
        merger.add(Kind::Watched, rows).unwrap();
        assert_eq!(merger.finish().len(), 3);
    }

    #[test]
    fn a_film_known_only_from_the_diary_keeps_its_entry_uri() {
        let mut merger = Merger::new(10);
        merger
            .add(
                Kind::Diary,
                vec![diary("Ran", 1985, "2022-02-02", None, false)],
            )
            .unwrap();
        assert_eq!(
            merger.finish()[0].letterboxd_uri.as_deref(),
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
    }
}
