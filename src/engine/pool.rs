//! The candidates of one film's searches, pooled: the first search whose
//! verdict accepts settles the film; otherwise the pool's best is proposed
//! for review, or the film is unmatched with the closest candidates.

use std::collections::HashSet;

use serde::{Deserialize, Serialize};

use super::matcher::{KEPT_CANDIDATES, Scored, Verdict, sorted, verdict};
use crate::domain::{Candidate, MediaType};

/// Every candidate the searches for one film have seen.
#[derive(Default)]
pub(super) struct Pool(Vec<Scored>);

impl Pool {
    /// The film's resolution when these candidates settle it (one is
    /// accepted); otherwise they join the pool.
    pub(super) fn offer(&mut self, ranked: Vec<Scored>) -> Option<Resolution> {
        if let Verdict::Accept(top) = verdict(&ranked) {
            let c = &top.candidate;
            return Some(matched(c.tmdb_id, c.media_type, c.score));
        }
        self.0.extend(ranked);
        None
    }

    /// Adds candidates without letting them settle the film.
    pub(super) fn keep(&mut self, ranked: Vec<Scored>) {
        self.0.extend(ranked);
    }

    /// Whether some candidate seen so far is worth proposing.
    pub(super) fn has_proposal(&self) -> bool {
        matches!(verdict(&self.ranked()), Verdict::Review(_))
    }

    /// The best candidates, one per TMDB record, best first.
    fn ranked(&self) -> Vec<Scored> {
        let mut seen = HashSet::new();
        let ranked = sorted(self.0.iter().cloned());
        ranked
            .into_iter()
            .filter(|s| seen.insert((s.candidate.tmdb_id, s.candidate.media_type)))
            .collect()
    }

    /// What the searches found, when none settled the film: a proposal to
    /// review, or the candidates of an unmatched film.
    pub(super) fn finish(&self) -> Resolution {
        let ranked = self.ranked();
        let candidates = || {
            ranked
                .iter()
                .take(KEPT_CANDIDATES)
                .map(|s| s.candidate.clone())
                .collect::<Vec<_>>()
        };
        match verdict(&ranked) {
            Verdict::Accept(top) | Verdict::Review(top) => Resolution::Proposed {
                tmdb_id: top.candidate.tmdb_id,
                media_type: top.candidate.media_type,
                confidence: top.candidate.score,
                candidates: candidates(),
            },
            Verdict::Nothing => {
                // Unmatched: the closest by score, whatever their fit.
                let mut by_score = ranked.clone();
                by_score.sort_by(|a, b| b.candidate.score.total_cmp(&a.candidate.score));
                Resolution::Unmatched {
                    candidates: by_score
                        .into_iter()
                        .take(KEPT_CANDIDATES)
                        .map(|s| s.candidate)
                        .collect(),
                }
            }
        }
    }
}

/// Which TMDB record a film resolved to, the proposal a person should
/// confirm, or the candidates when none fits.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub(super) enum Resolution {
    Matched {
        tmdb_id: i64,
        media_type: MediaType,
        confidence: f64,
    },
    Proposed {
        tmdb_id: i64,
        media_type: MediaType,
        confidence: f64,
        candidates: Vec<Candidate>,
    },
    Unmatched {
        candidates: Vec<Candidate>,
    },
}

/// A film resolved to one record.
pub(super) fn matched(tmdb_id: i64, media_type: MediaType, confidence: f64) -> Resolution {
    Resolution::Matched {
        tmdb_id,
        media_type,
        confidence,
    }
}
