//! The scheduler: a sliding window of concurrent lookups, fair between
//! clients and, within a client, between its sessions (round robin at both
//! levels: a 50-film upload is not stuck behind a 10 000-film one, and a
//! client with 300 sessions gets one client's turn, not 300), one lookup per
//! distinct film per session.

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{Notify, mpsc, oneshot};
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;

use super::commit::Finished;
use super::resolver::{Film, Resolver};
use super::supervisor::Faults;
use crate::domain::LookupKey;
use crate::events::pg_fanout;
use crate::store::claims::{self, Lease, PendingFilm};
use crate::store::entities::movie;
use crate::store::{Db, StoreError};

/// How often an idle engine looks for work it was not told about.
const IDLE_REFRESH: Duration = Duration::from_secs(2);

type FilmKey = (String, LookupKey);

/// Rows of one session read per page: enough to keep the window full
/// between reads, few enough that memory does not follow the backlog.
const PAGE_ROWS: u64 = 512;

/// One session's place in the rotation: the page it is working through and
/// where the next page starts.
struct SessionQueue {
    id: String,
    films: VecDeque<PendingFilm>,
    /// The last row read; the next page starts after it.
    cursor: Option<i32>,
    /// Whether the last page was the end of the session's backlog.
    exhausted: bool,
}

/// Clients with pending work, served in turn (round robin), each serving
/// its own sessions in turn.
#[derive(Default)]
struct RoundRobin {
    clients: VecDeque<ClientQueue>,
}

impl RoundRobin {
    /// A rotation over `order` (session id, client key; oldest first), each
    /// session to be read from its start. Sessions without a client key
    /// (older ones, the CLI's) are one client.
    fn new(order: Vec<(String, Option<String>)>) -> Self {
        let mut clients: Vec<(Option<String>, ClientQueue)> = Vec::new();
        for (id, client) in order {
            let queue = SessionQueue {
                id,
                films: VecDeque::new(),
                cursor: None,
                exhausted: false,
            };
            match clients.iter_mut().find(|(key, _)| *key == client) {
                Some((_, turn)) => turn.sessions.push_back(queue),
                None => clients.push((
                    client.clone(),
                    ClientQueue {
                        key: client,
                        sessions: VecDeque::from([queue]),
                    },
                )),
            }
        }
        Self {
            clients: clients.into_iter().map(|(_, queue)| queue).collect(),
        }
    }

    /// The next film to look up, from the next client in turn that has one
    /// and fewer than its share of the `window` in flight; a client with
    /// none left leaves the rotation until the next refresh. None when
    /// every client with work holds its share: a finished lookup makes room.
    async fn next(
        &mut self,
        db: &Db,
        in_flight: &InFlight,
        window: usize,
    ) -> Option<(PendingFilm, ClientSlot)> {
        let mut at_share = 0;
        while at_share < self.clients.len() {
            let mut client = self.clients.pop_front()?;
            let share = (window / (self.clients.len() + 1)).max(1);
            if in_flight.of_client(&client.key) >= share {
                self.clients.push_back(client);
                at_share += 1;
                continue;
            }
            if let Some(film) = client.next(db, &in_flight.films).await {
                let slot = client.key.clone();
                self.clients.push_back(client);
                return Some((film, slot));
            }
        }
        None
    }

    fn is_empty(&self) -> bool {
        self.clients.is_empty()
    }
}

/// One client's sessions with pending work, served in turn, each read a
/// page at a time: what is held in memory is a page per session, never the
/// whole backlog.
struct ClientQueue {
    key: ClientSlot,
    sessions: VecDeque<SessionQueue>,
}

/// The client a lookup is for: its key, none for sessions without one.
type ClientSlot = Option<String>;

/// The lookups in flight, by film and counted per client.
#[derive(Default)]
struct InFlight {
    films: HashSet<FilmKey>,
    client_of: HashMap<FilmKey, ClientSlot>,
    per_client: HashMap<ClientSlot, usize>,
}

impl InFlight {
    fn insert(&mut self, key: FilmKey, client: ClientSlot) {
        *self.per_client.entry(client.clone()).or_default() += 1;
        self.client_of.insert(key.clone(), client);
        self.films.insert(key);
    }

