//! Films in review accepted by a person: one, or every one the matcher was
//! at least so confident of.

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseTransaction, EntityTrait,
    IntoActiveModel, QueryFilter, QueryOrder,
};

use super::StoreError;
use super::entities::movie;
use crate::domain::{LookupKey, MediaType, MovieStatus};

/// Which films in review to accept.
#[derive(Clone, Copy, Debug)]
pub enum Accepting {
    /// This movie, if it is in review.
    One(i64),
    /// Every film in review whose proposal's confidence is at least this.
    AtLeast(f64),
}

/// Marks the session's films in review that `which` names as enriched with
/// their proposal, pinned to it as a person's choice (their lookup key
/// becomes the TMDB id, as a manual fix's does). Returns them as accepted,
/// in row order. The caller holds the session's row lock and counts them.
pub async fn accept(
    txn: &DatabaseTransaction,
    session_id: &str,
    which: Accepting,
) -> Result<Vec<movie::Model>, StoreError> {
    let mut query = movie::Entity::find()
        .filter(movie::Column::SessionId.eq(session_id))
        .filter(movie::Column::Status.eq(MovieStatus::Review));
    query = match which {
        Accepting::One(id) => query.filter(movie::Column::Id.eq(id)),
        Accepting::AtLeast(min) => query.filter(movie::Column::MatchConfidence.gte(min)),
    };
    let rows = query.order_by_asc(movie::Column::Row).all(txn).await?;
    let now = Utc::now();
    let mut accepted = Vec::with_capacity(rows.len());
    for row in rows {
        let pinned = row
            .tmdb_id
            .map(|id| LookupKey::manual(id, row.media_type.unwrap_or(MediaType::Movie)));
        let mut active = row.into_active_model();
        active.status = Set(MovieStatus::Enriched);
        if let Some(key) = pinned {
            active.lookup_key = Set(key);
            active.pinned = Set(true);
        }
        active.updated_at = Set(now);
        accepted.push(active.update(txn).await?);
    }
    Ok(accepted)
}
