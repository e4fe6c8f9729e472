//! Libraries that belong to someone and last (issue 18):
//!
//! - `sessions.owner_token_hash`: the SHA-256 of the owner token the upload
//!   handed out. Sessions stored before have none (NULL), so no owner.
//! - `movies.source_key`: the film's identity in its export (a Letterboxd
//!   film URI, an IMDb or TMDB id, else its folded title and year), by which
//!   a re-import finds it again. NULL for films stored before; a re-import
//!   derives it from their stored fields.
//! - `movies.pinned`: the match is a person's (a fix or an accepted
//!   proposal), which no lookup, re-import or retry replaces.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite's ALTER TABLE adds one at a time.
        let columns = [
            ("sessions", text_null("owner_token_hash")),
            ("movies", text_null("source_key")),
            ("movies", boolean("pinned").default(false).to_owned()),
        ];
        for (table, mut column) in columns {
            manager
                .alter_table(
                    Table::alter()
                        .table(table)
                        .add_column(&mut column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let columns = [
            ("movies", "pinned"),
            ("movies", "source_key"),
            ("sessions", "owner_token_hash"),
        ];
        for (table, column) in columns {
            manager
                .alter_table(Table::alter().table(table).drop_column(column).to_owned())
                .await?;
        }
        Ok(())
    }
}
