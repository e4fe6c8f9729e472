//! The queries that keep a shared instance in order: who owns a session,
//! how many films each client has waiting, and which libraries have expired.

use chrono::Utc;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QuerySelect};

use super::entities::session;
use super::sessions::delete;
use super::{Db, StoreError};
use crate::domain::{ClientKey, OwnerTokenHash, SessionStatus};

/// Replaces a session's owner token hash; false when there is no such session.
pub async fn set_owner(db: &Db, id: &str, owner: &OwnerTokenHash) -> Result<bool, StoreError> {
    let result = session::Entity::update_many()
        .col_expr(
            session::Column::OwnerTokenHash,
            sea_orm::sea_query::Expr::value(owner.as_str()),
        )
        .filter(session::Column::Id.eq(id))
        .exec(db.conn())
        .await?;
    Ok(result.rows_affected > 0)
}

/// Deletes every session not changed since `cutoff` (no upload, fix or
/// lookup since), one at a time as [`delete`] does; returns how many.
pub async fn delete_untouched_since(
    db: &Db,
    cutoff: chrono::DateTime<Utc>,
) -> Result<u64, StoreError> {
    let stale: Vec<String> = session::Entity::find()
        .select_only()
        .column(session::Column::Id)
        .filter(session::Column::UpdatedAt.lt(cutoff))
        .into_tuple()
        .all(db.conn())
        .await?;
    let mut deleted = 0;
    for id in stale {
        deleted += u64::from(delete(db, &id).await?);
    }
    Ok(deleted)
}

/// Films waiting for their lookup: of `client`'s sessions, and of all.
pub async fn pending_films(db: &Db, client: &ClientKey) -> Result<(u64, u64), StoreError> {
    let enriching: Vec<(Option<String>, i32, i32)> = session::Entity::find()
        .select_only()
        .column(session::Column::ClientKey)
        .column(session::Column::TotalMovies)
        .column(session::Column::ProcessedCount)
        .filter(session::Column::Status.eq(SessionStatus::Enriching))
        .into_tuple()
        .all(db.conn())
        .await?;
    let (mut mine, mut all) = (0u64, 0u64);
    for (key, total, processed) in enriching {
        let waiting = (total - processed).max(0) as u64;
        all += waiting;
        if key.as_deref() == Some(client.as_str()) {
            mine += waiting;
        }
    }
    Ok((mine, all))
}
