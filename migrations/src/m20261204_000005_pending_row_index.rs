//! An index for the scheduler: it reads a session's pending films a page at
//! a time in upload order, by (session, status, row) — a range read that stops
//! at the page's end instead of a pass over the session's whole backlog. It
//! replaces `(session_id, status)`, its prefix: every status change would
//! otherwise update one index more.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_index(
                Index::create()
                    .name("idx_movies_session_status_row")
                    .table("movies")
                    .col("session_id")
                    .col("status")
                    .col("row")
                    .if_not_exists()
                    .to_owned(),
            )
            .await?;
        manager
            .drop_index(
                Index::drop()
                    .name("idx_movies_session_status")
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
                    .name("idx_movies_session_status")
                    .table("movies")
                    .col("session_id")
                    .col("status")
                    .if_not_exists()
                    .to_owned(),
            )
            .await?;
        manager
            .drop_index(
                Index::drop()
                    .name("idx_movies_session_status_row")
                    .table("movies")
                    .if_exists()
                    .to_owned(),
            )
            .await
    }
}
