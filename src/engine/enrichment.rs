//! What a film gains from TMDB, distilled from the details answers, and the
//! final state a lookup's outcome stores.

use crate::domain::{Candidate, Enrichment, MediaType, MovieStatus};
use crate::store::finalize::FinalState;
use crate::tmdb::images::PosterLinks;
use crate::tmdb::types::{MovieDetails, TvDetails, image_url};

/// Top-billed cast kept per film.
const CAST_KEPT: usize = 10;
/// Poster size requested from TMDB's image CDN.
const POSTER_SIZE: &str = "w342";

impl From<MovieDetails> for Enrichment {
    fn from(d: MovieDetails) -> Self {
        let directors = d.directors().map(|c| c.name.clone()).collect();
        let mut cast = d.credits.cast;
        cast.sort_by_key(|c| c.order);
        Self {
            tmdb_id: d.id,
            media_type: MediaType::Movie,
            imdb_id: d.imdb_id.filter(|id| !id.is_empty()),
            title: d.title,
            original_title: d.original_title,
            release_date: d.release_date,
            runtime: d.runtime.map(|r| r as i32).filter(|r| *r > 0),
            genres: d.genres.into_iter().map(|g| g.name).collect(),
            directors,
            cast: cast.into_iter().take(CAST_KEPT).map(|c| c.name).collect(),
            countries: d
                .production_countries
                .into_iter()
                .map(|c| c.iso_3166_1)
                .collect(),
            original_language: Some(d.original_language).filter(|l| !l.is_empty()),
            poster_url: d.poster_path.map(|p| image_url(POSTER_SIZE, &p)),
            vote_average: Some(d.vote_average),
        }
    }
}

impl From<TvDetails> for Enrichment {
    fn from(d: TvDetails) -> Self {
        let mut cast = d.credits.cast;
        cast.sort_by_key(|c| c.order);
        let countries = if d.production_countries.is_empty() {
            d.origin_country
        } else {
            d.production_countries
                .into_iter()
                .map(|c| c.iso_3166_1)
                .collect()
        };
        Self {
            tmdb_id: d.id,
            media_type: MediaType::Tv,
            imdb_id: d.external_ids.and_then(|ids| ids.imdb_id),
            title: d.name,
            original_title: d.original_name,
            release_date: d.first_air_date,
            // A miniseries' runtime is the sum of its episodes when TMDB says how many.
            runtime: d
                .episode_run_time
                .first()
                .map(|minutes| (*minutes * d.number_of_episodes.unwrap_or(1).max(1)) as i32),
            genres: d.genres.into_iter().map(|g| g.name).collect(),
            directors: d.created_by.into_iter().map(|c| c.name).collect(),
            cast: cast.into_iter().take(CAST_KEPT).map(|c| c.name).collect(),
            countries,
            original_language: Some(d.original_language).filter(|l| !l.is_empty()),
            poster_url: d.poster_path.map(|p| image_url(POSTER_SIZE, &p)),
            vote_average: Some(d.vote_average),
        }
    }
}

/// How a film's lookup ended.
#[derive(Clone, Debug)]
pub enum Outcome {
    /// Matched with this confidence and enriched.
    Enriched(Box<Enrichment>, f64),
    /// A proposal with this confidence, enriched, for a person to confirm;
    /// the best candidates (the proposal first) kept beside it.
    Review(Box<Enrichment>, f64, Vec<Candidate>),
    /// No acceptable candidate; the best ones are kept.
    Unmatched(Vec<Candidate>),
    /// TMDB kept failing; the reason is for people.
    Failed(String),
}

impl Outcome {
    /// The outcome with its posters linked as `links` says.
    pub fn link_posters(self, links: PosterLinks) -> Self {
        let link = |mut e: Box<Enrichment>| {
            e.poster_url = links.link(e.poster_url.take());
            e
        };
        let link_all = |candidates: Vec<Candidate>| {
            candidates
                .into_iter()
                .map(|mut c| {
                    c.poster_url = links.link(c.poster_url.take());
                    c
                })
                .collect()
        };
        match self {
            Self::Enriched(e, confidence) => Self::Enriched(link(e), confidence),
            Self::Review(e, confidence, candidates) => {
                Self::Review(link(e), confidence, link_all(candidates))
            }
            Self::Unmatched(candidates) => Self::Unmatched(link_all(candidates)),
            failed @ Self::Failed(_) => failed,
        }
    }

    /// The row state this outcome stores.
    pub fn final_state(&self) -> FinalState {
        let nothing = FinalState {
            status: MovieStatus::Failed,
            enrichment: None,
            match_confidence: None,
            candidates: None,
            error: None,
        };
        match self {
            Outcome::Enriched(e, confidence) => FinalState {
                status: MovieStatus::Enriched,
                enrichment: Some((**e).clone()),
                match_confidence: Some(*confidence),
                ..nothing
            },
            Outcome::Review(e, confidence, candidates) => FinalState {
                status: MovieStatus::Review,
                enrichment: Some((**e).clone()),
                match_confidence: Some(*confidence),
                candidates: Some(candidates.clone()),
                ..nothing
            },
            Outcome::Unmatched(candidates) => FinalState {
                status: MovieStatus::Unmatched,
                candidates: Some(candidates.clone()),
                ..nothing
            },
            Outcome::Failed(reason) => FinalState {
                error: Some(reason.clone()),
                ..nothing
            },
        }
    }
}
