//! One film row of a session: its source fields and, once final, its
//! enrichment — written and read back here, in one place.

use sea_orm::ActiveValue::Set;
use sea_orm::entity::prelude::*;

use crate::domain::{Candidate, Enrichment, LookupKey, MediaType, MovieStatus, SkipReason};

/// One row of `movies`. List-valued fields are JSON arrays stored as text.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "movies")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub session_id: String,
    pub row: i32,
    pub title: String,
    pub year: Option<i32>,
    pub letterboxd_uri: Option<String>,
    pub watched_date: Option<String>,
    #[sea_orm(column_type = "Double", nullable)]
    pub rating: Option<f64>,
    pub rewatch: i32,
    pub logged_date: Option<String>,
    pub rated_date: Option<String>,
    pub added_date: Option<String>,
    pub viewing_count: i32,
    pub lookup_key: LookupKey,
    pub status: MovieStatus,
    pub tmdb_id: Option<i64>,
    pub imdb_id: Option<String>,
    pub media_type: Option<MediaType>,
    pub matched_title: Option<String>,
    pub original_title: Option<String>,
    pub release_date: Option<String>,
    pub runtime: Option<i32>,
    pub genres: Option<String>,
    pub directors: Option<String>,
    pub cast: Option<String>,
    pub countries: Option<String>,
    pub original_language: Option<String>,
    pub poster_url: Option<String>,
    #[sea_orm(column_type = "Double", nullable)]
    pub vote_average: Option<f64>,
    #[sea_orm(column_type = "Double", nullable)]
    pub match_confidence: Option<f64>,
    pub candidates: Option<String>,
    pub error: Option<String>,
    pub skip_reason: Option<SkipReason>,
    pub attempts: i32,
    /// The film's identity in its export, by which a re-import finds it again.
    pub source_key: Option<String>,
    /// The match is a person's (a fix or an accepted proposal): kept by every
    /// lookup, re-import and retry.
    pub pinned: bool,
    pub lease_owner: Option<String>,
    pub lease_expires_at: Option<DateTimeUtc>,
    pub updated_at: DateTimeUtc,
}

/// Movies are read per session with plain filters.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

fn json_list<T: serde::de::DeserializeOwned>(value: Option<&str>) -> Vec<T> {
    value
        .and_then(|v| serde_json::from_str(v).ok())
        .unwrap_or_default()
}

fn json<T: serde::Serialize>(value: &T) -> Option<String> {
    serde_json::to_string(value).ok()
}

impl Model {
    /// What TMDB said of this film, when its row holds a match.
    pub fn enrichment(&self) -> Option<Enrichment> {
        Some(Enrichment {
            tmdb_id: self.tmdb_id?,
            media_type: self.media_type?,
            imdb_id: self.imdb_id.clone(),
            title: self.matched_title.clone()?,
            original_title: self.original_title.clone().unwrap_or_default(),
            release_date: self.release_date.clone(),
            runtime: self.runtime,
            genres: json_list(self.genres.as_deref()),
            directors: json_list(self.directors.as_deref()),
            cast: json_list(self.cast.as_deref()),
            countries: json_list(self.countries.as_deref()),
            original_language: self.original_language.clone(),
            poster_url: self.poster_url.clone(),
            vote_average: self.vote_average,
        })
    }

    /// The candidates kept when the film was left unmatched.
    pub fn candidates(&self) -> Vec<Candidate> {
        json_list(self.candidates.as_deref())
    }
}

impl ActiveModel {
    /// Sets every enrichment column: from `enrichment`, or empty without one.
    /// The ids are set only when known; the caller decides what an unknown
    /// id means (see `finalize`, which keeps the ids a row came with).
    pub fn set_enrichment(&mut self, enrichment: Option<&Enrichment>) {
        let e = enrichment;
        self.tmdb_id = Set(e.map(|e| e.tmdb_id));
        self.imdb_id = Set(e.and_then(|e| e.imdb_id.clone()));
        self.media_type = Set(e.map(|e| e.media_type));
        self.matched_title = Set(e.map(|e| e.title.clone()));
        self.original_title = Set(e.map(|e| e.original_title.clone()));
        self.release_date = Set(e.and_then(|e| e.release_date.clone()));
        self.runtime = Set(e.and_then(|e| e.runtime));
        self.genres = Set(e.and_then(|e| json(&e.genres)));
        self.directors = Set(e.and_then(|e| json(&e.directors)));
        self.cast = Set(e.and_then(|e| json(&e.cast)));
        self.countries = Set(e.and_then(|e| json(&e.countries)));
        self.original_language = Set(e.and_then(|e| e.original_language.clone()));
        self.poster_url = Set(e.and_then(|e| e.poster_url.clone()));
        self.vote_average = Set(e.and_then(|e| e.vote_average));
    }

    /// Sets the candidates column (a JSON array), or clears it.
    pub fn set_candidates(&mut self, candidates: Option<&[Candidate]>) {
        self.candidates = Set(candidates.and_then(|c| json(&c)));
    }
}
