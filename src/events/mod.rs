//! Live progress: the event shapes shared by every transport, the per-session
//! subscription that replays the log and hands over to live events without a
//! gap or a duplicate, and the in-process broadcast hub.

pub(crate) mod hub;
pub(crate) mod metrics;
pub(crate) mod pg_fanout;
pub mod subscription;

use poem_openapi::{Object, Union};
use serde::{Deserialize, Serialize};

use crate::domain::{ImportDiff, SessionStatus};
use crate::model::{Movie, Session};

/// A session's counters after a change, carried by each `movie` event.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Object)]
pub struct Progress {
    /// `enriching` or `completed`.
    pub status: SessionStatus,
    /// Number of film rows.
    pub total_movies: i64,
    /// Rows in a final state.
    pub processed_count: i64,
    /// Rows enriched.
    pub enriched_count: i64,
    /// Rows unmatched.
    pub unmatched_count: i64,
    /// Rows failed.
    pub failed_count: i64,
    /// Rows skipped (neither films nor shows), final from the upload on.
    pub skipped_count: i64,
    /// Rows in review (a proposed match to confirm).
    #[serde(default)]
    pub review_count: i64,
}

impl From<&Session> for Progress {
    fn from(s: &Session) -> Self {
        Self {
            status: s.status,
            total_movies: s.total_movies,
            processed_count: s.processed_count,
            enriched_count: s.enriched_count,
            unmatched_count: s.unmatched_count,
            failed_count: s.failed_count,
            skipped_count: s.skipped_count,
            review_count: s.review_count,
        }
    }
}

/// The session as it stands: always the first message of a new subscription.
#[derive(Clone, Debug, Serialize, Deserialize, Object)]
pub struct SnapshotEvent {
    /// The last seq this snapshot reflects; live events continue after it.
    pub seq: i64,
    /// The session.
    pub session: Session,
}

/// A movie row reached a final state (again, after a manual fix or a retry).
#[derive(Clone, Debug, Serialize, Deserialize, Object)]
pub struct MovieEvent {
    /// Position in the session's log: dense, from 1.
    pub seq: i64,
    /// The movie as committed.
    pub movie: Movie,
    /// The session's counters after this change.
    pub progress: Progress,
}

/// Every movie is final; the stream ends after this message.
#[derive(Clone, Debug, Serialize, Deserialize, Object)]
pub struct CompletedEvent {
    /// Position in the session's log.
    pub seq: i64,
    /// The session as completed.
    pub session: Session,
}

/// A newer export was merged into the session (a re-import): what it
/// changed, by movie id. `movie` events follow for the films looked up
/// again, then a `completed`.
#[derive(Clone, Debug, Serialize, Deserialize, Object)]
pub struct ImportedEvent {
    /// Position in the session's log.
    pub seq: i64,
    /// The session after the merge.
    pub session: Session,
    /// What the import changed.
    pub diff: ImportDiff,
}

/// One message of a session's stream; the JSON is identical over SSE and
/// WebSocket, with `type` telling which.
#[derive(Clone, Debug, Serialize, Deserialize, Union)]
#[oai(discriminator_name = "type")]
#[serde(tag = "type", rename_all = "lowercase")]
#[allow(clippy::large_enum_variant)] // shared behind an Arc once built
pub enum Event {
    /// See [`SnapshotEvent`].
    #[oai(mapping = "snapshot")]
    Snapshot(SnapshotEvent),
    /// See [`MovieEvent`].
    #[oai(mapping = "movie")]
    Movie(MovieEvent),
    /// See [`CompletedEvent`].
    #[oai(mapping = "completed")]
    Completed(CompletedEvent),
    /// See [`ImportedEvent`].
    #[oai(mapping = "imported")]
    Imported(ImportedEvent),
}

impl Event {
    /// The event's seq.
    pub fn seq(&self) -> i64 {
        match self {
            Self::Snapshot(e) => e.seq,
            Self::Movie(e) => e.seq,
            Self::Completed(e) => e.seq,
            Self::Imported(e) => e.seq,
        }
    }

    /// The `type` field: `snapshot`, `movie`, `completed` or `imported`.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Snapshot(_) => "snapshot",
            Self::Movie(_) => "movie",
            Self::Completed(_) => "completed",
            Self::Imported(_) => "imported",
        }
    }

    /// Whether the stream ends after this event.
    pub fn is_final(&self) -> bool {
        matches!(self, Self::Completed(_))
    }

    /// The event as JSON text.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("events always serialise")
    }
}

/// A committed event on its way to subscribers, serialised once however many
/// subscribers there are (replays from the log reuse the stored JSON as is).
#[derive(Clone, Debug)]
pub struct Published {
    seq: i64,
    kind: String,
    json: String,
}

impl Published {
    /// Serialises an event.
    pub fn new(event: &Event) -> Self {
        Self {
            seq: event.seq(),
            kind: event.kind().to_owned(),
            json: event.to_json(),
        }
    }

    /// An event as stored in the log.
    pub fn from_log(seq: i64, kind: String, json: String) -> Self {
        Self { seq, kind, json }
    }

    /// The event's seq.
    pub fn seq(&self) -> i64 {
        self.seq
    }

    /// `snapshot`, `movie` or `completed`.
    pub fn kind(&self) -> &str {
        &self.kind
    }

    /// The event's JSON, exactly as sent.
    pub fn json(&self) -> &str {
        &self.json
    }

    /// Whether the stream ends after this event.
    pub fn is_final(&self) -> bool {
        self.kind == "completed"
    }

    /// The structured event, for in-process readers.
    pub fn event(&self) -> Option<Event> {
        serde_json::from_str(&self.json).ok()
    }
}
