//! The single committer: final states, session counters and the event log
//! written in one transaction, batched when many films finish at once, then
//! published to live subscribers.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use super::enrichment::Outcome;
use super::supervisor::Faults;
use crate::domain::LookupKey;
use crate::events::hub::Hub;
use crate::events::pg_fanout;
use crate::events::{CompletedEvent, Event, MovieEvent, Progress, Published};
use crate::model::{Movie, Session};
use crate::store::claims::Lease;
use crate::store::entities::session;
use crate::store::finalize::{self, FilmOutcome, FinalState};
use crate::store::{Db, StoreError, WriteTxn, counters, events as event_log, sessions};

/// One finished lookup waiting to be committed.
pub struct Finished {
    /// The session.
    pub session_id: String,
    /// The film within it.
    pub lookup_key: LookupKey,
    /// How the lookup ended.
    pub outcome: Outcome,
}

/// Most outcomes committed in one transaction.
const BATCH: usize = 128;

/// Runs the committer until cancelled, then commits what is already queued.
pub async fn run(
    db: Db,
    hub: Hub,
    lease: Lease,
    rx: &mut mpsc::Receiver<Finished>,
    cancel: CancellationToken,
    faults: Faults,
) {
    loop {
        let first = tokio::select! {
            item = rx.recv() => match item { Some(item) => item, None => return },
            _ = cancel.cancelled() => break,
        };
        let batch = next_batch(first, rx);
        faults.trip("committer");
        let mut delay = Duration::from_millis(50);
        let started = std::time::Instant::now();
        let published = loop {
            match commit(&db, &lease, &batch).await {
                Ok(published) => break Some(published),
                Err(err) => {
                    // Never drop an outcome: the rows stay pending until this succeeds.
                    tracing::error!(error = %err, "commit failed; retrying");
                    tokio::select! {
                        _ = tokio::time::sleep(delay) => {}
                        _ = cancel.cancelled() => break None,
                    }
                    delay = (delay * 2).min(Duration::from_secs(5));
                }
            }
        };
        let Some(published) = published else { break };
        tracing::debug!(
            films = batch.len(),
            elapsed_ms = started.elapsed().as_millis() as u64,
            "committed"
        );
        publish(&db, &hub, published);
    }
    // Stopping. Lookups that already finished cost their TMDB calls: commit
    // them rather than look them up again after the restart. One attempt
    // each; whatever fails stays pending, its lease released by the engine.
    rx.close();
    while let Some(first) = rx.recv().await {
        let batch = next_batch(first, rx);
        match commit(&db, &lease, &batch).await {
            Ok(published) => publish(&db, &hub, published),
            Err(err) => {
                tracing::warn!(error = %err, films = batch.len(), "not committed on shutdown; left pending");
                return;
            }
        }
    }
}

/// `first` and whatever else is queued, up to a batch.
fn next_batch(first: Finished, rx: &mut mpsc::Receiver<Finished>) -> Vec<Finished> {
    let mut batch = vec![first];
    while batch.len() < BATCH {
        match rx.try_recv() {
            Ok(item) => batch.push(item),
            Err(_) => break,
        }
    }
    batch
}

/// Hands committed events to this replica's live subscribers.
pub(super) fn publish(db: &Db, hub: &Hub, published: Vec<(String, Vec<Arc<Published>>)>) {
    // On PostgreSQL every replica's hub, this one's included, gets the
    // events through NOTIFY and the log (events::pg_fanout): publishing them
    // here as well would deliver them twice.
    if !db.is_postgres() {
        for (session_id, events) in published {
            hub.publish(&session_id, events);
        }
    }
}

/// Logs one session's events made outside the committer (a person's
/// decision, a re-import) in `txn`, announces them (PostgreSQL), commits
/// and publishes them: the caller has saved the session row in `txn`.
pub(super) async fn log_and_publish(
    db: &Db,
    hub: &Hub,
    txn: WriteTxn,
    session_id: &str,
    emitted: Vec<Arc<Published>>,
) -> Result<(), StoreError> {
    let log: Vec<_> = emitted
        .iter()
        .map(|p| (session_id, p.seq(), p.kind(), p.json()))
        .collect();
    event_log::append_events(&txn, &log).await?;
    let events = vec![(session_id.to_owned(), emitted)];
    if db.is_postgres() {
        pg_fanout::announce(&txn, &events).await?;
    }
    txn.commit().await?;
    publish(db, hub, events);
    Ok(())
}

/// Commits a batch; returns the events to publish, per session, in seq order.
///
/// Only rows still pending and not leased by another live replica are
/// finalised, so a film another replica took over is counted once.
async fn commit(
    db: &Db,
    lease: &Lease,
    batch: &[Finished],
) -> Result<Vec<(String, Vec<Arc<Published>>)>, StoreError> {
    let txn = db.begin_write().await?;
    // Lock the sessions first, always in the same order, so that two
    // replicas committing for the same sessions queue instead of deadlocking.
    let mut ids: Vec<&str> = batch.iter().map(|item| item.session_id.as_str()).collect();
    ids.sort_unstable();
    ids.dedup();
    let mut sessions: HashMap<String, session::Model> = HashMap::new();
    for id in ids {
        if let Some(found) = sessions::session_in(&txn, id).await? {
            sessions.insert(id.to_owned(), found);
        }
    }
    let states: Vec<FinalState> = batch.iter().map(|i| i.outcome.final_state()).collect();
    let outcomes: Vec<FilmOutcome> = batch
        .iter()
        .zip(&states)
        .map(|(item, state)| FilmOutcome {
            session_id: &item.session_id,
            lookup_key: &item.lookup_key,
            state,
        })
        .collect();
    let mut finalised = finalize::finalize_films(&txn, lease, &outcomes).await?;
    let mut events: Vec<(String, Vec<Arc<Published>>)> = Vec::new();
    for (item, state) in batch.iter().zip(&states) {
        let Some(session) = sessions.get_mut(&item.session_id) else {
            continue; // deleted while its lookup ran
        };
        let mut emitted = Vec::new();
        let key = (item.session_id.clone(), item.lookup_key.clone());
        for movie in finalised.remove(&key).unwrap_or_default() {
            counters::count_final(session, state.status);
            session.last_seq += 1;
            let event = Event::Movie(MovieEvent {
                seq: session.last_seq,
                movie: Movie::from(movie),
                progress: Progress::from(&Session::from(session.clone())),
            });
            emitted.push(Arc::new(Published::new(&event)));
        }
        if counters::is_complete(session) && session.completed_at.is_none() {
            counters::complete(session);
            session.last_seq += 1;
            let event = Event::Completed(CompletedEvent {
                seq: session.last_seq,
                session: Session::from(session.clone()),
            });
            emitted.push(Arc::new(Published::new(&event)));
        }
        if !emitted.is_empty() {
            events.push((item.session_id.clone(), emitted));
        }
    }
    let mut log = Vec::new();
    for (session_id, emitted) in &events {
        for p in emitted {
            log.push((session_id.as_str(), p.seq(), p.kind(), p.json()));
        }
    }
    event_log::append_events(&txn, &log).await?;
    for session in sessions.values() {
        counters::save_session(&txn, session).await?;
    }
    if db.is_postgres() {
        pg_fanout::announce(&txn, &events).await?;
    }
    txn.commit().await?;
    Ok(events)
}
