//! CSV records with the line each starts on, the header row, and the loop
//! that reads data rows under the row limit while collecting row errors.

use super::error::{ImportError, MAX_ROW_ERRORS, RowError};
use super::text::LineCounter;
use super::values;
use super::warnings::{ImportWarning, Warnings};

/// One CSV record and the 1-based line of the file where it starts.
#[derive(Debug)]
pub struct Record {
    /// Line where the record starts.
    pub line: u64,
    fields: csv::StringRecord,
}

impl Record {
    /// The trimmed cell at `column`, or `""` when the column is absent or the row short.
    pub fn get(&self, column: Option<usize>) -> &str {
        column
            .and_then(|i| self.fields.get(i))
            .map_or("", str::trim)
    }

    /// Number of fields in the record.
    pub fn len(&self) -> usize {
        self.fields.len()
    }

    /// Every cell, trimmed.
    pub fn cells(&self) -> impl Iterator<Item = &str> {
        self.fields.iter().map(str::trim)
    }

    fn is_blank(&self) -> bool {
        self.cells().all(str::is_empty)
    }
}

/// A CSV reader over decoded text that numbers records by line and skips
/// blank rows (spreadsheets leave `,,,` lines behind).
pub struct Table<'a> {
    text: &'a str,
    reader: csv::Reader<&'a [u8]>,
    delimiter: u8,
    lines: LineCounter<'a>,
    last: Option<(usize, u64)>,
    finished: bool,
}

impl<'a> Table<'a> {
    /// A table whose delimiter is sniffed from the first line.
    pub fn new(text: &'a str) -> Self {
        Self::with_delimiter(text, sniff_delimiter(text))
    }

    /// A table with a known delimiter.
    pub fn with_delimiter(text: &'a str, delimiter: u8) -> Self {
        let reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(delimiter)
            .from_reader(text.as_bytes());
        let lines = LineCounter::new(text.as_bytes());
        Self {
            text,
            reader,
            delimiter,
            lines,
            last: None,
            finished: false,
        }
    }

    /// The next non-blank record; at the end, an error if the last record
    /// opened a quote it never closed (the CSV reader accepts that silently,
    /// swallowing the rest of the file into one cell).
    pub fn next_record(&mut self) -> Result<Option<Record>, RowError> {
        let mut fields = csv::StringRecord::new();
        while !self.finished {
            let from = usize::try_from(self.reader.position().byte()).unwrap_or(usize::MAX);
            match self.reader.read_record(&mut fields) {
                Ok(true) => {
                    // The reader's position may sit on line breaks it skips before the record.
                    let start = self.skip_line_breaks(from);
                    let line = self.lines.line_at(start);
                    self.last = Some((start, line));
                    let record = Record {
                        line,
                        fields: std::mem::take(&mut fields),
                    };
                    if !record.is_blank() {
                        return Ok(Some(record));
                    }
                }
                Ok(false) => {
                    self.finished = true;
                    if let Some((start, line)) = self.last
                        && ends_inside_quotes(&self.text.as_bytes()[start..], self.delimiter)
                    {
                        return Err(RowError::row(line, "a quoted field is never closed"));
                    }
                }
                Err(err) => {
                    self.finished = true;
                    let line = self.lines.line_at(from);
                    return Err(RowError::row(line, format!("unreadable CSV: {err}")));
                }
            }
        }
        Ok(None)
    }

    fn skip_line_breaks(&self, from: usize) -> usize {
        let bytes = self.text.as_bytes();
        let skipped = bytes.get(from..).unwrap_or_default();
        from + skipped
            .iter()
            .take_while(|&&b| b == b'\n' || b == b'\r')
            .count()
    }
}

