//! The replicas serving one database, each with its last heartbeat, so that
//! TMDB's request budget (per IP address) is divided among the live ones.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("replicas")
                    .if_not_exists()
                    .col(string_len("id", 64).primary_key())
                    // Milliseconds since the Unix epoch: compared as numbers,
                    // the same on both backends.
                    .col(big_integer("heartbeat_ms"))
                    .col(big_integer("started_ms"))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table("replicas").to_owned())
            .await
    }
}
