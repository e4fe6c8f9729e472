//! What a film gains from TMDB, distilled from the details answers, and its
//! stored final state.

use serde::{Deserialize, Serialize};

use crate::model::Candidate;
use crate::store::finalize::FinalState;
use crate::store::movies::{STATUS_ENRICHED, STATUS_FAILED, STATUS_UNMATCHED};
use crate::tmdb::types::{MovieDetails, TvDetails, image_url};

/// Top-billed cast kept per film.
const CAST_KEPT: usize = 10;
/// Poster size requested from TMDB's image CDN.
const POSTER_SIZE: &str = "w342";

/// The enrichment fields of one film, as cached across sessions.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Enrichment {
    /// TMDB id.
    pub tmdb_id: i64,
    /// `movie` or `tv`.
    pub media_type: String,
    /// IMDb id, when TMDB knows it.
    pub imdb_id: Option<String>,
    /// TMDB title.
    pub title: String,
    /// Original-language title.
    pub original_title: String,
    /// Primary release (or first air) date.
    pub release_date: Option<String>,
    /// Minutes.
    pub runtime: Option<i32>,
    /// Genre names.
    pub genres: Vec<String>,
    /// Directors (creators for TV).
    pub directors: Vec<String>,
    /// Top-billed cast.
    pub cast: Vec<String>,
    /// ISO 3166-1 codes.
    pub countries: Vec<String>,
    /// ISO 639-1.
    pub original_language: Option<String>,
    /// Poster URL.
    pub poster_url: Option<String>,
    /// TMDB vote average.
    pub vote_average: Option<f64>,
}

impl From<MovieDetails> for Enrichment {
    fn from(d: MovieDetails) -> Self {
        let directors = d.directors().map(|c| c.name.clone()).collect();
        let mut cast = d.credits.cast;
        cast.sort_by_key(|c| c.order);
        Self {
            tmdb_id: d.id,
            media_type: "movie".into(),
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
            media_type: "tv".into(),
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
    /// No acceptable candidate; the best ones are kept.
    Unmatched(Vec<Candidate>),
    /// TMDB kept failing; the reason is for people.
    Failed(String),
}

fn json<T: Serialize>(value: &T) -> Option<String> {
    serde_json::to_string(value).ok()
}

impl Outcome {
    /// The row state this outcome stores.
    pub fn final_state(&self) -> FinalState {
        match self {
            Outcome::Enriched(e, confidence) => FinalState {
                status: STATUS_ENRICHED,
                tmdb_id: Some(e.tmdb_id),
                imdb_id: e.imdb_id.clone(),
                media_type: Some(e.media_type.clone()),
                matched_title: Some(e.title.clone()),
                original_title: Some(e.original_title.clone()),
                release_date: e.release_date.clone(),
                runtime: e.runtime,
                genres: json(&e.genres),
                directors: json(&e.directors),
                cast: json(&e.cast),
                countries: json(&e.countries),
                original_language: e.original_language.clone(),
                poster_url: e.poster_url.clone(),
                vote_average: e.vote_average,
                match_confidence: Some(*confidence),
                ..FinalState::default()
            },
            Outcome::Unmatched(candidates) => FinalState {
                status: STATUS_UNMATCHED,
                candidates: json(candidates),
                ..FinalState::default()
            },
            Outcome::Failed(reason) => FinalState {
                status: STATUS_FAILED,
                error: Some(reason.clone()),
                ..FinalState::default()
            },
        }
    }
}
