//! Database migrations for reelstream, shared by SQLite and PostgreSQL.

pub use sea_orm_migration::prelude::*;

mod m20261125_000001_init;
mod m20261201_000002_lease_index;
mod m20261202_000003_session_key_index;
mod m20261203_000004_drop_status_key_index;
mod m20261204_000005_pending_row_index;
mod m20261205_000006_session_import_notes;
mod m20261206_000007_skipped;
mod m20261207_000008_viewings;
mod m20261208_000009_review;
mod m20261209_000010_partial_lease_index;
mod m20261210_000011_owners_and_reimport;
mod m20261211_000012_session_client;
mod m20261212_000013_replicas;

/// The ordered list of reelstream migrations, applied on start.
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261125_000001_init::Migration),
            Box::new(m20261201_000002_lease_index::Migration),
            Box::new(m20261202_000003_session_key_index::Migration),
            Box::new(m20261203_000004_drop_status_key_index::Migration),
            Box::new(m20261204_000005_pending_row_index::Migration),
            Box::new(m20261205_000006_session_import_notes::Migration),
            Box::new(m20261206_000007_skipped::Migration),
            Box::new(m20261207_000008_viewings::Migration),
            Box::new(m20261208_000009_review::Migration),
            Box::new(m20261209_000010_partial_lease_index::Migration),
            Box::new(m20261210_000011_owners_and_reimport::Migration),
            Box::new(m20261211_000012_session_client::Migration),
            Box::new(m20261212_000013_replicas::Migration),
        ]
    }
}
