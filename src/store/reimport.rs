//! A newer export merged into a session's films by their identity in the
//! export (`source_key`): new films are added, changed ones updated, those
//! no longer exported removed, and a person's matches (`pinned`) kept.
//!
//! A film keeps its row number (and so its viewings' keys) across imports;
//! new films take the numbers after the last one, so the library's order is
//! the order films first arrived in.

use std::collections::{HashMap, VecDeque};

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseTransaction, EntityTrait,
    IntoActiveModel, QueryFilter, QueryOrder,
};

use super::StoreError;
use super::counters::{count_final, reopen, uncount_final};
use super::entities::{movie, session, viewing};
use super::sessions::{NewMovie, insert_films};
use crate::domain::{ImportDiff, MovieStatus, Viewing};

/// The identity of a stored film: its `source_key`, or for a film stored
/// before there was one, what it would have been (its Letterboxd URI, else
/// its lookup key, unless a person's fix has replaced that).
fn stored_identity(row: &movie::Model) -> String {
    if let Some(key) = &row.source_key {
        return key.clone();
    }
    match &row.letterboxd_uri {
        Some(uri) => format!("letterboxd:{uri}"),
        None => row.lookup_key.to_string(),
    }
}

/// Merges `films` (a whole newer export, in its order) into `session`'s
/// films, in the caller's transaction, which holds the session's row lock;
/// `session`'s counters follow (saved by the caller). Films looked up
/// again are `pending`, and the session is reopened when there are any.
pub async fn merge(
    txn: &DatabaseTransaction,
    session: &mut session::Model,
    films: Vec<NewMovie>,
) -> Result<ImportDiff, StoreError> {
    let session_id = session.id.clone();
    let stored = movie::Entity::find()
        .filter(movie::Column::SessionId.eq(&session_id))
        .order_by_asc(movie::Column::Row)
        .all(txn)
        .await?;
    let mut viewings = stored_viewings(txn, &session_id).await?;
    // Namesakes share an identity: the first stored goes with the first exported.
    let mut by_identity: HashMap<String, VecDeque<usize>> = HashMap::new();
    for (index, row) in stored.iter().enumerate() {
        by_identity
            .entry(stored_identity(row))
            .or_default()
            .push_back(index);
    }
    let mut matched = vec![false; stored.len()];
    let mut diff = ImportDiff::default();
    let mut added = Vec::new();
    let mut next_rows = stored.last().map_or(0, |r| r.row) + 1..;
    let now = Utc::now();
    let mut requeued = false;
    for mut film in films {
        let found = by_identity
            .get_mut(&film.source_key())
            .and_then(VecDeque::pop_front);
        let Some(index) = found else {
            film.row = next_rows.next().unwrap_or(i32::MAX);
            added.push(film);
            continue;
        };
        matched[index] = true;
        let row = &stored[index];
        let before = viewings.remove(&row.row).unwrap_or_default();
        match update(txn, session, row, &film, &before, now).await? {
            Update::Unchanged => diff.unchanged.push(row.id),
            Update::Changed { requeued: again } => {
                requeued |= again;
                if film.viewings != before {
                    replace_viewings(txn, &session_id, row.row, &film.viewings).await?;
                }
                diff.changed.push(row.id);
            }
        }
    }
    let gone: Vec<&movie::Model> = stored
        .iter()
        .zip(&matched)
        .filter(|(_, kept)| !**kept)
        .map(|(row, _)| row)
        .collect();
    for row in &gone {
        uncount_final(session, row.status);
        session.total_movies -= 1;
        diff.removed.push(row.id);
    }
    remove(txn, &session_id, &gone).await?;
    if !added.is_empty() {
        requeued |= added.iter().any(|f| f.skip_reason.is_none());
        for film in &added {
            session.total_movies += 1;
            if film.skip_reason.is_some() {
                count_final(session, MovieStatus::Skipped);
            }
        }
        diff.added = insert_films(txn, &session_id, &added, now).await?;
    }
    if requeued {
        reopen(session);
    }
    Ok(diff)
}

/// What became of a film found again.
enum Update {
    Unchanged,
    /// Its record changed; `requeued` when it is to be looked up again.
    Changed {
        requeued: bool,
    },
}

