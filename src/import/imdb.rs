//! IMDb's ratings and watchlist exports. Both carry Const (the `tt…` id) and
//! Title; ratings are on a 1–10 scale, halved to Letterboxd's 0.5–5. Their
//! `Title Type` says what each row is: a film, a show, or neither (skipped).

use super::error::{ImportError, RowError};
use super::films::Films;
use super::table::{self, Header, Record, Table};
use super::values;
use super::warnings::Warnings;
use super::{ImportedMovie, TitleKind};
use crate::domain::SkipReason;

/// Whether a header is an IMDb export's: Const and Title, plus a column only
/// IMDb writes (a generic CSV may well have Const and Title alone).
pub fn is_imdb(header: &Header) -> bool {
    header.has("const")
        && header.has("title")
        && ["your rating", "date rated", "title type", "imdb rating"]
            .iter()
            .any(|c| header.has(c))
}

/// Column positions of an IMDb export.
struct Columns {
    title: usize,
    original_title: Option<usize>,
    year: Option<usize>,
    release_date: Option<usize>,
    id: Option<usize>,
    url: Option<usize>,
    rating: Option<usize>,
    date_rated: Option<usize>,
    created: Option<usize>,
    title_type: Option<usize>,
}

impl Columns {
    fn of(header: &Header) -> Option<Self> {
        Some(Self {
            title: header.find(&["title"])?,
            original_title: header.find(&["original title"]),
            year: header.find(&["year"]),
            release_date: header.find(&["release date"]),
            id: header.find(&["const"]),
            url: header.find(&["url"]),
            rating: header.find(&["your rating"]),
            date_rated: header.find(&["date rated"]),
            created: header.find(&["created"]),
            title_type: header.find(&["title type"]),
        })
    }

    fn movie(
        &self,
        record: &Record,
        header: &Header,
        warnings: &mut Warnings,
    ) -> Result<Option<ImportedMovie>, RowError> {
        // An empty Title with an Original Title still names the film.
        let title = table::title(record, header, self.title, self.original_title, warnings)?;
        let Some(title) = title else {
            return Ok(None);
        };
        // An impossible Year (IMDb writes `????` for unreleased titles) is
        // dropped with a warning; a Release Date stands in for a missing one.
        let year = table::year(record, header, self.year, warnings)
            .or_else(|| values::year(record.get(self.release_date)));
        // Date Rated is when it was rated and a watchlist's Created when it
        // was added: neither is a viewing.
        Ok(Some(ImportedMovie {
            imdb_id: values::imdb_id(record.get(self.id))
                .or_else(|| values::imdb_id(record.get(self.url))),
            rating: values::rating(record.get(self.rating), 10.0).map(|r| r / 2.0),
            rated_date: values::date(record.get(self.date_rated)),
            added_date: values::date(record.get(self.created)),
            ..ImportedMovie::new(title, year, title_kind(record.get(self.title_type)))
        }))
    }
}

/// What IMDb's `Title Type` says a row is. IMDb has written `TV Series`,
/// `tvSeries` and `Mini-Series` over the years, so case, spaces and dashes
/// are ignored. Films, shorts, TV movies, videos and specials are looked up
/// as films, and so is an empty or unknown type: a film is never dropped
/// for a type this list does not know.
pub fn title_kind(cell: &str) -> TitleKind {
    let folded: String = cell
        .chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect();
    match folded.as_str() {
        "tvseries" | "tvminiseries" | "miniseries" => TitleKind::Show,
        "tvepisode" => TitleKind::Skipped(SkipReason::TvEpisode),
        "videogame" => TitleKind::Skipped(SkipReason::VideoGame),
        "podcastseries" | "podcastepisode" => TitleKind::Skipped(SkipReason::Podcast),
        "musicvideo" => TitleKind::Skipped(SkipReason::MusicVideo),
        _ => TitleKind::Film,
    }
}

