//! Format detection and the movies each format yields.

use super::{parse_default, parse_ok};
use crate::import::SourceFormat;

const WATCHED_HEADER: &str = "Date,Name,Year,Letterboxd URI";

#[test]
fn bom_crlf_quotes_and_unicode() {
    let text = "\u{feff}Date,Name,Year,Letterboxd URI\r\n\
        2023-02-03,Amélie,2001,https://boxd.it/1Ytm\r\n\
        2023-02-20,\"Crouching Tiger, Hidden Dragon\",2000,https://boxd.it/1W5A\r\n\
        2023-05-27,\"WALL·E\",2008,https://boxd.it/1Xfm\r\n\
        2023-06-01,七人の侍,1954,https://boxd.it/1ZSY\r\n";
    let import = parse_ok(text);
    assert_eq!(import.format, SourceFormat::LetterboxdWatched);
    let titles: Vec<&str> = import.movies.iter().map(|m| m.title.as_str()).collect();
    assert_eq!(
        titles,
        [
            "Amélie",
            "Crouching Tiger, Hidden Dragon",
            "WALL·E",
            "七人の侍"
        ]
    );
    assert_eq!(import.movies[3].year, Some(1954));
    assert_eq!(import.movies[0].watched_date.as_deref(), Some("2023-02-03"));
    assert_eq!(
        import.movies[0].letterboxd_uri.as_deref(),
        Some("https://boxd.it/1Ytm")
    );
}

#[test]
fn quoted_quotes_and_newlines_in_reviews() {
    let text = "Date,Name,Year,Letterboxd URI,Rating,Rewatch,Review,Tags,Watched Date\n\
        2023-01-15,Seven Samurai,1954,https://boxd.it/3kYbQx,5,,\"Long.\n\nThe \"\"rain\"\", though.\",,2023-01-14\n\
        2023-08-20,Perfect Days,2023,https://boxd.it/4a9LmP,4,Yes,\"Quiet, lived.\",,2023-08-19\n";
    let import = parse_ok(text);
    assert_eq!(import.format, SourceFormat::LetterboxdReviews);
    assert_eq!(import.movies.len(), 2);
    assert_eq!(import.movies[1].title, "Perfect Days");
    assert_eq!(
        (import.movies[1].rating, import.movies[1].rewatch),
        (Some(4.0), 1)
    );
}

#[test]
fn content_decides_and_the_file_name_only_splits_identical_headers() {
    let diary = "Date,Name,Year,Letterboxd URI,Rating,Rewatch,Tags,Watched Date\n\
        2024-02-10,Seven Samurai,1954,https://boxd.it/5Bz7Tn,4.5,Yes,,2024-02-09\n";
    let import = parse_default(diary.as_bytes(), Some("watchlist.csv")).unwrap();
    assert_eq!(import.format, SourceFormat::LetterboxdDiary);
    assert_eq!(import.movies[0].rewatch, 1);

    let plain = format!("{WATCHED_HEADER}\n2023-06-01,Ikiru,1952,https://boxd.it/1zRA\n");
    let format = |name| parse_default(plain.as_bytes(), name).unwrap().format;
    assert_eq!(format(None), SourceFormat::LetterboxdWatched);
    assert_eq!(format(Some("watched.csv")), SourceFormat::LetterboxdWatched);
    assert_eq!(
        format(Some("watchlist.csv")),
        SourceFormat::LetterboxdWatchlist
    );
    assert_eq!(
        format(Some("likes-films.csv")),
        SourceFormat::LetterboxdLikes
    );

    let generic = parse_default(b"title,year\nHeat,1995\n", Some("diary.csv")).unwrap();
    assert_eq!(generic.format, SourceFormat::Generic);
}

