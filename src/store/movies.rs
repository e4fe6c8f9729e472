//! Movie queries for the API: paged listing by status, and the whole library.

use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect};

use super::entities::movie;
use super::{Db, StoreError};
use crate::domain::MovieStatus;

/// A page of a session's movies in upload order, with the total that match.
pub async fn page(
    db: &Db,
    session_id: &str,
    status: Option<MovieStatus>,
    offset: u64,
    limit: u64,
) -> Result<(Vec<movie::Model>, u64), StoreError> {
    let mut query = movie::Entity::find().filter(movie::Column::SessionId.eq(session_id));
    if let Some(status) = status {
        query = query.filter(movie::Column::Status.eq(status));
    }
    let total = query.clone().count(db.conn()).await?;
    let items = query
        .order_by_asc(movie::Column::Row)
        .order_by_asc(movie::Column::Id)
        .offset(offset)
        .limit(limit)
        .all(db.conn())
        .await?;
    Ok((items, total))
}

/// Every movie of a session in upload order, for exports.
pub async fn all(db: &Db, session_id: &str) -> Result<Vec<movie::Model>, StoreError> {
    Ok(movie::Entity::find()
        .filter(movie::Column::SessionId.eq(session_id))
        .order_by_asc(movie::Column::Row)
        .order_by_asc(movie::Column::Id)
        .all(db.conn())
        .await?)
}

/// Reads one movie row.
pub async fn movie(db: &Db, id: i64) -> Result<Option<movie::Model>, StoreError> {
    Ok(movie::Entity::find_by_id(id).one(db.conn()).await?)
}
