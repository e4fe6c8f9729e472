//! Letterboxd list exports: a `Letterboxd list export vN` line (from 2023;
//! earlier exports start with a blank line instead), the list's own header
//! block (whose quoted description may span lines), a blank line, then the
//! film table. Both are found by content, and the table by its header, not
//! by line number.

use super::error::{ImportError, RowError};
use super::letterboxd::{self, FilmRow};
use super::table::{Header, Table};
use super::warnings::Warnings;

/// The list's own header block, as every Letterboxd list export writes it.
const LIST_HEADER: [&str; 5] = ["date", "name", "tags", "url", "description"];

/// Whether the text is a Letterboxd list export: it starts with the
/// signature line, or (exports before 2023) with the list's own header
/// block followed by a film table.
pub fn is_list_export(text: &str) -> bool {
    let mut lines = text.lines().filter(|line| !line.trim().is_empty());
    let first = lines.next().unwrap_or_default();
    if is_signature(first) {
        return true;
    }
    cells(first) == LIST_HEADER
        && lines.any(|line| {
            let cells = cells(line);
            cells.len() >= 2 && cells[0] == "position" && cells[1] == "name"
        })
}

/// `Letterboxd list export v7`, in any case.
fn is_signature(line: &str) -> bool {
    // Spreadsheets that re-save the file pad the line with empty cells.
    let line = line
        .trim()
        .trim_end_matches([',', ';'])
        .trim()
        .to_lowercase();
    line.strip_prefix("letterboxd list export v")
        .is_some_and(|version| !version.is_empty() && version.bytes().all(|b| b.is_ascii_digit()))
}

/// A header line's cells, trimmed and lowercased, without trailing empty
/// cells; only for recognising the fixed headers Letterboxd writes.
fn cells(line: &str) -> Vec<String> {
    let mut cells: Vec<String> = line
        .split(',')
        .map(|cell| cell.trim().trim_matches('"').to_lowercase())
        .collect();
    while cells.last().is_some_and(String::is_empty) {
        cells.pop();
    }
    cells
}

/// Whether a header is a list's film table: Position and Name columns.
/// The list's own header block (Date, Name, Tags, URL, Description) has no Position.
pub fn is_film_table(header: &Header) -> bool {
    header.has("position") && header.has("name")
}

/// The film rows of a list export.
pub fn read(
    text: &str,
    max_rows: usize,
    warnings: &mut Warnings,
) -> Result<Vec<FilmRow>, ImportError> {
    let mut table = Table::with_delimiter(text, b',');
    loop {
        match table.next_record() {
            Ok(Some(record)) => {
                let header = Header::new(&record);
                if is_film_table(&header) {
                    return letterboxd::read_films(&mut table, &header, max_rows, warnings);
                }
            }
            Ok(None) => break,
            Err(err) => return Err(ImportError::malformed(err)),
        }
    }
    Err(ImportError::malformed(RowError {
        row: None,
        column: None,
        message: "the list export has no film table (Position, Name, Year, URL, Description)"
            .to_owned(),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A list export as Letterboxd writes it, with a description that spans
    /// lines and even holds a line that looks like the film table's header.
    const LIST: &str = "Letterboxd list export v7\r\n\
        Date,Name,Tags,URL,Description\r\n\
        2023-11-02,Kurosawa essentials,\"japan, samurai\",https://boxd.it/oX2Y,\"My favourites.\r\n\r\n\
        Position,Name,Year,URL,Description\r\n\
        Start with \"\"Ikiru\"\".\"\r\n\
        \r\n\
        Position,Name,Year,URL,Description\r\n\
        1,七人の侍,1954,https://boxd.it/1ZSY,\r\n\
        2,Ikiru,1952,https://boxd.it/1zRA,\"The best, really\"\r\n\
        3,Ran,1985,https://boxd.it/28L6,\r\n";

    /// A list exported before 2023: a blank line where the signature goes.
    const OLD_LIST: &str = "\r\nDate,Name,Tags,URL,Description\r\n\
        2019-03-21,Favourite Heists,\"top-10, heists\",https://boxd.it/2K7Y4,\r\n\
        \r\n\
        Position,Name,Year,URL,Description\r\n\
        1,Heat,1995,https://boxd.it/2bg8,\r\n\
        2,Rififi,1955,https://boxd.it/1Zq8,\r\n";

    fn read(text: &str, max_rows: usize) -> Result<Vec<FilmRow>, ImportError> {
        super::read(text, max_rows, &mut Warnings::default())
    }

    #[test]
    fn the_old_format_is_found_by_its_header_block_and_film_table() {
        assert!(is_list_export(OLD_LIST));
        let rows = read(OLD_LIST, 10).unwrap();
        let films: Vec<_> = rows.iter().map(|r| (r.title.as_str(), r.year)).collect();
        assert_eq!(films, [("Heat", Some(1995)), ("Rififi", Some(1955))]);
        assert_eq!(rows[0].line, 6);
        assert!(
            !is_list_export("Date,Name,Tags,URL,Description\n2024-01-01,Heat,,u,\n"),
            "a CSV with the list's header but no film table is not a list"
        );
        assert!(!is_list_export("Date,Name,Year,Letterboxd URI\n"));
    }

    #[test]
    fn signature_line() {
        assert!(is_list_export(LIST));
        assert!(is_list_export("\nletterboxd list export v12,,,,\n"));
        assert!(!is_list_export("Letterboxd list export\n"));
        assert!(!is_list_export("Letterboxd list export vX\n"));
        assert!(!is_list_export("Position,Name,Year,URL,Description\n"));
    }

    #[test]
    fn finds_the_film_table_after_a_multiline_description() {
        let rows = read(LIST, 100).unwrap();
        let titles: Vec<&str> = rows.iter().map(|r| r.title.as_str()).collect();
        assert_eq!(titles, ["七人の侍", "Ikiru", "Ran"]);
        assert_eq!(rows[0].line, 9);
        assert_eq!(rows[0].year, Some(1954));
        assert_eq!(rows[1].uri.as_deref(), Some("https://boxd.it/1zRA"));
    }

    #[test]
    fn an_empty_list_is_header_only_and_a_missing_table_is_malformed() {
        let empty = "Letterboxd list export v7\nDate,Name,Tags,URL,Description\n\
            2023-11-02,Empty,,https://boxd.it/x,\n\nPosition,Name,Year,URL,Description\n";
        assert!(matches!(read(empty, 10), Err(ImportError::HeaderOnly)));
        let no_table = "Letterboxd list export v7\nDate,Name,Tags,URL,Description\n";
        assert!(matches!(
            read(no_table, 10),
            Err(ImportError::Malformed { .. })
        ));
    }

    #[test]
    fn the_row_limit_counts_films_only() {
        assert!(read(LIST, 3).is_ok());
        assert!(matches!(
            read(LIST, 2),
            Err(ImportError::TooManyRows { limit: 2 })
        ));
    }
}
