//! The lease index holds leased rows only: a new upload's films, never
//! leased yet, no longer cost an index entry each (10 000 rows inserted in
//! one transaction spent 20–40 ms of SQLite's time on it). Lease queries ask
//! for `lease_owner = ?` or `IS NOT NULL`, which both SQLite and PostgreSQL
//! see imply the index's condition.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const INDEX: &str = "idx_movies_lease_owner";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_index(manager).await?;
        // sea-query builds no partial index; the statement is the same on both backends.
        manager
            .get_connection()
            .execute_unprepared(&format!(
                "CREATE INDEX {INDEX} ON movies (lease_owner) WHERE lease_owner IS NOT NULL"
            ))
            .await
            .map(|_| ())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_index(manager).await?;
        manager
            .create_index(
                Index::create()
                    .name(INDEX)
                    .table("movies")
                    .col("lease_owner")
                    .to_owned(),
            )
            .await
    }
}

async fn drop_index(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    manager
        .drop_index(
            Index::drop()
                .name(INDEX)
                .table("movies")
                .if_exists()
                .to_owned(),
        )
        .await
}