/// Brings a stored film up to its newer export record. Its match stays
/// unless what it is looked up by changed, and always when it is pinned.
async fn update(
    txn: &DatabaseTransaction,
    session: &mut session::Model,
    row: &movie::Model,
    film: &NewMovie,
    viewings: &[Viewing],
    now: chrono::DateTime<Utc>,
) -> Result<Update, StoreError> {
    let record_same = row.title == film.title
        && row.year == film.year
        && row.letterboxd_uri == film.letterboxd_uri
        && row.watched_date == film.watched_date
        && row.rating == film.rating
        && row.rewatch == film.rewatch
        && row.logged_date == film.logged_date
        && row.rated_date == film.rated_date
        && row.added_date == film.added_date
        && viewings == film.viewings.as_slice();
    let lookup_same =
        row.pinned || (row.lookup_key == film.lookup_key && row.skip_reason == film.skip_reason);
    if record_same && lookup_same && row.source_key.is_some() {
        return Ok(Update::Unchanged);
    }
    let mut active = row.clone().into_active_model();
    active.title = Set(film.title.clone());
    active.year = Set(film.year);
    active.letterboxd_uri = Set(film.letterboxd_uri.clone());
    active.watched_date = Set(film.watched_date.clone());
    active.rating = Set(film.rating);
    active.rewatch = Set(film.rewatch);
    active.logged_date = Set(film.logged_date.clone());
    active.rated_date = Set(film.rated_date.clone());
    active.added_date = Set(film.added_date.clone());
    active.viewing_count = Set(film.viewings.len() as i32);
    active.source_key = Set(Some(film.source_key()));
    active.updated_at = Set(now);
    if !lookup_same {
        uncount_final(session, row.status);
        active.lookup_key = Set(film.lookup_key.clone());
        active.skip_reason = Set(film.skip_reason);
        active.error = Set(None);
        active.attempts = Set(0);
        active.status = Set(match film.skip_reason {
            Some(_) => MovieStatus::Skipped,
            None => MovieStatus::Pending,
        });
        if film.skip_reason.is_some() {
            count_final(session, MovieStatus::Skipped);
        }
    }
    active.update(txn).await?;
    // A film stored before identities were kept, found again as it was,
    // only gained its `source_key`: that is no change to report.
    if record_same && lookup_same {
        return Ok(Update::Unchanged);
    }
    Ok(Update::Changed {
        requeued: !lookup_same && film.skip_reason.is_none(),
    })
}

/// Every viewing of the session, by its film's row, in file order.
async fn stored_viewings(
    txn: &DatabaseTransaction,
    session_id: &str,
) -> Result<HashMap<i32, Vec<Viewing>>, StoreError> {
    let rows = viewing::Entity::find()
        .filter(viewing::Column::SessionId.eq(session_id))
        .order_by_asc(viewing::Column::MovieRow)
        .order_by_asc(viewing::Column::Position)
        .all(txn)
        .await?;
    let mut by_row: HashMap<i32, Vec<Viewing>> = HashMap::new();
    for v in rows {
        by_row.entry(v.movie_row).or_default().push(Viewing {
            watched_date: v.watched_date,
            rating: v.rating,
            rewatch: v.rewatch,
            tags: v.tags,
            reviewed: v.reviewed,
        });
    }
    Ok(by_row)
}

async fn replace_viewings(
    txn: &DatabaseTransaction,
    session_id: &str,
    row: i32,
    viewings: &[Viewing],
) -> Result<(), StoreError> {
    viewing::Entity::delete_many()
        .filter(viewing::Column::SessionId.eq(session_id))
        .filter(viewing::Column::MovieRow.eq(row))
        .exec(txn)
        .await?;
    super::sessions::insert_viewings(txn, session_id, row, viewings).await
}

/// Deletes films and their viewings, a chunk of rows per statement.
async fn remove(
    txn: &DatabaseTransaction,
    session_id: &str,
    gone: &[&movie::Model],
) -> Result<(), StoreError> {
    for chunk in gone.chunks(500) {
        let ids: Vec<i64> = chunk.iter().map(|r| r.id).collect();
        let rows: Vec<i32> = chunk.iter().map(|r| r.row).collect();
        viewing::Entity::delete_many()
            .filter(viewing::Column::SessionId.eq(session_id))
            .filter(viewing::Column::MovieRow.is_in(rows))
            .exec(txn)
            .await?;
        movie::Entity::delete_many()
            .filter(movie::Column::Id.is_in(ids))
            .exec(txn)
            .await?;
    }
    Ok(())
}

/// Writes the session row after a merge: its counters, status and last seq
/// as [`save_session`](super::counters::save_session) does, its film count,
/// and how the newer export was read.
pub async fn save(txn: &DatabaseTransaction, session: &session::Model) -> Result<(), StoreError> {
    let mut active = session.clone().into_active_model();
    for column in [
        session::Column::Status,
        session::Column::TotalMovies,
        session::Column::ProcessedCount,
        session::Column::EnrichedCount,
        session::Column::UnmatchedCount,
        session::Column::FailedCount,
        session::Column::SkippedCount,
        session::Column::ReviewCount,
        session::Column::LastSeq,
        session::Column::CompletedAt,
        session::Column::SourceFormat,
        session::Column::Encoding,
        session::Column::Warnings,
        session::Column::WarningsTotal,
    ] {
        active.reset(column);
    }
    active.updated_at = Set(Utc::now());
    active.update(txn).await?;
    Ok(())
}
