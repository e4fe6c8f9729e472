//! Session queries: creation with all its movies, reads and deletion.

use chrono::Utc;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};

use super::entities::{event, movie, session, viewing};
use super::{Db, StoreError, events};
use crate::domain::{
    ClientKey, LookupKey, MovieStatus, OwnerTokenHash, SessionStatus, SkipReason, Viewing,
};

/// A movie row to insert, as parsed from an upload.
#[derive(Clone, Debug)]
pub struct NewMovie {
    /// 1-based position in the upload.
    pub row: i32,
    /// Title as written in the export.
    pub title: String,
    /// Year as written in the export, when usable.
    pub year: Option<i32>,
    /// Letterboxd film URI.
    pub letterboxd_uri: Option<String>,
    /// IMDb id from the export (tt…).
    pub imdb_id: Option<String>,
    /// TMDB id from the export.
    pub tmdb_id: Option<i64>,
    /// The latest viewing's date, ISO.
    pub watched_date: Option<String>,
    /// Rating on a 0.5–5 scale.
    pub rating: Option<f64>,
    /// Number of viewings marked as rewatches.
    pub rewatch: i32,
    /// When it was logged as watched, ISO.
    pub logged_date: Option<String>,
    /// When it was rated, ISO.
    pub rated_date: Option<String>,
    /// When it was added to a watchlist, ISO.
    pub added_date: Option<String>,
    /// Its viewings, in file order.
    pub viewings: Vec<Viewing>,
    /// Identity of the film for lookups.
    pub lookup_key: LookupKey,
    /// Why the row is skipped (final as `skipped`, never looked up); none
    /// for a row to look up (`pending`).
    pub skip_reason: Option<SkipReason>,
}

impl NewMovie {
    /// The film's identity in its export, by which a re-import finds it
    /// again: its Letterboxd film URI, else its lookup key (an IMDb or TMDB
    /// id, else its folded title and year).
    pub fn source_key(&self) -> String {
        match &self.letterboxd_uri {
            Some(uri) => format!("letterboxd:{uri}"),
            None => self.lookup_key.to_string(),
        }
    }

    /// A pending row known by its title, year and key alone.
    pub fn new(row: i32, title: String, year: Option<i32>, lookup_key: LookupKey) -> Self {
        Self {
            row,
            title,
            year,
            letterboxd_uri: None,
            imdb_id: None,
            tmdb_id: None,
            watched_date: None,
            rating: None,
            rewatch: 0,
            logged_date: None,
            rated_date: None,
            added_date: None,
            viewings: Vec::new(),
            lookup_key,
            skip_reason: None,
        }
    }
}

/// SQLite allows 32 766 bound variables per statement; 500 rows × ~12 columns stays well below.
const INSERT_CHUNK: usize = 500;

/// What a session records about how its upload was read.
#[derive(Clone, Debug)]
pub struct NewSession<'a> {
    /// The detected source format (`SourceFormat::as_str`).
    pub source_format: &'a str,
    /// The encoding label the file was read in.
    pub encoding: &'a str,
    /// The first warnings, as a JSON array.
    pub warnings_json: String,
    /// How many warnings there were in all.
    pub warnings_total: i64,
    /// What is kept of the owner token; none makes a session no one can change.
    pub owner: Option<OwnerTokenHash>,
    /// The client uploading it.
    pub client: Option<ClientKey>,
}

impl<'a> NewSession<'a> {
    /// A UTF-8 upload of `source_format` without warnings.
    pub fn of_format(source_format: &'a str) -> Self {
        Self {
            source_format,
            encoding: "utf-8",
            warnings_json: "[]".to_owned(),
            warnings_total: 0,
            owner: None,
            client: None,
        }
    }
}

/// Creates a session of a UTF-8 upload without warnings and all its movies;
/// see [`create_with`].
pub async fn create(
    db: &Db,
    source_format: &str,
    movies: Vec<NewMovie>,
    completed_event: impl FnOnce(&session::Model) -> String,
) -> Result<session::Model, StoreError> {
    create_with(
        db,
        NewSession::of_format(source_format),
        movies,
        completed_event,
    )
    .await
}

