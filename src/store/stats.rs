//! Library statistics of one session, aggregated in the database with
//! `GROUP BY`, so a 10 000-film library costs a few indexed scans, not a
//! transfer of every row.
//!
//! The list fields (genres, directors, cast, countries) are JSON text arrays;
//! they are unnested with the backend's JSON table function. Everything that
//! differs between SQLite and PostgreSQL lives in [`Dialect`], the one place
//! that branches on the backend.

use sea_orm::{
    AccessMode, DatabaseTransaction, DbBackend, FromQueryResult, IsolationLevel, Statement,
    TransactionOptions, TransactionTrait, Value,
};

use super::{Db, StoreError};
use crate::domain::MovieStatus;

/// How a film's count is split over its list fields: a film with three
/// genres counts once for each.
#[derive(Clone, Debug, PartialEq, Eq, FromQueryResult)]
pub struct NameCount {
    /// The genre, person, country or language.
    pub name: String,
    /// Number of films.
    pub count: i64,
}

/// A number (decade, year, runtime bucket) and how many films fall in it.
#[derive(Clone, Debug, PartialEq, Eq, FromQueryResult)]
pub struct KeyCount {
    /// The decade, year or first minute of the bucket.
    pub bucket: i64,
    /// Number of films.
    pub count: i64,
}

/// One film's viewings on one day: the finest grain the viewing figures
/// (per month, per weekday, the calendar, first watches and rewatches) are
/// summed from.
#[derive(Clone, Debug, PartialEq, Eq, FromQueryResult)]
pub struct DayFilm {
    /// The day, ISO `YYYY-MM-DD`.
    pub day: String,
    /// The film's row in its session.
    pub movie_row: i32,
    /// Its viewings that day.
    pub viewings: i64,
    /// How many of them are marked rewatches.
    pub rewatches: i64,
}

/// A rating value and how many films carry it.
#[derive(Clone, Debug, PartialEq, FromQueryResult)]
pub struct RatingCount {
    /// The rating, rounded to the nearest half star.
    pub rating: f64,
    /// Number of films.
    pub count: i64,
}

#[derive(Debug, FromQueryResult)]
struct Totals {
    total: i64,
    enriched: i64,
    review: i64,
    with_runtime: i64,
    runtime_sum: Option<i64>,
}

/// The aggregates of one session, as the database computed them.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LibraryStats {
    /// Rows in the session, skipped rows (not films) aside.
    pub total_movies: i64,
    /// Enriched rows, which the TMDB-derived figures cover.
    pub enriched_movies: i64,
    /// Rows in review, which no TMDB-derived figure covers until accepted.
    pub review_movies: i64,
    /// Enriched rows with a known runtime.
    pub movies_with_runtime: i64,
    /// Sum of the runtimes, in minutes.
    pub runtime_minutes: i64,
    /// Genres, most frequent first.
    pub genres: Vec<NameCount>,
    /// Directors, most frequent first.
    pub directors: Vec<NameCount>,
    /// Cast members, most frequent first.
    pub actors: Vec<NameCount>,
    /// Production countries (ISO 3166-1), most frequent first.
    pub countries: Vec<NameCount>,
    /// Original languages (ISO 639-1), most frequent first.
    pub languages: Vec<NameCount>,
    /// Decade of release (1990 for 1990–1999), in order.
    pub decades: Vec<KeyCount>,
    /// Runtime buckets keyed by their first minute (see [`runtime_bucket_sql`]), in order.
    pub runtime_buckets: Vec<KeyCount>,
    /// The user's ratings, by half star, in order; empty when the export has none.
    pub ratings: Vec<RatingCount>,
    /// Year of the last watch, in order.
    pub watched_years: Vec<KeyCount>,
    /// Dated viewings per film and day (of `year` when asked), in order.
    pub viewing_days: Vec<DayFilm>,
    /// Dated viewings per year, in order: the years there is a review of.
    pub viewing_years: Vec<KeyCount>,
}

/// Runtime buckets: under an hour, quarter hours from 60 to 209 minutes, 210 and more.
pub const RUNTIME_BUCKET_MIN: i64 = 60;
/// First minute of the open-ended last runtime bucket.
pub const RUNTIME_BUCKET_MAX: i64 = 210;
/// Width of the inner runtime buckets, in minutes.
pub const RUNTIME_BUCKET_WIDTH: i64 = 15;

