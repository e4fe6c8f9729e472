//! The enriched library as CSV or JSON, shared by the export endpoint and the
//! command line. CSV cells are neutralised against formula injection.

use crate::model::Movie;

/// An export file format.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum, poem_openapi::Enum)]
#[oai(rename_all = "lowercase")]
pub enum ExportFormat {
    /// One row per movie, list fields joined with `; `.
    #[default]
    Csv,
    /// An array of Movie objects, as the API returns them.
    Json,
}

impl ExportFormat {
    /// The MIME type of the format.
    pub fn content_type(self) -> &'static str {
        match self {
            Self::Csv => "text/csv; charset=utf-8",
            Self::Json => "application/json",
        }
    }

    /// The file extension of the format.
    pub fn extension(self) -> &'static str {
        match self {
            Self::Csv => "csv",
            Self::Json => "json",
        }
    }
}

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
    ("error", |m| opt(&m.error)),
    ("skip_reason", |m| opt(&m.skip_reason)),
];

/// The CSV header, in column order.
pub fn csv_header() -> impl Iterator<Item = &'static str> {
    CSV_COLUMNS.iter().map(|(name, _)| *name)
}

/// Renders movies in `format`, whole.
pub fn render(movies: &[Movie], format: ExportFormat) -> Vec<u8> {
    let mut writer = Writer::new(format);
    let mut file = writer.opening();
    file.extend(writer.rows(movies));
    file.extend(writer.closing());
    file
}

/// Writes an export piece by piece, so a library of any size streams out
/// page by page instead of being built whole in memory.
pub struct Writer {
    format: ExportFormat,
    /// Whether a JSON element has been written (the next needs a comma).
    written: bool,
}

impl Writer {
    /// A writer of `format`.
    pub fn new(format: ExportFormat) -> Self {
        Self {
            format,
            written: false,
        }
    }

    /// What comes before the first film: the CSV header, or `[`.
    pub fn opening(&self) -> Vec<u8> {
        match self.format {
            ExportFormat::Csv => csv_record(csv_header().map(str::to_owned)),
            ExportFormat::Json => b"[".to_vec(),
        }
    }

    /// The rows of `movies`, following those written before.
    pub fn rows(&mut self, movies: &[Movie]) -> Vec<u8> {
        let mut out = Vec::new();
        for movie in movies {
            match self.format {
                ExportFormat::Csv => out.extend(csv_record(
                    CSV_COLUMNS
                        .iter()
                        .map(|(_, cell)| neutralise(&cell(movie)).into_owned()),
                )),
                ExportFormat::Json => {
                    out.extend_from_slice(if self.written { b",\n  " } else { b"\n  " });
                    serde_json::to_writer(&mut out, movie).expect("movies serialise");
                }
            }
            self.written = true;
        }
        out
    }

    /// What comes after the last film: nothing, or `]`.
    pub fn closing(&self) -> Vec<u8> {
        match self.format {
            ExportFormat::Csv => Vec::new(),
            ExportFormat::Json if self.written => b"\n]\n".to_vec(),
            ExportFormat::Json => b"]\n".to_vec(),
        }
    }
}

/// One CSV line.
fn csv_record(cells: impl IntoIterator<Item = String>) -> Vec<u8> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(cells).expect("writing to memory");
    writer.into_inner().expect("flushing to memory")
}

/// Prefixes a cell that a spreadsheet would run as a formula (it starts with
/// `=`, `+`, `-`, `@`, tab or carriage return) with an apostrophe, as OWASP advises.
pub fn neutralise(cell: &str) -> std::borrow::Cow<'_, str> {
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{cell}").into(),
        _ => cell.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_export_written_in_pieces_is_one_valid_file() {
        let movie = |title: &str| Movie {
            title: title.to_owned(),
            ..<Movie as poem_openapi::types::Example>::example()
        };
        let movies = [movie("Heat"), movie("=cmd"), movie("Ran")];
        let json = render(&movies, ExportFormat::Json);
        let parsed: Vec<serde_json::Value> = serde_json::from_slice(&json).unwrap();
        assert_eq!(parsed.len(), 3);
        assert_eq!(parsed[1]["title"], "=cmd");
        let empty: Vec<serde_json::Value> =
            serde_json::from_slice(&render(&[], ExportFormat::Json)).unwrap();
        assert!(empty.is_empty());
        let csv = String::from_utf8(render(&movies, ExportFormat::Csv)).unwrap();
        assert_eq!(csv.lines().count(), 4);
        assert!(csv.contains("'=cmd"));
    }

    #[test]
    fn formula_cells_are_neutralised() {
        assert_eq!(neutralise("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(neutralise("+1"), "'+1");
        assert_eq!(neutralise("-2"), "'-2");
        assert_eq!(neutralise("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(neutralise("\tx"), "'\tx");
        assert_eq!(neutralise("\rx"), "'\rx");
        assert_eq!(neutralise("Dune"), "Dune");
        assert_eq!(neutralise(""), "");
    }
}
