//! Any CSV with a title column, found by header aliases (case, `_`, `-` and
//! spacing ignored). Unknown columns are ignored. Letterboxd's import format
//! (`LetterboxdURI`, `tmdbID`, `WatchedDate`, `Rating10`, `Rewatch`…, which
//! reelstream also exports) is one: a dated row is a viewing, with its
//! rating, rewatch flag and tags.

use super::error::{ImportError, RowError};
use super::films::Films;
use super::table::{self, Header, Record, Table};
use super::values;
use super::warnings::Warnings;
use super::{ImportedMovie, TitleKind, Viewing};

const TITLE: &[&str] = &[
    "title",
    "name",
    "film",
    "movie",
    "film title",
    "movie title",
    "film name",
    "movie name",
];
/// Used only when no column of [`TITLE`] exists, or its cell is empty.
const ORIGINAL_TITLE: &[&str] = &["original title"];
const YEAR: &[&str] = &[
    "year",
    "release year",
    "film year",
    "movie year",
    "release date",
];
const TMDB_ID: &[&str] = &["tmdb id", "tmdb", "tmdbid"];
const IMDB_ID: &[&str] = &["imdb id", "imdb", "imdbid", "const", "imdb url"];
const RATING: &[&str] = &["rating", "my rating", "your rating", "stars"];
/// Letterboxd's import format's rating out of ten, used when `Rating` is empty.
const RATING10: &[&str] = &["rating10", "rating 10"];
const WATCHED_DATE: &[&str] = &[
    "watched date",
    "watcheddate",
    "date watched",
    "watched",
    "watched on",
    "date",
];
const LETTERBOXD_URI: &[&str] = &["letterboxd uri", "letterboxd url", "letterboxduri"];
const REWATCH: &[&str] = &["rewatch"];
const TAGS: &[&str] = &["tags"];
const REVIEW: &[&str] = &["review"];

/// Column positions of a generic CSV.
pub struct Columns {
    title: usize,
    title_fallback: Option<usize>,
    year: Option<usize>,
    tmdb_id: Option<usize>,
    imdb_id: Option<usize>,
    rating: Option<usize>,
    rating10: Option<usize>,
    watched_date: Option<usize>,
    letterboxd_uri: Option<usize>,
    rewatch: Option<usize>,
    tags: Option<usize>,
    review: Option<usize>,
}

impl Columns {
    /// The columns of a header, or `None` when it has no title column.
    pub fn of(header: &Header) -> Option<Self> {
        let original_title = header.find(ORIGINAL_TITLE);
        let (title, title_fallback) = match header.find(TITLE) {
            Some(title) => (title, original_title),
            None => (original_title?, None),
        };
        Some(Self {
            title,
            title_fallback,
            year: header.find(YEAR),
            tmdb_id: header.find(TMDB_ID),
            imdb_id: header.find(IMDB_ID),
            rating: header.find(RATING),
            rating10: header.find(RATING10),
            watched_date: header.find(WATCHED_DATE),
            letterboxd_uri: header.find(LETTERBOXD_URI),
            rewatch: header.find(REWATCH),
            tags: header.find(TAGS),
            review: header.find(REVIEW),
        })
    }

    fn movie(
        &self,
        record: &Record,
        header: &Header,
        warnings: &mut Warnings,
    ) -> Result<Option<ImportedMovie>, RowError> {
        let title = table::title(record, header, self.title, self.title_fallback, warnings)?;
        let Some(title) = title else {
            return Ok(None);
        };
        let year = table::year(record, header, self.year, warnings);
        // Read up to 10 for now: the file's scale is decided once all rows are in.
        let rating = values::rating(record.get(self.rating), 10.0)
            .or_else(|| values::rating(record.get(self.rating10), 10.0).map(|r| r / 2.0));
        // A dated row is a viewing; several rows of one film, several viewings.
        let viewings = match values::date(record.get(self.watched_date)) {
            Some(date) => vec![Viewing {
                watched_date: Some(date),
                rating,
                rewatch: values::flag(record.get(self.rewatch)),
                tags: table::text(record, header, self.tags)?,
                reviewed: !record.get(self.review).is_empty(),
            }],
            None => Vec::new(),
        };
        Ok(Some(ImportedMovie {
            letterboxd_uri: table::text(record, header, self.letterboxd_uri)?,
            imdb_id: values::imdb_id(record.get(self.imdb_id)),
            tmdb_id: values::tmdb_id(record.get(self.tmdb_id)),
            rating,
            viewings,
            ..ImportedMovie::new(title, year, TitleKind::Film)
        }))
    }
}

