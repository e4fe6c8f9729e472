//! A person's corrections: failed films queued again, and a film pointed at
//! the TMDB id they chose.

use chrono::Utc;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter,
};

use super::claims::unleasing;
use super::counters::{reopen, save_session, uncount_final};
use super::entities::movie;
use super::sessions::session_in;
use super::{Db, StoreError};
use crate::domain::{LookupKey, MediaType, MovieStatus};

/// Puts a session's failed films back in the queue; returns how many.
pub async fn retry_failed(db: &Db, session_id: &str) -> Result<u64, StoreError> {
    let txn = db.begin_write().await?;
    let Some(mut session) = session_in(&txn, session_id).await? else {
        return Ok(0);
    };
    let result = unleasing(movie::Entity::update_many())
        .col_expr(movie::Column::Status, Expr::value(MovieStatus::Pending))
        .col_expr(movie::Column::Error, Expr::value(Option::<String>::None))
        .filter(movie::Column::SessionId.eq(session_id))
        .filter(movie::Column::Status.eq(MovieStatus::Failed))
        .exec(&*txn)
        .await?;
    let n = result.rows_affected as i32;
    if n > 0 {
        for _ in 0..n {
            uncount_final(&mut session, MovieStatus::Failed);
        }
        reopen(&mut session);
        save_session(&txn, &session).await?;
    }
    txn.commit().await?;
    Ok(n as u64)
}

/// Points one movie at a TMDB id chosen by a person and queues it again.
/// Returns the movie as queued, or None when the session has no such movie.
pub async fn rematch(
    db: &Db,
    session_id: &str,
    movie_id: i64,
    tmdb_id: i64,
    media_type: MediaType,
) -> Result<Option<movie::Model>, StoreError> {
    let txn = db.begin_write().await?;
    // The session row first, as every writer locks it: the movie read after it
    // cannot change underneath (a committer finalising it holds the same lock).
    let Some(mut session) = session_in(&txn, session_id).await? else {
        return Ok(None);
    };
    let Some(row) = movie::Entity::find_by_id(movie_id)
        .filter(movie::Column::SessionId.eq(session_id))
        .one(&*txn)
        .await?
    else {
        return Ok(None);
    };
    uncount_final(&mut session, row.status);
    reopen(&mut session);
    save_session(&txn, &session).await?;
    let mut active = row.into_active_model();
    active.status = Set(MovieStatus::Pending);
    active.tmdb_id = Set(Some(tmdb_id));
    active.lookup_key = Set(LookupKey::manual(tmdb_id, media_type));
    active.pinned = Set(true);
    active.error = Set(None);
    active.skip_reason = Set(None);
    active.lease_owner = Set(None);
    active.lease_expires_at = Set(None);
    active.updated_at = Set(Utc::now());
    let queued = active.update(&*txn).await?;
    txn.commit().await?;
    Ok(Some(queued))
}