/// The SQL that differs between the backends.
#[derive(Clone, Copy, Debug)]
struct Dialect(DbBackend);

impl Dialect {
    /// The `n`-th (1-based) bound parameter.
    fn param(self, n: usize) -> String {
        super::param(self.0, n)
    }

    /// A `FROM` item joining every element of the JSON text array column
    /// `m.{column}` as the text column `j.value` (NULL arrays join nothing).
    fn json_elements(self, column: &str) -> String {
        match self.0 {
            DbBackend::Postgres => {
                format!("CROSS JOIN LATERAL json_array_elements_text(m.{column}::json) AS j(value)")
            }
            _ => format!("CROSS JOIN json_each(m.{column}) AS j"),
        }
    }

    /// The year at the start of an ISO date text column as a BIGINT, NULL
    /// when the text does not start with four digits.
    fn year_of(self, column: &str) -> String {
        let starts_with_year = match self.0 {
            DbBackend::Postgres => format!("{column} ~ '^[0-9]{{4}}'"),
            _ => format!("{column} GLOB '[0-9][0-9][0-9][0-9]*'"),
        };
        format!("(CASE WHEN {starts_with_year} THEN CAST(SUBSTR({column}, 1, 4) AS BIGINT) END)")
    }
}

/// The bucket (first minute) of `m.runtime` as a BIGINT, portable SQL.
fn runtime_bucket_sql() -> String {
    format!(
        "CAST(CASE WHEN m.runtime < {RUNTIME_BUCKET_MIN} THEN 0 \
         WHEN m.runtime >= {RUNTIME_BUCKET_MAX} THEN {RUNTIME_BUCKET_MAX} \
         ELSE m.runtime / {RUNTIME_BUCKET_WIDTH} * {RUNTIME_BUCKET_WIDTH} END AS BIGINT)"
    )
}

/// Computes the statistics of `session_id`; name lists keep their `top` most frequent entries.
///
/// The queries run in one read transaction, so the figures agree with each
/// other even while the engine is still committing films (on PostgreSQL a
/// `REPEATABLE READ` snapshot; on SQLite a WAL read transaction is one).
pub async fn library(
    db: &Db,
    session_id: &str,
    top: u64,
    year: Option<i32>,
) -> Result<LibraryStats, StoreError> {
    let backend = db.backend();
    let txn = match backend {
        DbBackend::Postgres => {
            db.conn()
                .begin_with_options(TransactionOptions {
                    isolation_level: Some(IsolationLevel::RepeatableRead),
                    access_mode: Some(AccessMode::ReadOnly),
                    ..Default::default()
                })
                .await?
        }
        _ => db.conn().begin().await?,
    };
    let q = Queries {
        txn: &txn,
        dialect: Dialect(backend),
        session_id,
        top: i64::try_from(top).unwrap_or(i64::MAX),
        year,
    };

    let totals = q.totals().await?;
    let stats = LibraryStats {
        total_movies: totals.total,
        enriched_movies: totals.enriched,
        review_movies: totals.review,
        movies_with_runtime: totals.with_runtime,
        runtime_minutes: totals.runtime_sum.unwrap_or(0),
        genres: q.json_list("genres").await?,
        directors: q.json_list("directors").await?,
        actors: q.json_list("\"cast\"").await?,
        countries: q.json_list("countries").await?,
        languages: q.languages().await?,
        decades: q.decades().await?,
        runtime_buckets: q.runtime_buckets().await?,
        ratings: q.ratings().await?,
        watched_years: q.watched_years().await?,
        viewing_days: q.viewing_days().await?,
        viewing_years: q.viewing_years().await?,
    };
    txn.commit().await?;
    Ok(stats)
}

struct Queries<'a> {
    txn: &'a DatabaseTransaction,
    dialect: Dialect,
    session_id: &'a str,
    top: i64,
    /// The year of watching the figures are narrowed to, if any.
    year: Option<i32>,
}

