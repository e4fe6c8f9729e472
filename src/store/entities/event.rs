//! The per-session event log that SSE and WebSocket subscribers replay from.

use sea_orm::entity::prelude::*;

/// One row of `events`: `payload` is the event's JSON exactly as sent.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "events")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub session_id: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub seq: i64,
    pub kind: String,
    pub payload: String,
    pub created_at: DateTimeUtc,
}

/// Events are read by (session, seq) range.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
