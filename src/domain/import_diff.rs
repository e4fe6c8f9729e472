//! What a re-import changed in a library.

use poem_openapi::Object;
use serde::{Deserialize, Serialize};

/// What a re-import did, by movie id, each list in row order.
#[derive(Clone, Debug, Default, PartialEq, Eq, Object, Serialize, Deserialize)]
pub struct ImportDiff {
    /// Films new to the library, queued for lookup (or skipped).
    pub added: Vec<i64>,
    /// Films whose export record changed (rating, dates, viewings, title…);
    /// looked up again only when what they are looked up by changed, and
    /// never when a person chose their match.
    pub changed: Vec<i64>,
    /// Films no longer in the export, now deleted (these ids are gone).
    pub removed: Vec<i64>,
    /// Films exactly as before.
    pub unchanged: Vec<i64>,
}

impl ImportDiff {
    /// Whether the import changes nothing.
    pub fn is_empty(&self) -> bool {
        self.added.is_empty() && self.changed.is_empty() && self.removed.is_empty()
    }
}
