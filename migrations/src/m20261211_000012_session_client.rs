//! The client a session was uploaded by (a hash of its address, see
//! `domain::Client`), so that limits and TMDB's fair share count per
//! client: the engine serves clients in turn, and an upload is refused when
//! its client already has too many films waiting. NULL for older sessions,
//! which count as one anonymous client.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table("sessions")
                    .add_column(string_len_null("client_key", 16))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_sessions_client_status")
                    .table("sessions")
                    .col("client_key")
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
                    .name("idx_sessions_client_status")
                    .table("sessions")
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table("sessions")
                    .drop_column("client_key")
                    .to_owned(),
            )
            .await
    }
}