#[test]
fn ratings_file() {
    let import = parse_ok(
        "Date,Name,Year,Letterboxd URI,Rating\n2023-03-11,Dune,1984,https://boxd.it/1Zsw,2.5\n",
    );
    assert_eq!(import.format, SourceFormat::LetterboxdRatings);
    assert_eq!(import.movies[0].rating, Some(2.5));
    assert_eq!(import.movies[0].rewatch, 0);
}

#[test]
fn list_export_and_a_bare_list_table() {
    let text = "Letterboxd list export v7\n\
        Date,Name,Tags,URL,Description\n\
        2024-02-11,Kurosawa,,https://boxd.it/qL3e,\"Line one,\n\nPosition,Name,Year,URL,Description\nend\"\n\
        \n\
        Position,Name,Year,URL,Description\n\
        1,Ran,1985,https://boxd.it/28L6,\n\
        2,Rashomon,1950,https://boxd.it/1ZHq,\"A note, quoted\"\n";
    let import = parse_ok(text);
    assert_eq!(import.format, SourceFormat::LetterboxdList);
    let titles: Vec<&str> = import.movies.iter().map(|m| m.title.as_str()).collect();
    assert_eq!(titles, ["Ran", "Rashomon"]);
    assert_eq!(
        import.movies[1].letterboxd_uri.as_deref(),
        Some("https://boxd.it/1ZHq")
    );

    let bare = parse_ok("Position,Name,Year,URL,Description\n1,Ran,1985,https://boxd.it/28L6,\n");
    assert_eq!(bare.format, SourceFormat::LetterboxdList);
}

#[test]
fn imdb_export() {
    let text = "Const,Your Rating,Date Rated,Title,URL,Title Type,Year\n\
        tt0087182,5,2023-03-11,Dune,https://www.imdb.com/title/tt0087182,Movie,1984\n";
    let import = parse_ok(text);
    assert_eq!(import.format, SourceFormat::Imdb);
    let dune = &import.movies[0];
    assert_eq!(
        (dune.imdb_id.as_deref(), dune.rating, dune.year),
        (Some("tt0087182"), Some(2.5), Some(1984))
    );
}

#[test]
fn generic_with_aliases_semicolons_and_extra_columns() {
    let import = parse_ok("MOVIE;Release Year;tmdb;Comment\nAmélie;2001;194;lovely, really\n");
    assert_eq!(import.format, SourceFormat::Generic);
    let movie = &import.movies[0];
    assert_eq!(
        (movie.title.as_str(), movie.year, movie.tmdb_id),
        ("Amélie", Some(2001), Some(194))
    );
}

#[test]
fn a_const_and_title_file_without_imdb_columns_is_generic() {
    let import = parse_ok("const,title,year\ntt0047478,Seven Samurai,1954\n");
    assert_eq!(import.format, SourceFormat::Generic);
    assert_eq!(import.movies[0].imdb_id.as_deref(), Some("tt0047478"));
}

#[test]
fn source_format_names_match_serde() {
    use SourceFormat::*;
    let all = [
        LetterboxdWatched,
        LetterboxdRatings,
        LetterboxdDiary,
        LetterboxdWatchlist,
        LetterboxdReviews,
        LetterboxdLikes,
        LetterboxdList,
        LetterboxdZip,
        Imdb,
        Netflix,
        Generic,
    ];
    let names: std::collections::HashSet<_> = all.iter().map(SourceFormat::as_str).collect();
    assert_eq!(names.len(), all.len());
    for format in all {
        let json = serde_json_like(format);
        assert_eq!(json, format.as_str());
        assert_eq!(format.to_string(), format.as_str());
    }
}

/// The serde name of a format, through csv's serializer (the only serde
/// writer at hand without another dependency).
fn serde_json_like(format: SourceFormat) -> String {
    let mut writer = csv::WriterBuilder::new()
        .has_headers(false)
        .from_writer(Vec::new());
    writer.serialize(format).unwrap();
    String::from_utf8(writer.into_inner().unwrap())
        .unwrap()
        .trim()
        .to_owned()
}
