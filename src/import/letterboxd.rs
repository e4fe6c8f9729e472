//! Letterboxd's CSV files: watched, watchlist, likes/films, ratings, diary,
//! reviews, and the film table of a list export. They share the Name and
//! Year columns, so one reader serves them all.

use super::error::{ImportError, RowError};
use super::table::{self, Header, Record, Table};
use super::values;
use super::warnings::Warnings;
use super::{ImportedMovie, SourceFormat, TitleKind};

/// Which Letterboxd file a table comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    /// `watched.csv`: one row per film, Date = when it was logged.
    Watched,
    /// `diary.csv`: one row per viewing; the URI is the entry's.
    Diary,
    /// `ratings.csv`: one row per rated film.
    Ratings,
    /// `reviews.csv`: diary entries with a review; the URI is the entry's.
    Reviews,
    /// `likes/films.csv`: liked films, Date = when liked.
    Likes,
    /// `watchlist.csv`: films to watch, Date = when added.
    Watchlist,
    /// `lists/*.csv`: a list's film table, URL = the film's.
    List,
}

impl Kind {
    /// The source format of a single uploaded file of this kind.
    pub fn format(self) -> SourceFormat {
        match self {
            Self::Watched => SourceFormat::LetterboxdWatched,
            Self::Diary => SourceFormat::LetterboxdDiary,
            Self::Ratings => SourceFormat::LetterboxdRatings,
            Self::Reviews => SourceFormat::LetterboxdReviews,
            Self::Likes => SourceFormat::LetterboxdLikes,
            Self::Watchlist => SourceFormat::LetterboxdWatchlist,
            Self::List => SourceFormat::LetterboxdList,
        }
    }

    /// Whether the file's URI column points at a diary entry rather than the film.
    pub fn has_entry_uris(self) -> bool {
        matches!(self, Self::Diary | Self::Reviews)
    }
}

/// One row of a Letterboxd file, its cells parsed.
#[derive(Clone, Debug, PartialEq)]
pub struct FilmRow {
    /// Line where the row starts.
    pub line: u64,
    /// The film's title, trimmed and non-empty.
    pub title: String,
    /// The film's year, when usable.
    pub year: Option<i32>,
    /// Letterboxd URI (the film's, or the diary entry's in diary and reviews).
    pub uri: Option<String>,
    /// The Date column: when the row was logged, rated, liked or added.
    pub date: Option<String>,
    /// Diary and reviews: the Watched Date column.
    pub watched_date: Option<String>,
    /// Rating on the 0.5–5 scale.
    pub rating: Option<f64>,
    /// Diary and reviews: whether the viewing was a rewatch.
    pub rewatch: bool,
}

/// The kind a header announces, by content; `Watched` stands for the header
/// that watched, watchlist and likes share. `None` when it is not Letterboxd's.
pub fn kind_of(header: &Header) -> Option<Kind> {
    if !(header.has("name") && header.has("letterboxd uri")) {
        return None;
    }
    Some(if header.has("review") {
        Kind::Reviews
    } else if header.has("watched date") || header.has("rewatch") {
        Kind::Diary
    } else if header.has("rating") {
        Kind::Ratings
    } else {
        Kind::Watched
    })
}

/// Tells watchlist and likes from watched by the file name, since their
/// headers are the same. A browser sends `likes/films.csv` as `films.csv`,
/// the one file of that name in an export.
pub fn refine_by_filename(kind: Kind, filename: Option<&str>) -> Kind {
    let name = filename.unwrap_or_default().to_lowercase();
    let base = name.rsplit(['/', '\\']).next().unwrap_or_default();
    match kind {
        Kind::Watched if name.contains("watchlist") => Kind::Watchlist,
        Kind::Watched if name.contains("like") || base == "films.csv" => Kind::Likes,
        other => other,
    }
}

