//! The committer's write: final states onto a batch of films in one
//! statement, whatever the batch's size.
//!
//! An UPDATE per film cost a round trip to the database each — through
//! SQLite's worker thread, a few hundred microseconds — which bounded a warm
//! upload (every answer cached) at a few thousand films a second. Here the
//! outcomes travel as the rows of a `VALUES` list joined to `movies`, in SQL
//! that SQLite (3.35+) and PostgreSQL both accept.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::{
    DatabaseTransaction, DbBackend, EntityTrait, IdenStatic, Iterable, Statement, Value,
};

use super::StoreError;
use super::entities::movie;
use super::movies::STATUS_PENDING;
use super::work::Lease;

/// A movie's final state, as the engine decided it.
#[derive(Clone, Debug, Default)]
pub struct FinalState {
    /// `enriched`, `unmatched` or `failed`.
    pub status: &'static str,
    /// Set when matched; otherwise the row keeps the id it had.
    pub tmdb_id: Option<i64>,
    /// Set when TMDB knows it; otherwise the row keeps the id it had.
    pub imdb_id: Option<String>,
    /// `movie` or `tv`.
    pub media_type: Option<String>,
    /// TMDB title.
    pub matched_title: Option<String>,
    /// Original-language title.
    pub original_title: Option<String>,
    /// Primary release date.
    pub release_date: Option<String>,
    /// Minutes.
    pub runtime: Option<i32>,
    /// JSON array of names.
    pub genres: Option<String>,
    /// JSON array of names.
    pub directors: Option<String>,
    /// JSON array of names.
    pub cast: Option<String>,
    /// JSON array of ISO codes.
    pub countries: Option<String>,
    /// ISO 639-1.
    pub original_language: Option<String>,
    /// Poster URL.
    pub poster_url: Option<String>,
    /// TMDB vote average.
    pub vote_average: Option<f64>,
    /// Matcher confidence.
    pub match_confidence: Option<f64>,
    /// JSON array of candidates, when unmatched.
    pub candidates: Option<String>,
    /// Failure reason.
    pub error: Option<String>,
}

/// One film's outcome within a batch.
#[derive(Clone, Copy, Debug)]
pub struct FilmOutcome<'a> {
    /// The session.
    pub session_id: &'a str,
    /// The film within it.
    pub lookup_key: &'a str,
    /// What its rows become.
    pub state: &'a FinalState,
}

/// The rows of each film, keyed by (session id, lookup key), as committed.
pub type Finalised = HashMap<(String, String), Vec<movie::Model>>;

/// Most films per statement: 20 parameters each stays far below SQLite's
/// 32 766 and PostgreSQL's 65 535.
const CHUNK: usize = 500;

