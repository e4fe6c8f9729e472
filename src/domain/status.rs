//! Film status, session status and media type, stored as the TEXT values
//! they always had.
//!
//! sea-orm reads an unknown value as an error that names it, so a
//! misspelled status in the database is reported, never counted as another.

use poem_openapi::Enum;
use sea_orm::{DeriveActiveEnum, EnumIter};
use serde::{Deserialize, Serialize};

/// Where a film stands.
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    Hash,
    EnumIter,
    DeriveActiveEnum,
    Enum,
    Serialize,
    Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "Text")]
#[oai(rename_all = "lowercase")]
#[serde(rename_all = "lowercase")]
pub enum MovieStatus {
    /// Waiting for its TMDB lookup.
    #[sea_orm(string_value = "pending")]
    Pending,
    /// Matched and enriched from TMDB.
    #[sea_orm(string_value = "enriched")]
    Enriched,
    /// No acceptable TMDB candidate; see `candidates`.
    #[sea_orm(string_value = "unmatched")]
    Unmatched,
    /// TMDB kept failing; see `error`.
    #[sea_orm(string_value = "failed")]
    Failed,
}

impl MovieStatus {
    /// The stored and wire spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Enriched => "enriched",
            Self::Unmatched => "unmatched",
            Self::Failed => "failed",
        }
    }

    /// Whether the engine is done with a film in this status.
    pub fn is_final(self) -> bool {
        !matches!(self, Self::Pending)
    }
}

/// Where a session stands.
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    Hash,
    EnumIter,
    DeriveActiveEnum,
    Enum,
    Serialize,
    Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "Text")]
#[oai(rename_all = "lowercase")]
#[serde(rename_all = "lowercase")]
pub enum SessionStatus {
    /// Some films are still pending.
    #[sea_orm(string_value = "enriching")]
    Enriching,
    /// Every film is enriched, unmatched or failed.
    #[sea_orm(string_value = "completed")]
    Completed,
}

impl SessionStatus {
    /// The stored and wire spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Enriching => "enriching",
            Self::Completed => "completed",
        }
    }
}

/// A kind of TMDB record: a film, or a TV miniseries (matched when no film
/// fits); a manual match that names none points at a film.
#[derive(
    Clone,
    Copy,
    Debug,
    Default,
    PartialEq,
    Eq,
    Hash,
    EnumIter,
    DeriveActiveEnum,
    Enum,
    Serialize,
    Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "Text")]
#[oai(rename_all = "lowercase")]
#[serde(rename_all = "lowercase")]
pub enum MediaType {
    /// A film.
    #[default]
    #[sea_orm(string_value = "movie")]
    Movie,
    /// A TV miniseries, matched when no film fits.
    #[sea_orm(string_value = "tv")]
    Tv,
}

impl MediaType {
    /// The stored and wire spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Movie => "movie",
            Self::Tv => "tv",
        }
    }
}

impl std::fmt::Display for MovieStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::fmt::Display for MediaType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}
