//! Why an upload is rejected: one variant per distinct cause, each with a
//! sentence a person can act on.

use serde::Serialize;

/// How many faulty rows are reported before parsing gives up: enough to show
/// a pattern, few enough to stay readable.
pub const MAX_ROW_ERRORS: usize = 10;

/// One fault in one row of an uploaded file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RowError {
    /// 1-based line of the file where the faulty record starts (the header is line 1).
    pub row: Option<u64>,
    /// Header name of the column at fault, as written in the file.
    pub column: Option<String>,
    /// What is wrong, for a person.
    pub message: String,
}

impl RowError {
    /// A fault in a whole row rather than one cell.
    pub(crate) fn row(row: u64, message: impl Into<String>) -> Self {
        Self {
            row: Some(row),
            column: None,
            message: message.into(),
        }
    }

    /// A fault in one cell.
    pub(crate) fn cell(row: u64, column: &str, message: impl Into<String>) -> Self {
        Self {
            row: Some(row),
            column: Some(column.to_owned()),
            message: message.into(),
        }
    }

    /// The same fault, its message prefixed with the archive entry it was found in.
    pub(crate) fn in_entry(mut self, entry: &str) -> Self {
        self.message = format!("{entry}: {}", self.message);
        self
    }
}

/// Why an uploaded file cannot be imported.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The file has no bytes, or only whitespace.
    #[error("the file is empty")]
    Empty,
    /// The file has a header row but no film rows.
    #[error("the file has a header row but no film rows")]
    HeaderOnly,
    /// The file starts with a UTF-8 BOM but is not UTF-8 (a file without a
    /// BOM is read in the legacy encoding it looks like); `row` is the line
    /// holding the first bad byte.
    #[error(
        "the file starts with a UTF-8 byte-order mark but is not valid UTF-8 text (first bad \
         byte on line {row}); save it again as UTF-8 CSV"
    )]
    InvalidUtf8 {
        /// 1-based line holding the first invalid byte.
        row: u64,
    },
    /// Rows at fault: broken CSV structure, an overlong cell, or a file whose
    /// every row was skipped (no title), so that no film is left.
    #[error("{}", malformed_summary(errors))]
    Malformed {
        /// The first rows at fault, in file order.
        errors: Vec<RowError>,
    },
    /// The header matches no known export and has no title column.
    #[error(
        "no recognisable columns (found: {}); expected a Letterboxd export (Date, Name, Year, \
         Letterboxd URI …), an IMDb export (Const, Title, Year, Your Rating …) or a CSV with a \
         title column (title, name, film or movie) and optionally year, tmdb_id, imdb_id, rating \
         and watched_date",
        found.join(", ")
    )]
    UnrecognisedColumns {
        /// The header names found in the file, as written.
        found: Vec<String>,
    },
    /// More film rows than the configured limit.
    #[error("the file has more than {limit} film rows, the limit for one upload")]
    TooManyRows {
        /// The configured row limit.
        limit: usize,
    },
    /// A ZIP archive that expands past the decompression cap.
    #[error("the archive expands to more than {limit} bytes, the limit for an export ZIP")]
    TooLarge {
        /// The cap on decompressed bytes.
        limit: usize,
    },
    /// Neither CSV text nor a usable Letterboxd export ZIP.
    #[error("unsupported file: {detail}")]
    Unsupported {
        /// What the file was found to be instead.
        detail: String,
    },
}

impl ImportError {
    /// Row-level details for the problem document's `errors` member.
    pub fn errors(&self) -> Vec<RowError> {
        match self {
            Self::Malformed { errors } => errors.clone(),
            Self::InvalidUtf8 { row } => vec![RowError::row(*row, "invalid UTF-8 byte sequence")],
            Self::UnrecognisedColumns { found } => vec![RowError {
                row: None,
                column: None,
                message: format!(
                    "the header ({}) names no title column such as title, name, film or movie",
                    found.join(", ")
                ),
            }],
            _ => Vec::new(),
        }
    }

    /// A one-error `Malformed`.
    pub(crate) fn malformed(error: RowError) -> Self {
        Self::Malformed {
            errors: vec![error],
        }
    }

    /// An `Unsupported` with the given detail.
    pub(crate) fn unsupported(detail: impl Into<String>) -> Self {
        Self::Unsupported {
            detail: detail.into(),
        }
    }
}

/// "the file is malformed: 3 rows at fault; first, line 4 (column Name): …".
fn malformed_summary(errors: &[RowError]) -> String {
    let Some(first) = errors.first() else {
        return "the file is malformed".to_owned();
    };
    let count = match errors.len() {
        1 => "1 row at fault".to_owned(),
        n if n >= MAX_ROW_ERRORS => format!("at least {n} rows at fault"),
        n => format!("{n} rows at fault"),
    };
    let mut at = first
        .row
        .map(|row| format!("line {row}"))
        .unwrap_or_default();
    if let Some(column) = &first.column {
        at = format!("{at} (column {column})");
    }
    format!(
        "the file is malformed: {count}; first, {}: {}",
        at.trim(),
        first.message
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn malformed_display_names_the_first_fault() {
        let err = ImportError::Malformed {
            errors: vec![
                RowError::cell(4, "Name", "the row has no title"),
                RowError::row(9, "the row has 5 fields but the header has 4"),
            ],
        };
        assert_eq!(
            err.to_string(),
            "the file is malformed: 2 rows at fault; first, line 4 (column Name): the row has no title"
        );
        assert_eq!(err.errors().len(), 2);
    }

    #[test]
    fn errors_lists_row_details_only_where_there_are_some() {
        assert_eq!(ImportError::InvalidUtf8 { row: 3 }.errors()[0].row, Some(3));
        assert!(ImportError::Empty.errors().is_empty());
        assert!(ImportError::TooManyRows { limit: 5 }.errors().is_empty());
        let found = vec!["foo".to_owned(), "bar".to_owned()];
        let err = ImportError::UnrecognisedColumns { found };
        assert!(err.to_string().contains("found: foo, bar"));
        assert!(err.to_string().contains("title"));
        assert_eq!(err.errors().len(), 1);
    }
}
