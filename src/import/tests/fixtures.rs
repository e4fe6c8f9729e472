//! The committed fixtures in `tests/fixtures/import/` parse as their README
//! says. `REELSTREAM_WRITE_FIXTURES=1 cargo test` rebuilds the export ZIP
//! from the CSV fixtures.

use std::path::{Path, PathBuf};

use super::{parse_default, zip_of};
use crate::import::{Import, ImportError, ImportedMovie, SourceFormat};

/// The fixtures folder, found from this source file so that the tests run
/// from the main crate and from a scratch crate that includes the module.
pub(super) fn dir() -> PathBuf {
    let here = Path::new(file!());
    let here = if here.is_absolute() {
        here.to_owned()
    } else {
        // Cargo's run-time value, not the compiled-in one, which goes stale
        // when the checkout moves and the build cache is reused.
        let root = std::env::var_os("CARGO_MANIFEST_DIR");
        Path::new(&root.unwrap_or_else(|| env!("CARGO_MANIFEST_DIR").into())).join(here)
    };
    // src/import/tests/fixtures.rs → the crate root is four levels up.
    let root = here.ancestors().nth(4).expect("the crate root");
    root.join("tests/fixtures/import")
}

pub(super) fn read(name: &str) -> Vec<u8> {
    std::fs::read(dir().join(name)).unwrap_or_else(|err| panic!("{name}: {err}"))
}

fn load(name: &str) -> Result<Import, ImportError> {
    parse_default(&read(name), Some(name))
}

fn accept(name: &str, format: SourceFormat, rows: usize) -> Vec<ImportedMovie> {
    let import = load(name).unwrap_or_else(|err| panic!("{name}: {err}"));
    assert_eq!(import.format, format, "{name}");
    assert_eq!(import.movies.len(), rows, "{name}");
    import.movies
}

fn find<'a>(movies: &'a [ImportedMovie], title: &str, year: Option<i32>) -> &'a ImportedMovie {
    movies
        .iter()
        .find(|m| m.title == title && m.year == year)
        .unwrap_or_else(|| panic!("{title} {year:?}"))
}

/// The export ZIP's entries: the CSV fixtures under a top folder, plus files
/// that must be ignored.
fn export_entries() -> Vec<(String, Vec<u8>)> {
    const TOP: &str = "letterboxd-cinephile-2024-03-02-10-15-utc/";
    let mut entries: Vec<(String, Vec<u8>)> = [
        ("watched.csv", "watched.csv"),
        ("ratings.csv", "ratings.csv"),
        ("diary.csv", "diary.csv"),
        ("reviews.csv", "reviews.csv"),
        ("watchlist.csv", "watchlist.csv"),
        ("likes/films.csv", "likes-films.csv"),
        ("lists/kurosawa-essentials.csv", "list.csv"),
    ]
    .into_iter()
    .map(|(path, fixture)| (format!("{TOP}{path}"), read(fixture)))
    .collect();
    let ignored = [
        (
            "profile.csv",
            "Date Joined,Username,Given Name,Family Name,Email Address,Location,Website,Bio,Pronoun,Favorite Films\n\
             2019-05-04,cinephile,Ada,Lovelace,ada@example.com,London,,\"Films, mostly.\",She / her,\"https://boxd.it/1ZSY, https://boxd.it/1Ytm\"\n",
        ),
        (
            "comments.csv",
            "Date,Content,Comment on\n2023-01-16,Agreed!,https://boxd.it/3kYbQx\n",
        ),
        (
            "deleted/diary.csv",
            "Date,Name,Year,Letterboxd URI,Rating,Rewatch,Tags,Watched Date\n\
             2020-01-02,Cats,2019,https://boxd.it/9Zp1Qa,0.5,,,2020-01-01\n",
        ),
    ];
    entries.extend(
        ignored
            .into_iter()
            .map(|(path, body)| (format!("{TOP}{path}"), body.as_bytes().to_vec())),
    );
    entries
}

