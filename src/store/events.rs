//! Reads of the per-session event log (writes happen in the engine's commit).

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use super::entities::event;
use super::{Db, StoreError};

/// Up to `limit` events of a session with seq in `(after, up_to]`, in order.
pub async fn range(
    db: &Db,
    session_id: &str,
    after: i64,
    up_to: Option<i64>,
    limit: u64,
) -> Result<Vec<event::Model>, StoreError> {
    let mut query = event::Entity::find()
        .filter(event::Column::SessionId.eq(session_id))
        .filter(event::Column::Seq.gt(after));
    if let Some(up_to) = up_to {
        query = query.filter(event::Column::Seq.lte(up_to));
    }
    Ok(query
        .order_by_asc(event::Column::Seq)
        .limit(limit)
        .all(db.conn())
        .await?)
}
