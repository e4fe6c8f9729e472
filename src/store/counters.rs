//! A session's counters: counted as rows become final, saved under the
//! session's row lock, and recomputed from the rows when in doubt.

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseTransaction, EntityTrait,
    IntoActiveModel, QueryFilter, QuerySelect,
};

use super::entities::{movie, session};
use super::sessions::session_in;
use super::{Db, StoreError};
use crate::domain::{MovieStatus, SessionStatus};

/// Counts one row that became final.
pub fn count_final(session: &mut session::Model, status: MovieStatus) {
    if let Some(count) = per_status(session, status) {
        *count += 1;
        session.processed_count += 1;
    }
}

/// Uncounts a row that was final and is queued again (a fix, a retry).
pub fn uncount_final(session: &mut session::Model, status: MovieStatus) {
    if let Some(count) = per_status(session, status) {
        *count -= 1;
        session.processed_count -= 1;
    }
}

/// The counter of a final status; none for a pending row, which no count includes.
fn per_status(session: &mut session::Model, status: MovieStatus) -> Option<&mut i32> {
    match status {
        MovieStatus::Pending => None,
        MovieStatus::Enriched => Some(&mut session.enriched_count),
        MovieStatus::Unmatched => Some(&mut session.unmatched_count),
        MovieStatus::Failed => Some(&mut session.failed_count),
        MovieStatus::Skipped => Some(&mut session.skipped_count),
        MovieStatus::Review => Some(&mut session.review_count),
    }
}

/// Whether every row is final.
pub fn is_complete(session: &session::Model) -> bool {
    session.processed_count >= session.total_movies
}

/// Marks a session completed (in memory; saved by [`save_session`]).
pub fn complete(session: &mut session::Model) {
    let now = Utc::now();
    session.status = SessionStatus::Completed;
    session.completed_at = Some(now);
}

/// Writes a session's counters, status and last seq.
pub async fn save_session(
    txn: &DatabaseTransaction,
    session: &session::Model,
) -> Result<(), StoreError> {
    let mut active = session.clone().into_active_model();
    active.status = Set(session.status);
    active.processed_count = Set(session.processed_count);
    active.enriched_count = Set(session.enriched_count);
    active.unmatched_count = Set(session.unmatched_count);
    active.failed_count = Set(session.failed_count);
    active.skipped_count = Set(session.skipped_count);
    active.review_count = Set(session.review_count);
    active.last_seq = Set(session.last_seq);
    active.completed_at = Set(session.completed_at);
    active.updated_at = Set(Utc::now());
    active.update(txn).await?;
    Ok(())
}

pub(super) fn reopen(session: &mut session::Model) {
    if session.processed_count < session.total_movies {
        session.status = SessionStatus::Enriching;
        session.completed_at = None;
    }
}

/// Recomputes a session's counters from its rows, so they always equal what
/// the rows say even after a crash between two versions of the code.
pub async fn reconcile(db: &Db, session_id: &str) -> Result<(), StoreError> {
    let txn = db.begin_write().await?;
    let Some(mut session) = session_in(&txn, session_id).await? else {
        return Ok(());
    };
    let counts: Vec<(MovieStatus, i64)> = movie::Entity::find()
        .select_only()
        .column(movie::Column::Status)
        .column_as(movie::Column::Id.count(), "n")
        .filter(movie::Column::SessionId.eq(session_id))
        .group_by(movie::Column::Status)
        .into_tuple()
        .all(&*txn)
        .await?;
    session.processed_count = 0;
    session.enriched_count = 0;
    session.unmatched_count = 0;
    session.failed_count = 0;
    session.skipped_count = 0;
    session.review_count = 0;
    for (status, n) in counts {
        if let Some(count) = per_status(&mut session, status) {
            *count = n as i32;
            session.processed_count += n as i32;
        }
    }
    if is_complete(&session) && session.status != SessionStatus::Completed {
        complete(&mut session);
    }
    save_session(&txn, &session).await?;
    txn.commit().await?;
    Ok(())
}
