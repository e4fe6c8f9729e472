//! An upload and its enrichment progress.

use sea_orm::entity::prelude::*;

/// One row of `sessions`.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "sessions")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub status: crate::domain::SessionStatus,
    pub source_format: String,
    pub total_movies: i32,
    pub processed_count: i32,
    pub enriched_count: i32,
    pub unmatched_count: i32,
    pub failed_count: i32,
    pub skipped_count: i32,
    pub review_count: i32,
    pub last_seq: i64,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub completed_at: Option<DateTimeUtc>,
    /// The character encoding the upload was read in (`utf-8`, `windows-1252` …).
    pub encoding: String,
    /// The import's first warnings, a JSON array of `{file, row, column, message}`.
    #[sea_orm(column_type = "Text")]
    pub warnings: String,
    /// How many warnings the import had in all.
    pub warnings_total: i64,
    /// SHA-256 of the owner token, hex; none for a session stored before owner tokens.
    pub owner_token_hash: Option<String>,
    /// The client that uploaded it (`domain::ClientKey`); none for older sessions.
    pub client_key: Option<String>,
}

/// Sessions relate to movies and events through plain queries, not joins.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
