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
use sea_orm::ActiveValue::Set;
use sea_orm::{
    ActiveModelTrait, DatabaseTransaction, DbBackend, EntityTrait, IdenStatic, Iterable, Statement,
    Value,
};

use super::StoreError;
use super::claims::Lease;
use super::entities::movie;
use crate::domain::{Candidate, Enrichment, LookupKey, MovieStatus};

/// A movie's final state, as the engine decided it.
#[derive(Clone, Debug)]
pub struct FinalState {
    /// `enriched`, `unmatched` or `failed`.
    pub status: MovieStatus,
    /// What TMDB says of the match; none when unmatched or failed. A row
    /// keeps the TMDB and IMDb ids it came with unless this has them.
    pub enrichment: Option<Enrichment>,
    /// Matcher confidence.
    pub match_confidence: Option<f64>,
    /// The best candidates, when unmatched.
    pub candidates: Option<Vec<Candidate>>,
    /// Failure reason.
    pub error: Option<String>,
}

impl FinalState {
    /// The state as the columns it sets: every state column, so that all
    /// the films of one statement set the same ones.
    fn columns(&self) -> movie::ActiveModel {
        let mut row = movie::ActiveModel {
            status: Set(self.status),
            match_confidence: Set(self.match_confidence),
            error: Set(self.error.clone()),
            // The engine's states are never `skipped`: a skipped row a person
            // pointed at TMDB loses its reason once looked up.
            skip_reason: Set(None),
            ..Default::default()
        };
        row.set_enrichment(self.enrichment.as_ref());
        row.set_candidates(self.candidates.as_deref());
        row
    }
}

/// One film's outcome within a batch.
#[derive(Clone, Copy, Debug)]
pub struct FilmOutcome<'a> {
    /// The session.
    pub session_id: &'a str,
    /// The film within it.
    pub lookup_key: &'a LookupKey,
    /// What its rows become.
    pub state: &'a FinalState,
}

/// The rows of each film, keyed by (session id, lookup key), as committed.
pub type Finalised = HashMap<(String, LookupKey), Vec<movie::Model>>;

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

/// The columns a final state sets, in `movie::Column` order: derived from
/// [`FinalState::columns`], so that a column added there is written here.
fn state_columns(state: &movie::ActiveModel) -> Vec<movie::Column> {
    movie::Column::iter()
        .filter(|column| state.get(*column).is_set())
        .collect()
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
    let rows: Vec<movie::ActiveModel> = films.iter().map(|f| f.state.columns()).collect();
    let columns = rows.first().map(state_columns).unwrap_or_default();
    for column in &columns {
        sql.text += &format!(", \"o_{}\"", column.as_str());
    }
    sql.text += ") AS (VALUES ";
    for (i, (film, row)) in films.iter().zip(&rows).enumerate() {
        sql.text += if i == 0 { "(" } else { ", (" };
        sql.bind(film.session_id.into());
        sql.text += ", ";
        sql.bind(film.lookup_key.to_string().into());
        for column in &columns {
            sql.text += ", ";
            let value = row.get(*column).into_value();
            sql.bind(value.expect("every state column is set for every film"));
        }
        sql.text.push(')');
    }
    sql.text += ") UPDATE \"movies\" SET ";
    for column in &columns {
        let column = column.as_str();
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
    sql.bind(MovieStatus::Pending.into());
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
