//! Persistence: entities, connection set-up and the queries the rest of the
//! service needs. Nothing here knows about HTTP.

pub mod cache;
pub mod entities;
pub mod events;
pub mod movies;
pub mod sessions;
pub mod stats;
pub mod work;

use std::time::Duration;

use migration::{Migrator, MigratorTrait};
use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
use sea_orm::{
    ConnectOptions, Database, DatabaseConnection, DatabaseTransaction, DbBackend, DbErr,
    SqliteTransactionMode, TransactionOptions, TransactionTrait,
};

/// Errors of the storage layer.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database refused or failed a statement.
    #[error("database error: {0}")]
    Db(#[from] DbErr),
    /// A stored JSON column could not be read back.
    #[error("corrupt stored value: {0}")]
    Corrupt(String),
}

/// How long a SQLite writer waits for the lock before giving up.
const SQLITE_BUSY_TIMEOUT: Duration = Duration::from_secs(30);

/// A handle on the database; cheap to clone.
#[derive(Clone, Debug)]
pub struct Db {
    conn: DatabaseConnection,
}

impl Db {
    /// Connects to `url` (SQLite file or PostgreSQL) and applies pending migrations.
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        let mut options = ConnectOptions::new(url.to_owned());
        options
            .sqlx_logging(false)
            .acquire_timeout(Duration::from_secs(30))
            .map_sqlx_sqlite_opts(|opts| {
                // WAL lets readers (pollers, SSE replays) run beside the single writer.
                opts.journal_mode(SqliteJournalMode::Wal)
                    .synchronous(SqliteSynchronous::Normal)
                    .busy_timeout(SQLITE_BUSY_TIMEOUT)
                    .foreign_keys(true)
            });
        if url.starts_with("sqlite:") {
            options.max_connections(8).min_connections(1);
        } else {
            options.max_connections(16);
        }
        let conn = Database::connect(options).await?;
        Migrator::up(&conn, None).await?;
        Ok(Self { conn })
    }

    /// The underlying connection pool, for reads.
    pub fn conn(&self) -> &DatabaseConnection {
        &self.conn
    }

    /// Which database engine this is.
    pub fn backend(&self) -> DbBackend {
        self.conn.get_database_backend()
    }

    /// Begins a write transaction.
    ///
    /// On SQLite it begins IMMEDIATE: a deferred transaction that reads and then
    /// writes cannot upgrade its lock under concurrency and fails at once with
    /// SQLITE_BUSY instead of waiting for the busy timeout.
    pub async fn begin_write(&self) -> Result<DatabaseTransaction, StoreError> {
        let options = TransactionOptions {
            sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
            ..Default::default()
        };
        Ok(self.conn.begin_with_options(options).await?)
    }

    /// Whether this is PostgreSQL (several replicas may share it).
    pub fn is_postgres(&self) -> bool {
        self.backend() == DbBackend::Postgres
    }

    /// Checks that the database answers, for readiness probes.
    pub async fn ping(&self) -> Result<(), StoreError> {
        Ok(self.conn.ping().await?)
    }
}
