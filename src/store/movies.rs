//! Movie queries for the API: paged listing by status, and keyset pages of
//! the whole library for exports.

use sea_orm::{
    ColumnTrait, Condition, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};

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

/// Where a page of a session's films in upload order ends: the last film's
/// row and id.
pub type Cursor = (i32, i64);

/// Up to `limit` of a session's movies in upload order after `cursor` (from
/// the start without one): a keyset page, as cheap at the end of a large
/// library as at its start.
pub async fn after(
    db: &Db,
    session_id: &str,
    cursor: Option<Cursor>,
    limit: u64,
) -> Result<Vec<movie::Model>, StoreError> {
    let mut query = movie::Entity::find().filter(movie::Column::SessionId.eq(session_id));
    if let Some((row, id)) = cursor {
        query = query.filter(
            Condition::any().add(movie::Column::Row.gt(row)).add(
                Condition::all()
                    .add(movie::Column::Row.eq(row))
                    .add(movie::Column::Id.gt(id)),
            ),
        );
    }
    Ok(query
        .order_by_asc(movie::Column::Row)
        .order_by_asc(movie::Column::Id)
        .limit(limit)
        .all(db.conn())
        .await?)
}

/// Reads one movie row.
pub async fn movie(db: &Db, id: i64) -> Result<Option<movie::Model>, StoreError> {
    Ok(movie::Entity::find_by_id(id).one(db.conn()).await?)
}
