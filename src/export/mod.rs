//! What a library is exported as, shared by the export endpoint and the
//! command line: the library as CSV or JSON, the "to review" CSV, a
//! Letterboxd import file, and the share card. CSV cells are neutralised against formula injection.

pub mod card;
mod letterboxd;
mod library;
mod review;

pub use letterboxd::{LETTERBOXD_COLUMNS, LetterboxdFiles, MAX_FILE_BYTES, MAX_FILE_ROWS};
pub use library::{Writer, csv_header};

use crate::model::MovieDetail;

/// An export file format.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum, poem_openapi::Enum)]
#[oai(rename_all = "lowercase")]
pub enum ExportFormat {
    /// One row per movie, list fields joined with `; `.
    #[default]
    Csv,
    /// An array of films as `GET …/movies/{movie_id}` returns them, viewings included.
    Json,
    /// Letterboxd's import format, one row per viewing; a ZIP of several
    /// files when one would pass Letterboxd's size limit.
    Letterboxd,
    /// The films to review and the unmatched ones, with their best candidates.
    Review,
}

/// The kind of file an export is written as.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileKind {
    /// A CSV file.
    Csv,
    /// A JSON file.
    Json,
    /// A ZIP archive of CSV files.
    Zip,
}

impl FileKind {
    /// The MIME type of the file.
    pub fn content_type(self) -> &'static str {
        match self {
            Self::Csv => "text/csv; charset=utf-8",
            Self::Json => "application/json",
            Self::Zip => "application/zip",
        }
    }

    /// The file extension.
    pub fn extension(self) -> &'static str {
        match self {
            Self::Csv => "csv",
            Self::Json => "json",
            Self::Zip => "zip",
        }
    }
}

impl ExportFormat {
    /// The kind of file the format is written as page by page, or `None`
    /// for a Letterboxd file, which is a CSV or a ZIP depending on its size.
    pub fn streamed(self) -> Option<FileKind> {
        match self {
            Self::Csv | Self::Review => Some(FileKind::Csv),
            Self::Json => Some(FileKind::Json),
            Self::Letterboxd => None,
        }
    }

    /// The extension of a file of this format: a Letterboxd file's is `csv`
    /// unless it has to be split (then `zip`).
    pub fn extension(self) -> &'static str {
        self.streamed().unwrap_or(FileKind::Csv).extension()
    }

    /// What a file of this format is named after the session id: `-review`
    /// for the films to review, so it is never mistaken for the library.
    pub fn file_suffix(self) -> &'static str {
        match self {
            Self::Csv | Self::Json => "",
            Self::Letterboxd => "-letterboxd",
            Self::Review => "-review",
        }
    }
}

/// An export, whole.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rendered {
    /// What kind of file it is.
    pub kind: FileKind,
    /// The file.
    pub bytes: Vec<u8>,
}

/// Renders movies in `format`, whole.
pub fn render(movies: &[MovieDetail], format: ExportFormat) -> Rendered {
    let Some(kind) = format.streamed() else {
        let mut files = LetterboxdFiles::default();
        files.add(movies);
        return files.finish();
    };
    let mut writer = Writer::new(format);
    let mut bytes = writer.opening();
    bytes.extend(writer.rows(movies));
    bytes.extend(writer.closing());
    Rendered { kind, bytes }
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

/// A CSV line of `cells`, each neutralised.
fn safe_record(cells: impl IntoIterator<Item = String>) -> Vec<u8> {
    csv_record(cells.into_iter().map(|c| neutralise(&c).into_owned()))
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
