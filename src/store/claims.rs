//! Pending work and its leases: what the scheduler reads, claims, renews
//! and gives back.
//!
//! Leases let several replicas share one PostgreSQL database: a replica claims
//! a film (every pending row of one lookup key in one session) by writing its
//! owner id and an expiry on the rows, renews the expiry while it works, and
//! finalises only rows it still owns or whose lease has expired; a dead
//! replica's films become claimable again when their leases expire. The same
//! columns are written on SQLite, where one process owns the file.

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Condition, Expr, LockBehavior, LockType, Query};
use sea_orm::{
    ColumnTrait, EntityTrait, FromQueryResult, QueryFilter, QueryOrder, QuerySelect, Select,
};

use super::entities::{movie, session};
use super::{Db, StoreError};
use crate::domain::{LookupKey, MovieStatus, SessionStatus};

/// One distinct film of a session still waiting for its lookup.
#[derive(Clone, Debug, PartialEq, Eq, FromQueryResult)]
pub struct PendingFilm {
    /// The session.
    pub session_id: String,
    /// The film's lookup key within the session.
    pub lookup_key: LookupKey,
    /// Its first row in the page it was read from.
    pub first_id: i64,
    /// Position of that row: the cursor of the next page.
    pub first_row: i32,
}

/// This replica's claim on work: who it is and how long a claim lasts
/// unless renewed.
#[derive(Clone, Debug)]
pub struct Lease {
    /// Unique per running process.
    pub owner: Arc<str>,
    /// How long a claim holds without renewal.
    pub duration: Duration,
}

impl Lease {
    /// A lease with a fresh unique owner id: host, process id and a random part.
    pub fn new(duration: Duration) -> Self {
        let host = std::env::var("HOSTNAME")
            .ok()
            .filter(|h| !h.is_empty())
            .unwrap_or_else(|| "reelstream".into());
        let host: String = host.chars().take(24).collect();
        let random = uuid::Uuid::new_v4().simple().to_string();
        Self {
            owner: format!("{host}:{}:{}", std::process::id(), &random[..12]).into(),
            duration,
        }
    }

    /// The expiry of a claim made or renewed now.
    pub fn expiry(&self) -> DateTime<Utc> {
        Utc::now() + chrono::Duration::from_std(self.duration).unwrap_or(chrono::Duration::MAX)
    }
}

/// Rows nobody holds: never leased, released, or with an expired lease.
fn unleased(now: DateTime<Utc>) -> Condition {
    Condition::any()
        .add(movie::Column::LeaseExpiresAt.is_null())
        .add(movie::Column::LeaseExpiresAt.lt(now))
}

/// A page of a session's pending films that no live lease holds, in upload
/// order after row `after`: at most `rows` rows are read, one film per
/// lookup key kept (a key's later rows in later pages are the scheduler's to
/// skip). Memory is bounded by the page, however long the backlog.
pub async fn pending_page(
    db: &Db,
    session_id: &str,
    after: Option<i32>,
    rows: u64,
) -> Result<PendingPage, StoreError> {
    let page = pending_page_query(session_id, after, rows, Utc::now())
        .into_model::<PendingFilm>()
        .all(db.conn())
        .await?;
    let last_row = page.last().map(|film| film.first_row);
    let mut seen = std::collections::HashSet::new();
    let films = page
        .into_iter()
        .filter(|film| seen.insert(film.lookup_key.clone()))
        .collect();
    Ok(PendingPage { films, last_row })
}

/// A page of pending films and where it ends.
#[derive(Debug)]
pub struct PendingPage {
    /// One per lookup key, in upload order.
    pub films: Vec<PendingFilm>,
    /// The last row read (the next page starts after it); `None` when the
    /// page was empty, the end of the backlog.
    pub last_row: Option<i32>,
}

fn pending_page_query(
    session_id: &str,
    after: Option<i32>,
    rows: u64,
    now: DateTime<Utc>,
) -> Select<movie::Entity> {
    let mut query = movie::Entity::find()
        .select_only()
        .column(movie::Column::SessionId)
        .column(movie::Column::LookupKey)
        .column_as(movie::Column::Id, "first_id")
        .column_as(movie::Column::Row, "first_row")
        .filter(movie::Column::SessionId.eq(session_id))
        .filter(movie::Column::Status.eq(MovieStatus::Pending))
        .filter(unleased(now));
    if let Some(after) = after {
        query = query.filter(movie::Column::Row.gt(after));
    }
    query
        .order_by_asc(movie::Column::Row)
        .order_by_asc(movie::Column::Id)
        .limit(rows)
}

