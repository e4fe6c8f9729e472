//! Rows that are neither films nor shows (IMDb's TV episodes and video
//! games): a session counts them as `skipped_count`, and each such row keeps
//! why in `skip_reason`. The status itself is TEXT already, so `skipped`
//! needs no change to existing rows.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite's ALTER TABLE adds one at a time.
        manager
            .alter_table(
                Table::alter()
                    .table("sessions")
                    .add_column(integer("skipped_count").default(0))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table("movies")
                    .add_column(string_len_null("skip_reason", 16))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table("movies")
                    .drop_column("skip_reason")
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table("sessions")
                    .drop_column("skipped_count")
                    .to_owned(),
            )
            .await
    }
}
