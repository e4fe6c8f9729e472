//! Any CSV with a title column, found by header aliases (case, `_`, `-` and
//! spacing ignored). Unknown columns are ignored.

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
const WATCHED_DATE: &[&str] = &[
    "watched date",
    "date watched",
    "watched",
    "watched on",
    "date",
];
const LETTERBOXD_URI: &[&str] = &["letterboxd uri", "letterboxd url"];

/// Column positions of a generic CSV.
pub struct Columns {
    title: usize,
    title_fallback: Option<usize>,
    year: Option<usize>,
    tmdb_id: Option<usize>,
    imdb_id: Option<usize>,
    rating: Option<usize>,
    watched_date: Option<usize>,
    letterboxd_uri: Option<usize>,
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
            watched_date: header.find(WATCHED_DATE),
            letterboxd_uri: header.find(LETTERBOXD_URI),
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
        // A dated row is a viewing; several rows of one film, several viewings.
        let viewings = values::date(record.get(self.watched_date))
            .map(|date| Viewing {
                watched_date: Some(date),
                ..Viewing::default()
            })
            .into_iter()
            .collect();
        Ok(Some(ImportedMovie {
            letterboxd_uri: table::text(record, header, self.letterboxd_uri)?,
            imdb_id: values::imdb_id(record.get(self.imdb_id)),
            tmdb_id: values::tmdb_id(record.get(self.tmdb_id)),
            // Read up to 10 for now: the file's scale is decided once all rows are in.
            rating: values::rating(record.get(self.rating), 10.0),
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
        movies
            .iter_mut()
            .for_each(|m| m.rating = m.rating.map(|r| r / 2.0));
    }
    Ok(movies.into_iter().collect::<Films>().finish())
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