    fn remove(&mut self, key: &FilmKey) {
        self.films.remove(key);
        if let Some(client) = self.client_of.remove(key)
            && let Some(n) = self.per_client.get_mut(&client)
        {
            *n = n.saturating_sub(1);
            if *n == 0 {
                self.per_client.remove(&client);
            }
        }
    }

    fn of_client(&self, client: &ClientSlot) -> usize {
        self.per_client.get(client).copied().unwrap_or(0)
    }
}

impl ClientQueue {
    /// The next film to look up, from the next session in turn that has one
    /// not already in flight, reading a session's next page when its current
    /// one is used up. A session whose backlog is exhausted leaves the
    /// rotation until the next refresh.
    async fn next(&mut self, db: &Db, in_flight: &HashSet<FilmKey>) -> Option<PendingFilm> {
        while let Some(mut queue) = self.sessions.pop_front() {
            loop {
                if let Some(film) = queue.films.pop_front() {
                    let key = (film.session_id.clone(), film.lookup_key.clone());
                    if in_flight.contains(&key) {
                        continue;
                    }
                    self.sessions.push_back(queue);
                    return Some(film);
                }
                if queue.exhausted {
                    break;
                }
                match claims::pending_page(db, &queue.id, queue.cursor, PAGE_ROWS).await {
                    Ok(page) => {
                        // Only an empty page is the end: de-duplication by key
                        // can shorten a page that is not the last.
                        queue.exhausted = page.last_row.is_none();
                        queue.cursor = page.last_row.or(queue.cursor);
                        queue.films.extend(page.films);
                    }
                    Err(err) => {
                        tracing::error!(error = %err, "could not read pending work");
                        break;
                    }
                }
            }
        }
        None
    }
}

/// The scheduler's moving parts.
#[derive(Clone)]
pub struct Scheduler {
    /// The database.
    pub db: Db,
    /// Looks films up.
    pub resolver: Arc<Resolver>,
    /// Where finished lookups go to be committed.
    pub commits: mpsc::Sender<Finished>,
    /// Where jobs ask the claimer for their films.
    pub claims: mpsc::Sender<ClaimRequest>,
    /// Poked when new work may exist.
    pub wake: Arc<Notify>,
    /// Poked when another replica announced new work (on PostgreSQL).
    pub remote_wake: Arc<Notify>,
    /// Stops the loop.
    pub cancel: CancellationToken,
    /// Most lookups in flight at once.
    pub window: usize,
    /// This replica's claim on the films it works on.
    pub lease: Lease,
    /// When set, the only session whose films are looked up.
    pub only_session: Option<String>,
    /// Faults tests inject.
    pub faults: Faults,
}

