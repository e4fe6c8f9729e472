//! An index for the lease queries: renewing and releasing a replica's claims
//! look its films up by owner.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_index(
                Index::create()
                    .name("idx_movies_lease_owner")
                    .table("movies")
                    .col("lease_owner")
                    .if_not_exists()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("idx_movies_lease_owner")
                    .table("movies")
                    .if_exists()
                    .to_owned(),
            )
            .await
    }
}
