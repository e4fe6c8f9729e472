//! Live progress: the event shapes shared by every transport and the
//! in-process broadcast hub that delivers them after commit.

pub mod hub;
pub mod notify;

use serde::{Deserialize, Serialize};

use crate::model::{Movie, Session, SessionStatus};

/// A session's counters after a change, carried by each `movie` event.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, poem_openapi::Object)]
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
        }
    }
}

/// One message of a session's stream; the JSON is identical over SSE and WebSocket.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum Event {
    /// The session as it stands; always first on a new subscription.
    Snapshot {
        /// The last seq the snapshot includes.
        seq: i64,
        /// The session.
        session: Box<Session>,
    },
    /// A movie row reached a final state (again, after a fix or a retry).
    Movie {
        /// Position in the session's log.
        seq: i64,
        /// The movie as committed.
        movie: Box<Movie>,
        /// The session's counters after this change.
        progress: Progress,
    },
    /// Every movie is final; the stream ends after this.
    Completed {
        /// Position in the session's log.
        seq: i64,
        /// The session as completed.
        session: Box<Session>,
    },
}

impl Event {
    /// The event's seq.
    pub fn seq(&self) -> i64 {
        match self {
            Self::Snapshot { seq, .. } | Self::Movie { seq, .. } | Self::Completed { seq, .. } => {
                *seq
            }
        }
    }

    /// The `type` field: `snapshot`, `movie` or `completed`.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Snapshot { .. } => "snapshot",
            Self::Movie { .. } => "movie",
            Self::Completed { .. } => "completed",
        }
    }

    /// The event as JSON text.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("events always serialise")
    }
}
