//! Parsers for uploaded watch histories: Letterboxd CSVs, list exports and
//! export ZIPs, IMDb exports, and generic CSVs of titles and years.
//!
//! The format is detected from the content, never trusted from the file
//! name: ZIP magic, then the encoding (`text`), then a list export's
//! signature line or header block, then the header row. The file name only
//! tells apart the Letterboxd files whose headers are identical (watched,
//! watchlist, likes). What a person cannot fix in their export is skipped
//! or dropped with a warning (`warnings`) rather than refusing the file.

mod archive;
mod error;
mod generic;
mod imdb;
mod letterboxd;
mod list;
mod merge;
mod netflix;
mod table;
mod text;
mod values;
mod warnings;

#[cfg(test)]
mod tests;

use serde::{Deserialize, Serialize};

use crate::domain::SkipReason;

pub use archive::MAX_ENTRIES;
pub use error::{ImportError, MAX_ROW_ERRORS, RowError};
pub use text::TextEncoding;
pub use warnings::{ImportWarning, MAX_WARNINGS, Warnings};

use letterboxd::Kind;
use table::Table;

/// Limits on one upload.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Largest upload in bytes; a ZIP may expand to four times this.
    pub max_bytes: usize,
    /// Most film rows in one file, and most distinct films in one ZIP.
    pub max_rows: usize,
}

impl Limits {
    /// The default byte limit: 20 MiB.
    pub const DEFAULT_MAX_BYTES: usize = 20 * 1024 * 1024;
    /// The default row limit.
    pub const DEFAULT_MAX_ROWS: usize = 50_000;
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_bytes: Self::DEFAULT_MAX_BYTES,
            max_rows: Self::DEFAULT_MAX_ROWS,
        }
    }
}

/// The kind of file an import came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SourceFormat {
    /// Letterboxd `watched.csv` (or an unnamed file with its header).
    LetterboxdWatched,
    /// Letterboxd `ratings.csv`.
    LetterboxdRatings,
    /// Letterboxd `diary.csv`.
    LetterboxdDiary,
    /// Letterboxd `watchlist.csv`.
    LetterboxdWatchlist,
    /// Letterboxd `reviews.csv`.
    LetterboxdReviews,
    /// Letterboxd `likes/films.csv`.
    LetterboxdLikes,
    /// A Letterboxd list export (`lists/*.csv`).
    LetterboxdList,
    /// A whole Letterboxd export ZIP, merged.
    LetterboxdZip,
    /// An IMDb ratings or watchlist export.
    Imdb,
    /// A Netflix viewing history (`Title,Date`).
    Netflix,
    /// Any CSV with a title column.
    Generic,
}

impl SourceFormat {
    /// The stable snake_case name stored with a session.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::LetterboxdWatched => "letterboxd_watched",
            Self::LetterboxdRatings => "letterboxd_ratings",
            Self::LetterboxdDiary => "letterboxd_diary",
            Self::LetterboxdWatchlist => "letterboxd_watchlist",
            Self::LetterboxdReviews => "letterboxd_reviews",
            Self::LetterboxdLikes => "letterboxd_likes",
            Self::LetterboxdList => "letterboxd_list",
            Self::LetterboxdZip => "letterboxd_zip",
            Self::Imdb => "imdb",
            Self::Netflix => "netflix",
            Self::Generic => "generic",
        }
    }
}

impl std::fmt::Display for SourceFormat {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What an export row is, as its file says: a film (the default), a TV
/// show, or something that is neither and is skipped without a lookup.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TitleKind {
    /// Looked up as a film (a feature, a short, a TV movie, a video).
    #[default]
    Film,
    /// Looked up as a TV show (a series or miniseries).
    Show,
    /// Not looked up at all: final as `skipped` from the upload on.
    Skipped(SkipReason),
}

/// One film of an import, with what the source file says about it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ImportedMovie {
    /// Title, trimmed, never empty.
    pub title: String,
    /// Release year; `None` when missing or unusable (the film is matched on title alone).
    pub year: Option<i32>,
    /// The film's Letterboxd URI (a diary entry's only when nothing better is known).
    pub letterboxd_uri: Option<String>,
    /// IMDb id (`tt` and digits), validated.
    pub imdb_id: Option<String>,
    /// TMDB movie id.
    pub tmdb_id: Option<i64>,
    /// When the film was (last) watched, ISO `YYYY-MM-DD`.
    pub watched_date: Option<String>,
    /// Rating on Letterboxd's 0.5–5 scale (IMDb's 1–10 is halved).
    pub rating: Option<f64>,
    /// Number of rewatches (diary entries marked Rewatch; a Netflix title's lines but one).
    pub rewatch: u32,
    /// Film, show, or skipped, as the file says.
    pub kind: TitleKind,
    /// The ISO date of each line that names this title, in file order, when
    /// the format keeps one line per viewing (Netflix); empty otherwise.
    pub viewing_dates: Vec<String>,
}