/// Creates a session and all its movies in one transaction: `pending`, or
/// `skipped` and counted as final. A session that is complete from the
/// start (every row skipped) gets its `completed` event, whose JSON
/// `completed_event` renders from the session as created, as seq 1.
pub async fn create_with(
    db: &Db,
    upload: NewSession<'_>,
    movies: Vec<NewMovie>,
    completed_event: impl FnOnce(&session::Model) -> String,
) -> Result<session::Model, StoreError> {
    let now = Utc::now();
    let skipped = movies.iter().filter(|m| m.skip_reason.is_some()).count() as i32;
    let complete = skipped == movies.len() as i32;
    let mut model = session::Model {
        id: uuid::Uuid::new_v4().to_string(),
        status: if complete {
            SessionStatus::Completed
        } else {
            SessionStatus::Enriching
        },
        source_format: upload.source_format.to_owned(),
        total_movies: movies.len() as i32,
        processed_count: skipped,
        enriched_count: 0,
        unmatched_count: 0,
        failed_count: 0,
        skipped_count: skipped,
        review_count: 0,
        last_seq: 0,
        created_at: now,
        updated_at: now,
        completed_at: complete.then_some(now),
        encoding: upload.encoding.to_owned(),
        warnings: upload.warnings_json,
        warnings_total: upload.warnings_total,
        owner_token_hash: upload.owner.map(|hash| hash.as_str().to_owned()),
        client_key: upload.client.map(|key| key.as_str().to_owned()),
    };
    // A session without rows has no stream to end (no upload creates one).
    let completed = (complete && !movies.is_empty()).then(|| {
        model.last_seq = 1;
        completed_event(&model)
    });
    let txn = db.begin_write().await?;
    session::Entity::insert(session::ActiveModel::from(model.clone()))
        .exec_without_returning(&*txn)
        .await?;
    insert_rows(&txn, &model.id, &movies, now).await?;
    if let Some(json) = &completed {
        events::append_events(&txn, &[(model.id.as_str(), 1, "completed", json.as_str())]).await?;
    }
    txn.commit().await?;
    Ok(model)
}

/// Inserts films (numbered already) and their viewings in the caller's
/// transaction; returns their ids in row order.
pub(super) async fn insert_films(
    txn: &DatabaseTransaction,
    session_id: &str,
    films: &[NewMovie],
    now: chrono::DateTime<Utc>,
) -> Result<Vec<i64>, StoreError> {
    insert_rows(txn, session_id, films, now).await?;
    let Some(first) = films.iter().map(|f| f.row).min() else {
        return Ok(Vec::new());
    };
    Ok(movie::Entity::find()
        .select_only()
        .column(movie::Column::Id)
        .filter(movie::Column::SessionId.eq(session_id))
        .filter(movie::Column::Row.gte(first))
        .order_by_asc(movie::Column::Row)
        .into_tuple()
        .all(txn)
        .await?)
}

async fn insert_rows(
    txn: &DatabaseTransaction,
    session_id: &str,
    films: &[NewMovie],
    now: chrono::DateTime<Utc>,
) -> Result<(), StoreError> {
    for chunk in films.chunks(INSERT_CHUNK) {
        let rows = chunk.iter().map(|m| new_movie_row(session_id, m, now));
        movie::Entity::insert_many(rows)
            .exec_without_returning(txn)
            .await?;
    }
    let viewings: Vec<_> = films
        .iter()
        .flat_map(|m| {
            m.viewings
                .iter()
                .enumerate()
                .map(|(position, v)| new_viewing_row(session_id, m.row, position, v))
        })
        .collect();
    for chunk in viewings.chunks(INSERT_CHUNK) {
        viewing::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(txn)
            .await?;
    }
    Ok(())
}