/// The delimiter that occurs most often outside quotes in the first line:
/// `,` unless the file is clearly `;`- or tab-separated.
fn sniff_delimiter(text: &str) -> u8 {
    let first = text
        .lines()
        .find(|line| !line.trim().is_empty())
        .unwrap_or_default();
    let mut counts = [(b',', 0usize), (b';', 0), (b'\t', 0)];
    let mut quoted = false;
    for byte in first.bytes() {
        match byte {
            b'"' => quoted = !quoted,
            _ if quoted => {}
            _ => counts
                .iter_mut()
                .filter(|(d, _)| *d == byte)
                .for_each(|(_, n)| *n += 1),
        }
    }
    // Ties keep the earlier, so a header without any delimiter reads as comma-separated.
    counts
        .iter()
        .fold((b',', 0), |best, &c| if c.1 > best.1 { c } else { best })
        .0
}

/// Whether the raw text of a record ends inside a quoted field, following
/// the CSV reader's rules: a quote opens a field only at its start, and `""`
/// inside a quoted field is a literal quote.
fn ends_inside_quotes(raw: &[u8], delimiter: u8) -> bool {
    #[derive(Clone, Copy, PartialEq)]
    enum State {
        FieldStart,
        Unquoted,
        Quoted,
        QuoteInQuoted,
    }
    let mut state = State::FieldStart;
    for &byte in raw {
        state = match (state, byte) {
            (State::FieldStart, b'"') => State::Quoted,
            (State::Quoted, b'"') => State::QuoteInQuoted,
            (State::Quoted, _) => State::Quoted,
            (State::QuoteInQuoted, b'"') => State::Quoted,
            (_, b'\n' | b'\r') => State::FieldStart,
            (_, byte) if byte == delimiter => State::FieldStart,
            _ => State::Unquoted,
        };
    }
    state == State::Quoted
}

/// The header row: names as written, and normalised keys to match on.
pub struct Header {
    /// Line of the file holding the header.
    pub line: u64,
    names: Vec<String>,
    keys: Vec<String>,
}

impl Header {
    /// The header made of a record's cells.
    pub fn new(record: &Record) -> Self {
        let names: Vec<String> = record.cells().map(str::to_owned).collect();
        let keys = names.iter().map(|name| normalise(name)).collect();
        Self {
            line: record.line,
            names,
            keys,
        }
    }

    /// Index of the first column matching any alias, in alias order (aliases
    /// are given normalised: lowercase, words separated by single spaces).
    pub fn find(&self, aliases: &[&str]) -> Option<usize> {
        aliases
            .iter()
            .find_map(|alias| self.keys.iter().position(|key| key == alias))
    }

    /// Whether a column matches the alias.
    pub fn has(&self, alias: &str) -> bool {
        self.find(&[alias]).is_some()
    }

    /// The column's name as written in the file.
    pub fn name(&self, column: usize) -> &str {
        self.names.get(column).map_or("", String::as_str)
    }

    /// Every non-empty column name as written.
    pub fn names(&self) -> Vec<String> {
        self.names
            .iter()
            .filter(|name| !name.is_empty())
            .cloned()
            .collect()
    }

    /// Rejects a row with more non-empty fields than the header has columns,
    /// the mark of an unquoted delimiter inside a cell. Short rows are fine:
    /// their missing cells are empty.
    fn check_width(&self, record: &Record) -> Result<(), RowError> {
        let extra = record
            .cells()
            .skip(self.names.len())
            .any(|cell| !cell.is_empty());
        if !extra {
            return Ok(());
        }
        Err(RowError::row(
            record.line,
            format!(
                "the row has {} fields but the header has {}; quote cells that contain the delimiter",
                record.len(),
                self.names.len()
            ),
        ))
    }
}

