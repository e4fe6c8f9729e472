//! What a session records about how its upload was read (issue 16): the
//! character encoding, and the warnings for what was skipped or dropped —
//! the first 100 as JSON text, and their total.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite's ALTER TABLE adds one at a time.
        // Sessions from before this migration were read as UTF-8 (anything
        // else was refused) and had no warnings, so the defaults are true.
        let columns = [
            string_len("encoding", 32).default("utf-8").to_owned(),
            text("warnings").default("[]").to_owned(),
            big_integer("warnings_total").default(0).to_owned(),
        ];
        for column in columns {
            manager
                .alter_table(
                    Table::alter()
                        .table("sessions")
                        .add_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in ["warnings_total", "warnings", "encoding"] {
            manager
                .alter_table(
                    Table::alter()
                        .table("sessions")
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
