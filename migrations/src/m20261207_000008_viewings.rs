//! Films and their viewings (issue 16). A viewing — a diary or review
//! entry, a line of a viewing history — gets a row of its own, keyed by its
//! film's (session, row). A film keeps each of its export's other dates for
//! what it is: logged as watched, rated, added to a watchlist; and how many
//! viewings it has, so lists need no join.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("viewings")
                    .if_not_exists()
                    .col(big_pk_auto("id"))
                    .col(string_len("session_id", 36))
                    .col(integer("movie_row"))
                    .col(integer("position"))
                    .col(string_len_null("watched_date", 10))
                    .col(double_null("rating"))
                    .col(boolean("rewatch").default(false))
                    .col(text_null("tags"))
                    .col(boolean("reviewed").default(false))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_viewings_session")
                            .from("viewings", "session_id")
                            .to("sessions", "id")
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_viewings_session_row")
                    .table("viewings")
                    .col("session_id")
                    .col("movie_row")
                    .col("position")
                    .if_not_exists()
                    .to_owned(),
            )
            .await?;
        // One column per statement: SQLite's ALTER TABLE adds one at a time.
        for column in ["logged_date", "rated_date", "added_date"] {
            manager
                .alter_table(
                    Table::alter()
                        .table("movies")
                        .add_column(string_len_null(column, 10))
                        .to_owned(),
                )
                .await?;
        }
        manager
            .alter_table(
                Table::alter()
                    .table("movies")
                    .add_column(integer("viewing_count").default(0))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in ["viewing_count", "added_date", "rated_date", "logged_date"] {
            manager
                .alter_table(
                    Table::alter()
                        .table("movies")
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .drop_table(Table::drop().table("viewings").if_exists().to_owned())
            .await
    }
}