/// Column positions of a Letterboxd table.
struct Columns {
    name: usize,
    year: Option<usize>,
    uri: Option<usize>,
    date: Option<usize>,
    watched_date: Option<usize>,
    rating: Option<usize>,
    rewatch: Option<usize>,
}

impl Columns {
    fn of(header: &Header) -> Option<Self> {
        Some(Self {
            name: header.find(&["name"])?,
            year: header.find(&["year"]),
            uri: header.find(&["letterboxd uri", "url"]),
            date: header.find(&["date"]),
            watched_date: header.find(&["watched date"]),
            rating: header.find(&["rating"]),
            rewatch: header.find(&["rewatch"]),
        })
    }

    fn row(
        &self,
        record: &Record,
        header: &Header,
        warnings: &mut Warnings,
    ) -> Result<Option<FilmRow>, RowError> {
        let Some(title) = table::title(record, header, self.name, None, warnings)? else {
            return Ok(None);
        };
        Ok(Some(FilmRow {
            line: record.line,
            title,
            year: table::year(record, header, self.year, warnings),
            uri: table::text(record, header, self.uri)?,
            date: values::date(record.get(self.date)),
            watched_date: values::date(record.get(self.watched_date)),
            rating: values::rating(record.get(self.rating), 5.0),
            rewatch: values::flag(record.get(self.rewatch)),
        }))
    }
}

/// Reads the rows after a Letterboxd header; a header without a Name column
/// is malformed here, because the caller already knows the file is Letterboxd's.
pub fn read_films(
    table: &mut Table<'_>,
    header: &Header,
    max_rows: usize,
    warnings: &mut Warnings,
) -> Result<Vec<FilmRow>, ImportError> {
    let Some(columns) = Columns::of(header) else {
        return Err(ImportError::malformed(RowError::row(
            header.line,
            format!(
                "expected Letterboxd columns (Date, Name, Year, Letterboxd URI …), found {}",
                header.names().join(", ")
            ),
        )));
    };
    table::read_rows(table, header, max_rows, warnings, |record, warnings| {
        columns.row(record, header, warnings)
    })
}

/// Parses a whole Letterboxd CSV file (not a list) whose kind is known.
pub fn read_file(
    text: &str,
    max_rows: usize,
    warnings: &mut Warnings,
) -> Result<Vec<FilmRow>, ImportError> {
    let mut table = Table::new(text);
    let header = table::read_header(&mut table)?;
    read_films(&mut table, &header, max_rows, warnings)
}

