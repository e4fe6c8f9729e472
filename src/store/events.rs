//! The per-session event log: appended by the committer in its transaction,
//! read for replays.

use chrono::Utc;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};

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

/// Events per INSERT: 5 bound values each stays far below SQLite's limit.
const EVENT_CHUNK: usize = 400;

/// Appends events (session, seq, kind, JSON) to the log.
pub async fn append_events(
    txn: &DatabaseTransaction,
    events: &[(&str, i64, &str, &str)],
) -> Result<(), StoreError> {
    let now = Utc::now();
    let rows: Vec<event::ActiveModel> = events
        .iter()
        .map(|&(session_id, seq, kind, payload)| event::ActiveModel {
            session_id: Set(session_id.to_owned()),
            seq: Set(seq),
            kind: Set(kind.to_owned()),
            payload: Set(payload.to_owned()),
            created_at: Set(now),
        })
        .collect();
    for chunk in rows.chunks(EVENT_CHUNK) {
        event::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(txn)
            .await?;
    }
    Ok(())
}
