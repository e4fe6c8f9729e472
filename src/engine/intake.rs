//! From a parsed import to a pending session: the one path by which films
//! enter the engine, shared by `POST /api/upload` and `reelstream enrich`.

use crate::engine::normalize::lookup_key;
use crate::import::{Import, ImportedMovie};
use crate::store::entities::session;
use crate::store::sessions::{self, NewMovie, NewSession};
use crate::store::{Db, StoreError};

/// Stores a parsed import as a new session whose films are all `pending`;
/// the caller wakes (or starts) the engine afterwards.
pub async fn create_session(db: &Db, import: Import) -> Result<session::Model, StoreError> {
    let encoding = import.encoding.label();
    let upload = NewSession {
        source_format: import.format.as_str(),
        encoding: &encoding,
        // Serialising plain strings and numbers cannot fail; an empty list
        // would still be a truthful, if lossy, record.
        warnings_json: serde_json::to_string(&import.warnings).unwrap_or_else(|_| "[]".into()),
        warnings_total: i64::try_from(import.warnings_total).unwrap_or(i64::MAX),
    };
    let movies = import
        .movies
        .into_iter()
        .enumerate()
        .map(new_movie)
        .collect();
    sessions::create_with(db, upload, movies).await
}

fn new_movie((index, m): (usize, ImportedMovie)) -> NewMovie {
    NewMovie {
        row: index as i32 + 1,
        lookup_key: lookup_key(&m.title, m.year, m.imdb_id.as_deref(), m.tmdb_id),
        title: m.title,
        year: m.year,
        letterboxd_uri: m.letterboxd_uri,
        imdb_id: m.imdb_id,
        tmdb_id: m.tmdb_id,
        watched_date: m.watched_date,
        rating: m.rating,
        rewatch: m.rewatch as i32,
    }
}
