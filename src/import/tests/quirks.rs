//! What real exports hold and synthetic ones miss (issue 16), each from a
//! fixture of its own in `tests/fixtures/import/`: legacy and UTF-16
//! encodings, pre-2023 list exports, a damaged ZIP member, impossible years
//! and title-less rows.

use super::fixtures::read;
use super::{parse_default, zip_of};
use crate::import::{Import, SourceFormat};

fn load(name: &str) -> Import {
    parse_default(&read(name), Some(name)).unwrap_or_else(|err| panic!("{name}: {err}"))
}

fn films(import: &Import) -> Vec<(&str, Option<i32>)> {
    import
        .movies
        .iter()
        .map(|m| (m.title.as_str(), m.year))
        .collect()
}

#[test]
fn an_old_imdb_export_in_windows_1252_is_read_as_such() {
    let import = load("imdb_ratings_1252.csv");
    assert_eq!(import.format, SourceFormat::Imdb);
    assert_eq!(import.encoding.label(), "windows-1252");
    assert_eq!(
        films(&import),
        [
            ("Kurôzu zero", Some(2007)),
            ("180° South", Some(2010)),
            ("Amélie", Some(2001)),
            ("Don\u{2019}t Look Now", Some(1973)),
            ("Æon Flux", Some(2005)),
        ]
    );
    assert_eq!(import.movies[0].imdb_id.as_deref(), Some("tt1020938"));
    assert_eq!(import.movies[0].rating, Some(3.5));
    assert!(import.warnings.is_empty());
}

#[test]
fn utf16_with_a_bom_is_read_either_way() {
    let le = load("utf16le.csv");
    assert_eq!(
        (le.format, le.encoding.label().as_str()),
        (SourceFormat::Generic, "utf-16le")
    );
    assert_eq!(
        films(&le),
        [
            ("Amélie", Some(2001)),
            ("七人の侍", Some(1954)),
            ("Kurôzu zero", Some(2007))
        ]
    );
    let be = load("utf16be.csv");
    assert_eq!(
        (be.format, be.encoding.label().as_str()),
        (SourceFormat::LetterboxdWatched, "utf-16be")
    );
    assert_eq!(be.movies[2].title, "180° South");
    assert_eq!(be.movies[1].watched_date.as_deref(), Some("2023-06-01"));
}

#[test]
fn utf8_with_a_bom_is_utf8() {
    let import = load("bom_crlf.csv");
    assert_eq!(import.encoding.label(), "utf-8");
    assert_eq!(import.movies[0].title, "Amélie");
    assert_eq!(load("watched.csv").encoding.label(), "utf-8");
}

#[test]
fn an_old_list_export_alone_is_a_list() {
    let import = load("list_old.csv");
    assert_eq!(import.format, SourceFormat::LetterboxdList);
    assert_eq!(
        films(&import),
        [
            ("Heat", Some(1995)),
            ("Rififi", Some(1955)),
            ("Inside Man", Some(2006))
        ]
    );
    assert_eq!(
        import.movies[1].letterboxd_uri.as_deref(),
        Some("https://boxd.it/1Zq8")
    );
}

#[test]
fn an_old_list_export_in_a_zip_is_merged() {
    let import = load("list_old.zip");
    assert_eq!(import.format, SourceFormat::LetterboxdZip);
    assert_eq!(
        films(&import),
        [
            ("Heat", Some(1995)),
            ("Thief", Some(1981)),
            ("Rififi", Some(1955)),
            ("Inside Man", Some(2006))
        ]
    );
    assert!(import.warnings.is_empty());
}

#[test]
fn a_damaged_zip_member_is_skipped_with_a_warning_naming_it() {
    let import = load("damaged_member.zip");
    assert_eq!(
        films(&import),
        [("Heat", Some(1995)), ("Thief", Some(1981))]
    );
    assert_eq!(import.warnings_total, 1);
    let warning = &import.warnings[0];
    assert_eq!(
        warning.file.as_deref(),
        Some("letterboxd-heister-2021-01-01-00-00-utc/lists/night-drives.csv")
    );
    assert_eq!((warning.row, warning.column.as_deref()), (None, None));
    assert!(warning.message.contains("binary"), "{}", warning.message);

    // With nothing else usable, the ZIP is still refused.
    let alone = zip_of(&[("lists/night-drives.csv", &[0u8; 4096][..])]);
    let err = parse_default(&alone, None).unwrap_err();
    assert!(err.to_string().contains("night-drives.csv"), "{err}");
}

#[test]
fn impossible_years_and_title_less_rows_are_warnings() {
    let bytes = read("imdb_watchlist_odd.csv");
    let import = load("imdb_watchlist_odd.csv");
    assert_eq!(
        films(&import),
        [
            ("Second Born", None),
            ("Ame\u{301}lie", Some(2001)),
            ("The Devil\u{2019}s Backbone", Some(2001)),
            ("Future Film", None),
            ("Caf\u{fffd} Society", Some(2016)),
        ]
    );
    // Titles round-trip exactly: the same code points as the file's bytes.
    let text = std::str::from_utf8(&bytes).unwrap();
    assert!(import.movies.iter().all(|m| text.contains(&m.title)));
    let at: Vec<_> = import
        .warnings
        .iter()
        .map(|w| (w.row, w.column.as_deref()))
        .collect();
    assert_eq!(
        at,
        [
            (Some(2), Some("Year")),
            (Some(3), Some("Title")),
            (Some(6), Some("Year"))
        ]
    );
    assert_eq!(import.warnings_total, 3);
    assert!(import.warnings[0].message.contains("????"));
    assert!(import.warnings[2].message.contains("2099"));
}