/// The movie a row of a single uploaded file stands for. Which date counts
/// as the watched date depends on the file: a watchlist's or likes' Date is
/// not a viewing, a ratings Date is the nearest thing to one.
pub fn to_movie(row: FilmRow, kind: Kind) -> ImportedMovie {
    let watched_date = match kind {
        Kind::Watched | Kind::Ratings => row.date,
        Kind::Diary | Kind::Reviews => row.watched_date.or(row.date),
        Kind::Likes | Kind::Watchlist | Kind::List => None,
    };
    ImportedMovie {
        title: row.title,
        year: row.year,
        letterboxd_uri: row.uri,
        imdb_id: None,
        tmdb_id: None,
        watched_date,
        rating: row.rating,
        rewatch: u32::from(row.rewatch && kind.has_entry_uris()),
        kind: TitleKind::Film,
        viewing_dates: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DIARY: &str = "Date,Name,Year,Letterboxd URI,Rating,Rewatch,Tags,Watched Date\n\
        2024-01-06,Perfect Days,2023,https://boxd.it/5Sb3Zr,4.5,,\"tokyo, wenders\",2024-01-05\n\
        2024-02-10,Perfect Days,2023,https://boxd.it/5XkQ1b,5,Yes,,2024-02-09\n\
        2024-02-11,Dune,,https://boxd.it/5XkQ2c,,,,\n";

    fn header(line: &str) -> Header {
        table::read_header(&mut Table::new(line)).unwrap()
    }

    #[test]
    fn kinds_by_header() {
        let kind = |line| kind_of(&header(line));
        assert_eq!(kind("Date,Name,Year,Letterboxd URI"), Some(Kind::Watched));
        assert_eq!(
            kind("Date,Name,Year,Letterboxd URI,Rating"),
            Some(Kind::Ratings)
        );
        assert_eq!(
            kind("Date,Name,Year,Letterboxd URI,Rating,Rewatch,Tags,Watched Date"),
            Some(Kind::Diary)
        );
        let reviews = "Date,Name,Year,Letterboxd URI,Rating,Rewatch,Review,Tags,Watched Date";
        assert_eq!(kind(reviews), Some(Kind::Reviews));
        assert_eq!(
            kind(" date , NAME ,year,LETTERBOXD URI "),
            Some(Kind::Watched)
        );
        assert_eq!(kind("Name,Year"), None);
    }

    #[test]
    fn filename_tells_watchlist_and_likes_apart() {
        assert_eq!(
            refine_by_filename(Kind::Watched, Some("Watchlist.csv")),
            Kind::Watchlist
        );
        for likes in ["likes/films.csv", "films.csv", "Films.CSV"] {
            assert_eq!(refine_by_filename(Kind::Watched, Some(likes)), Kind::Likes);
        }
        assert_eq!(
            refine_by_filename(Kind::Watched, Some("my-films.csv")),
            Kind::Watched
        );
        assert_eq!(
            refine_by_filename(Kind::Watched, Some("watched.csv")),
            Kind::Watched
        );
        assert_eq!(refine_by_filename(Kind::Watched, None), Kind::Watched);
        assert_eq!(
            refine_by_filename(Kind::Diary, Some("watchlist.csv")),
            Kind::Diary
        );
    }

    #[test]
    fn diary_rows() {
        let rows = read_file(DIARY, 100, &mut Warnings::default()).unwrap();
        assert_eq!(rows.len(), 3);
        assert_eq!(rows[0].watched_date.as_deref(), Some("2024-01-05"));
        assert_eq!(rows[0].rating, Some(4.5));
        assert!(!rows[0].rewatch);
        assert!(rows[1].rewatch);
        assert_eq!(
            (rows[2].line, rows[2].year, rows[2].rating),
            (4, None, None)
        );
        let movies: Vec<_> = rows.into_iter().map(|r| to_movie(r, Kind::Diary)).collect();
        assert_eq!(movies[1].rewatch, 1);
        assert_eq!(movies[1].watched_date.as_deref(), Some("2024-02-09"));
        assert_eq!(
            movies[2].watched_date.as_deref(),
            Some("2024-02-11"),
            "falls back to Date"
        );
    }

    #[test]
    fn watchlist_dates_are_not_viewings() {
        let text =
            "Date,Name,Year,Letterboxd URI\n2023-05-01,Past Lives,2023,https://boxd.it/2Ebc\n";
        let row = read_file(text, 10, &mut Warnings::default())
            .unwrap()
            .remove(0);
        assert_eq!(
            to_movie(row.clone(), Kind::Watched).watched_date.as_deref(),
            Some("2023-05-01")
        );
        assert_eq!(to_movie(row, Kind::Watchlist).watched_date, None);
    }

    #[test]
    fn a_nameless_row_is_skipped_with_a_warning_in_the_name_column() {
        let text = "Date,Name,Year,Letterboxd URI\n2023-05-01,,2023,https://boxd.it/2Ebc\n\
            2023-05-02,Heat,????,https://boxd.it/2aHa\n";
        let mut warnings = Warnings::default();
        let rows = read_file(text, 10, &mut warnings).unwrap();
        assert_eq!((rows.len(), rows[0].year), (1, None));
        let (kept, total) = warnings.into_parts();
        assert_eq!(total, 2);
        let at: Vec<_> = kept.iter().map(|w| (w.row, w.column.as_deref())).collect();
        assert_eq!(at, [(Some(2), Some("Name")), (Some(3), Some("Year"))]);
    }
}