/// Reads the rows after a generic header.
pub fn read(
    table: &mut Table<'_>,
    header: &Header,
    columns: &Columns,
    max_rows: usize,
    warnings: &mut Warnings,
) -> Result<Vec<ImportedMovie>, ImportError> {
    let mut movies = table::read_rows(table, header, max_rows, warnings, |record, warnings| {
        columns.movie(record, header, warnings)
    })?;
    // One rating above 5 means the file rates out of 10, like IMDb: halve them all.
    if movies.iter().any(|m| m.rating.is_some_and(|r| r > 5.0)) {
        for movie in &mut movies {
            movie.rating = movie.rating.map(|r| r / 2.0);
            for viewing in &mut movie.viewings {
                viewing.rating = viewing.rating.map(|r| r / 2.0);
            }
        }
    }
    let mut films = movies.into_iter().collect::<Films>().finish();
    // As on Letterboxd, a film logged several times is rated as its latest
    // rated viewing; a film with no rated viewing keeps its first rating.
    for film in &mut films {
        let latest = film
            .viewings
            .iter()
            .filter(|v| v.rating.is_some())
            .max_by(|a, b| a.watched_date.cmp(&b.watched_date));
        if let Some(rating) = latest.and_then(|v| v.rating) {
            film.rating = Some(rating);
        }
    }
    Ok(films)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Vec<ImportedMovie>, ImportError> {
        let mut table = Table::new(text);
        let header = table::read_header(&mut table)?;
        let columns = Columns::of(&header).expect("a title column");
        read(&mut table, &header, &columns, 100, &mut Warnings::default())
    }

    #[test]
    fn aliases_in_any_case_and_spelling() {
        let text = "Film,Release_Year,IMDb_ID,TMDB ID,Rating,Date Watched,Notes\n\
            Amélie,2001,tt0211915,194,4.5,2023-07-14,great\n";
        let movie = parse(text).unwrap().remove(0);
        assert_eq!(movie.title, "Amélie");
        assert_eq!(movie.year, Some(2001));
        assert_eq!(movie.imdb_id.as_deref(), Some("tt0211915"));
        assert_eq!(movie.tmdb_id, Some(194));
        assert_eq!(movie.rating, Some(4.5));
        assert_eq!(movie.watched_date(), Some("2023-07-14"));
    }

    #[test]
    fn letterboxd_import_rows_are_viewings_of_one_film() {
        let text = "LetterboxdURI,tmdbID,imdbID,Title,Year,Directors,WatchedDate,Rating,Rating10,Tags,Rewatch,Review\n\
            https://boxd.it/e1,949,tt0113277,Heat,1995,Michael Mann,2023-12-30,,8,\"la, heist\",,\n\
            https://boxd.it/e1,949,tt0113277,Heat,1995,Michael Mann,2024-01-06,4.5,9,,Yes,Great\n\
            ,,,Ran,1985,,,3,6,,,\n";
        let movies = parse(text).unwrap();
        assert_eq!(movies.len(), 2);
        let heat = &movies[0];
        assert_eq!(
            (heat.tmdb_id, heat.imdb_id.as_deref()),
            (Some(949), Some("tt0113277"))
        );
        assert_eq!(heat.letterboxd_uri.as_deref(), Some("https://boxd.it/e1"));
        let viewings: Vec<_> = heat
            .viewings
            .iter()
            .map(|v| {
                (
                    v.watched_date.as_deref(),
                    v.rating,
                    v.rewatch,
                    v.tags.as_deref(),
                    v.reviewed,
                )
            })
            .collect();
        assert_eq!(
            viewings,
            [
                (
                    Some("2023-12-30"),
                    Some(4.0),
                    false,
                    Some("la, heist"),
                    false
                ),
                (Some("2024-01-06"), Some(4.5), true, None, true),
            ]
        );
        assert_eq!(heat.rating, Some(4.5), "the latest rated viewing's");
        assert_eq!((movies[1].rating, movies[1].viewings.len()), (Some(3.0), 0));
    }

    #[test]
    fn title_alone_is_enough_and_a_release_date_gives_the_year() {
        let movies = parse("movie,release date\nWALL·E,2008-06-27\nHeat,\nBrazil,soon\n").unwrap();
        let years: Vec<_> = movies.iter().map(|m| m.year).collect();
        assert_eq!(years, [Some(2008), None, None]);
        assert_eq!(movies[0].title, "WALL·E");
    }

    #[test]
    fn ten_point_ratings_are_halved() {
        let movies = parse("title,rating\nAlien,8\nHeat,3\nBrazil,\n").unwrap();
        let ratings: Vec<_> = movies.iter().map(|m| m.rating).collect();
        assert_eq!(ratings, [Some(4.0), Some(1.5), None]);
        let movies = parse("title,rating\nAlien,4.5\nHeat,3\n").unwrap();
        assert_eq!(movies[0].rating, Some(4.5));
    }

    #[test]
    fn original_title_is_a_fallback() {
        let movies = parse("title,original_title\nSeven Samurai,七人の侍\n,Ikiru\n").unwrap();
        assert_eq!(movies[0].title, "Seven Samurai");
        assert_eq!(movies[1].title, "Ikiru");
        let movies = parse("original_title,year\nAmélie,2001\n").unwrap();
        assert_eq!(movies[0].title, "Amélie");
        let mut table = Table::new("title,original_title,year\n,,1999\nHeat,,1995\n");
        let header = table::read_header(&mut table).unwrap();
        let columns = Columns::of(&header).unwrap();
        let mut warnings = Warnings::default();
        let movies = read(&mut table, &header, &columns, 100, &mut warnings).unwrap();
        assert_eq!(movies.len(), 1);
        let (kept, _) = warnings.into_parts();
        assert_eq!(kept[0].column.as_deref(), Some("title"));
    }
}
