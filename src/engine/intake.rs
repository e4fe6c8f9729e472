//! From a parsed import to a new session: the one path by which films
//! enter the engine, shared by `POST /api/upload` and `reelstream enrich`.
//!
//! Films are `pending`, except those the export says are neither films nor
//! shows: they are `skipped` from the start, counted as final, and never
//! reach the engine. A session whose films are all skipped is completed at
//! once, its log holding only its `completed` event, so that a subscriber's
//! stream ends as every other session's does.

use crate::domain::{ClientKey, OwnerToken};
use crate::engine::normalize::{lookup_key, show_key};
use crate::events::{CompletedEvent, Event};
use crate::import::{Import, ImportedMovie, TitleKind};
use crate::model::Session;
use crate::store::entities::session;
use crate::store::sessions::{self, NewMovie, NewSession};
use crate::store::{Db, StoreError};

/// Stores a parsed import as a new session whose films are `pending` (or
/// `skipped`), owned by the token returned beside it (which is kept nowhere:
/// the caller hands it out once). The caller wakes (or starts) the engine.
pub async fn create_session(
    db: &Db,
    import: Import,
    client: Option<ClientKey>,
) -> Result<(session::Model, OwnerToken), StoreError> {
    let owner = OwnerToken::generate();
    let encoding = import.encoding.label();
    let upload = NewSession {
        source_format: import.format.as_str(),
        encoding: &encoding,
        // Serialising plain strings and numbers cannot fail; an empty list
        // would still be a truthful, if lossy, record.
        warnings_json: serde_json::to_string(&import.warnings).unwrap_or_else(|_| "[]".into()),
        warnings_total: i64::try_from(import.warnings_total).unwrap_or(i64::MAX),
        owner: Some(owner.hash()),
        client,
    };
    let movies = import
        .movies
        .into_iter()
        .enumerate()
        .map(new_movie)
        .collect();
    let session = sessions::create_with(db, upload, movies, completed_event).await?;
    Ok((session, owner))
}

/// The `completed` event of a session complete at its creation, as logged.
fn completed_event(session: &session::Model) -> String {
    Event::Completed(CompletedEvent {
        seq: session.last_seq,
        session: Session::from(session.clone()),
    })
    .to_json()
}

/// A parsed film as a row to store, numbered from its 0-based position.
pub(crate) fn new_movie((index, m): (usize, ImportedMovie)) -> NewMovie {
    let (imdb_id, tmdb_id) = (m.imdb_id.as_deref(), m.tmdb_id);
    let (lookup_key, skip_reason) = match m.kind {
        TitleKind::Film => (lookup_key(&m.title, m.year, imdb_id, tmdb_id), None),
        TitleKind::Show => (show_key(&m.title, m.year, imdb_id, tmdb_id), None),
        // Never looked up: the key only keeps the row's identity.
        TitleKind::Skipped(reason) => {
            (lookup_key(&m.title, m.year, imdb_id, tmdb_id), Some(reason))
        }
    };
    let watched_date = m.watched_date().map(str::to_owned);
    let rewatch = m.rewatches() as i32;
    NewMovie {
        row: index as i32 + 1,
        lookup_key,
        skip_reason,
        title: m.title,
        year: m.year,
        letterboxd_uri: m.letterboxd_uri,
        imdb_id: m.imdb_id,
        tmdb_id: m.tmdb_id,
        watched_date,
        rewatch,
        rating: m.rating,
        logged_date: m.logged_date,
        rated_date: m.rated_date,
        added_date: m.added_date,
        viewings: m.viewings,
    }
}
