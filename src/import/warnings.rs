//! What an import skipped or dropped without refusing the file: things a
//! person cannot fix in their export (a damaged ZIP member, an impossible
//! year, a row without a title) are reported, not rejected.

use serde::{Deserialize, Serialize};

use super::error::RowError;

/// How many warnings an import keeps; the rest are only counted, so that a
/// file with 50 000 odd rows does not store or send 50 000 messages.
pub const MAX_WARNINGS: usize = 100;

/// One thing an import skipped or dropped, and where.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportWarning {
    /// The ZIP member it concerns; `None` for the uploaded file itself.
    pub file: Option<String>,
    /// 1-based line where the record starts, when it concerns one row.
    pub row: Option<u64>,
    /// The column's header name as written, when it concerns one cell.
    pub column: Option<String>,
    /// What was skipped or dropped, for a person.
    pub message: String,
}

impl ImportWarning {
    /// A warning about one cell of the uploaded file.
    pub(crate) fn cell(row: u64, column: &str, message: impl Into<String>) -> Self {
        Self {
            file: None,
            row: Some(row),
            column: Some(column.to_owned()),
            message: message.into(),
        }
    }

    /// A warning about a whole ZIP member.
    pub(crate) fn member(file: &str, message: impl Into<String>) -> Self {
        Self {
            file: Some(file.to_owned()),
            row: None,
            column: None,
            message: message.into(),
        }
    }

    /// The same fault as a row error, for a file refused because nothing in
    /// it was usable: the member's name leads the message, as row errors have
    /// no room for it.
    pub(crate) fn into_row_error(self) -> RowError {
        let message = match &self.file {
            Some(file) => format!("{file}: {}", self.message),
            None => self.message,
        };
        RowError {
            row: self.row,
            column: self.column,
            message,
        }
    }
}

/// The warnings of one import: the first [`MAX_WARNINGS`] and how many there were.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Warnings {
    kept: Vec<ImportWarning>,
    total: u64,
}

impl Warnings {
    /// Records a warning; past the cap it is only counted.
    pub fn push(&mut self, warning: ImportWarning) {
        self.total += 1;
        if self.kept.len() < MAX_WARNINGS {
            self.kept.push(warning);
        }
    }

    /// Adds the warnings of a ZIP member, naming the member in each.
    pub fn absorb(&mut self, member: Warnings, file: &str) {
        let unkept = member.total - member.kept.len() as u64;
        for mut warning in member.kept {
            warning.file.get_or_insert_with(|| file.to_owned());
            self.push(warning);
        }
        self.total += unkept;
    }

    /// How many warnings there were, kept or not.
    pub fn total(&self) -> u64 {
        self.total
    }

    /// Whether there were none.
    pub fn is_empty(&self) -> bool {
        self.total == 0
    }

    /// The kept warnings and the total.
    pub fn into_parts(self) -> (Vec<ImportWarning>, u64) {
        (self.kept, self.total)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_first_hundred_and_counts_all() {
        let mut member = Warnings::default();
        for row in 0..150 {
            member.push(ImportWarning::cell(row, "Year", "odd"));
        }
        let mut all = Warnings::default();
        all.push(ImportWarning::member("lists/a.csv", "damaged"));
        all.absorb(member, "watched.csv");
        let (kept, total) = all.into_parts();
        assert_eq!((kept.len(), total), (MAX_WARNINGS, 151));
        assert_eq!(kept[0].file.as_deref(), Some("lists/a.csv"));
        assert_eq!(kept[1].file.as_deref(), Some("watched.csv"));
        assert_eq!(kept[1].row, Some(0));
    }

    #[test]
    fn a_row_error_names_the_member() {
        let mut warning = ImportWarning::cell(3, "Name", "no title");
        warning.file = Some("x/watched.csv".into());
        let error = warning.into_row_error();
        assert_eq!(error.message, "x/watched.csv: no title");
        assert_eq!(
            (error.row, error.column.as_deref()),
            (Some(3), Some("Name"))
        );
    }
}
