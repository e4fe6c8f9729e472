//! A Letterboxd import file: the columns Letterboxd's importer reads, one
//! row per viewing (one undated row for a film never logged), split into
//! several files, served as a ZIP, when one would pass the importer's limit.
//!
//! Only films are written (Letterboxd has no TV shows, and a skipped row is
//! no film). The TMDB and IMDb ids go with a film only when they are known
//! to be right: enriched (matched, accepted or fixed by the person), or the
//! export's own for a film no match replaced. A proposal still in review is
//! written by title and year alone, so Letterboxd matches it afresh instead
//! of taking an unconfirmed guess.

use std::io::Write;

use super::{FileKind, Rendered, safe_record};
use crate::domain::{MediaType, MovieStatus};
use crate::model::{Movie, MovieDetail, Viewing};

/// The columns, as Letterboxd's import documentation names them.
pub const LETTERBOXD_COLUMNS: [&str; 12] = [
    "LetterboxdURI",
    "tmdbID",
    "imdbID",
    "Title",
    "Year",
    "Directors",
    "WatchedDate",
    "Rating",
    "Rating10",
    "Tags",
    "Rewatch",
    "Review",
];

/// Most bytes in one file: Letterboxd's importer takes files up to 1 MB.
pub const MAX_FILE_BYTES: usize = 1_000_000;

/// Most rows in one file, under the batch size Letterboxd's importer
/// handles in one go.
pub const MAX_FILE_ROWS: usize = 1_900;

/// Letterboxd import files being written: rows go into the current file
/// until the next would pass a limit, then into a new one.
#[derive(Debug, Default)]
pub struct LetterboxdFiles {
    done: Vec<Vec<u8>>,
    current: Vec<u8>,
    rows: usize,
}

impl LetterboxdFiles {
    /// Adds the rows of `films`.
    pub fn add(&mut self, films: &[MovieDetail]) {
        for film in films {
            for row in rows(film) {
                self.push(row);
            }
        }
    }

    fn push(&mut self, row: Vec<u8>) {
        let full = self.rows == MAX_FILE_ROWS
            || (self.rows > 0 && self.current.len() + row.len() > MAX_FILE_BYTES);
        if full {
            self.done.push(std::mem::take(&mut self.current));
            self.rows = 0;
        }
        if self.rows == 0 {
            self.current = header();
        }
        self.current.extend(row);
        self.rows += 1;
    }

    /// The files written, each a whole CSV with its header (one header-only
    /// file for a library with nothing to write).
    pub fn files(mut self) -> Vec<Vec<u8>> {
        if self.rows > 0 {
            self.done.push(self.current);
        } else if self.done.is_empty() {
            self.done.push(header());
        }
        self.done
    }

    /// One CSV, or a ZIP of `letterboxd-1.csv`, `letterboxd-2.csv`… when
    /// the library needs several.
    pub fn finish(self) -> Rendered {
        let mut files = self.files();
        if files.len() == 1 {
            return Rendered {
                kind: FileKind::Csv,
                bytes: files.remove(0),
            };
        }
        Rendered {
            kind: FileKind::Zip,
            bytes: zip(&files),
        }
    }
}

/// A ZIP archive of the files, numbered from 1.
fn zip(files: &[Vec<u8>]) -> Vec<u8> {
    let mut archive = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (i, file) in files.iter().enumerate() {
        archive
            .start_file(format!("letterboxd-{}.csv", i + 1), options)
            .and_then(|()| archive.write_all(file).map_err(Into::into))
            .expect("writing a ZIP to memory");
    }
    archive
        .finish()
        .expect("writing a ZIP to memory")
        .into_inner()
}

fn header() -> Vec<u8> {
    safe_record(LETTERBOXD_COLUMNS.iter().map(|c| (*c).to_owned()))
}

/// The ids a film is written with: see the module's note.
fn ids(movie: &Movie) -> (Option<i64>, Option<&str>) {
    match movie.status {
        MovieStatus::Review => (None, None),
        _ => (movie.tmdb_id, movie.imdb_id.as_deref()),
    }
}

