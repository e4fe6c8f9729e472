//! Letterboxd export ZIPs: merging, path matching, and hostile archives.

use super::{parse_default, zip_of};
use crate::import::archive::kind_of_path;
use crate::import::letterboxd::Kind;
use crate::import::{ImportError, ImportedMovie, Limits, SourceFormat, parse};

const TOP: &str = "letterboxd-cinephile-2024-03-02-10-15-utc/";

const WATCHED: &str = "Date,Name,Year,Letterboxd URI\n\
    2023-01-10,Heat,1995,https://boxd.it/2aHa\n\
    2023-03-11,Dune,1984,https://boxd.it/1Zsw\n\
    2023-03-12,Dune,2021,https://boxd.it/hLyG\n";
const DIARY: &str = "Date,Name,Year,Letterboxd URI,Rating,Rewatch,Tags,Watched Date\n\
    2023-01-11,Heat,1995,https://boxd.it/3aaaaa,3.5,,,2023-01-10\n\
    2024-02-02,heat ,1995,https://boxd.it/5bbbbb,4,Yes,\"crime, la\",2024-02-01\n\
    2024-02-03,Ran,1985,https://boxd.it/5ccccc,4.5,,,2024-02-03\n";
const RATINGS: &str = "Date,Name,Year,Letterboxd URI,Rating\n\
    2024-02-02,Heat,1995,https://boxd.it/2aHa,5\n\
    2023-03-11,Dune,1984,https://boxd.it/1Zsw,2.5\n";
const PROFILE: &str = "Date Joined,Username,Given Name,Family Name,Email Address,Location,Website,Bio,Pronoun,Favorite Films\n\
    2019-05-04,cinephile,Ada,Lovelace,ada@example.com,London,,\"Films, mostly.\",She / her,https://boxd.it/2aHa\n";
const WATCHLIST: &str =
    "Date,Name,Year,Letterboxd URI\n2023-06-01,Ikiru,1952,https://boxd.it/1zRA\n";
const LIST: &str = "Letterboxd list export v7\nDate,Name,Tags,URL,Description\n\
    2024-02-11,Best,,https://boxd.it/qL3e,\"Two\nlines\"\n\n\
    Position,Name,Year,URL,Description\n1,Ikiru,1952,https://boxd.it/1zRA,\n2,Rashomon,1950,https://boxd.it/1ZHq,\n";
const DELETED: &str = "Date,Name,Year,Letterboxd URI,Rating,Rewatch,Tags,Watched Date\n\
    2020-01-01,Cats,2019,https://boxd.it/9zzzzz,0.5,,,2020-01-01\n";

fn export() -> Vec<u8> {
    let entries: Vec<(String, &[u8])> = [
        ("profile.csv", PROFILE.as_bytes()),
        ("lists/best.csv", LIST.as_bytes()),
        ("watchlist.csv", WATCHLIST.as_bytes()),
        ("ratings.csv", RATINGS.as_bytes()),
        ("diary.csv", DIARY.as_bytes()),
        ("watched.csv", WATCHED.as_bytes()),
        (
            "comments.csv",
            b"Date,Content,Comment on\n2023-01-16,Agreed!,https://boxd.it/x\n",
        ),
        ("likes/reviews.csv", DIARY.as_bytes()),
        ("deleted/diary.csv", DELETED.as_bytes()),
        ("orphaned/diary.csv", DELETED.as_bytes()),
    ]
    .into_iter()
    .map(|(name, body)| (format!("{TOP}{name}"), body))
    .chain([("__MACOSX/._watched.csv".to_owned(), &b"\0\x05\x16\x07"[..])])
    .collect();
    let borrowed: Vec<(&str, &[u8])> = entries.iter().map(|(n, b)| (n.as_str(), *b)).collect();
    zip_of(&borrowed)
}

fn find<'a>(movies: &'a [ImportedMovie], title: &str, year: i32) -> &'a ImportedMovie {
    movies
        .iter()
        .find(|m| m.title == title && m.year == Some(year))
        .unwrap_or_else(|| panic!("{title} {year}"))
}

