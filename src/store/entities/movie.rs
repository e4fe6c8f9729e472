//! One film row of a session: its source fields and, once final, its enrichment.

use sea_orm::entity::prelude::*;

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
    pub lookup_key: String,
    pub status: String,
    pub tmdb_id: Option<i64>,
    pub imdb_id: Option<String>,
    pub media_type: Option<String>,
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
    pub attempts: i32,
    pub lease_owner: Option<String>,
    pub lease_expires_at: Option<DateTimeUtc>,
    pub updated_at: DateTimeUtc,
}

/// Movies are read per session with plain filters.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
