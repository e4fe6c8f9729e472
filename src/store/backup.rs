//! A consistent copy of a SQLite database taken while the server runs:
//! `VACUUM INTO` reads one snapshot (WAL readers never block the writer)
//! and writes a compact, standalone file.

use std::path::Path;

use sea_orm::{ConnectionTrait, Database, DbBackend, Statement};

use super::StoreError;

/// What a backup wrote.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Backup {
    /// Bytes of the copy.
    pub bytes: u64,
    /// Sessions in the copy.
    pub sessions: i64,
    /// Film rows in the copy.
    pub films: i64,
}

/// Copies the SQLite database at `database_url` to the new file `to`, then
/// opens the copy and checks it (`PRAGMA quick_check`, and what it holds).
pub async fn sqlite(database_url: &str, to: &Path) -> Result<Backup, StoreError> {
    let source = Database::connect(database_url).await?;
    if source.get_database_backend() != DbBackend::Sqlite {
        return Err(StoreError::Corrupt(
            "only a SQLite database is copied this way".into(),
        ));
    }
    let target = to.to_string_lossy().into_owned();
    source
        .execute_raw(Statement::from_sql_and_values(
            DbBackend::Sqlite,
            "VACUUM INTO ?",
            [target.clone().into()],
        ))
        .await?;
    source.close().await?;

    let copy = Database::connect(format!("sqlite://{target}?mode=ro")).await?;
    let one = |sql: &str| Statement::from_string(DbBackend::Sqlite, sql.to_owned());
    let check = copy.query_one_raw(one("PRAGMA quick_check")).await?;
    let verdict: String = check
        .map(|r| r.try_get_by_index(0))
        .transpose()?
        .unwrap_or_default();
    if verdict != "ok" {
        return Err(StoreError::Corrupt(format!(
            "the copy fails its check: {verdict}"
        )));
    }
    let count = async |table: &str| -> Result<i64, StoreError> {
        let row = copy
            .query_one_raw(one(&format!("SELECT COUNT(*) FROM {table}")))
            .await?;
        Ok(row.map(|r| r.try_get_by_index(0)).transpose()?.unwrap_or(0))
    };
    let backup = Backup {
        bytes: std::fs::metadata(to).map(|m| m.len()).unwrap_or(0),
        sessions: count("sessions").await?,
        films: count("movies").await?,
    };
    copy.close().await?;
    Ok(backup)
}
