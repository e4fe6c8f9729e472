//! Rows that are not films: IMDb's `Title Type`, and Netflix histories whose
//! lines are mostly episodes of shows.

use super::{parse_default, parse_ok};
use crate::domain::SkipReason;
use crate::import::netflix::{DateOrder, show_of};
use crate::import::{ImportedMovie, SourceFormat, TitleKind};

fn fixture(name: &str) -> Vec<u8> {
    let root =
        std::env::var_os("CARGO_MANIFEST_DIR").unwrap_or_else(|| env!("CARGO_MANIFEST_DIR").into());
    let path = std::path::Path::new(&root)
        .join("tests/fixtures/import")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|err| panic!("{}: {err}", path.display()))
}

fn kinds(movies: &[ImportedMovie]) -> Vec<(&str, TitleKind)> {
    movies.iter().map(|m| (m.title.as_str(), m.kind)).collect()
}

#[test]
fn imdb_title_type_makes_films_shows_and_skipped_rows() {
    let import = parse_default(&fixture("imdb_mixed.csv"), Some("ratings.csv")).unwrap();
    assert_eq!(import.format, SourceFormat::Imdb);
    use TitleKind::*;
    assert_eq!(
        kinds(&import.movies),
        [
            ("Seven Samurai", Film),
            ("Chernobyl", Show),
            ("Chernobyl: 1:23:45", Skipped(SkipReason::TvEpisode)),
            ("The Queen's Gambit", Show),
            (
                "The Secret of Monkey Island",
                Skipped(SkipReason::VideoGame)
            ),
            ("La Jetée", Film),
            ("Duel", Film),
            ("Michael Jackson: Thriller", Skipped(SkipReason::MusicVideo)),
        ]
    );
    // A skipped row keeps what its file says, for the library.
    let episode = &import.movies[2];
    assert_eq!(episode.imdb_id.as_deref(), Some("tt8162428"));
    assert_eq!(episode.rating, Some(4.5));
}

#[test]
fn an_imdb_file_without_title_type_is_all_films() {
    let import = parse_ok("Const,Your Rating,Title,Year\ntt0047478,9,Seven Samurai,1954\n");
    assert_eq!(import.movies[0].kind, TitleKind::Film);
}

#[test]
fn netflix_day_first_history_gives_one_film_per_show_or_title() {
    let import = parse_default(&fixture("netflix_day_first.csv"), None).unwrap();
    assert_eq!(import.format, SourceFormat::Netflix);
    use TitleKind::*;
    assert_eq!(
        kinds(&import.movies),
        [
            ("The Queen's Gambit", Show),
            ("Seven Samurai", Film),
            ("Chernobyl", Show),
            ("Dark", Show),
            ("Kill Bill: Vol. 1", Film),
        ]
    );
    let gambit = &import.movies[0];
    assert_eq!(gambit.rewatch, 2, "three lines");
    assert_eq!(gambit.watched_date.as_deref(), Some("2020-11-14"));
    assert_eq!(
        gambit.viewing_dates,
        ["2020-11-14", "2020-11-13", "2020-11-01"]
    );
    // 02/11 and 05/03 fit either order: the file's 14/11 and 28/10 decide.
    let samurai = &import.movies[1];
    assert_eq!(samurai.rewatch, 1);
    assert_eq!(samurai.viewing_dates, ["2020-11-02", "2020-03-05"]);
    assert_eq!(samurai.watched_date.as_deref(), Some("2020-11-02"));
    assert!(import.movies.iter().all(|m| m.year.is_none()));
}

#[test]
fn netflix_month_first_history_with_two_digit_years() {
    let import = parse_default(&fixture("netflix_month_first.csv"), None).unwrap();
    let found: Vec<_> = import
        .movies
        .iter()
        .map(|m| (m.title.as_str(), m.kind, m.watched_date.as_deref()))
        .collect();
    use TitleKind::*;
    assert_eq!(
        found,
        [
            ("Normal People", Show, Some("2021-05-02")),
            ("Heat", Film, Some("2021-04-30")),
            // A show and a film of the same name stay two.
            ("Heat", Show, Some("2021-01-06")),
            ("Spirited Away", Film, Some("2021-01-05")),
        ]
    );
    assert_eq!(import.movies[0].viewing_dates, ["2021-05-02", "2021-05-01"]);
}