#[test]
fn export_zip_holds_the_csv_fixtures() {
    let entries = export_entries();
    if std::env::var_os("REELSTREAM_WRITE_FIXTURES").is_some() {
        let borrowed: Vec<(&str, &[u8])> = entries
            .iter()
            .map(|(n, b)| (n.as_str(), b.as_slice()))
            .collect();
        std::fs::write(dir().join("letterboxd-export.zip"), zip_of(&borrowed)).unwrap();
    }
    let bytes = read("letterboxd-export.zip");
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    assert_eq!(
        zip.len(),
        entries.len(),
        "rebuild with REELSTREAM_WRITE_FIXTURES=1"
    );
    for (name, body) in entries {
        let mut file = zip
            .by_name(&name)
            .unwrap_or_else(|err| panic!("{name}: {err}"));
        let mut stored = Vec::new();
        std::io::Read::read_to_end(&mut file, &mut stored).unwrap();
        assert!(
            stored == body,
            "{name} differs from its fixture: rebuild with REELSTREAM_WRITE_FIXTURES=1"
        );
    }
}

#[test]
fn letterboxd_files() {
    let watched = accept("watched.csv", SourceFormat::LetterboxdWatched, 8);
    assert_eq!(watched[2].title, "Crouching Tiger, Hidden Dragon");
    assert_eq!(
        find(&watched, "WALL·E", Some(2008)).watched_date.as_deref(),
        Some("2023-05-27")
    );
    assert_eq!(
        find(&watched, "Dune", Some(1984)).letterboxd_uri.as_deref(),
        Some("https://boxd.it/1Zsw")
    );

    let ratings = accept("ratings.csv", SourceFormat::LetterboxdRatings, 6);
    assert_eq!(find(&ratings, "Dune", Some(1984)).rating, Some(2.5));

    let diary = accept("diary.csv", SourceFormat::LetterboxdDiary, 5);
    let rewatches: Vec<u32> = diary.iter().map(|m| m.rewatch).collect();
    assert_eq!(rewatches, [0, 0, 0, 1, 1]);
    assert_eq!(diary[4].watched_date.as_deref(), Some("2024-02-29"));
    assert_eq!(
        diary[4].letterboxd_uri.as_deref(),
        Some("https://boxd.it/5Dq2Wk")
    );

    let reviews = accept("reviews.csv", SourceFormat::LetterboxdReviews, 2);
    assert_eq!(
        (reviews[0].rating, reviews[1].title.as_str()),
        (Some(5.0), "Perfect Days")
    );

    let watchlist = accept("watchlist.csv", SourceFormat::LetterboxdWatchlist, 3);
    assert!(watchlist.iter().all(|m| m.watched_date.is_none()));

    let likes = accept("likes-films.csv", SourceFormat::LetterboxdLikes, 2);
    assert_eq!(likes[1].title, "WALL·E");

    let list = accept("list.csv", SourceFormat::LetterboxdList, 4);
    let titles: Vec<&str> = list.iter().map(|m| m.title.as_str()).collect();
    assert_eq!(titles, ["Seven Samurai", "Ikiru", "Ran", "Rashomon"]);

    let bom = accept("bom_crlf.csv", SourceFormat::LetterboxdWatched, 4);
    assert_eq!(bom[0].title, "Amélie");
    assert_eq!(
        bom[3].title,
        "Dr. Strangelove or: How I Learned to Stop Worrying and Love the Bomb"
    );
    assert_eq!(bom[3].year, Some(1964));
}

