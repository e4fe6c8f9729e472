//! The cross-session TMDB cache: JSON answers keyed by request identity.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::OnConflict;
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};

use super::entities::tmdb_cache;
use super::{Db, StoreError};

/// The cached body under `key` when fetched at or after `fresh_since`.
pub async fn get_fresh(
    db: &Db,
    key: &str,
    fresh_since: DateTime<Utc>,
) -> Result<Option<String>, StoreError> {
    Ok(tmdb_cache::Entity::find_by_id(key.to_owned())
        .filter(tmdb_cache::Column::FetchedAt.gte(fresh_since))
        .one(db.conn())
        .await?
        .map(|row| row.body))
}

/// Stores or refreshes `key`.
pub async fn put(db: &Db, key: &str, body: &str) -> Result<(), StoreError> {
    let _gate = db.write_gate().await;
    let row = tmdb_cache::ActiveModel {
        key: Set(key.to_owned()),
        body: Set(body.to_owned()),
        fetched_at: Set(Utc::now()),
    };
    tmdb_cache::Entity::insert(row)
        .on_conflict(
            OnConflict::column(tmdb_cache::Column::Key)
                .update_columns([tmdb_cache::Column::Body, tmdb_cache::Column::FetchedAt])
                .to_owned(),
        )
        .exec_without_returning(db.conn())
        .await?;
    Ok(())
}
