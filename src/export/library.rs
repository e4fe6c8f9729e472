//! The library as CSV (one row per film), as JSON, or as the "to review"
//! CSV, written page by page.

use super::{ExportFormat, csv_record, review, safe_record};
use crate::model::{Movie, MovieDetail};

/// A CSV column: its header and how a movie fills it.
type Column = (&'static str, fn(&Movie) -> String);

fn opt<T: ToString>(value: &Option<T>) -> String {
    value.as_ref().map(T::to_string).unwrap_or_default()
}

/// The CSV columns, in order: each header beside the cell it heads, so the
/// two cannot drift apart.
const CSV_COLUMNS: &[Column] = &[
    ("row", |m| m.row.to_string()),
    ("title", |m| m.title.clone()),
    ("year", |m| opt(&m.year)),
    ("status", |m| m.status.to_string()),
    ("tmdb_id", |m| opt(&m.tmdb_id)),
    ("imdb_id", |m| opt(&m.imdb_id)),
    ("media_type", |m| opt(&m.media_type)),
    ("matched_title", |m| opt(&m.matched_title)),
    ("original_title", |m| opt(&m.original_title)),
    ("release_date", |m| opt(&m.release_date)),
    ("runtime", |m| opt(&m.runtime)),
    ("genres", |m| m.genres.join("; ")),
    ("directors", |m| m.directors.join("; ")),
    ("cast", |m| m.cast.join("; ")),
    ("countries", |m| m.countries.join("; ")),
    ("original_language", |m| opt(&m.original_language)),
    ("vote_average", |m| opt(&m.vote_average)),
    ("poster_url", |m| opt(&m.poster_url)),
    ("match_confidence", |m| opt(&m.match_confidence)),
    ("letterboxd_uri", |m| opt(&m.letterboxd_uri)),
    ("watched_date", |m| opt(&m.watched_date)),
    ("rating", |m| opt(&m.rating)),
    ("rewatch", |m| m.rewatch.to_string()),
    ("viewing_count", |m| m.viewing_count.to_string()),
    ("logged_date", |m| opt(&m.logged_date)),
    ("rated_date", |m| opt(&m.rated_date)),
    ("added_date", |m| opt(&m.added_date)),
    ("error", |m| opt(&m.error)),
    ("skip_reason", |m| opt(&m.skip_reason)),
];

/// The last CSV column: every viewing's date, oldest entry first.
const VIEWINGS_COLUMN: &str = "viewing_dates";

/// The CSV header, in column order.
pub fn csv_header() -> impl Iterator<Item = &'static str> {
    CSV_COLUMNS
        .iter()
        .map(|(name, _)| *name)
        .chain([VIEWINGS_COLUMN])
}

/// A film's viewing dates joined with `; ` (undated viewings left out).
fn viewing_dates(film: &MovieDetail) -> String {
    let dates: Vec<&str> = film
        .viewings
        .iter()
        .filter_map(|v| v.watched_date.as_deref())
        .collect();
    dates.join("; ")
}

/// Writes an export piece by piece, so a library of any size streams out
/// page by page instead of being built whole in memory.
pub struct Writer {
    format: ExportFormat,
    /// Whether a JSON element has been written (the next needs a comma).
    written: bool,
}

impl Writer {
    /// A writer of `format`, one of those [`ExportFormat::streamed`] names
    /// (a Letterboxd file is written by [`super::LetterboxdFiles`]).
    pub fn new(format: ExportFormat) -> Self {
        Self {
            format,
            written: false,
        }
    }

    /// What comes before the first film: a CSV header, or `[`.
    pub fn opening(&self) -> Vec<u8> {
        match self.format {
            ExportFormat::Csv => csv_record(csv_header().map(str::to_owned)),
            ExportFormat::Review => review::header(),
            ExportFormat::Json => b"[".to_vec(),
            ExportFormat::Letterboxd => Vec::new(),
        }
    }

    /// The rows of `movies`, following those written before.
    pub fn rows(&mut self, movies: &[MovieDetail]) -> Vec<u8> {
        let mut out = Vec::new();
        for movie in movies {
            match self.format {
                ExportFormat::Csv => out.extend(safe_record(
                    CSV_COLUMNS
                        .iter()
                        .map(|(_, cell)| cell(&movie.movie))
                        .chain([viewing_dates(movie)]),
                )),
                ExportFormat::Review => out.extend(review::row(&movie.movie)),
                ExportFormat::Json => {
                    out.extend_from_slice(if self.written { b",\n  " } else { b"\n  " });
                    serde_json::to_writer(&mut out, movie).expect("movies serialise");
                }
                ExportFormat::Letterboxd => {}
            }
            self.written = true;
        }
        out
    }

    /// What comes after the last film: nothing, or `]`.
    pub fn closing(&self) -> Vec<u8> {
        match self.format {
            ExportFormat::Json if self.written => b"\n]\n".to_vec(),
            ExportFormat::Json => b"]\n".to_vec(),
            _ => Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::render;
    use super::*;

    #[test]
    fn an_export_written_in_pieces_is_one_valid_file() {
        let movie = |title: &str| MovieDetail {
            movie: Movie {
                title: title.to_owned(),
                ..<Movie as poem_openapi::types::Example>::example()
            },
            viewings: Vec::new(),
        };
        let movies = [movie("Heat"), movie("=cmd"), movie("Ran")];
        let json = render(&movies, ExportFormat::Json).bytes;
        let parsed: Vec<serde_json::Value> = serde_json::from_slice(&json).unwrap();
        assert_eq!(parsed.len(), 3);
        assert_eq!(parsed[1]["title"], "=cmd");
        let empty: Vec<serde_json::Value> =
            serde_json::from_slice(&render(&[], ExportFormat::Json).bytes).unwrap();
        assert!(empty.is_empty());
        let csv = String::from_utf8(render(&movies, ExportFormat::Csv).bytes).unwrap();
        assert_eq!(csv.lines().count(), 4);
        assert!(csv.contains("'=cmd"));
    }
}