/// The sessions with pending films, oldest first: (id, client key).
pub async fn sessions_in_order(db: &Db) -> Result<Vec<(String, Option<String>)>, StoreError> {
    Ok(session::Entity::find()
        .select_only()
        .column(session::Column::Id)
        .column(session::Column::ClientKey)
        .filter(session::Column::Status.eq(SessionStatus::Enriching))
        .order_by_asc(session::Column::CreatedAt)
        .into_tuple::<(String, Option<String>)>()
        .all(db.conn())
        .await?)
}

/// Most films claimed in one transaction.
const CLAIM_CHUNK: usize = 100;

/// Claims films (session id, lookup key) for this replica, in one
/// transaction; returns the first pending row of each film it got. A film is
/// left out when it is finished, gone, or held by another live lease.
///
/// Every claimer of a film contends on the same row, the film's first pending
/// one, locked `FOR UPDATE SKIP LOCKED` on PostgreSQL: of two replicas
/// claiming at once one gets it and the other skips it, and a claim committed
/// meanwhile is seen through its unexpired lease. SQLite has no row locks
/// (the clause is left out); its write transactions are serialised instead.
pub async fn claim(
    db: &Db,
    lease: &Lease,
    films: &[(&str, &LookupKey)],
) -> Result<Vec<movie::Model>, StoreError> {
    let mut claimed = Vec::new();
    for chunk in films.chunks(CLAIM_CHUNK) {
        claimed.extend(claim_chunk(db, lease, chunk).await?);
    }
    Ok(claimed)
}

/// Rows of any of `films`, as one `lookup_key IN (…)` per session (which
/// the `(session_id, lookup_key, status)` index serves) rather than a long `OR`.
fn of_films(films: &[(&str, &LookupKey)]) -> Condition {
    let mut per_session: Vec<(&str, Vec<&LookupKey>)> = Vec::new();
    for &(session_id, lookup_key) in films {
        match per_session.iter_mut().find(|(s, _)| *s == session_id) {
            Some((_, keys)) => keys.push(lookup_key),
            None => per_session.push((session_id, vec![lookup_key])),
        }
    }
    per_session
        .into_iter()
        .fold(Condition::any(), |any, (session_id, keys)| {
            any.add(
                Condition::all()
                    .add(movie::Column::SessionId.eq(session_id))
                    .add(movie::Column::LookupKey.is_in(keys.into_iter().cloned())),
            )
        })
}

async fn claim_chunk(
    db: &Db,
    lease: &Lease,
    films: &[(&str, &LookupKey)],
) -> Result<Vec<movie::Model>, StoreError> {
    if films.is_empty() {
        return Ok(Vec::new());
    }
    let now = Utc::now();
    let txn = db.begin_write().await?;
    let tokens = claim_tokens_query(films, now)
        .lock_with_behavior(LockType::Update, LockBehavior::SkipLocked)
        .all(&*txn)
        .await?;
    if tokens.is_empty() {
        return Ok(tokens);
    }
    let won: Vec<(&str, &LookupKey)> = tokens
        .iter()
        .map(|t| (t.session_id.as_str(), &t.lookup_key))
        .collect();
    let expires = lease.expiry();
    // The films' other rows are skipped too when locked: the claim then never
    // waits for a lock, so it cannot close a deadlock with a replica whose
    // lease lapsed while its committer is finalising those rows (which it
    // still may, and a row it leaves pending is claimable again).
    let free_rows = Query::select()
        .column(movie::Column::Id)
        .from(movie::Entity)
        .cond_where(
            Condition::all()
                .add(movie::Column::Status.eq(MovieStatus::Pending))
                .add(unleased(now))
                .add(of_films(&won)),
        )
        .lock_with_behavior(LockType::Update, LockBehavior::SkipLocked)
        .to_owned();
    movie::Entity::update_many()
        .col_expr(movie::Column::LeaseOwner, Expr::value(&*lease.owner))
        .col_expr(movie::Column::LeaseExpiresAt, Expr::value(expires))
        .filter(movie::Column::Id.in_subquery(free_rows))
        .exec(&*txn)
        .await?;
    txn.commit().await?;
    Ok(tokens
        .into_iter()
        .map(|token| movie::Model {
            lease_owner: Some(lease.owner.to_string()),
            lease_expires_at: Some(expires),
            ..token
        })
        .collect())
}

