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
];

/// The CSV header, in column order.
pub fn csv_header() -> impl Iterator<Item = &'static str> {
    CSV_COLUMNS.iter().map(|(name, _)| *name)
}

/// Renders movies in `format`.
pub fn render(movies: &[Movie], format: ExportFormat) -> Vec<u8> {
    match format {
        ExportFormat::Csv => to_csv(movies),
        ExportFormat::Json => serde_json::to_vec_pretty(movies).expect("movies serialise"),
    }
}

/// Renders movies as CSV with a header row.
pub fn to_csv(movies: &[Movie]) -> Vec<u8> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer
        .write_record(csv_header())
        .expect("writing to memory");
    for m in movies {
        let cells = CSV_COLUMNS.iter().map(|(_, cell)| {
            let cell = cell(m);
            neutralise(&cell).into_owned()
        });
        writer.write_record(cells).expect("writing to memory");
    }
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
