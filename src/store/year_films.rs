//! The films of a year (or of all time) that a year in review names: rated
//! highest, furthest above and below TMDB's average, the longest and the shortest,
//! and how many were new releases. Each figure is one ordered, limited query
//! on both backends; "of a year" means enriched films with a viewing dated in it.

use sea_orm::{FromQueryResult, Statement, Value};

use super::{Db, StoreError, param};
use crate::domain::MovieStatus;

/// How many films each list names.
const LISTED: u64 = 5;

/// A film a figure names.
#[derive(Clone, Debug, PartialEq, FromQueryResult)]
pub struct NamedFilm {
    /// Movie id.
    pub id: i64,
    /// Title as the export wrote it.
    pub title: String,
    /// Year as the export wrote it.
    pub year: Option<i32>,
    /// The person's rating, 0.5–5.
    pub rating: Option<f64>,
    /// TMDB's vote average, 0–10.
    pub vote_average: Option<f64>,
    /// Runtime in minutes.
    pub runtime: Option<i32>,
}

#[derive(Debug, FromQueryResult)]
struct Releases {
    films: i64,
    new_releases: i64,
}

/// What a year in review names.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct YearFilms {
    /// Rated highest by the person, best first (TMDB's average breaks ties).
    pub top_rated: Vec<NamedFilm>,
    /// Rated furthest above TMDB's average (rating × 2 − vote average), most first.
    pub above_tmdb: Vec<NamedFilm>,
    /// Rated furthest below it, most first.
    pub below_tmdb: Vec<NamedFilm>,
    /// Longest first.
    pub longest: Vec<NamedFilm>,
    /// Shortest first.
    pub shortest: Vec<NamedFilm>,
    /// Films counted.
    pub films: i64,
    /// Of them, watched in the year they were released.
    pub new_releases: i64,
}

/// The figures of `year`'s films, or of all the enriched films.
pub async fn year_films(
    db: &Db,
    session_id: &str,
    year: Option<i32>,
) -> Result<YearFilms, StoreError> {
    let backend = db.backend();
    let p = |n: usize| param(backend, n);
    let mut values: Vec<Value> = vec![session_id.into(), MovieStatus::Enriched.into()];
    let (which, released_then) = match year {
        Some(year) => {
            values.push(format!("{year:04}-%").into());
            (
                format!(
                    " AND EXISTS (SELECT 1 FROM viewings v WHERE v.session_id = m.session_id \
                     AND v.movie_row = m.row AND v.watched_date LIKE {})",
                    p(3)
                ),
                format!("SUBSTR(m.release_date, 1, 4) = {}", p(4)),
            )
        }
        None => (
            String::new(),
            "SUBSTR(m.release_date, 1, 4) = SUBSTR(COALESCE(m.watched_date, m.logged_date), 1, 4)"
                .to_owned(),
        ),
    };
    let films = format!(
        "FROM movies m WHERE m.session_id = {} AND m.status = {}{which}",
        p(1),
        p(2)
    );
    let list = async |filter: &str, order: &str| -> Result<Vec<NamedFilm>, StoreError> {
        let sql = format!(
            "SELECT m.id AS id, m.title AS title, m.year AS year, m.rating AS rating, \
             m.vote_average AS vote_average, m.runtime AS runtime {films} AND {filter} \
             ORDER BY {order}, m.row LIMIT {LISTED}"
        );
        let stmt = Statement::from_sql_and_values(backend, sql, values.clone());
        Ok(NamedFilm::find_by_statement(stmt).all(db.conn()).await?)
    };
    let rated = "m.rating IS NOT NULL AND m.vote_average IS NOT NULL";
    let gap = "(m.rating * 2 - m.vote_average)";
    let sql = format!(
        "SELECT COUNT(*) AS films, COALESCE(SUM(CASE WHEN {released_then} THEN 1 ELSE 0 END), 0) \
         AS new_releases {films}"
    );
    // The release year to compare with is the fourth value of a year's figures.
    let mut with_year = values.clone();
    with_year.extend(year.map(|year| Value::from(format!("{year:04}"))));
    let releases =
        Releases::find_by_statement(Statement::from_sql_and_values(backend, sql, with_year))
            .one(db.conn())
            .await?
            .ok_or_else(|| StoreError::Corrupt("an aggregate returned no row".into()))?;
    Ok(YearFilms {
        top_rated: list(
            "m.rating IS NOT NULL",
            "m.rating DESC, COALESCE(m.vote_average, 0) DESC",
        )
        .await?,
        above_tmdb: list(&format!("{rated} AND {gap} > 0"), &format!("{gap} DESC")).await?,
        below_tmdb: list(&format!("{rated} AND {gap} < 0"), &format!("{gap} ASC")).await?,
        longest: list("m.runtime > 0", "m.runtime DESC").await?,
        shortest: list("m.runtime > 0", "m.runtime ASC").await?,
        films: releases.films,
        new_releases: releases.new_releases,
    })
}