#[test]
fn imdb_and_generic_files() {
    let ratings = accept("imdb_ratings.csv", SourceFormat::Imdb, 5);
    let dune = find(&ratings, "Dune: Part One", Some(2021));
    assert_eq!(
        (dune.imdb_id.as_deref(), dune.rating),
        (Some("tt1160419"), Some(4.5))
    );
    assert_eq!(ratings[0].watched_date.as_deref(), Some("2023-01-14"));
    assert_eq!(find(&ratings, "Chernobyl", Some(2019)).rating, Some(5.0));

    let watchlist = accept("imdb_watchlist.csv", SourceFormat::Imdb, 3);
    assert_eq!(watchlist[2].imdb_id.as_deref(), Some("tt14230458"));
    assert!(
        watchlist
            .iter()
            .all(|m| m.rating.is_none() && m.watched_date.is_none())
    );

    let generic = accept("generic.csv", SourceFormat::Generic, 6);
    let amelie = find(&generic, "Amélie", Some(2001));
    assert_eq!(
        (amelie.tmdb_id, amelie.imdb_id.as_deref(), amelie.rating),
        (Some(194), Some("tt0211915"), Some(4.0))
    );
    assert_eq!(generic[1].title, "七人の侍");
    assert_eq!(
        find(&generic, "Normal People", None)
            .watched_date
            .as_deref(),
        Some("2023-11-05")
    );
}

#[test]
fn export_zip() {
    let movies = accept("letterboxd-export.zip", SourceFormat::LetterboxdZip, 13);
    /// Title, year, watched date, rating, rewatch.
    type Row<'a> = (&'a str, Option<i32>, Option<&'a str>, Option<f64>, u32);
    let table: Vec<Row> = movies
        .iter()
        .map(|m| {
            (
                m.title.as_str(),
                m.year,
                m.watched_date.as_deref(),
                m.rating,
                m.rewatch,
            )
        })
        .collect();
    assert_eq!(
        table,
        [
            (
                "Seven Samurai",
                Some(1954),
                Some("2024-02-09"),
                Some(5.0),
                1
            ),
            ("Amélie", Some(2001), Some("2023-02-03"), Some(4.0), 0),
            (
                "Crouching Tiger, Hidden Dragon",
                Some(2000),
                Some("2023-02-20"),
                None,
                0
            ),
            ("Dune", Some(1984), Some("2023-03-11"), Some(2.5), 0),
            ("Dune", Some(2021), Some("2024-02-29"), Some(4.5), 1),
            ("WALL·E", Some(2008), Some("2023-05-27"), Some(4.5), 0),
            ("Perfect Days", Some(2023), Some("2023-08-19"), Some(4.0), 0),
            ("Past Lives", Some(2023), Some("2024-01-07"), Some(4.5), 0),
            ("Ikiru", Some(1952), None, None, 0),
            ("The Zone of Interest", Some(2023), None, None, 0),
            ("Poor Things", Some(2023), None, None, 0),
            ("Ran", Some(1985), None, None, 0),
            ("Rashomon", Some(1950), None, None, 0),
        ]
    );
    let samurai = find(&movies, "Seven Samurai", Some(1954));
    assert_eq!(
        samurai.letterboxd_uri.as_deref(),
        Some("https://boxd.it/1ZSY")
    );
    assert!(movies.iter().all(|m| m.title != "Cats"));
}

#[test]
fn rejected_files() {
    type Expect = fn(&ImportError) -> bool;
    let cases: [(&str, Expect); 6] = [
        ("empty.csv", |e| matches!(e, ImportError::Empty)),
        ("header_only.csv", |e| matches!(e, ImportError::HeaderOnly)),
        ("garbage.bin", |e| {
            matches!(e, ImportError::Unsupported { .. })
        }),
        ("invalid_utf8.csv", |e| {
            matches!(e, ImportError::InvalidUtf8 { row: 3 })
        }),
        (
            "wrong_columns.csv",
            |e| matches!(e, ImportError::UnrecognisedColumns { found } if found == &["foo", "bar"]),
        ),
        ("missing_title.csv", |e| {
            matches!(e, ImportError::Malformed { errors }
                if errors.iter().map(|e| (e.row, e.column.as_deref())).eq([(Some(3), Some("Name")), (Some(5), Some("Name"))]))
        }),
    ];
    for (name, expected) in cases {
        let err = load(name)
            .err()
            .unwrap_or_else(|| panic!("{name} was accepted"));
        assert!(expected(&err), "{name}: {err:?}");
    }
}