#[test]
fn merges_one_entry_per_film_in_order_of_first_appearance() {
    let import = parse_default(&export(), Some("export.zip")).unwrap();
    assert_eq!(import.format, SourceFormat::LetterboxdZip);
    let keys: Vec<(&str, Option<i32>)> = import
        .movies
        .iter()
        .map(|m| (m.title.as_str(), m.year))
        .collect();
    assert_eq!(
        keys,
        [
            ("Heat", Some(1995)),
            ("Dune", Some(1984)),
            ("Dune", Some(2021)),
            ("Ikiru", Some(1952)),
            ("Rashomon", Some(1950)),
            ("Ran", Some(1985)),
        ],
        "the films of watched, ratings, watchlist and lists, then those only the diary \
         names; nothing from profile, deleted or orphaned"
    );
}

#[test]
fn watched_diary_and_ratings_of_one_film_combine() {
    let movies = parse_default(&export(), None).unwrap().movies;
    let heat = find(&movies, "Heat", 1995);
    assert_eq!(
        heat.watched_date(),
        Some("2024-02-01"),
        "the latest diary entry"
    );
    assert_eq!(heat.rating, Some(5.0), "ratings.csv over the diary");
    assert_eq!(heat.rewatches(), 1);
    assert_eq!(
        heat.letterboxd_uri.as_deref(),
        Some("https://boxd.it/2aHa"),
        "the film's URI, not an entry's"
    );

    let ran = find(&movies, "Ran", 1985);
    assert_eq!(
        (ran.rating, ran.watched_date()),
        (Some(4.5), Some("2024-02-03"))
    );

    let old_dune = find(&movies, "Dune", 1984);
    assert_eq!(
        (old_dune.rating, old_dune.logged_date.as_deref()),
        (Some(2.5), Some("2023-03-11"))
    );
    let new_dune = find(&movies, "Dune", 2021);
    assert_eq!((new_dune.rating, new_dune.rewatches()), (None, 0));

    let ikiru = find(&movies, "Ikiru", 1952);
    assert_eq!((ikiru.watched_date(), ikiru.rating), (None, None));
}

#[test]
fn entries_are_matched_by_the_tail_of_their_path() {
    let cases = [
        ("watched.csv", Some(Kind::Watched)),
        ("a/b/Diary.csv", Some(Kind::Diary)),
        ("x\\ratings.csv", Some(Kind::Ratings)),
        ("x/reviews.csv", Some(Kind::Reviews)),
        ("x/watchlist.csv", Some(Kind::Watchlist)),
        ("x/likes/films.csv", Some(Kind::Likes)),
        ("x/lists/my-list.csv", Some(Kind::List)),
        ("x/likes/reviews.csv", None),
        ("x/likes/lists.csv", None),
        ("x/profile.csv", None),
        ("x/comments.csv", None),
        ("x/deleted/diary.csv", None),
        ("x/orphaned/reviews.csv", None),
        ("__MACOSX/x/._watched.csv", None),
        ("x/lists/", None),
        ("x/watched.txt", None),
    ];
    for (path, kind) in cases {
        assert_eq!(kind_of_path(path), kind, "{path}");
    }
}

#[test]
fn a_single_file_in_a_zip_still_merges() {
    let zip = zip_of(&[("likes/films.csv", WATCHLIST.as_bytes())]);
    let import = parse_default(&zip, None).unwrap();
    assert_eq!(import.format, SourceFormat::LetterboxdZip);
    assert_eq!(import.movies[0].title, "Ikiru");
}

#[test]
fn a_malformed_entry_is_named() {
    let zip = zip_of(&[(
        "x/watched.csv",
        b"Date,Name,Year,Letterboxd URI\n2023-01-01,,1999,u\n",
    )]);
    let ImportError::Malformed { errors } = parse_default(&zip, None).unwrap_err() else {
        panic!()
    };
    assert_eq!(
        (errors[0].row, errors[0].column.as_deref()),
        (Some(2), Some("Name"))
    );
    assert!(
        errors[0].message.starts_with("x/watched.csv: "),
        "{}",
        errors[0].message
    );

    let zip = zip_of(&[("watched.csv", b"foo,bar\n1,2\n")]);
    let err = parse_default(&zip, None).unwrap_err();
    assert!(
        matches!(&err, ImportError::Malformed { errors } if errors[0].message.contains("foo, bar")),
        "{err:?}"
    );
}

