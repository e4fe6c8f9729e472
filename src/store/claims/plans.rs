//! The engine's per-film statements keep their plans on SQLite.
//!
//! SQLite plans without statistics, and a plan that walks every pending row
//! (or a whole session) for each film is invisible in a small test but costs
//! seconds on a 10 000-row upload: a warm-cache run once took 15 s instead of
//! under 2 s that way. These tests read `EXPLAIN QUERY PLAN` of the very
//! statements the engine runs, on a database migrated like a real one.

use chrono::Utc;
use sea_orm::{ConnectionTrait, DbBackend, QueryTrait, Statement};

use super::*;
use crate::store::Db;
use crate::store::finalize::{FilmOutcome, FinalState, finalize_statement};

async fn migrated() -> (tempfile::TempDir, Db) {
    let dir = tempfile::tempdir().unwrap();
    let url = format!(
        "sqlite://{}?mode=rwc",
        dir.path().join("plans.db").display()
    );
    let db = Db::connect(&url).await.unwrap();
    (dir, db)
}

/// The plan's lines, one per step, e.g. `SEARCH movies USING INDEX …`.
async fn plan(db: &Db, statement: Statement) -> Vec<String> {
    let explain = Statement::from_sql_and_values(
        DbBackend::Sqlite,
        format!("EXPLAIN QUERY PLAN {}", statement.sql),
        statement.values.map(|v| v.0).unwrap_or_default(),
    );
    let rows = db.conn().query_all_raw(explain).await.unwrap();
    rows.iter()
        .map(|row| row.try_get::<String>("", "detail").unwrap())
        .collect()
}

fn keys() -> (LookupKey, LookupKey) {
    let heat = LookupKey::Title {
        title: "heat".into(),
        year: Some(1995),
    };
    (heat, LookupKey::Tmdb(603))
}

fn lease() -> Lease {
    Lease::new(std::time::Duration::from_secs(30))
}

#[tokio::test]
async fn finalising_a_batch_finds_each_films_rows_by_key() {
    let (_dir, db) = migrated().await;
    let state = FinalState {
        status: MovieStatus::Failed,
        enrichment: None,
        match_confidence: None,
        candidates: None,
        error: Some("TMDB kept failing".into()),
    };
    let (heat, matrix) = keys();
    let films = [
        FilmOutcome {
            session_id: "session",
            lookup_key: &heat,
            state: &state,
        },
        FilmOutcome {
            session_id: "session",
            lookup_key: &matrix,
            state: &state,
        },
    ];
    let update = finalize_statement(DbBackend::Sqlite, &lease(), &films, Utc::now());
    let plan = plan(&db, update).await;
    assert!(
        plan.iter().any(|step| step
            == "SEARCH movies USING INDEX idx_movies_session_key (session_id=? AND lookup_key=? AND status=?)"),
        "not a walk of the session or of every pending row: {plan:?}"
    );
    assert!(
        !plan.iter().any(|step| step.starts_with("SCAN movies")),
        "{plan:?}"
    );
}

#[tokio::test]
async fn claiming_finds_each_films_first_row_by_key_then_by_id() {
    let (_dir, db) = migrated().await;
    let (heat, matrix) = keys();
    let films = [("session", &heat), ("session", &matrix)];
    let query = claim_tokens_query(&films, Utc::now());
    let plan = plan(&db, query.build(DbBackend::Sqlite)).await;
    assert_eq!(plan[0], "SEARCH movies USING INTEGER PRIMARY KEY (rowid=?)");
    assert!(
        plan.iter()
            .any(|step| step.contains("idx_movies_session_key")),
        "{plan:?}"
    );
    assert!(
        !plan.iter().any(|step| step.starts_with("SCAN")),
        "{plan:?}"
    );
}

#[tokio::test]
async fn a_page_of_pending_work_is_a_range_read_of_one_session() {
    let (_dir, db) = migrated().await;
    let plan = plan(
        &db,
        pending_page_query("s", Some(100), 200, Utc::now()).build(DbBackend::Sqlite),
    )
    .await;
    assert!(
        plan.iter().any(|step| step
            .starts_with("SEARCH movies USING INDEX idx_movies_session_status_row (session_id=? AND status=? AND row>?)")),
        "{plan:?}"
    );
    assert!(
        !plan
            .iter()
            .any(|step| step.starts_with("SCAN") || step.contains("TEMP B-TREE")),
        "{plan:?}"
    );
}
