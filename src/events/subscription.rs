//! One subscriber's view of a session: a snapshot or a replay from the log,
//! then live events, with no gap and no duplicate (SPEC §5).
//!
//! The hub is subscribed to *before* the session is read, so every event
//! committed after that read reaches the receiver; events committed in
//! between arrive both from the log and live, and are dropped by seq. A
//! receiver that lags (the broadcast buffer overflowed because the subscriber
//! stopped reading) is resynchronised from the log instead of ending.

use std::sync::Arc;

use futures_util::stream::BoxStream;
use tokio::sync::broadcast;
use tokio::sync::broadcast::error::RecvError;

use super::hub::Hub;
use super::metrics::StreamMetrics;
use super::{Event, Published, SnapshotEvent};
use crate::model::Session;
use crate::store::{Db, StoreError, events, sessions};

/// Events read from the log per query while replaying or resynchronising.
const PAGE: u64 = 500;

/// What a subscription needs; cheap to clone.
#[derive(Clone)]
pub struct Streams {
    /// The database holding the event log.
    pub db: Db,
    /// Live fan-out.
    pub hub: Hub,
    /// Stream metrics.
    pub metrics: StreamMetrics,
    /// The most events a resume replays; one further behind gets a snapshot,
    /// so that a tiny request cannot make the server send a whole log.
    pub replay_max_events: u64,
}

/// What a subscriber gets.
pub enum Subscription {
    /// The events to send, ending after `completed`.
    Events(BoxStream<'static, Arc<Published>>),
    /// The subscriber resumes after the completed session's last event, its
    /// `completed`: nothing follows, and sending that again would be a duplicate.
    Ended,
}

/// A subscriber's receiver of a session's live events. Dropped, on whatever
/// path, it gives the session's channel back to the hub: a completed session
/// publishes nothing more that would remove it.
struct Live {
    /// Always set; taken only when dropped, so that the hub sees no receiver left.
    rx: Option<broadcast::Receiver<Arc<Published>>>,
    hub: Hub,
    session_id: String,
}

impl Live {
    fn new(hub: &Hub, session_id: &str) -> Self {
        Self {
            rx: Some(hub.subscribe(session_id)),
            hub: hub.clone(),
            session_id: session_id.to_owned(),
        }
    }

    async fn recv(&mut self) -> Result<Arc<Published>, RecvError> {
        self.rx.as_mut().expect("set until dropped").recv().await
    }

    /// Listens again after the channel was dropped.
    fn resubscribe(&mut self) {
        self.rx = Some(self.hub.subscribe(&self.session_id));
    }
}

impl Drop for Live {
    fn drop(&mut self) {
        drop(self.rx.take());
        self.hub.release(&self.session_id);
    }
}

/// Reads a `Last-Event-ID`: anything but a non-negative number means "start fresh".
pub fn parse_last_event_id(raw: Option<&str>) -> Option<i64> {
    raw.and_then(|v| v.trim().parse::<i64>().ok())
        .filter(|n| *n >= 0)
}

impl Streams {
    /// Opens a subscription to a session, resuming after `last_event_id` when
    /// the log has it; None when the session does not exist.
    pub async fn subscribe(
        &self,
        session_id: &str,
        last_event_id: Option<i64>,
    ) -> Result<Option<Subscription>, StoreError> {
        let mut live = Live::new(&self.hub, session_id);
        let Some(session) = sessions::get(&self.db, session_id).await? else {
            return Ok(None);
        };
        let last = session.last_seq;
        let completed = session.completed_at.is_some();
        if completed && last_event_id == Some(last) {
            return Ok(Some(Subscription::Ended));
        }
        // `head` goes first; then the log is replayed from `start` up to `last`.
        let (head, start) = match last_event_id {
            Some(n) if n <= last && self.within_replay_depth(n, last) => (None, n),
            // First subscription, an id beyond the log, or one too far behind
            // it: a fresh snapshot.
            _ => {
                let snapshot = SnapshotEvent {
                    seq: last,
                    session: Session::from(session),
                };
                (
                    Some(Arc::new(Published::new(&Event::Snapshot(snapshot)))),
                    last,
                )
            }
        };
        // A completed session's stream must still end on its `completed` event,
        // which is the last of its log.
        let start = if completed {
            start.min(last - 1)
        } else {
            start
        };
        let this = self.clone();
        let session_id = session_id.to_owned();
        Ok(Some(Subscription::Events(Box::pin(
            async_stream::stream! {
                if let Some(snapshot) = head {
                    yield snapshot;
                }
                let mut sent = start;
                let mut until = Some(last);
                loop {
                    // Drain the log up to `until` (a replay, a gap, or everything after a lag).
                    loop {
                        let page = match this.read(&session_id, sent, until).await {
                            Ok(page) => page,
                            Err(err) => {
                                tracing::warn!(error = %err, "reading the event log failed");
                                return;
                            }
                        };
                        if page.is_empty() {
                            break;
                        }
                        for event in page {
                            sent = event.seq();
                            // A retry or a manual fix reopens a completed session: its
                            // earlier `completed` no longer ends the stream.
                            if event.is_final() && this.superseded(&session_id, sent).await {
                                continue;
                            }
                            let done = event.is_final();
                            yield event;
                            if done {
                                return;
                            }
                        }
                    }
                    // Then live events, until one arrives out of order or the receiver lags.
                    until = loop {
                        match live.recv().await {
                            Ok(event) if event.seq() <= sent => continue,
                            Ok(event) if event.seq() == sent + 1 => {
                                sent = event.seq();
                                let done = event.is_final();
                                yield event;
                                if done {
                                    return;
                                }
                            }
                            Ok(event) => break Some(event.seq()),
                            Err(RecvError::Lagged(_)) => {
                                this.metrics.resyncs.inc();
                                break None;
                            }
                            Err(RecvError::Closed) => {
                                // The channel was dropped: listen again, then catch up from the log.
                                live.resubscribe();
                                break None;
                            }
                        }
                    };
                }
            },
        ))))
    }

    /// Whether a resume after `from` replays few enough events, up to `last`.
    fn within_replay_depth(&self, from: i64, last: i64) -> bool {
        u64::try_from(last - from).is_ok_and(|behind| behind <= self.replay_max_events)
    }

    /// Whether the log goes on after `seq`.
    async fn superseded(&self, session_id: &str, seq: i64) -> bool {
        events::range(&self.db, session_id, seq, None, 1)
            .await
            .is_ok_and(|later| !later.is_empty())
    }

    /// Events with seq in `(after, up_to]` from the log, one page.
    async fn read(
        &self,
        session_id: &str,
        after: i64,
        up_to: Option<i64>,
    ) -> Result<Vec<Arc<Published>>, StoreError> {
        let rows = events::range(&self.db, session_id, after, up_to, PAGE).await?;
        Ok(rows
            .into_iter()
            .map(|row| Arc::new(Published::from_log(row.seq, row.kind, row.payload)))
            .collect())
    }
}