/// Writes each film's final state onto its pending rows that this replica
/// may finalise (its own lease, or none that is alive) and returns the rows
/// as committed, in row order. A film listed twice is written once.
pub async fn finalize_films(
    txn: &DatabaseTransaction,
    lease: &Lease,
    films: &[FilmOutcome<'_>],
) -> Result<Finalised, StoreError> {
    let mut seen = std::collections::HashSet::new();
    let films: Vec<FilmOutcome> = films
        .iter()
        .filter(|f| seen.insert((f.session_id, f.lookup_key)))
        .copied()
        .collect();
    let mut finalised = Finalised::new();
    let backend = sea_orm::ConnectionTrait::get_database_backend(txn);
    for chunk in films.chunks(CHUNK) {
        let statement = finalize_statement(backend, lease, chunk, Utc::now());
        let rows = movie::Entity::find()
            .from_raw_sql(statement)
            .all(txn)
            .await?;
        for row in rows {
            finalised
                .entry((row.session_id.clone(), row.lookup_key.clone()))
                .or_default()
                .push(row);
        }
    }
    for rows in finalised.values_mut() {
        rows.sort_unstable_by_key(|row| row.row);
    }
    Ok(finalised)
}

/// The state columns of `movies` an outcome sets, in the order of its values.
const STATE_COLUMNS: [&str; 18] = [
    "status",
    "tmdb_id",
    "imdb_id",
    "media_type",
    "matched_title",
    "original_title",
    "release_date",
    "runtime",
    "genres",
    "directors",
    "cast",
    "countries",
    "original_language",
    "poster_url",
    "vote_average",
    "match_confidence",
    "candidates",
    "error",
];

fn state_values(state: &FinalState) -> [Value; 18] {
    [
        state.status.into(),
        state.tmdb_id.into(),
        state.imdb_id.clone().into(),
        state.media_type.clone().into(),
        state.matched_title.clone().into(),
        state.original_title.clone().into(),
        state.release_date.clone().into(),
        state.runtime.into(),
        state.genres.clone().into(),
        state.directors.clone().into(),
        state.cast.clone().into(),
        state.countries.clone().into(),
        state.original_language.clone().into(),
        state.poster_url.clone().into(),
        state.vote_average.into(),
        state.match_confidence.into(),
        state.candidates.clone().into(),
        state.error.clone().into(),
    ]
}

/// Builds the statement's text and its values, in order of appearance.
struct Sql {
    backend: DbBackend,
    text: String,
    values: Vec<Value>,
}

impl Sql {
    fn bind(&mut self, value: Value) {
        self.values.push(value);
        match self.backend {
            DbBackend::Postgres => self.text += &format!("${}", self.values.len()),
            _ => self.text.push('?'),
        }
    }
}

/// `WITH outcome(…) AS (VALUES …) UPDATE movies SET … FROM outcome WHERE …
/// RETURNING …`. The outcome's columns are prefixed `o_` so that no name is
/// ambiguous between the two tables.
pub(super) fn finalize_statement(
    backend: DbBackend,
    lease: &Lease,
    films: &[FilmOutcome<'_>],
    now: DateTime<Utc>,
) -> Statement {
    let mut sql = Sql {
        backend,
        text: String::from("WITH \"outcome\"(\"o_session_id\", \"o_lookup_key\""),
        values: Vec::with_capacity(films.len() * 20 + 4),
    };
    for column in STATE_COLUMNS {
        sql.text += &format!(", \"o_{column}\"");
    }
    sql.text += ") AS (VALUES ";
    for (i, film) in films.iter().enumerate() {
        sql.text += if i == 0 { "(" } else { ", (" };
        sql.bind(film.session_id.into());
        sql.text += ", ";
        sql.bind(film.lookup_key.into());
        for value in state_values(film.state) {
            sql.text += ", ";
            sql.bind(value);
        }
        sql.text.push(')');
    }
    sql.text += ") UPDATE \"movies\" SET ";
    for column in STATE_COLUMNS {
        // A row keeps the ids it came with unless the outcome found them.
        if column == "tmdb_id" || column == "imdb_id" {
            sql.text += &format!("\"{column}\" = COALESCE(\"o_{column}\", \"{column}\"), ");
        } else {
            sql.text += &format!("\"{column}\" = \"o_{column}\", ");
        }
    }
    sql.text += "\"attempts\" = \"attempts\" + 1, \"lease_owner\" = NULL, \
                 \"lease_expires_at\" = NULL, \"updated_at\" = ";
    sql.bind(now.into());
    sql.text += " FROM \"outcome\" WHERE \"session_id\" = \"o_session_id\" \
                 AND \"lookup_key\" = \"o_lookup_key\" AND \"status\" = ";
    sql.bind(STATUS_PENDING.into());
    sql.text += " AND (\"lease_expires_at\" IS NULL OR \"lease_expires_at\" < ";
    sql.bind(now.into());
    sql.text += " OR \"lease_owner\" = ";
    sql.bind(lease.owner.to_string().into());
    sql.text += ") RETURNING ";
    let columns: Vec<String> = movie::Column::iter()
        .map(|c| format!("\"movies\".\"{}\"", c.as_str()))
        .collect();
    sql.text += &columns.join(", ");
    Statement::from_sql_and_values(backend, sql.text, sql.values)
}
