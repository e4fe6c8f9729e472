use super::*;

fn records(text: &str) -> Vec<(u64, Vec<String>)> {
    let mut table = Table::new(text);
    let mut out = Vec::new();
    while let Some(record) = table.next_record().unwrap() {
        out.push((record.line, record.cells().map(str::to_owned).collect()));
    }
    out
}

#[test]
fn numbers_records_by_their_first_line_with_crlf_blank_lines_and_multiline_cells() {
    let text = "Name,Year\r\n\r\nAlien,1979\r\n\"Multi\r\nline\",2000\r\n,\r\nHeat,1995";
    let got = records(text);
    let lines: Vec<u64> = got.iter().map(|(line, _)| *line).collect();
    assert_eq!(lines, [1, 3, 4, 7]);
    assert_eq!(got[2].1[0], "Multi\r\nline");
}

#[test]
fn quoted_cells_keep_delimiters_and_quotes() {
    let got = records(
        "Title,Year\n\"Crouching Tiger, Hidden Dragon\",2000\n\"The \"\"Burbs\"\"\",1989\n",
    );
    assert_eq!(got[1].1, ["Crouching Tiger, Hidden Dragon", "2000"]);
    assert_eq!(got[2].1, ["The \"Burbs\"", "1989"]);
}

#[test]
fn sniffs_semicolons_and_tabs() {
    assert_eq!(
        records("Titel;Year\nAmélie;2001\n")[1].1,
        ["Amélie", "2001"]
    );
    assert_eq!(records("title\tyear\nHeat\t1995\n")[1].1, ["Heat", "1995"]);
    assert_eq!(sniff_delimiter("\"a;b\",c\n"), b',');
    assert_eq!(sniff_delimiter("Letterboxd list export v7\n"), b',');
}

#[test]
fn an_unclosed_quote_is_an_error_at_its_record() {
    let mut table = Table::new("Name,Year\nAlien,1979\n\"Heat,1995\nBrazil,1985\n");
    assert!(table.next_record().unwrap().is_some());
    assert!(table.next_record().unwrap().is_some());
    assert!(table.next_record().unwrap().is_some());
    let err = table.next_record().unwrap_err();
    assert_eq!(err.row, Some(3));
    assert!(table.next_record().unwrap().is_none());
}

#[test]
fn closed_quotes_are_not_flagged() {
    assert!(!ends_inside_quotes(b"\"a \"\"b\"\"\",c\n", b','));
    assert!(!ends_inside_quotes(b"5'10\" tall,c\n", b','));
    assert!(ends_inside_quotes(b"x,\"open \"\" still\n", b','));
    assert!(ends_inside_quotes(b"x;\"open\n", b';'));
}

#[test]
fn header_matching_is_normalised() {
    let mut table = Table::new(" Release_Year , FILM-Title ,\n");
    let header = read_header(&mut table).unwrap();
    assert_eq!(header.find(&["film title"]), Some(1));
    assert!(header.has("release year"));
    assert_eq!(header.names(), ["Release_Year", "FILM-Title"]);
}

fn read_all(text: &str, max_rows: usize) -> Result<Vec<String>, ImportError> {
    read_warned(text, max_rows).map(|(rows, _)| rows)
}

fn read_warned(text: &str, max_rows: usize) -> Result<(Vec<String>, Warnings), ImportError> {
    let mut table = Table::new(text);
    let header = read_header(&mut table)?;
    let mut warnings = Warnings::default();
    let rows = read_rows(&mut table, &header, max_rows, &mut warnings, |r, w| {
        title(r, &header, 0, None, w)
    })?;
    Ok((rows, warnings))
}

#[test]
fn rows_over_the_limit_stop_the_read() {
    assert!(matches!(
        read_all("T\na\nb\nc\n", 2),
        Err(ImportError::TooManyRows { limit: 2 })
    ));
    assert_eq!(read_all("T\na\nb\n", 2).unwrap(), ["a", "b"]);
}

#[test]
fn row_errors_stop_at_ten() {
    let mut text = String::from("Title,Year\n");
    for _ in 0..30 {
        text.push_str("Crouching Tiger, Hidden Dragon,2000\n");
    }
    let Err(ImportError::Malformed { errors }) = read_all(&text, 100) else {
        panic!()
    };
    assert_eq!(errors.len(), MAX_ROW_ERRORS);
    assert_eq!(errors[0].row, Some(2));
    assert_eq!(errors[9].row, Some(11));
}

#[test]
fn title_less_rows_are_skipped_with_a_warning_each() {
    let (rows, warnings) =
        read_warned("Title,Year\nAlien,1979\n,1999\n\"  \",2001\nHeat,1995\n", 9).unwrap();
    assert_eq!(rows, ["Alien", "Heat"]);
    let (kept, total) = warnings.into_parts();
    assert_eq!(total, 2);
    let at: Vec<_> = kept.iter().map(|w| (w.row, w.column.as_deref())).collect();
    assert_eq!(at, [(Some(3), Some("Title")), (Some(4), Some("Title"))]);
    let (rows, warnings) = read_warned("Title,Year\n,1999\n", 9).unwrap();
    assert!(rows.is_empty(), "the caller refuses a file with no film");
    assert_eq!(warnings.total(), 1);
}

#[test]
fn wide_rows_are_malformed_and_short_rows_are_not() {
    let Err(ImportError::Malformed { errors }) =
        read_all("Title,Year\nCrouching Tiger, Hidden Dragon,2000\n", 9)
    else {
        panic!()
    };
    assert_eq!(errors[0].row, Some(2));
    assert!(
        errors[0].message.contains("3 fields"),
        "{}",
        errors[0].message
    );
    assert_eq!(
        read_all("Title,Year\nAlien\nHeat,1995,\n", 9).unwrap(),
        ["Alien", "Heat"]
    );
}

#[test]
fn a_header_without_rows_is_header_only() {
    assert!(matches!(
        read_all("Title,Year\r\n\r\n,\r\n", 9),
        Err(ImportError::HeaderOnly)
    ));
    assert!(matches!(read_all("\n\n", 9), Err(ImportError::Empty)));
}
