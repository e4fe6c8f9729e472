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

/// The CSV columns, in order.
pub const CSV_COLUMNS: &[&str] = &[
    "row",
    "title",
    "year",
    "status",
    "tmdb_id",
    "imdb_id",
    "media_type",
    "matched_title",
    "original_title",
    "release_date",
    "runtime",
    "genres",
    "directors",
    "cast",
    "countries",
    "original_language",
    "vote_average",
    "poster_url",
    "match_confidence",
    "letterboxd_uri",
    "watched_date",
    "rating",
    "rewatch",
    "error",
];

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
    writer.write_record(CSV_COLUMNS).expect("writing to memory");
    for m in movies {
        let opt = |v: Option<String>| v.unwrap_or_default();
        let num = |v: Option<f64>| v.map(|v| v.to_string()).unwrap_or_default();
        let record = [
            m.row.to_string(),
            m.title.clone(),
            opt(m.year.map(|y| y.to_string())),
            m.status.as_str().to_owned(),
            opt(m.tmdb_id.map(|id| id.to_string())),
            opt(m.imdb_id.clone()),
            opt(m.media_type.clone()),
            opt(m.matched_title.clone()),
            opt(m.original_title.clone()),
            opt(m.release_date.clone()),
            opt(m.runtime.map(|r| r.to_string())),
            m.genres.join("; "),
            m.directors.join("; "),
            m.cast.join("; "),
            m.countries.join("; "),
            opt(m.original_language.clone()),
            num(m.vote_average),
            opt(m.poster_url.clone()),
            num(m.match_confidence),
            opt(m.letterboxd_uri.clone()),
            opt(m.watched_date.clone()),
            num(m.rating),
            m.rewatch.to_string(),
            opt(m.error.clone()),
        ];
        writer
            .write_record(record.iter().map(|cell| neutralise(cell).into_owned()))
            .expect("writing to memory");
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
