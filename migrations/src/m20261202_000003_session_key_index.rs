//! An index for the committer: it finds a film's pending rows by
//! (session, lookup key, status) — one lookup instead of a scan of the session.
//!
//! `if_not_exists` because builds before this migration created the same index
//! inside the initial migration, so some databases already have it.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_index(
                Index::create()
                    .name("idx_movies_session_key")
                    .table("movies")
                    .col("session_id")
                    .col("lookup_key")
                    .col("status")
                    .if_not_exists()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("idx_movies_session_key")
                    .table("movies")
                    .if_exists()
                    .to_owned(),
            )
            .await
    }
}