/// The rows of one film, none for a row that is no film.
fn rows(film: &MovieDetail) -> Vec<Vec<u8>> {
    let movie = &film.movie;
    if movie.status == MovieStatus::Skipped || movie.media_type == Some(MediaType::Tv) {
        return Vec::new();
    }
    let (tmdb_id, imdb_id) = ids(movie);
    let film_cells = |viewing: Option<&Viewing>, rating: Option<f64>| {
        let rating_cell = rating.map(|r| format!("{r}")).unwrap_or_default();
        let rating10 = rating.map(|r| format!("{}", (r * 2.0).round()));
        [
            movie.letterboxd_uri.clone().unwrap_or_default(),
            tmdb_id.map(|id| id.to_string()).unwrap_or_default(),
            imdb_id.unwrap_or_default().to_owned(),
            movie.title.clone(),
            movie.year.map(|y| y.to_string()).unwrap_or_default(),
            movie.directors.join(", "),
            viewing
                .and_then(|v| v.watched_date.clone())
                .unwrap_or_default(),
            rating_cell,
            rating10.unwrap_or_default(),
            viewing.map(|v| v.tags.join(", ")).unwrap_or_default(),
            if viewing.is_some_and(|v| v.rewatch) {
                "Yes"
            } else {
                ""
            }
            .to_owned(),
            // reelstream keeps whether a viewing was reviewed, not the text.
            String::new(),
        ]
    };
    if film.viewings.is_empty() {
        return vec![safe_record(film_cells(None, movie.rating))];
    }
    // A rating only the film carries (Letterboxd's ratings.csv) goes with
    // its latest viewing, the one Letterboxd takes a film's rating from.
    let unrated = film.viewings.iter().all(|v| v.rating.is_none());
    let latest = film
        .viewings
        .iter()
        .enumerate()
        .max_by(|(_, a), (_, b)| a.watched_date.cmp(&b.watched_date))
        .map(|(i, _)| i);
    film.viewings
        .iter()
        .enumerate()
        .map(|(i, v)| {
            let rating = match v.rating {
                None if unrated && Some(i) == latest => movie.rating,
                rating => rating,
            };
            safe_record(film_cells(Some(v), rating))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn film(title: &str, viewings: usize) -> MovieDetail {
        let example = <Movie as poem_openapi::types::Example>::example();
        MovieDetail {
            movie: Movie {
                title: title.to_owned(),
                ..example
            },
            viewings: (0..viewings)
                .map(|day| Viewing {
                    watched_date: Some(format!("2024-01-{:02}", day % 28 + 1)),
                    rating: None,
                    rewatch: day > 0,
                    tags: vec!["a".into(), "b".into()],
                    reviewed: false,
                })
                .collect(),
        }
    }

    fn records(file: &[u8]) -> Vec<Vec<String>> {
        let mut reader = csv::Reader::from_reader(file);
        let records = reader
            .records()
            .map(|r| r.unwrap().iter().map(str::to_owned).collect());
        records.collect()
    }

    #[test]
    fn one_row_per_viewing_with_the_film_rating_on_the_latest() {
        let mut files = LetterboxdFiles::default();
        files.add(&[film("Seven Samurai", 2), film("=Ran", 0)]);
        let rendered = files.finish();
        assert_eq!(rendered.kind, FileKind::Csv);
        let rows = records(&rendered.bytes);
        assert_eq!(rows.len(), 3);
        let cells = |row: &[String]| {
            (
                row[6].clone(),
                row[7].clone(),
                row[8].clone(),
                row[10].clone(),
            )
        };
        assert_eq!(
            cells(&rows[0]),
            ("2024-01-01".into(), "".into(), "".into(), "".into())
        );
        assert_eq!(
            cells(&rows[1]),
            ("2024-01-02".into(), "5".into(), "10".into(), "Yes".into())
        );
        assert_eq!(rows[0][1], "346");
        assert_eq!(rows[0][9], "a, b");
        assert_eq!(rows[2][3], "'=Ran", "formula cells neutralised");
        assert_eq!(rows[2][6], "", "a film never logged: one undated row");
    }

    #[test]
    fn proposals_skipped_rows_and_shows_lose_what_is_unsure() {
        let mut review = film("Heat", 1);
        review.movie.status = MovieStatus::Review;
        let mut skipped = film("Episode 1", 1);
        skipped.movie.status = MovieStatus::Skipped;
        let mut show = film("Chernobyl", 1);
        show.movie.media_type = Some(MediaType::Tv);
        let mut files = LetterboxdFiles::default();
        files.add(&[review, skipped, show]);
        let rows = records(&files.finish().bytes);
        assert_eq!(rows.len(), 1);
        assert_eq!(
            (
                rows[0][1].as_str(),
                rows[0][2].as_str(),
                rows[0][3].as_str()
            ),
            ("", "", "Heat")
        );
    }

    #[test]
    fn a_large_library_is_split_into_files_within_the_limits() {
        let films: Vec<MovieDetail> = (0..MAX_FILE_ROWS + 10)
            .map(|i| film(&format!("Film {i}"), 1))
            .collect();
        let mut files = LetterboxdFiles::default();
        files.add(&films);
        let parts = files.files();
        assert_eq!(parts.len(), 2);
        assert_eq!(records(&parts[0]).len(), MAX_FILE_ROWS);
        assert_eq!(records(&parts[1]).len(), 10);

        // Long rows reach the byte limit first.
        let long = "x".repeat(10_000);
        let films: Vec<MovieDetail> = (0..150).map(|_| film(&long, 1)).collect();
        let mut files = LetterboxdFiles::default();
        files.add(&films);
        let parts = files.files();
        assert!(parts.len() >= 2);
        assert!(parts.iter().all(|p| p.len() <= MAX_FILE_BYTES));
        assert_eq!(parts.iter().map(|p| records(p).len()).sum::<usize>(), 150);

        let mut files = LetterboxdFiles::default();
        files.add(&films);
        let zip = files.finish();
        assert_eq!(zip.kind, FileKind::Zip);
        let mut archive = zip::ZipArchive::new(std::io::Cursor::new(zip.bytes)).unwrap();
        assert_eq!(archive.len(), parts.len());
        assert_eq!(
            archive.by_index(0).unwrap().name().unwrap(),
            "letterboxd-1.csv"
        );
    }

    #[test]
    fn an_empty_library_is_a_header() {
        let rendered = LetterboxdFiles::default().finish();
        assert_eq!(rendered.kind, FileKind::Csv);
        assert!(
            String::from_utf8(rendered.bytes)
                .unwrap()
                .starts_with("LetterboxdURI,tmdbID")
        );
    }
}