/// `Release_Year` → `release year`: lowercase, `_`/`-` as spaces, spaces collapsed.
fn normalise(name: &str) -> String {
    let spaced = name.to_lowercase().replace(['_', '-'], " ");
    spaced.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Reads the first non-blank record as the header; `Empty` when there is none.
pub fn read_header(table: &mut Table<'_>) -> Result<Header, ImportError> {
    match table.next_record() {
        Ok(Some(record)) => Ok(Header::new(&record)),
        Ok(None) => Err(ImportError::Empty),
        Err(err) => Err(ImportError::malformed(err)),
    }
}

/// Maps every data row after the header, stopping as soon as the row limit
/// is passed or [`MAX_ROW_ERRORS`] rows are at fault. `map` gives `None` for
/// a row it skipped (having said why in `warnings`). `HeaderOnly` when the
/// file has no data row at all; a file whose every row was skipped gives an
/// empty list, for the caller to refuse once it knows nothing else is usable.
pub fn read_rows<T>(
    table: &mut Table<'_>,
    header: &Header,
    max_rows: usize,
    warnings: &mut Warnings,
    mut map: impl FnMut(&Record, &mut Warnings) -> Result<Option<T>, RowError>,
) -> Result<Vec<T>, ImportError> {
    let mut rows = Vec::new();
    let mut errors = Vec::new();
    let mut count = 0usize;
    while errors.len() < MAX_ROW_ERRORS {
        let record = match table.next_record() {
            Ok(Some(record)) => record,
            Ok(None) => break,
            Err(err) => {
                errors.push(err);
                break;
            }
        };
        count += 1;
        if count > max_rows {
            return Err(ImportError::TooManyRows { limit: max_rows });
        }
        match header
            .check_width(&record)
            .and_then(|()| map(&record, warnings))
        {
            Ok(Some(row)) => rows.push(row),
            Ok(None) => {}
            Err(err) => errors.push(err),
        }
    }
    if !errors.is_empty() {
        return Err(ImportError::Malformed { errors });
    }
    if count == 0 {
        return Err(ImportError::HeaderOnly);
    }
    Ok(rows)
}

/// The row's title from `column`, else from `fallback` (an original-title
/// column); when both are empty the row is skipped (`None`) with a warning
/// naming `column`: a person cannot fix a title their export left out.
pub fn title(
    record: &Record,
    header: &Header,
    column: usize,
    fallback: Option<usize>,
    warnings: &mut Warnings,
) -> Result<Option<String>, RowError> {
    let found = [Some(column), fallback]
        .into_iter()
        .map(|c| record.get(c))
        .find(|t| !t.is_empty());
    let name = header.name(column);
    let Some(title) = found else {
        warnings.push(ImportWarning::cell(
            record.line,
            name,
            format!("the {name} column is empty: the row is skipped, as every film needs a title"),
        ));
        return Ok(None);
    };
    check_length(record, name, title, MAX_TITLE_CHARS)?;
    Ok(Some(title.to_owned()))
}

/// The row's year from `column`: `None` when blank, and when the cell holds
/// no possible year (`????`, a year after next year), with a warning.
pub fn year(
    record: &Record,
    header: &Header,
    column: Option<usize>,
    warnings: &mut Warnings,
) -> Option<i32> {
    match values::checked_year(record.get(column)) {
        Ok(year) => year,
        Err(reason) => {
            let name = column.map_or("", |c| header.name(c));
            warnings.push(ImportWarning::cell(
                record.line,
                name,
                format!("{reason}: the year is dropped and the film kept"),
            ));
            None
        }
    }
}

/// The longest title accepted (the longest real ones run to a few hundred).
pub const MAX_TITLE_CHARS: usize = 1000;

/// The longest other text kept from a row (a Letterboxd URI, say).
pub const MAX_TEXT_CHARS: usize = 500;

/// The trimmed text of `column`, if any, no longer than [`MAX_TEXT_CHARS`].
pub fn text(
    record: &Record,
    header: &Header,
    column: Option<usize>,
) -> Result<Option<String>, RowError> {
    let Some(text) = values::text(record.get(column)) else {
        return Ok(None);
    };
    if let Some(column) = column {
        check_length(record, header.name(column), &text, MAX_TEXT_CHARS)?;
    }
    Ok(Some(text))
}

/// A row error when `cell` is longer than `max` characters: such a value is
/// no film's, and it would be stored, logged and sent on every page.
fn check_length(record: &Record, name: &str, cell: &str, max: usize) -> Result<(), RowError> {
    let chars = cell.chars().count();
    if chars > max {
        return Err(RowError::cell(
            record.line,
            name,
            format!("the {name} is {chars} characters long; the limit is {max}"),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests;
