//! A viewing: one dated watch of a film, as an export records it.

use serde::{Deserialize, Serialize};

/// One watch of a film: a diary or review entry, a line of a viewing history.
/// The import produces it, the store keeps it, the API shows it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Viewing {
    /// The day it was watched, ISO `YYYY-MM-DD`; `None` when the entry has none.
    pub watched_date: Option<String>,
    /// The rating given with this viewing, 0.5–5.
    pub rating: Option<f64>,
    /// Marked as a rewatch.
    pub rewatch: bool,
    /// Tags, as written (comma-separated in Letterboxd's files).
    pub tags: Option<String>,
    /// Whether the viewing has a review.
    pub reviewed: bool,
}
