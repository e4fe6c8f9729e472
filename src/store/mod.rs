//! Persistence: entities, connection set-up and the queries the rest of the
//! service needs. Nothing here knows about HTTP.

pub mod backup;
pub(crate) mod cache;
pub mod claims;
pub(crate) mod counters;
pub mod entities;
pub mod events;
pub mod finalize;
pub mod movies;
pub(crate) mod reimport;
pub(crate) mod rematch;
pub mod replicas;
pub(crate) mod review;
pub mod sessions;
pub mod stats;
pub mod upkeep;
pub mod year_films;

use std::ops::Deref;
use std::sync::Arc;
use std::time::Duration;

use migration::{Migrator, MigratorTrait};
use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
use tokio::sync::{Mutex, OwnedMutexGuard};

use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DatabaseTransaction, DbBackend,
    DbErr, SqliteTransactionMode, Statement, TransactionOptions, TransactionTrait,
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

/// The `n`-th (1-based) bound parameter of a statement on `backend`.
pub(crate) fn param(backend: DbBackend, n: usize) -> String {
    match backend {
        DbBackend::Postgres => format!("${n}"),
        _ => format!("?{n}"),
    }
}

/// The PostgreSQL advisory lock taken while migrating (an arbitrary constant).
const MIGRATION_LOCK: i64 = 0x7265_656c_7374_726d; // "reelstrm"

/// How long a SQLite writer waits for the lock before giving up.
const SQLITE_BUSY_TIMEOUT: Duration = Duration::from_secs(30);

/// A handle on the database; cheap to clone.
#[derive(Clone, Debug)]
pub struct Db {
    conn: DatabaseConnection,
    /// On SQLite, taken by every writer of this process before it begins.
    ///
    /// SQLite admits one writer at a time and makes the others poll with
    /// growing sleeps (its busy handler), so a writer freed a moment after
    /// the lock was released could sleep tens of milliseconds; queueing here
    /// instead hands the lock straight to the next writer. Other processes
    /// on the same file still meet at SQLite's own lock.
    write_gate: Option<Arc<Mutex<()>>>,
}

/// A write transaction (holding the write gate on SQLite until it ends).
pub struct WriteTxn {
    // Declared first, so that it is dropped before the gate opens. Committed
    // or rolled back explicitly, it has ended by then; merely dropped (an
    // early return), its rollback is queued on the connection, and the next
    // writer's BEGIN waits for it at SQLite's lock.
    txn: DatabaseTransaction,
    _gate: Option<OwnedMutexGuard<()>>,
}

impl WriteTxn {
    /// Commits the transaction.
    pub async fn commit(self) -> Result<(), DbErr> {
        self.txn.commit().await
    }

    /// Rolls the transaction back (dropping it does too, later).
    pub async fn rollback(self) -> Result<(), DbErr> {
        self.txn.rollback().await
    }
}

impl Deref for WriteTxn {
    type Target = DatabaseTransaction;

    fn deref(&self) -> &DatabaseTransaction {
        &self.txn
    }
}

impl Db {
    /// Connects to `url` (SQLite file or PostgreSQL) and applies pending migrations.
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        if url.starts_with("sqlite:") && url.contains("mode=rwc") {
            create_private_sqlite_file(url);
        }
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
        // Processes starting together on a new database (replicas, or
        // `reelstream enrich` beside a server): one migrates while the others
        // wait, then they find nothing left to do. On SQLite the write
        // transaction (IMMEDIATE) serialises them; PostgreSQL takes an
        // advisory lock, as concurrent DDL does not wait for itself there.
        let write_gate =
            (conn.get_database_backend() == DbBackend::Sqlite).then(|| Arc::new(Mutex::new(())));
        let db = Self { conn, write_gate };
        let txn = db.begin_write().await?;
        if db.is_postgres() {
            txn.execute_raw(Statement::from_string(
                DbBackend::Postgres,
                format!("SELECT pg_advisory_xact_lock({MIGRATION_LOCK})"),
            ))
            .await?;
        }
        Migrator::up(&*txn, None).await?;
        txn.commit().await?;
        Ok(db)
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
    /// On SQLite it waits for the write gate, then begins IMMEDIATE: a
    /// deferred transaction that reads and then writes cannot upgrade its
    /// lock under concurrency and fails at once with SQLITE_BUSY instead of
    /// waiting for the busy timeout.
    pub async fn begin_write(&self) -> Result<WriteTxn, StoreError> {
        let gate = self.write_gate().await;
        let options = TransactionOptions {
            sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
            ..Default::default()
        };
        Ok(WriteTxn {
            txn: self.conn.begin_with_options(options).await?,
            _gate: gate,
        })
    }

    /// Waits for this process's turn to write, for a single write statement
    /// outside [`Db::begin_write`]; `None` (no waiting) on PostgreSQL.
    pub async fn write_gate(&self) -> Option<OwnedMutexGuard<()>> {
        match &self.write_gate {
            Some(gate) => Some(gate.clone().lock_owned().await),
            None => None,
        }
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

/// Creates a new SQLite database file readable by its owner alone (0600)
/// before SQLite would create it world-readable; its `-wal` and `-shm`
/// files take the same permissions. An existing file is left as it is.
/// Whatever fails here (an unparsable URL, a missing directory) SQLite
/// reports in its own words when it opens the file next.
fn create_private_sqlite_file(url: &str) {
    use std::str::FromStr;
    let Ok(options) = sea_orm::sqlx::sqlite::SqliteConnectOptions::from_str(url) else {
        return;
    };
    let path = options.get_filename();
    if path.as_os_str().is_empty() || path.to_string_lossy().contains(":memory:") {
        return;
    }
    let mut file = std::fs::OpenOptions::new();
    file.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut file, 0o600);
    let _ = file.open(path);
}
