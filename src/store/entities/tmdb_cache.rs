//! Cross-session cache of TMDB answers, keyed by request identity.

use sea_orm::entity::prelude::*;

/// One row of `tmdb_cache`: `body` is JSON, fresh while `fetched_at` is within the TTL.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "tmdb_cache")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub key: String,
    pub body: String,
    pub fetched_at: DateTimeUtc,
}

/// The cache stands alone.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
