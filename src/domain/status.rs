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
    /// A proposed match waiting for a person: the matcher was not sure
    /// enough to accept it (see README, "Review"). Final for the engine; it
    /// carries the proposal like an enriched film, plus `candidates`.
    #[sea_orm(string_value = "review")]
    Review,
    /// No acceptable TMDB candidate; see `candidates`.
    #[sea_orm(string_value = "unmatched")]
    Unmatched,
    /// TMDB kept failing; see `error`.
    #[sea_orm(string_value = "failed")]
    Failed,
    /// Not a film or a show (a TV episode, a video game…): final from the
    /// upload on, never looked up; see `skip_reason`.
    #[sea_orm(string_value = "skipped")]
    Skipped,
}

impl MovieStatus {
    /// The stored and wire spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Enriched => "enriched",
            Self::Review => "review",
            Self::Unmatched => "unmatched",
            Self::Failed => "failed",
            Self::Skipped => "skipped",
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
    /// Every film is enriched, in review, unmatched, failed or skipped.
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

/// A kind of TMDB record: a film, or a TV show (a series the export names
/// as one, or a miniseries matched when no film fits); a manual match that
/// names none points at a film.
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
    /// A TV show: named as one by the export, or a miniseries matched when no film fits.
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

/// Why an export row is skipped: what its file says it is, which is neither
/// a film nor a show and has no TMDB record worth a call.
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
#[oai(rename_all = "snake_case")]
#[serde(rename_all = "snake_case")]
pub enum SkipReason {
    /// One episode of a series (IMDb `TV Episode`).
    #[sea_orm(string_value = "tv_episode")]
    TvEpisode,
    /// A video game (IMDb `Video Game`).
    #[sea_orm(string_value = "video_game")]
    VideoGame,
    /// A podcast series or episode (IMDb `Podcast Series`, `Podcast Episode`).
    #[sea_orm(string_value = "podcast")]
    Podcast,
    /// A music video (IMDb `Music Video`).
    #[sea_orm(string_value = "music_video")]
    MusicVideo,
}

impl SkipReason {
    /// The stored and wire spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::TvEpisode => "tv_episode",
            Self::VideoGame => "video_game",
            Self::Podcast => "podcast",
            Self::MusicVideo => "music_video",
        }
    }
}

impl std::fmt::Display for SkipReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
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