impl Queries<'_> {
    fn statement(&self, sql: String, values: Vec<Value>) -> Statement {
        Statement::from_sql_and_values(self.dialect.0, sql, values)
    }

    fn session(&self) -> Value {
        self.session_id.into()
    }

    fn enriched(&self) -> Value {
        MovieStatus::Enriched.into()
    }

    /// Skipped rows are not films: no figure counts them.
    fn skipped(&self) -> Value {
        MovieStatus::Skipped.into()
    }

    /// `LIKE` pattern of the dates in the year asked for.
    fn year_pattern(year: i32) -> Value {
        format!("{year:04}-%").into()
    }

    /// With a year asked for, ` AND` the film `m` has a viewing dated in it
    /// (the pattern pushed onto `values` as the next parameter); else nothing.
    /// An `EXISTS`, so a film watched twice that year still counts once.
    fn of_the_year(&self, values: &mut Vec<Value>) -> String {
        let Some(year) = self.year else {
            return String::new();
        };
        values.push(Self::year_pattern(year));
        format!(
            " AND EXISTS (SELECT 1 FROM viewings v WHERE v.session_id = m.session_id \
             AND v.movie_row = m.row AND v.watched_date LIKE {})",
            self.dialect.param(values.len())
        )
    }

    async fn totals(&self) -> Result<Totals, StoreError> {
        let d = self.dialect;
        let (p1, p2, p3, p4) = (d.param(1), d.param(2), d.param(3), d.param(4));
        let review: Value = MovieStatus::Review.into();
        let mut values = vec![self.session(), self.enriched(), self.skipped(), review];
        let of_the_year = self.of_the_year(&mut values);
        let sql = format!(
            "SELECT COUNT(*) AS total, \
             COALESCE(SUM(CASE WHEN m.status = {p2} THEN 1 ELSE 0 END), 0) AS enriched, \
             COALESCE(SUM(CASE WHEN m.status = {p4} THEN 1 ELSE 0 END), 0) AS review, \
             COALESCE(SUM(CASE WHEN m.status = {p2} AND m.runtime > 0 THEN 1 ELSE 0 END), 0) AS with_runtime, \
             SUM(CASE WHEN m.status = {p2} AND m.runtime > 0 THEN m.runtime END) AS runtime_sum \
             FROM movies m WHERE m.session_id = {p1} AND m.status <> {p3}{of_the_year}"
        );
        let stmt = self.statement(sql, values);
        let totals = Totals::find_by_statement(stmt)
            .one(self.txn)
            .await?
            .ok_or_else(|| StoreError::Corrupt("an aggregate returned no row".into()))?;
        Ok(totals)
    }

    /// Counts enriched films per element of a JSON text array column.
    async fn json_list(&self, column: &str) -> Result<Vec<NameCount>, StoreError> {
        let d = self.dialect;
        let (p1, p2, p3) = (d.param(1), d.param(2), d.param(3));
        let elements = d.json_elements(column);
        let mut values = vec![self.session(), self.enriched(), self.top.into()];
        let of_the_year = self.of_the_year(&mut values);
        let sql = format!(
            "SELECT j.value AS name, COUNT(DISTINCT m.id) AS count \
             FROM movies m {elements} \
             WHERE m.session_id = {p1} AND m.status = {p2} AND j.value <> ''{of_the_year} \
             GROUP BY j.value ORDER BY count DESC, name ASC LIMIT {p3}"
        );
        let stmt = self.statement(sql, values);
        Ok(NameCount::find_by_statement(stmt).all(self.txn).await?)
    }

    async fn languages(&self) -> Result<Vec<NameCount>, StoreError> {
        let d = self.dialect;
        let (p1, p2, p3) = (d.param(1), d.param(2), d.param(3));
        let mut values = vec![self.session(), self.enriched(), self.top.into()];
        let of_the_year = self.of_the_year(&mut values);
        let sql = format!(
            "SELECT m.original_language AS name, COUNT(*) AS count FROM movies m \
             WHERE m.session_id = {p1} AND m.status = {p2} \
             AND m.original_language IS NOT NULL AND m.original_language <> ''{of_the_year} \
             GROUP BY m.original_language ORDER BY count DESC, name ASC LIMIT {p3}"
        );
        let stmt = self.statement(sql, values);
        Ok(NameCount::find_by_statement(stmt).all(self.txn).await?)
    }

    /// Groups rows by an integer expression `key` of `m`, in key order.
    async fn by_key(
        &self,
        key: &str,
        enriched_only: bool,
        extra: &str,
    ) -> Result<Vec<KeyCount>, StoreError> {
        let d = self.dialect;
        let (p1, p2) = (d.param(1), d.param(2));
        let mut values = vec![self.session()];
        let status = if enriched_only {
            values.push(self.enriched());
            format!("AND m.status = {p2}")
        } else {
            values.push(self.skipped());
            format!("AND m.status <> {p2}")
        };
        let of_the_year = self.of_the_year(&mut values);
        let sql = format!(
            "SELECT k.bucket AS bucket, COUNT(*) AS count FROM \
             (SELECT {key} AS bucket FROM movies m \
              WHERE m.session_id = {p1} {status} {extra}{of_the_year}) k \
             WHERE k.bucket IS NOT NULL GROUP BY k.bucket ORDER BY k.bucket"
        );
        Ok(KeyCount::find_by_statement(self.statement(sql, values))
            .all(self.txn)
            .await?)
    }

    async fn decades(&self) -> Result<Vec<KeyCount>, StoreError> {
        let year = self.dialect.year_of("m.release_date");
        self.by_key(&format!("{year} / 10 * 10"), true, "").await
    }

    async fn runtime_buckets(&self) -> Result<Vec<KeyCount>, StoreError> {
        self.by_key(&runtime_bucket_sql(), true, "AND m.runtime > 0")
            .await
    }

    async fn watched_years(&self) -> Result<Vec<KeyCount>, StoreError> {
        // The year it was watched, else the year it was logged as watched.
        let year = self
            .dialect
            .year_of("COALESCE(m.watched_date, m.logged_date)");
        self.by_key(&year, false, "").await
    }

    /// A viewing `v` of a film, not of a skipped row (the skipped status is
    /// the second parameter). An equality, not `status <> …`, so that both
    /// planners look the film up by (session, status, row) instead of
    /// scanning the session's films for every viewing.
    fn not_skipped(&self) -> String {
        format!(
            "NOT EXISTS (SELECT 1 FROM movies m WHERE m.session_id = v.session_id \
             AND m.row = v.movie_row AND m.status = {})",
            self.dialect.param(2)
        )
    }

    /// The dated viewings of the films (skipped rows aside), per film and day.
    async fn viewing_days(&self) -> Result<Vec<DayFilm>, StoreError> {
        let (p1, p3) = (self.dialect.param(1), self.dialect.param(3));
        let films_only = self.not_skipped();
        let mut values = vec![self.session(), self.skipped()];
        let in_year = match self.year {
            Some(year) => {
                values.push(Self::year_pattern(year));
                format!("AND v.watched_date LIKE {p3}")
            }
            None => String::new(),
        };
        let sql = format!(
            "SELECT v.watched_date AS day, v.movie_row AS movie_row, COUNT(*) AS viewings, \
             COALESCE(SUM(CASE WHEN v.rewatch THEN 1 ELSE 0 END), 0) AS rewatches \
             FROM viewings v WHERE v.session_id = {p1} AND {films_only} \
             AND v.watched_date IS NOT NULL {in_year} \
             GROUP BY v.watched_date, v.movie_row ORDER BY v.watched_date, v.movie_row"
        );
        Ok(DayFilm::find_by_statement(self.statement(sql, values))
            .all(self.txn)
            .await?)
    }

    /// Dated viewings per year of the films (skipped rows aside).
    async fn viewing_years(&self) -> Result<Vec<KeyCount>, StoreError> {
        let p1 = self.dialect.param(1);
        let films_only = self.not_skipped();
        let year = self.dialect.year_of("v.watched_date");
        let sql = format!(
            "SELECT k.bucket AS bucket, COUNT(*) AS count FROM \
             (SELECT {year} AS bucket FROM viewings v \
              WHERE v.session_id = {p1} AND {films_only}) k \
             WHERE k.bucket IS NOT NULL GROUP BY k.bucket ORDER BY k.bucket"
        );
        let values = vec![self.session(), self.skipped()];
        Ok(KeyCount::find_by_statement(self.statement(sql, values))
            .all(self.txn)
            .await?)
    }

    async fn ratings(&self) -> Result<Vec<RatingCount>, StoreError> {
        let (p1, p2) = (self.dialect.param(1), self.dialect.param(2));
        let mut values = vec![self.session(), self.skipped()];
        let of_the_year = self.of_the_year(&mut values);
        let sql = format!(
            "SELECT k.rating AS rating, COUNT(*) AS count FROM \
             (SELECT ROUND(m.rating * 2) / 2 AS rating FROM movies m \
              WHERE m.session_id = {p1} AND m.status <> {p2} AND m.rating IS NOT NULL{of_the_year}) k \
             GROUP BY k.rating ORDER BY k.rating"
        );
        Ok(RatingCount::find_by_statement(self.statement(sql, values))
            .all(self.txn)
            .await?)
    }
}