#[test]
fn season_part_volume_and_episode_components_name_the_show() {
    for (title, show) in [
        ("Dark: Season 1: Secrets", Some("Dark")),
        (
            "The Queen's Gambit: Limited Series: Openings",
            Some("The Queen's Gambit"),
        ),
        ("Money Heist: Part 2: Episode 5", Some("Money Heist")),
        (
            "Love, Death & Robots: Volume 1: Zima Blue",
            Some("Love, Death & Robots"),
        ),
        (
            "Star Wars: The Clone Wars: Season 7: Victory and Death",
            Some("Star Wars: The Clone Wars"),
        ),
        (
            "Friends: Season 4: The One with Ross's Wedding: Part 1",
            Some("Friends"),
        ),
        ("Bárbaros: Temporada 1: O lobo e a águia", Some("Bárbaros")),
        ("O Inocente: Minissérie: Episódio 1", Some("O Inocente")),
        ("New Amsterdam: Kausi 1: Pilotti", Some("New Amsterdam")),
        ("Dark: Staffel 2: Die Reisenden", Some("Dark")),
        ("Show: Episode 3", Some("Show")),
        // Films: a part or volume with nothing after it, or no marker at all.
        ("Kill Bill: Vol. 1", None),
        ("Harry Potter and the Deathly Hallows: Part 2", None),
        ("Dune: Part Two", None),
        ("Mission: Impossible", None),
        ("Seven Samurai", None),
        ("Season 1: Pilot", None),
        ("Chernobyl: 1:23:45", None),
    ] {
        assert_eq!(show_of(title), show, "{title}");
    }
}

#[test]
fn the_date_order_is_decided_once_per_file() {
    use DateOrder::*;
    let order = |cells: &[&str]| DateOrder::of(cells.iter().copied());
    assert_eq!(order(&["16.8.2022", "1.11.2021"]), DayFirst);
    assert_eq!(order(&["1/5/21", "4/30/21"]), MonthFirst);
    assert_eq!(order(&["01/02/2021", "29/05/2021"]), DayFirst);
    assert_eq!(order(&["2021-01-02"]), YearFirst);
    // Every value fits both orders: American two-digit years, else day first.
    assert_eq!(order(&["1/5/21", "3/4/21"]), MonthFirst);
    assert_eq!(order(&["01/05/2021"]), DayFirst);
    assert_eq!(order(&["1.5.21"]), DayFirst);
    assert_eq!(order(&["", "soon"]), DayFirst);

    assert_eq!(DayFirst.iso("16.8.2022").as_deref(), Some("2022-08-16"));
    assert_eq!(DayFirst.iso("02/11/2020").as_deref(), Some("2020-11-02"));
    assert_eq!(MonthFirst.iso("02/11/2020").as_deref(), Some("2020-02-11"));
    assert_eq!(MonthFirst.iso("4/30/21").as_deref(), Some("2021-04-30"));
    assert_eq!(YearFirst.iso("2021-04-30").as_deref(), Some("2021-04-30"));
    // Never guessed per row: what does not fit the file's order is no date.
    for (order, cell) in [
        (MonthFirst, "30/4/21"),
        (DayFirst, "31/02/2021"),
        (DayFirst, "2021-04-30"),
        (YearFirst, "30/04/2021"),
        (DayFirst, "1/2"),
        (DayFirst, "1/2/123"),
        (DayFirst, ""),
    ] {
        assert_eq!(order.iso(cell), None, "{order:?} {cell}");
    }
}

#[test]
fn a_title_date_header_with_more_columns_is_not_netflix() {
    let import = parse_ok("Title,Date,Year\nHeat,2024-01-02,1995\n");
    assert_eq!(import.format, SourceFormat::Generic);
    assert_eq!(import.movies[0].year, Some(1995));
}