impl Scheduler {
    /// Runs until cancelled; unfinished lookups stay pending for the next start.
    pub async fn run(self) {
        let mut jobs: JoinSet<FilmKey> = JoinSet::new();
        let mut in_flight = InFlight::default();
        let mut queue = RoundRobin::default();
        let mut dirty = true;
        let mut takeover = tokio::time::interval(self.lease.duration.max(IDLE_REFRESH));
        takeover.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            if dirty {
                match self.refresh().await {
                    Ok(fresh) => {
                        queue = fresh;
                        dirty = false;
                    }
                    Err(err) => tracing::error!(error = %err, "could not read pending work"),
                }
            }
            while jobs.len() < self.window {
                let Some((film, client)) = queue.next(&self.db, &in_flight, self.window).await
                else {
                    break;
                };
                let key = (film.session_id, film.lookup_key);
                in_flight.insert(key.clone(), client.clone());
                // Its TMDB calls queue at the gate in its client's share.
                jobs.spawn(crate::tmdb::in_share(
                    client,
                    self.job(self.claims.clone(), key),
                ));
            }
            tokio::select! {
                biased;
                _ = self.cancel.cancelled() => break,
                Some(done) = jobs.join_next(), if !jobs.is_empty() => {
                    if let Ok(key) = done {
                        in_flight.remove(&key);
                    }
                    // Everything else already done, so the window refills at once.
                    while let Some(done) = jobs.try_join_next() {
                        if let Ok(key) = done {
                            in_flight.remove(&key);
                        }
                    }
                    if queue.is_empty() {
                        dirty = true;
                    }
                }
                _ = self.wake.notified() => {
                    dirty = true;
                    // New work here (an upload, a retry, a fix): tell the
                    // other replicas, so that they join in at once.
                    if self.db.is_postgres()
                        && let Err(err) = pg_fanout::announce_work(&self.db).await
                    {
                        tracing::warn!(error = %err, "could not announce new work");
                    }
                }
                _ = self.remote_wake.notified() => dirty = true,
                _ = tokio::time::sleep(IDLE_REFRESH), if jobs.is_empty() => dirty = true,
                // Leases of dead replicas expire: look for them while busy too.
                _ = takeover.tick() => dirty = true,
            }
        }
        jobs.shutdown().await;
    }

    /// A fresh rotation over the sessions with work, each read again from
    /// its start (a retry or a fix puts films back before any cursor).
    async fn refresh(&self) -> Result<RoundRobin, StoreError> {
        self.faults.trip("scheduler");
        let mut order = claims::sessions_in_order(&self.db).await?;
        if let Some(only) = &self.only_session {
            order.retain(|(id, _)| id == only);
        }
        Ok(RoundRobin::new(order))
    }

    /// Claims a film, looks it up and queues the outcome for the committer;
    /// a film it cannot claim (finished, deleted, or another replica's) is
    /// left alone.
    fn job(
        &self,
        claims: mpsc::Sender<ClaimRequest>,
        key: FilmKey,
    ) -> impl Future<Output = FilmKey> + use<> {
        let resolver = self.resolver.clone();
        let commits = self.commits.clone();
        async move {
            let (reply, claimed) = oneshot::channel();
            let request = ClaimRequest {
                film: key.clone(),
                reply,
            };
            if claims.send(request).await.is_err() {
                return key; // shutting down
            }
            let row = match claimed.await {
                Ok(Some(row)) => row,
                Ok(None) => return key,
                Err(_) => {
                    // The claim failed (logged by the claimer); the film
                    // stays pending for a later round.
                    tokio::time::sleep(Duration::from_secs(1)).await;
                    return key;
                }
            };
            let outcome = resolver.lookup(&Film::from(row)).await;
            let finished = Finished {
                session_id: key.0.clone(),
                lookup_key: key.1.clone(),
                outcome,
            };
            // The slot frees once the outcome is queued, not committed: the
            // next lookups overlap this commit (the committer batches them),
            // and the film's lease keeps it from being claimed again meanwhile.
            // (Only an unleased row joining the film — a manual fix to the
            // same key — could be claimed and looked up again; the commit
            // that lands first finalises it, and the other finds nothing.)
            let _ = commits.send(finished).await;
            key
        }
    }
}

/// A job asking for its film; answered with the film's first pending row
/// once claimed, `None` when it is not this replica's to look up.
pub struct ClaimRequest {
    film: FilmKey,
    reply: oneshot::Sender<Option<movie::Model>>,
}

/// Most films claimed in one transaction.
const CLAIM_BATCH: usize = 256;

/// Claims films for the jobs, batching the requests that arrive together
/// into one transaction (the slots of a window refilled together claim as one),
/// so claiming costs a round trip per batch rather than per film.
pub(crate) async fn claimer(
    db: Db,
    lease: Lease,
    requests: &mut mpsc::Receiver<ClaimRequest>,
    cancel: CancellationToken,
    faults: Faults,
) {
    loop {
        let first = tokio::select! {
            request = requests.recv() => match request { Some(r) => r, None => return },
            _ = cancel.cancelled() => return,
        };
        // Let the jobs spawned alongside this one ask too.
        tokio::task::yield_now().await;
        faults.trip("claimer");
        let mut batch = vec![first];
        while batch.len() < CLAIM_BATCH {
            match requests.try_recv() {
                Ok(request) => batch.push(request),
                Err(_) => break,
            }
        }
        let films: Vec<(&str, &LookupKey)> = batch
            .iter()
            .map(|r| (r.film.0.as_str(), &r.film.1))
            .collect();
        match claims::claim(&db, &lease, &films).await {
            Ok(rows) => {
                let mut rows: HashMap<FilmKey, movie::Model> = rows
                    .into_iter()
                    .map(|row| ((row.session_id.clone(), row.lookup_key.clone()), row))
                    .collect();
                for request in batch {
                    let row = rows.remove(&request.film);
                    let _ = request.reply.send(row);
                }
            }
            // Dropping the replies tells each job the claim failed.
            Err(err) => tracing::error!(error = %err, "could not claim pending films"),
        }
    }
}