/// Reads the rows after an IMDb header.
pub fn read(
    table: &mut Table<'_>,
    header: &Header,
    max_rows: usize,
    warnings: &mut Warnings,
) -> Result<Vec<ImportedMovie>, ImportError> {
    let columns = Columns::of(header).ok_or_else(|| ImportError::UnrecognisedColumns {
        found: header.names(),
    })?;
    let rows = table::read_rows(table, header, max_rows, warnings, |record, warnings| {
        columns.movie(record, header, warnings)
    })?;
    Ok(rows.into_iter().collect::<Films>().finish())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Vec<ImportedMovie>, ImportError> {
        let mut table = Table::new(text);
        let header = table::read_header(&mut table)?;
        assert!(is_imdb(&header));
        read(&mut table, &header, 100, &mut Warnings::default())
    }

    #[test]
    fn ratings_export() {
        let text = "Const,Your Rating,Date Rated,Title,Original Title,URL,Title Type,IMDb Rating,\
            Runtime (mins),Year,Genres,Num Votes,Release Date,Directors\n\
            tt0047478,10,2023-03-04,Seven Samurai,Shichinin no samurai,\
            https://www.imdb.com/title/tt0047478/,Movie,8.6,207,1954,\"Action, Drama\",364000,\
            1954-04-26,Akira Kurosawa\n\
            tt15239678,7,2024-03-02,Dune: Part Two,,https://www.imdb.com/title/tt15239678/,Movie,\
            8.5,166,,\"Action, Adventure\",600000,2024-02-27,Denis Villeneuve\n";
        let movies = parse(text).unwrap();
        assert_eq!(movies[0].title, "Seven Samurai");
        assert_eq!(movies[0].imdb_id.as_deref(), Some("tt0047478"));
        assert_eq!(movies[0].rating, Some(5.0));
        assert_eq!(movies[0].rated_date.as_deref(), Some("2023-03-04"));
        assert_eq!(movies[1].rating, Some(3.5));
        assert_eq!(
            movies[1].year,
            Some(2024),
            "Release Date stands in for a missing Year"
        );
    }

    #[test]
    fn old_watchlist_without_original_title() {
        let text = "Position,Const,Created,Modified,Description,Title,URL,Title Type,IMDb Rating,\
            Runtime (mins),Year,Genres,Num Votes,Release Date,Directors,Your Rating,Date Rated\n\
            1,bad-id,2020-01-01,2020-01-01,,Chernobyl,https://www.imdb.com/title/tt7366338/,\
            TV Mini Series,9.3,330,2019,Drama,900000,2019-05-06,,,\n";
        let movie = parse(text).unwrap().remove(0);
        assert_eq!(
            movie.imdb_id.as_deref(),
            Some("tt7366338"),
            "taken from the URL"
        );
        assert_eq!((movie.rating, movie.rated_date), (None, None));
    }

    #[test]
    fn title_type_in_every_spelling_decides_film_show_or_skipped() {
        use SkipReason::*;
        for (cell, kind) in [
            ("Movie", TitleKind::Film),
            ("movie", TitleKind::Film),
            ("Feature Film", TitleKind::Film),
            ("short", TitleKind::Film),
            ("Short Film", TitleKind::Film),
            ("TV Movie", TitleKind::Film),
            ("tvMovie", TitleKind::Film),
            ("Video", TitleKind::Film),
            ("tvSpecial", TitleKind::Film),
            ("", TitleKind::Film),
            ("Documentary", TitleKind::Film),
            ("TV Series", TitleKind::Show),
            ("tvSeries", TitleKind::Show),
            ("TV Mini Series", TitleKind::Show),
            ("tvMiniSeries", TitleKind::Show),
            ("Mini-Series", TitleKind::Show),
            ("TV Episode", TitleKind::Skipped(TvEpisode)),
            ("tvEpisode", TitleKind::Skipped(TvEpisode)),
            ("Video Game", TitleKind::Skipped(VideoGame)),
            ("videoGame", TitleKind::Skipped(VideoGame)),
            ("Podcast Series", TitleKind::Skipped(Podcast)),
            ("podcastEpisode", TitleKind::Skipped(Podcast)),
            ("Music Video", TitleKind::Skipped(MusicVideo)),
            ("musicVideo", TitleKind::Skipped(MusicVideo)),
        ] {
            assert_eq!(title_kind(cell), kind, "{cell:?}");
        }
    }

    #[test]
    fn original_title_stands_in_for_an_empty_title() {
        let text = "Const,Your Rating,Title,Original Title,Year\n\
            tt0047478,9,,七人の侍,1954\n\
            tt0000001,9,,,1954\n";
        let mut table = Table::new(text);
        let header = table::read_header(&mut table).unwrap();
        let mut warnings = Warnings::default();
        let movies = read(&mut table, &header, 100, &mut warnings).unwrap();
        assert_eq!(movies.len(), 1);
        assert_eq!(movies[0].title, "七人の侍");
        let (kept, total) = warnings.into_parts();
        assert_eq!(total, 1, "the title-less row is skipped");
        assert_eq!(
            (kept[0].row, kept[0].column.as_deref()),
            (Some(3), Some("Title"))
        );
    }

    #[test]
    fn an_unknown_year_is_dropped_with_a_warning() {
        let text = "Position,Const,Created,Modified,Description,Title,URL,Title Type,IMDb Rating,\
            Runtime (mins),Year,Genres,Num Votes,Release Date,Directors\n\
            1,tt9999999,2020-01-01,2020-01-01,,Untitled Project,,movie,,,????,,,,\n\
            2,tt1160419,2020-01-01,2020-01-01,,Dune,,movie,,,,,,2021-09-15,\n";
        let mut table = Table::new(text);
        let header = table::read_header(&mut table).unwrap();
        let mut warnings = Warnings::default();
        let movies = read(&mut table, &header, 100, &mut warnings).unwrap();
        assert_eq!(movies[0].year, None);
        assert_eq!(movies[1].year, Some(2021), "the Release Date stands in");
        let (kept, total) = warnings.into_parts();
        assert_eq!(total, 1);
        assert_eq!(
            (kept[0].row, kept[0].column.as_deref()),
            (Some(2), Some("Year"))
        );
        assert!(kept[0].message.contains("????"), "{}", kept[0].message);
    }
}
