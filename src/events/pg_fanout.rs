//! Cross-replica fan-out on PostgreSQL: every replica's subscribers get every
//! committed event, whichever replica committed it.
//!
//! The committer announces, in the transaction that appends events to a
//! session's log, the seq range it appended: `NOTIFY reelstream_events,
//! '<session>:<first>:<last>[:completed]'` (PostgreSQL delivers it at commit,
//! in commit order). Every replica `LISTEN`s; for a session someone listens to
//! locally it reads the events after the last seq it delivered from the log
//! and publishes them to its [`Hub`] in seq order, each once. On PostgreSQL
//! this is the only way events reach a hub, the committing replica's own
//! included, so nothing is published twice.
//!
//! Notifications are lost while the listening connection is down: after a
//! reconnect, each session with local subscribers is replayed from the log
//! past the last seq delivered, so no event is missed and none repeats.
//!
//! The same connection listens on `reelstream_work`, where a replica that
//! took an upload, a retry or a fix announces it, so that idle replicas
//! start on it at once rather than at their next poll.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use sea_orm::sqlx::postgres::{PgListener, PgNotification};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseTransaction, DbBackend, EntityTrait, QueryFilter,
    QueryOrder, Statement,
};
use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;

use super::Published;
use super::hub::Hub;
use crate::store::entities::event;
use crate::store::{Db, StoreError, events};

/// The PostgreSQL notification channel of committed events.
pub const CHANNEL: &str = "reelstream_events";

/// The PostgreSQL notification channel of new work (uploads, retries, fixes),
/// so that idle replicas join in at once instead of at their next poll.
pub const WORK_CHANNEL: &str = "reelstream_work";

/// Events read from the log per query.
const PAGE: u64 = 500;

/// Longest wait between two attempts to reconnect.
const MAX_BACKOFF: Duration = Duration::from_secs(5);

/// Slack on event timestamps (written by the committing replica's clock just
/// before commit) when replaying a session this listener has no seq for.
const CLOCK_SLACK: chrono::Duration = chrono::Duration::seconds(30);

/// What one transaction appended to one session's log.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Announcement {
    /// The session.
    pub session_id: String,
    /// First seq appended.
    pub first: i64,
    /// Last seq appended.
    pub last: i64,
    /// Whether the last event is `completed`.
    pub completed: bool,
}

impl Announcement {
    /// The NOTIFY payload.
    pub fn payload(&self) -> String {
        let done = if self.completed { ":completed" } else { "" };
        format!("{}:{}:{}{done}", self.session_id, self.first, self.last)
    }

    /// Reads a NOTIFY payload.
    pub fn parse(payload: &str) -> Option<Self> {
        let mut parts = payload.split(':');
        let session_id = parts.next().filter(|s| !s.is_empty())?.to_owned();
        let first = parts.next()?.parse().ok()?;
        let last = parts.next()?.parse().ok()?;
        let completed = match parts.next() {
            None => false,
            Some("completed") => true,
            Some(_) => return None,
        };
        (parts.next().is_none() && first <= last).then_some(Self {
            session_id,
            first,
            last,
            completed,
        })
    }

    /// Folds another announcement of the same session into this one.
    fn merge(&mut self, other: Self) {
        self.first = self.first.min(other.first);
        if other.last >= self.last {
            self.last = other.last;
            self.completed = other.completed;
        }
    }
}

/// Announces, inside the committing transaction, the events it appends; one
/// notification per session.
pub async fn announce(
    txn: &DatabaseTransaction,
    events: &[(String, Vec<Arc<Published>>)],
) -> Result<(), StoreError> {
    let mut per_session: BTreeMap<&str, Announcement> = BTreeMap::new();
    for (session_id, events) in events {
        for event in events {
            let seq = event.seq();
            let this = Announcement {
                session_id: session_id.clone(),
                first: seq,
                last: seq,
                completed: event.is_final(),
            };
            match per_session.get_mut(session_id.as_str()) {
                Some(known) => known.merge(this),
                None => {
                    per_session.insert(session_id, this);
                }
            }
        }
    }
    for announcement in per_session.values() {
        txn.execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT pg_notify($1, $2)",
            [CHANNEL.into(), announcement.payload().into()],
        ))
        .await?;
    }
    Ok(())
}

