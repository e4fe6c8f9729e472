//! What TMDB adds to a film: the one description of its enriched fields,
//! and the candidates kept when no match is certain.

use poem_openapi::Object;
use serde::{Deserialize, Serialize};

use super::MediaType;

/// The enriched fields of one film, as TMDB describes it.
///
/// The engine distils it from TMDB's details (and caches it across sessions
/// in this JSON shape), the store writes and reads it as the `movies`
/// columns, and the API and the exports show it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Enrichment {
    /// TMDB id.
    pub tmdb_id: i64,
    /// `movie` or `tv`.
    pub media_type: MediaType,
    /// IMDb id, when TMDB knows it.
    pub imdb_id: Option<String>,
    /// TMDB title.
    pub title: String,
    /// Original-language title.
    pub original_title: String,
    /// Primary release (or first air) date, YYYY-MM-DD.
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
    /// TMDB vote average, 0–10.
    pub vote_average: Option<f64>,
}

/// A TMDB candidate kept for an unmatched film, so a person can pick it.
#[derive(Clone, Debug, PartialEq, Object, Serialize, Deserialize)]
pub struct Candidate {
    /// TMDB id.
    pub tmdb_id: i64,
    /// `movie` or `tv`.
    pub media_type: MediaType,
    /// TMDB title.
    pub title: String,
    /// Title in the original language.
    pub original_title: Option<String>,
    /// Year of the primary release.
    pub year: Option<i32>,
    /// The matcher's score for this candidate, 0–1.
    pub score: f64,
    /// Poster image: `/api/poster/{size}/{file}` on this server, or TMDB's
    /// own URL when `REELSTREAM_POSTER_LINKS=tmdb` (and for films looked up before).
    #[serde(default)]
    pub poster_url: Option<String>,
}