/// The result of parsing an upload.
#[derive(Clone, Debug, PartialEq)]
pub struct Import {
    /// The detected source format.
    pub format: SourceFormat,
    /// The character encoding the file was read in.
    pub encoding: TextEncoding,
    /// The films, in file order (first appearance for a merged ZIP).
    pub movies: Vec<ImportedMovie>,
    /// What was skipped or dropped, the first [`MAX_WARNINGS`].
    pub warnings: Vec<ImportWarning>,
    /// How many warnings there were in all.
    pub warnings_total: u64,
}

/// Parses an uploaded file: detects its format from the content, and returns
/// its films or the reason it is rejected. Never panics on any input.
pub fn parse(bytes: &[u8], filename: Option<&str>, limits: &Limits) -> Result<Import, ImportError> {
    if archive::is_zip(bytes) {
        return archive::parse(bytes, limits);
    }
    let decoded = text::decode(bytes)?;
    let mut warnings = Warnings::default();
    let (format, movies) = parse_text(&decoded.text, filename, limits, &mut warnings)?;
    finish(format, decoded.encoding, movies, warnings)
}

/// The films of one decoded CSV file and its format.
fn parse_text(
    text: &str,
    filename: Option<&str>,
    limits: &Limits,
    warnings: &mut Warnings,
) -> Result<(SourceFormat, Vec<ImportedMovie>), ImportError> {
    if list::is_list_export(text) {
        let movies = list::read(text, limits.max_rows, warnings)?;
        return Ok(letterboxd_movies(Kind::List, movies));
    }
    let mut table = Table::new(text);
    let header = table::read_header(&mut table)?;
    if let Some(kind) = letterboxd::kind_of(&header) {
        let kind = letterboxd::refine_by_filename(kind, filename);
        let rows = letterboxd::read_films(&mut table, &header, limits.max_rows, warnings)?;
        return Ok(letterboxd_movies(kind, rows));
    }
    if list::is_film_table(&header) && header.has("url") {
        // A list's film table whose preamble was cut off.
        let rows = letterboxd::read_films(&mut table, &header, limits.max_rows, warnings)?;
        return Ok(letterboxd_movies(Kind::List, rows));
    }
    if netflix::is_netflix(&header) {
        let movies = netflix::read(&mut table, &header, limits.max_rows, warnings)?;
        return Ok((SourceFormat::Netflix, movies));
    }
    if imdb::is_imdb(&header) {
        let movies = imdb::read(&mut table, &header, limits.max_rows, warnings)?;
        return Ok((SourceFormat::Imdb, movies));
    }
    if let Some(columns) = generic::Columns::of(&header) {
        let movies = generic::read(&mut table, &header, &columns, limits.max_rows, warnings)?;
        return Ok((SourceFormat::Generic, movies));
    }
    Err(ImportError::UnrecognisedColumns {
        found: header.names(),
    })
}

/// The import, or its refusal when no film is usable: `HeaderOnly` for a
/// file without rows, `Malformed` naming the skipped rows otherwise.
fn finish(
    format: SourceFormat,
    encoding: TextEncoding,
    movies: Vec<ImportedMovie>,
    warnings: Warnings,
) -> Result<Import, ImportError> {
    let (warnings, warnings_total) = warnings.into_parts();
    if movies.is_empty() {
        if warnings.is_empty() {
            return Err(ImportError::HeaderOnly);
        }
        let errors = warnings
            .into_iter()
            .take(MAX_ROW_ERRORS)
            .map(ImportWarning::into_row_error)
            .collect();
        return Err(ImportError::Malformed { errors });
    }
    Ok(Import {
        format,
        encoding,
        movies,
        warnings,
        warnings_total,
    })
}

fn letterboxd_movies(
    kind: Kind,
    rows: Vec<letterboxd::FilmRow>,
) -> (SourceFormat, Vec<ImportedMovie>) {
    let movies = rows
        .into_iter()
        .map(|row| letterboxd::to_movie(row, kind))
        .collect();
    (kind.format(), movies)
}