/// Inserts one film's viewings, keyed by its row.
pub(super) async fn insert_viewings(
    txn: &DatabaseTransaction,
    session_id: &str,
    row: i32,
    viewings: &[Viewing],
) -> Result<(), StoreError> {
    let rows: Vec<_> = viewings
        .iter()
        .enumerate()
        .map(|(position, v)| new_viewing_row(session_id, row, position, v))
        .collect();
    for chunk in rows.chunks(INSERT_CHUNK) {
        viewing::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(txn)
            .await?;
    }
    Ok(())
}

fn new_movie_row(session_id: &str, m: &NewMovie, now: chrono::DateTime<Utc>) -> movie::ActiveModel {
    movie::ActiveModel {
        session_id: Set(session_id.to_owned()),
        row: Set(m.row),
        title: Set(m.title.clone()),
        year: Set(m.year),
        letterboxd_uri: Set(m.letterboxd_uri.clone()),
        watched_date: Set(m.watched_date.clone()),
        rating: Set(m.rating),
        rewatch: Set(m.rewatch),
        logged_date: Set(m.logged_date.clone()),
        rated_date: Set(m.rated_date.clone()),
        added_date: Set(m.added_date.clone()),
        viewing_count: Set(m.viewings.len() as i32),
        lookup_key: Set(m.lookup_key.clone()),
        source_key: Set(Some(m.source_key())),
        status: Set(if m.skip_reason.is_some() {
            MovieStatus::Skipped
        } else {
            MovieStatus::Pending
        }),
        skip_reason: Set(m.skip_reason),
        tmdb_id: Set(m.tmdb_id),
        imdb_id: Set(m.imdb_id.clone()),
        attempts: Set(0),
        updated_at: Set(now),
        ..Default::default()
    }
}

fn new_viewing_row(
    session_id: &str,
    row: i32,
    position: usize,
    v: &Viewing,
) -> viewing::ActiveModel {
    viewing::ActiveModel {
        session_id: Set(session_id.to_owned()),
        movie_row: Set(row),
        position: Set(position as i32),
        watched_date: Set(v.watched_date.clone()),
        rating: Set(v.rating),
        rewatch: Set(v.rewatch),
        tags: Set(v.tags.clone()),
        reviewed: Set(v.reviewed),
        ..Default::default()
    }
}

/// Reads one session.
pub async fn get(db: &Db, id: &str) -> Result<Option<session::Model>, StoreError> {
    Ok(session::Entity::find_by_id(id.to_owned())
        .one(db.conn())
        .await?)
}

/// Deletes a session with its movies and events; false when it did not exist.
pub async fn delete(db: &Db, id: &str) -> Result<bool, StoreError> {
    let txn = db.begin_write().await?;
    // Lock the session row first, as every writer does, so that a commit for
    // it on another replica finishes before its rows go.
    if session_in(&txn, id).await?.is_none() {
        return Ok(false);
    }
    // Explicit deletes rather than relying on ON DELETE CASCADE, which SQLite
    // only honours when foreign keys are switched on for the connection.
    viewing::Entity::delete_many()
        .filter(viewing::Column::SessionId.eq(id))
        .exec(&*txn)
        .await?;
    movie::Entity::delete_many()
        .filter(movie::Column::SessionId.eq(id))
        .exec(&*txn)
        .await?;
    event::Entity::delete_many()
        .filter(event::Column::SessionId.eq(id))
        .exec(&*txn)
        .await?;
    let result = session::Entity::delete_by_id(id.to_owned())
        .exec(&*txn)
        .await?;
    txn.commit().await?;
    Ok(result.rows_affected > 0)
}

/// Reads a session inside a write transaction, locking its row (`FOR
/// UPDATE` on PostgreSQL) so that the counters and the seq it hands out are
/// read and written by one transaction at a time, whichever replica runs it.
pub async fn session_in(
    txn: &DatabaseTransaction,
    id: &str,
) -> Result<Option<session::Model>, StoreError> {
    Ok(session::Entity::find_by_id(id.to_owned())
        .lock_exclusive()
        .one(txn)
        .await?)
}
