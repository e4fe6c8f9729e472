//! The in-process fan-out: a `DashMap` from session id to a broadcast channel,
//! published to after each commit.

use std::sync::Arc;

use dashmap::DashMap;
use tokio::sync::broadcast;

use super::Published;

/// Session id → broadcast sender; channels are created on demand.
#[derive(Clone)]
pub struct Hub {
    channels: Arc<DashMap<String, broadcast::Sender<Arc<Published>>>>,
    /// How many events a subscriber may fall behind before it lags and is
    /// resynchronised from the log; bounds memory per session.
    capacity: usize,
}

impl Hub {
    /// An empty hub whose channels buffer `capacity` events.
    pub fn new(capacity: usize) -> Self {
        Self {
            channels: Arc::default(),
            capacity: capacity.max(1),
        }
    }

    /// Subscribes to a session's live events.
    pub fn subscribe(&self, session_id: &str) -> broadcast::Receiver<Arc<Published>> {
        self.channels
            .entry(session_id.to_owned())
            .or_insert_with(|| broadcast::channel(self.capacity).0)
            .subscribe()
    }

    /// Publishes committed events; a session nobody listens to costs nothing.
    pub fn publish(&self, session_id: &str, events: impl IntoIterator<Item = Arc<Published>>) {
        let Some(sender) = self.channels.get(session_id).map(|s| s.clone()) else {
            return;
        };
        let mut completed = false;
        for event in events {
            completed |= event.is_final();
            // An error only means nobody is subscribed right now.
            let _ = sender.send(event);
        }
        if completed || sender.receiver_count() == 0 {
            self.channels
                .remove_if(session_id, |_, s| s.receiver_count() == 0);
        }
    }

    /// Whether anyone here listens to a session.
    pub fn has_subscribers(&self, session_id: &str) -> bool {
        self.channels
            .get(session_id)
            .is_some_and(|s| s.receiver_count() > 0)
    }

    /// The sessions someone here listens to.
    pub fn subscribed_sessions(&self) -> Vec<String> {
        self.channels
            .iter()
            .filter(|entry| entry.value().receiver_count() > 0)
            .map(|entry| entry.key().clone())
            .collect()
    }

    /// Drops a session's channel if nobody listens any more.
    pub fn release(&self, session_id: &str) {
        self.channels
            .remove_if(session_id, |_, s| s.receiver_count() == 0);
    }

    /// Number of sessions with a live channel.
    pub fn channels(&self) -> usize {
        self.channels.len()
    }
}