#[test]
fn distinct_films_are_limited() {
    let limits = Limits {
        max_rows: 4,
        ..Limits::default()
    };
    assert!(matches!(
        parse(&export(), None, &limits),
        Err(ImportError::TooManyRows { limit: 4 })
    ));
}

#[test]
fn a_zip_without_letterboxd_files_is_unsupported() {
    let zip = zip_of(&[
        ("notes.txt", b"hello"),
        ("export/profile.csv", PROFILE.as_bytes()),
    ]);
    let err = parse_default(&zip, None).unwrap_err();
    assert!(
        matches!(&err, ImportError::Unsupported { detail } if detail.contains("no Letterboxd export files")),
        "{err}"
    );

    let workbook = zip_of(&[
        ("[Content_Types].xml", b"<Types/>"),
        ("xl/workbook.xml", b"<workbook/>"),
    ]);
    let err = parse_default(&workbook, Some("films.xlsx")).unwrap_err();
    assert!(err.to_string().contains("Excel"), "{err}");

    let empty = zip_of(&[]);
    assert!(matches!(
        parse_default(&empty, None),
        Err(ImportError::Unsupported { .. })
    ));
}

#[test]
fn corrupt_archives_are_unsupported() {
    let zip = export();
    for bytes in [
        &b"PK\x03\x04 definitely not a zip"[..],
        &zip[..zip.len() / 2],
        &zip[..zip.len() - 10],
    ] {
        let err = parse_default(bytes, None).unwrap_err();
        assert!(matches!(err, ImportError::Unsupported { .. }), "{err:?}");
    }
}

#[test]
fn a_zip_bomb_is_too_large() {
    let mut bomb = String::from("Date,Name,Year,Letterboxd URI\n");
    while bomb.len() < 3 << 20 {
        bomb.push_str("2023-01-10,Heat,1995,https://boxd.it/2aHa\n");
    }
    let zip = zip_of(&[("watched.csv", bomb.as_bytes())]);
    assert!(zip.len() < 1 << 20, "the test bomb must compress well");
    let limits = Limits {
        max_bytes: 512 << 10,
        max_rows: usize::MAX,
    };
    let err = parse(&zip, None, &limits).unwrap_err();
    assert!(
        matches!(err, ImportError::TooLarge { limit } if limit == 2 << 20),
        "{err:?}"
    );
}

#[test]
fn a_zip_bomb_that_lies_about_its_size_is_still_stopped() {
    let mut bomb = String::from("Date,Name,Year,Letterboxd URI\n");
    while bomb.len() < 3 << 20 {
        bomb.push_str("2023-01-10,Heat,1995,https://boxd.it/2aHa\n");
    }
    let mut zip = zip_of(&[("watched.csv", bomb.as_bytes())]);
    // Declare 100 bytes in the local header (offset 22) and the central directory (offset 24).
    for (signature, offset) in [(b"PK\x03\x04", 22), (b"PK\x01\x02", 24)] {
        let at = zip.windows(4).position(|w| w == signature).unwrap() + offset;
        zip[at..at + 4].copy_from_slice(&100u32.to_le_bytes());
    }
    let limits = Limits {
        max_bytes: 512 << 10,
        max_rows: usize::MAX,
    };
    let err = parse(&zip, None, &limits).unwrap_err();
    assert!(
        matches!(
            err,
            ImportError::TooLarge { .. } | ImportError::Unsupported { .. }
        ),
        "{err:?}"
    );
}

#[test]
fn too_many_entries_are_refused_before_reading_them() {
    // An empty archive's end record declaring 60 000 entries.
    let mut eocd = b"PK\x05\x06\0\0\0\0".to_vec();
    eocd.extend_from_slice(&60_000u16.to_le_bytes());
    eocd.extend_from_slice(&60_000u16.to_le_bytes());
    eocd.extend_from_slice(&[0; 10]);
    let err = parse_default(&eocd, None).unwrap_err();
    assert!(
        matches!(&err, ImportError::Unsupported { detail } if detail.contains("entries")),
        "{err:?}"
    );
}