/// Tells every replica (this one included) that new work may exist.
pub async fn announce_work(db: &Db) -> Result<(), StoreError> {
    db.conn()
        .execute_raw(Statement::from_string(
            DbBackend::Postgres,
            format!("NOTIFY {WORK_CHANNEL}"),
        ))
        .await?;
    Ok(())
}

/// Connects a listener to `url` and starts listening on both channels.
async fn listen(url: &str) -> Result<PgListener, sea_orm::sqlx::Error> {
    let mut listener = PgListener::connect(url).await?;
    listener.listen_all([CHANNEL, WORK_CHANNEL]).await?;
    Ok(listener)
}

/// The listening side: delivers announced events to the local hub.
pub struct Fanout {
    db: Db,
    hub: Hub,
    /// Wakes this replica's scheduler when another announces work.
    work: Arc<Notify>,
    /// Per session, the last seq this replica has handled.
    delivered: HashMap<String, i64>,
}

/// Starts listening (so that nothing committed after this returns is missed)
/// and spawns the task that fans events out until `cancel` fires.
pub async fn start(
    url: &str,
    db: Db,
    hub: Hub,
    work: Arc<Notify>,
    cancel: CancellationToken,
) -> Result<tokio::task::JoinHandle<()>, StoreError> {
    let listener = listen(url).await.map_err(connection_error)?;
    let fanout = Fanout {
        db,
        hub,
        work,
        delivered: HashMap::new(),
    };
    Ok(tokio::spawn(fanout.run(url.to_owned(), listener, cancel)))
}

impl Fanout {
    async fn run(mut self, url: String, listener: PgListener, cancel: CancellationToken) {
        let mut listener = Some(listener);
        // When the current connection began listening.
        let mut listening_since = Utc::now();
        // Set while a replay is owed: nobody listened from (about) then.
        let mut lost_since: Option<DateTime<Utc>> = None;
        let mut backoff = Duration::from_millis(100);
        loop {
            let mut current = match listener.take() {
                Some(current) => current,
                None => {
                    let attempt = tokio::select! {
                        _ = cancel.cancelled() => return,
                        attempt = listen(&url) => attempt,
                    };
                    match attempt {
                        Ok(current) => {
                            tracing::info!("event listener reconnected");
                            listening_since = Utc::now();
                            current
                        }
                        Err(err) => {
                            tracing::warn!(error = %err, "event listener cannot connect");
                            if !pause(&cancel, &mut backoff).await {
                                return;
                            }
                            continue;
                        }
                    }
                }
            };
            if let Some(since) = lost_since {
                // Listening again: what was announced while nobody listened
                // is in the log.
                if let Err(err) = self.replay(since).await {
                    tracing::warn!(error = %err, "event replay failed; retrying");
                    listener = Some(current);
                    if !pause(&cancel, &mut backoff).await {
                        return;
                    }
                    continue;
                }
                lost_since = None;
            }
            let received = tokio::select! {
                _ = cancel.cancelled() => return,
                received = current.try_recv() => received,
            };
            let outcome = match received {
                Ok(Some(first)) => {
                    let mut batch = vec![first];
                    while let Some(more) = current.next_buffered() {
                        batch.push(more);
                    }
                    self.handle(batch).await
                }
                // The connection dropped and sqlx reconnected (and listens
                // again); the replay happens at the top of the loop.
                Ok(None) => {
                    tracing::info!("event listener reconnected");
                    lost_since = Some(lost_since.unwrap_or(listening_since));
                    listening_since = Utc::now();
                    Ok(())
                }
                Err(err) => Err(connection_error(err)),
            };
            match outcome {
                Ok(()) => {
                    backoff = Duration::from_millis(100);
                    listener = Some(current);
                }
                Err(err) => {
                    // Start over on a new connection, then replay.
                    tracing::warn!(error = %err, "event listener failed; reconnecting");
                    lost_since = Some(lost_since.unwrap_or(listening_since));
                    drop(current);
                    if !pause(&cancel, &mut backoff).await {
                        return;
                    }
                }
            }
        }
    }

