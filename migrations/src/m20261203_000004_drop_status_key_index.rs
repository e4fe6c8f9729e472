//! Drops the (status, lookup_key) index.
//!
//! Without statistics SQLite's planner takes an equality on an index's first
//! column for a selective one, so every statement saying `status = 'pending'`
//! walked all pending rows of every session through this index, even when it
//! also named the few row ids or the film it wanted — the finalising UPDATE
//! of each film among them. The queries that need pending work by key
//! name the session too and use (session_id, lookup_key, status).

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("idx_movies_status_key")
                    .table("movies")
                    .if_exists()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_index(
                Index::create()
                    .name("idx_movies_status_key")
                    .table("movies")
                    .col("status")
                    .col("lookup_key")
                    .if_not_exists()
                    .to_owned(),
            )
            .await
    }
}