/// The first pending row of each of `films` that no live lease holds: the
/// row every claimer of the film contends on.
fn claim_tokens_query(films: &[(&str, &LookupKey)], now: DateTime<Utc>) -> Select<movie::Entity> {
    let first_rows = Query::select()
        .expr(movie::Column::Id.min())
        .from(movie::Entity)
        .cond_where(
            Condition::all()
                .add(movie::Column::Status.eq(MovieStatus::Pending))
                .add(of_films(films)),
        )
        .group_by_columns([movie::Column::SessionId, movie::Column::LookupKey])
        .to_owned();
    movie::Entity::find()
        .filter(movie::Column::Id.in_subquery(first_rows))
        // Re-checked once locked: PostgreSQL re-evaluates the WHERE on the
        // newest version of a row another replica finalised meanwhile.
        .filter(movie::Column::Status.eq(MovieStatus::Pending))
        .filter(unleased(now))
}

/// Extends every lease this replica holds; returns how many rows it holds.
///
/// Rows locked right now (by the committer finalising them, typically) are
/// skipped rather than waited for: waiting could deadlock with a
/// transaction that locks the same rows in another order, and a row skipped
/// is renewed at the next round, well before its lease runs out.
pub async fn renew(db: &Db, lease: &Lease) -> Result<u64, StoreError> {
    let _gate = db.write_gate().await;
    let result = movie::Entity::update_many()
        .col_expr(movie::Column::LeaseExpiresAt, Expr::value(lease.expiry()))
        .filter(movie::Column::Id.in_subquery(owned_unlocked(lease)))
        .exec(db.conn())
        .await?;
    Ok(result.rows_affected)
}

/// Gives up this replica's leases (on a clean shutdown), so that the films
/// it did not finish are claimable at once; a row locked meanwhile keeps its
/// lease until it expires.
pub async fn release(db: &Db, lease: &Lease) -> Result<u64, StoreError> {
    let _gate = db.write_gate().await;
    let result = clear_leases()
        .filter(movie::Column::Id.in_subquery(owned_unlocked(lease)))
        .exec(db.conn())
        .await?;
    Ok(result.rows_affected)
}

/// The ids of the pending rows `lease` holds that nobody has locked.
fn owned_unlocked(lease: &Lease) -> sea_orm::sea_query::SelectStatement {
    Query::select()
        .column(movie::Column::Id)
        .from(movie::Entity)
        .and_where(movie::Column::LeaseOwner.eq(&*lease.owner))
        .and_where(movie::Column::Status.eq(MovieStatus::Pending))
        .lock_with_behavior(LockType::Update, LockBehavior::SkipLocked)
        .to_owned()
}

/// Clears every lease: for SQLite on start, where the one process that may
/// hold leases on the file is this one, so any lease left is a dead one's.
pub async fn release_all(db: &Db) -> Result<u64, StoreError> {
    let _gate = db.write_gate().await;
    let result = clear_leases()
        .filter(movie::Column::LeaseOwner.is_not_null())
        .exec(db.conn())
        .await?;
    Ok(result.rows_affected)
}

fn clear_leases() -> sea_orm::UpdateMany<movie::Entity> {
    unleasing(movie::Entity::update_many()).filter(movie::Column::Status.eq(MovieStatus::Pending))
}

/// `update`, also clearing the rows' lease.
pub(super) fn unleasing(
    update: sea_orm::UpdateMany<movie::Entity>,
) -> sea_orm::UpdateMany<movie::Entity> {
    update
        .col_expr(
            movie::Column::LeaseOwner,
            Expr::value(Option::<String>::None),
        )
        .col_expr(
            movie::Column::LeaseExpiresAt,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
}

#[cfg(test)]
mod plans;
