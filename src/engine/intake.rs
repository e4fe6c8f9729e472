//! From a parsed import to a pending session: the one path by which films
//! enter the engine, shared by `POST /api/upload` and `reelstream enrich`.

use crate::engine::normalize::lookup_key;
use crate::import::{Import, ImportedMovie};
use crate::store::entities::session;
use crate::store::sessions::{self, NewMovie};
use crate::store::{Db, StoreError};

/// Stores a parsed import as a new session whose films are all `pending`;
/// the caller wakes (or starts) the engine afterwards.
pub async fn create_session(db: &Db, import: Import) -> Result<session::Model, StoreError> {
    let movies = import
        .movies
        .into_iter()
        .enumerate()
        .map(new_movie)
        .collect();
    sessions::create(db, import.format.as_str(), movies).await
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
