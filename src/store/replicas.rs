//! The replicas serving one database: each beats a heartbeat into its row,
//! and the live ones (a heartbeat within the lapse) divide TMDB's budget.

use sea_orm::{ConnectionTrait, Statement, Value};

use super::{Db, StoreError, param};

fn statement(db: &Db, sql: String, values: Vec<Value>) -> Statement {
    Statement::from_sql_and_values(db.backend(), sql, values)
}

/// Records that replica `id` is alive at `now_ms` (its row made on the first beat).
pub async fn beat(db: &Db, id: &str, now_ms: i64) -> Result<(), StoreError> {
    let p = |n| param(db.backend(), n);
    let sql = format!(
        "INSERT INTO replicas (id, heartbeat_ms, started_ms) VALUES ({}, {}, {}) \
         ON CONFLICT (id) DO UPDATE SET heartbeat_ms = excluded.heartbeat_ms",
        p(1),
        p(2),
        p(3)
    );
    let values = vec![id.into(), now_ms.into(), now_ms.into()];
    db.conn().execute_raw(statement(db, sql, values)).await?;
    Ok(())
}

/// How many replicas beat at or after `since_ms`.
pub async fn live(db: &Db, since_ms: i64) -> Result<u64, StoreError> {
    let sql = format!(
        "SELECT COUNT(*) FROM replicas WHERE heartbeat_ms >= {}",
        param(db.backend(), 1)
    );
    let row = db
        .conn()
        .query_one_raw(statement(db, sql, vec![since_ms.into()]))
        .await?;
    let count: i64 = row.map(|r| r.try_get_by_index(0)).transpose()?.unwrap_or(0);
    Ok(u64::try_from(count).unwrap_or(0))
}

/// Removes replica `id` (it stops), and the rows of replicas long gone.
pub async fn leave(db: &Db, id: &str, forget_before_ms: i64) -> Result<(), StoreError> {
    let p = |n| param(db.backend(), n);
    let sql = format!(
        "DELETE FROM replicas WHERE id = {} OR heartbeat_ms < {}",
        p(1),
        p(2)
    );
    let values = vec![id.into(), forget_before_ms.into()];
    db.conn().execute_raw(statement(db, sql, values)).await?;
    Ok(())
}
