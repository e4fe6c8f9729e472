//! The database a test runs on: its own SQLite file, or its own fresh
//! PostgreSQL database created from the admin URL in
//! `REELSTREAM_TEST_POSTGRES` and dropped when the test ends.
//!
//! Write a test once as `async fn name(backend: Backend)` and list it in
//! [`on_both_backends!`](crate::on_both_backends): it runs as `name::sqlite`
//! and `name::postgres`. Without `REELSTREAM_TEST_POSTGRES` the PostgreSQL
//! variant prints `skipped: …` and passes, except when `CI` is set: there a
//! missing or unreachable PostgreSQL fails the test, so CI can never skip it.

use sea_orm::{ConnectionTrait, Database, DatabaseConnection, Statement};

/// The environment variable holding the PostgreSQL admin URL, e.g.
/// `postgres://reelstream:reelstream@127.0.0.1:5432/postgres`; the role needs
/// `CREATEDB`.
pub const POSTGRES_ENV: &str = "REELSTREAM_TEST_POSTGRES";

/// Which database engine a test runs on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Backend {
    /// A SQLite file in a temporary directory.
    Sqlite,
    /// A fresh database on the PostgreSQL server at this admin URL.
    Postgres(String),
}

/// Whether this run is CI, where nothing may be skipped.
pub fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "0" && v != "false")
}

impl Backend {
    /// The PostgreSQL backend, or `None` (after printing `skipped: …`) when
    /// `REELSTREAM_TEST_POSTGRES` is unset outside CI. In CI it panics instead.
    pub fn postgres(test: &str) -> Option<Self> {
        match std::env::var(POSTGRES_ENV) {
            Ok(url) if !url.trim().is_empty() => Some(Self::Postgres(url.trim().to_owned())),
            _ if in_ci() => panic!(
                "{test}: {POSTGRES_ENV} is not set, and CI must run the PostgreSQL tests \
                 (.ci/run sets it up)"
            ),
            _ => {
                println!("skipped: {test}: set {POSTGRES_ENV} to run it on PostgreSQL");
                None
            }
        }
    }

    /// Short name, for messages.
    pub fn name(&self) -> &'static str {
        match self {
            Self::Sqlite => "sqlite",
            Self::Postgres(_) => "postgres",
        }
    }

    /// Whether this is PostgreSQL.
    pub fn is_postgres(&self) -> bool {
        matches!(self, Self::Postgres(_))
    }

    /// Creates this test's own empty database.
    pub async fn create_db(&self) -> TestDb {
        match self {
            Self::Sqlite => {
                let dir = tempfile::tempdir().expect("temp dir");
                let url = format!("sqlite://{}?mode=rwc", dir.path().join("test.db").display());
                TestDb {
                    url,
                    _dir: Some(dir),
                    postgres: None,
                }
            }
            Self::Postgres(admin) => {
                let name = format!(
                    "{PREFIX}{}_{}",
                    unix_now(),
                    &uuid::Uuid::new_v4().simple().to_string()[..12]
                );
                let conn = admin_connect(admin).await;
                collect_leftovers(&conn).await;
                conn.execute_raw(Statement::from_string(
                    conn.get_database_backend(),
                    format!("CREATE DATABASE {name}"),
                ))
                .await
                .unwrap_or_else(|e| panic!("creating database {name}: {e}"));
                let _ = conn.close().await;
                TestDb {
                    url: with_database(admin, &name),
                    _dir: None,
                    postgres: Some((admin.clone(), name)),
                }
            }
        }
    }
}

/// Test databases are named `reelstream_test_<unix seconds>_<random>`.
const PREFIX: &str = "reelstream_test_";

/// Age after which a test database is a leftover of a killed run.
const LEFTOVER_SECS: u64 = 10 * 60;

fn unix_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// Drops, once per test process, the test databases that runs killed before
/// they could drop their own (and those whose drop the process outran).
async fn collect_leftovers(conn: &DatabaseConnection) {
    static ONCE: tokio::sync::OnceCell<()> = tokio::sync::OnceCell::const_new();
    ONCE.get_or_init(|| async {
        let backend = conn.get_database_backend();
        let Ok(rows) = conn
            .query_all_raw(Statement::from_string(
                backend,
                format!("SELECT datname FROM pg_database WHERE datname LIKE '{PREFIX}%'"),
            ))
            .await
        else {
            return;
        };
        for row in rows {
            let Ok(name) = row.try_get_by_index::<String>(0) else {
                continue;
            };
            let created = name
                .strip_prefix(PREFIX)
                .and_then(|rest| rest.split('_').next())
                .and_then(|secs| secs.parse::<u64>().ok());
            if created.is_none_or(|secs| unix_now().saturating_sub(secs) > LEFTOVER_SECS) {
                let _ = conn
                    .execute_raw(Statement::from_string(
                        backend,
                        format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"),
                    ))
                    .await;
            }
        }
    })
    .await;
}

async fn admin_connect(admin: &str) -> DatabaseConnection {
    let mut options = sea_orm::ConnectOptions::new(admin.to_owned());
    options
        .sqlx_logging(false)
        .max_connections(1)
        .acquire_timeout(std::time::Duration::from_secs(10));
    Database::connect(options).await.unwrap_or_else(|e| {
        panic!("PostgreSQL at {POSTGRES_ENV} is unreachable ({e}); is it running?")
    })
}

/// `admin` with its database name replaced by `name`.
fn with_database(admin: &str, name: &str) -> String {
    let mut url = reqwest::Url::parse(admin).expect("REELSTREAM_TEST_POSTGRES is a URL");
    url.set_path(&format!("/{name}"));
    url.to_string()
}

/// A test's database; the PostgreSQL one is dropped when this is.
pub struct TestDb {
    /// The `DATABASE_URL` to give a server.
    pub url: String,
    _dir: Option<tempfile::TempDir>,
    postgres: Option<(String, String)>,
}

impl TestDb {
    /// Whether this is PostgreSQL.
    pub fn is_postgres(&self) -> bool {
        self.postgres.is_some()
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let Some((admin, name)) = self.postgres.take() else {
            return;
        };
        // Drop runs inside the test's runtime, which ends right after: the
        // server's pool may still be half-way through opening connections,
        // whose backends hold up DROP DATABASE until the runtime is gone and
        // closes them. So drop from a thread of its own, without waiting; a
        // database the process outruns is collected by a later run.
        std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime");
            runtime.block_on(async {
                let conn = admin_connect(&admin).await;
                let _ = conn
                    .execute_raw(Statement::from_string(
                        conn.get_database_backend(),
                        format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"),
                    ))
                    .await;
            })
        });
    }
}

/// Runs each listed `async fn name(backend: Backend)` on SQLite and on
/// PostgreSQL, as the tests `name::sqlite` and `name::postgres`.
#[macro_export]
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        $(
            mod $name {
                #[tokio::test]
                async fn sqlite() {
                    super::$name($crate::common::Backend::Sqlite).await
                }

                #[tokio::test]
                async fn postgres() {
                    if let Some(backend) = $crate::common::Backend::postgres(module_path!()) {
                        super::$name(backend).await
                    }
                }
            }
        )*
    };
}

/// Runs each listed `async fn name(backend: Backend)` on PostgreSQL only (as
/// `name`), skipped like the PostgreSQL variants of [`on_both_backends!`].
#[macro_export]
macro_rules! on_postgres {
    ($($name:ident),* $(,)?) => {
        $(
            mod $name {
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() {
                    if let Some(backend) = $crate::common::Backend::postgres(module_path!()) {
                        super::$name(backend).await
                    }
                }
            }
        )*
    };
}