    /// Delivers a batch of notifications, merged per session.
    async fn handle(&mut self, batch: Vec<PgNotification>) -> Result<(), StoreError> {
        let mut per_session: Vec<Announcement> = Vec::new();
        for notification in batch {
            if notification.channel() == WORK_CHANNEL {
                self.work.notify_one();
                continue;
            }
            let Some(announcement) = Announcement::parse(notification.payload()) else {
                tracing::warn!(payload = notification.payload(), "unexpected notification");
                continue;
            };
            match per_session
                .iter_mut()
                .find(|a| a.session_id == announcement.session_id)
            {
                Some(known) => known.merge(announcement),
                None => per_session.push(announcement),
            }
        }
        for announcement in per_session {
            self.deliver(announcement).await?;
        }
        Ok(())
    }

    /// Delivers one session's announced events, if anyone here listens.
    async fn deliver(&mut self, announcement: Announcement) -> Result<(), StoreError> {
        let Announcement {
            session_id,
            first,
            last,
            completed,
        } = announcement;
        let known = self.delivered.get(&session_id).copied();
        if known.is_some_and(|seen| seen >= last) {
            return Ok(()); // already delivered by a replay
        }
        if self.hub.has_subscribers(&session_id) {
            // Past what was handled before, or from the announced range when
            // this session is new here (its subscribers read the log up to
            // their snapshot themselves).
            let after = known.unwrap_or(first - 1);
            let seen = self.publish_after(&session_id, after).await?;
            self.delivered.insert(session_id.clone(), seen.max(last));
        } else {
            self.delivered.insert(session_id.clone(), last);
        }
        if completed {
            // Nothing follows `completed` unless the session is reopened,
            // and then the next announcement says where to start.
            self.delivered.remove(&session_id);
        }
        Ok(())
    }

    /// Publishes every logged event of a session after `after`, in order;
    /// returns the last seq published (or `after`).
    async fn publish_after(&self, session_id: &str, after: i64) -> Result<i64, StoreError> {
        let mut seen = after;
        loop {
            let rows = events::range(&self.db, session_id, seen, None, PAGE).await?;
            let Some(last) = rows.last().map(|row| row.seq) else {
                return Ok(seen);
            };
            let full = rows.len() as u64 == PAGE;
            self.hub.publish(session_id, parse(rows));
            seen = last;
            if !full {
                return Ok(seen);
            }
        }
    }

    /// After a reconnect: every session with local subscribers gets what was
    /// committed while nothing was heard.
    async fn replay(&mut self, lost_since: DateTime<Utc>) -> Result<(), StoreError> {
        // Work announced meanwhile was missed too.
        self.work.notify_one();
        for session_id in self.hub.subscribed_sessions() {
            let seen = match self.delivered.get(&session_id).copied() {
                Some(seen) => self.publish_after(&session_id, seen).await?,
                None => {
                    // No announcement for this session was heard while the
                    // connection was up, so all it missed was logged after
                    // that connection began; subscribers drop by seq what
                    // their own read of the log already gave them.
                    let rows = event::Entity::find()
                        .filter(event::Column::SessionId.eq(session_id.as_str()))
                        .filter(event::Column::CreatedAt.gte(lost_since - CLOCK_SLACK))
                        .order_by_asc(event::Column::Seq)
                        .all(self.db.conn())
                        .await?;
                    let Some(last) = rows.last().map(|row| row.seq) else {
                        continue;
                    };
                    self.hub.publish(&session_id, parse(rows));
                    last
                }
            };
            self.delivered.insert(session_id, seen);
        }
        Ok(())
    }
}

/// Waits `backoff` (doubling it for next time); false when cancelled.
async fn pause(cancel: &CancellationToken, backoff: &mut Duration) -> bool {
    let wait = *backoff;
    *backoff = (*backoff * 2).min(MAX_BACKOFF);
    tokio::select! {
        _ = cancel.cancelled() => false,
        _ = tokio::time::sleep(wait) => true,
    }
}

fn connection_error(err: sea_orm::sqlx::Error) -> StoreError {
    StoreError::Db(sea_orm::DbErr::Conn(sea_orm::RuntimeErr::SqlxError(
        err.into(),
    )))
}

/// Logged events as published: the stored JSON, as is.
fn parse(rows: Vec<event::Model>) -> Vec<Arc<Published>> {
    rows.into_iter()
        .map(|row| Arc::new(Published::from_log(row.seq, row.kind, row.payload)))
        .collect()
}

#[cfg(test)]
mod tests;
