//! The public shapes of sessions and movies, shared by the HTTP API, the event
//! streams and the exports, so every channel says the same thing.

use chrono::{DateTime, Utc};
use poem_openapi::Object;
use serde::{Deserialize, Serialize};

use crate::domain::{Candidate, MediaType, MovieStatus, SessionStatus, SkipReason};
use crate::store::entities::{movie, session, viewing};

/// An upload and the progress of its enrichment.
#[derive(Clone, Debug, Object, Serialize, Deserialize)]
#[oai(example)]
pub struct Session {
    /// Session id (UUID).
    pub id: String,
    /// `enriching` until every film is final, then `completed`.
    pub status: SessionStatus,
    /// The detected input format, e.g. `letterboxd_watched`, `letterboxd_zip`, `imdb`, `netflix`, `generic`.
    pub source_format: String,
    /// Number of film rows in the session.
    pub total_movies: i64,
    /// Rows in a final state (enriched + review + unmatched + failed + skipped).
    pub processed_count: i64,
    /// Rows matched and enriched.
    pub enriched_count: i64,
    /// Rows with no acceptable match.
    pub unmatched_count: i64,
    /// Rows whose lookup failed after every retry.
    pub failed_count: i64,
    /// Rows that are neither films nor shows (a TV episode, a video game…),
    /// final from the upload on and never looked up.
    pub skipped_count: i64,
    /// Rows with a proposed match a person has yet to confirm (`review`).
    #[serde(default)]
    pub review_count: i64,
    /// When the upload was accepted.
    pub created_at: DateTime<Utc>,
    /// When a counter last changed.
    pub updated_at: DateTime<Utc>,
    /// When the last film became final.
    pub completed_at: Option<DateTime<Utc>>,
    /// The character encoding the upload was read in: `utf-8` (with or
    /// without BOM), `utf-16le`, `utf-16be`, or a legacy one such as
    /// `windows-1252` (old IMDb exports). For a ZIP, the first member not in UTF-8, if any.
    #[serde(default = "utf8")]
    pub encoding: String,
    /// What the import skipped or dropped rather than refusing the file (a
    /// damaged ZIP member, an impossible year, a row without a title): the first 100.
    #[serde(default)]
    pub warnings: Vec<Warning>,
    /// How many warnings the import had in all (`warnings` holds the first 100).
    #[serde(default)]
    pub warnings_total: i64,
}

/// Sessions stored before encodings were recorded were all read as UTF-8.
fn utf8() -> String {
    "utf-8".to_owned()
}

/// Something an import skipped or dropped, and where.
#[derive(Clone, Debug, PartialEq, Eq, Object, Serialize, Deserialize)]
pub struct Warning {
    /// The ZIP member it concerns; `null` for the uploaded file itself.
    pub file: Option<String>,
    /// 1-based line of the file where the row starts (the header is line 1), when it concerns a row.
    pub row: Option<u64>,
    /// The column's header name as written, when it concerns one cell.
    pub column: Option<String>,
    /// What was skipped or dropped, for a person.
    pub message: String,
}

impl poem_openapi::types::Example for Session {
    fn example() -> Self {
        let at = DateTime::parse_from_rfc3339("2026-11-25T12:00:00Z")
            .map(|t| t.with_timezone(&Utc))
            .unwrap_or_default();
        Self {
            id: "5f0c3a52-8a1e-4d1b-9c1e-2f6f1e0b7a10".into(),
            status: SessionStatus::Enriching,
            source_format: "letterboxd_watched".into(),
            total_movies: 120,
            processed_count: 48,
            enriched_count: 42,
            unmatched_count: 2,
            failed_count: 1,
            skipped_count: 0,
            review_count: 3,
            created_at: at,
            updated_at: at,
            completed_at: None,
            encoding: "windows-1252".into(),
            warnings: vec![Warning {
                file: None,
                row: Some(14),
                column: Some("Year".into()),
                message: "`????` is not a year: the year is dropped and the film kept".into(),
            }],
            warnings_total: 1,
        }
    }
}

impl From<session::Model> for Session {
    fn from(m: session::Model) -> Self {
        Self {
            status: m.status,
            id: m.id,
            source_format: m.source_format,
            total_movies: m.total_movies.into(),
            processed_count: m.processed_count.into(),
            enriched_count: m.enriched_count.into(),
            unmatched_count: m.unmatched_count.into(),
            failed_count: m.failed_count.into(),
            skipped_count: m.skipped_count.into(),
            review_count: m.review_count.into(),
            created_at: m.created_at,
            updated_at: m.updated_at,
            completed_at: m.completed_at,
            // The column is only written from a serialised Vec<ImportWarning>.
            warnings: serde_json::from_str(&m.warnings).unwrap_or_default(),
            encoding: m.encoding,
            warnings_total: m.warnings_total,
        }
    }
}

/// One film row of a session: what the export said, and once enriched, what
/// TMDB says. Fields without a value are `null`.
#[derive(Clone, Debug, Object, Serialize, Deserialize)]
#[oai(example)]
pub struct Movie {
    /// Movie id, unique across sessions.
    pub id: i64,
    /// 1-based position in the upload.
    pub row: i64,
    /// Title as written in the export.
    pub title: String,
    /// Year as written in the export.
    pub year: Option<i32>,
    /// Letterboxd film URI from the export.
    pub letterboxd_uri: Option<String>,
    /// IMDb id (from the export, or from TMDB once enriched).
    pub imdb_id: Option<String>,
    /// The latest day the film was watched (YYYY-MM-DD), from its viewings:
    /// a diary or review entry's Watched Date, a viewing history's line.
    /// Null when no viewing has a date; never another kind of date.
    pub watched_date: Option<String>,
    /// The user's rating on a 0.5–5 scale: the export's rating of the film,
    /// else its latest rated viewing's.
    pub rating: Option<f64>,
    /// How many of its viewings are marked as rewatches.
    pub rewatch: i64,
    /// How many viewings the export records (see the film's `viewings`).
    pub viewing_count: i64,
    /// When the film was logged as watched, without a viewing date
    /// (Letterboxd `watched.csv`'s Date) (YYYY-MM-DD).
    pub logged_date: Option<String>,
    /// When the film was rated (Letterboxd `ratings.csv`'s Date, IMDb's Date Rated).
    pub rated_date: Option<String>,
    /// When the film was added to a watchlist (Letterboxd's or IMDb's).
    pub added_date: Option<String>,
    /// `pending`, `enriched`, `review` (a proposed match to confirm: the
    /// proposal fills the TMDB fields below), `unmatched`, `failed` or `skipped`.
    pub status: MovieStatus,
    /// TMDB id once matched.
    pub tmdb_id: Option<i64>,
    /// `movie`, or `tv` for a show (one the export names as a series, or a miniseries).
    pub media_type: Option<MediaType>,
    /// TMDB title.
    pub matched_title: Option<String>,
    /// Title in the original language.
    pub original_title: Option<String>,
    /// Primary release date (YYYY-MM-DD).
    pub release_date: Option<String>,
    /// Runtime in minutes.
    pub runtime: Option<i32>,
    /// Genre names.
    pub genres: Vec<String>,
    /// Director names.
    pub directors: Vec<String>,
    // On the wire `top_cast`: a property named `cast` breaks the models that
    // openapi-python-client generates (it shadows `typing.cast` in `from_dict`).
    /// Top-billed cast, at most ten.
    #[oai(rename = "top_cast")]
    #[serde(rename = "top_cast")]
    pub cast: Vec<String>,
    /// Production countries (ISO 3166-1 codes).
    pub countries: Vec<String>,
    /// Original language (ISO 639-1).
    pub original_language: Option<String>,
    /// Poster image: `/api/poster/{size}/{file}` on this server, or TMDB's
    /// own URL when `REELSTREAM_POSTER_LINKS=tmdb` (and for films looked up before).
    pub poster_url: Option<String>,
    /// TMDB's average vote, 0–10.
    pub vote_average: Option<f64>,
    /// The matcher's confidence in this match, 0–1.
    pub match_confidence: Option<f64>,
    /// Best candidates kept when in review or unmatched, best first.
    pub candidates: Vec<Candidate>,
    /// Why the lookup failed.
    pub error: Option<String>,
    /// Why a `skipped` row was never looked up: what its export says it is
    /// (`tv_episode`, `video_game`, `podcast`, `music_video`); null otherwise.
    pub skip_reason: Option<SkipReason>,
}

impl poem_openapi::types::Example for Movie {
    fn example() -> Self {
        let strings = |items: &[&str]| items.iter().map(|s| (*s).to_owned()).collect();
        Self {
            id: 42,
            row: 7,
            title: "Seven Samurai".into(),
            year: Some(1954),
            letterboxd_uri: Some("https://boxd.it/28Y4".into()),
            imdb_id: Some("tt0047478".into()),
            watched_date: Some("2024-03-09".into()),
            rating: Some(5.0),
            rewatch: 1,
            viewing_count: 2,
            logged_date: Some("2023-01-14".into()),
            rated_date: Some("2023-01-15".into()),
            added_date: None,
            status: MovieStatus::Enriched,
            tmdb_id: Some(346),
            media_type: Some(MediaType::Movie),
            matched_title: Some("Seven Samurai".into()),
            original_title: Some("七人の侍".into()),
            release_date: Some("1954-04-26".into()),
            runtime: Some(207),
            genres: strings(&["Action", "Drama"]),
            directors: strings(&["Akira Kurosawa"]),
            cast: strings(&["Toshiro Mifune", "Takashi Shimura", "Keiko Tsushima"]),
            countries: strings(&["JP"]),
            original_language: Some("ja".into()),
            poster_url: Some(
                "https://image.tmdb.org/t/p/w342/8OKmBV5BUFzmozIC3pPWKHy17kx.jpg".into(),
            ),
            vote_average: Some(8.5),
            match_confidence: Some(0.98),
            candidates: Vec::new(),
            error: None,
            skip_reason: None,
        }
    }
}

impl From<movie::Model> for Movie {
    fn from(m: movie::Model) -> Self {
        let enrichment = m.enrichment();
        let e = enrichment.as_ref();
        Self {
            id: m.id,
            row: m.row.into(),
            status: m.status,
            candidates: m.candidates(),
            // A row keeps the ids its export gave until a match replaces them.
            tmdb_id: m.tmdb_id,
            imdb_id: m.imdb_id,
            media_type: e.map(|e| e.media_type),
            matched_title: e.map(|e| e.title.clone()),
            original_title: e.map(|e| e.original_title.clone()),
            release_date: e.and_then(|e| e.release_date.clone()),
            runtime: e.and_then(|e| e.runtime),
            genres: e.map(|e| e.genres.clone()).unwrap_or_default(),
            directors: e.map(|e| e.directors.clone()).unwrap_or_default(),
            cast: e.map(|e| e.cast.clone()).unwrap_or_default(),
            countries: e.map(|e| e.countries.clone()).unwrap_or_default(),
            original_language: e.and_then(|e| e.original_language.clone()),
            poster_url: e.and_then(|e| e.poster_url.clone()),
            vote_average: e.and_then(|e| e.vote_average),
            title: m.title,
            year: m.year,
            letterboxd_uri: m.letterboxd_uri,
            watched_date: m.watched_date,
            rating: m.rating,
            rewatch: m.rewatch.into(),
            viewing_count: m.viewing_count.into(),
            logged_date: m.logged_date,
            rated_date: m.rated_date,
            added_date: m.added_date,
            match_confidence: m.match_confidence,
            error: m.error,
            skip_reason: m.skip_reason,
        }
    }
}

/// One watch of a film, as its export records it.
#[derive(Clone, Debug, Object, Serialize, Deserialize)]
pub struct Viewing {
    /// The day it was watched (YYYY-MM-DD); null when the entry has none.
    pub watched_date: Option<String>,
    /// The rating given with this viewing, 0.5–5.
    pub rating: Option<f64>,
    /// Marked as a rewatch.
    pub rewatch: bool,
    /// Tags given with it, as written.
    pub tags: Vec<String>,
    /// Whether it has a review (from Letterboxd's `reviews.csv`).
    pub reviewed: bool,
}

impl From<viewing::Model> for Viewing {
    fn from(v: viewing::Model) -> Self {
        let tags = v
            .tags
            .as_deref()
            .unwrap_or_default()
            .split(',')
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(str::to_owned)
            .collect();
        Self {
            watched_date: v.watched_date,
            rating: v.rating,
            rewatch: v.rewatch,
            tags,
            reviewed: v.reviewed,
        }
    }
}

/// A film with every viewing its export records, oldest entry first as the file lists them.
#[derive(Clone, Debug, Object, Serialize, Deserialize)]
pub struct MovieDetail {
    /// The film, as the session's list shows it.
    #[oai(flatten)]
    #[serde(flatten)]
    pub movie: Movie,
    /// Its viewings, in the export's order.
    pub viewings: Vec<Viewing>,
}

impl From<(movie::Model, Vec<viewing::Model>)> for MovieDetail {
    fn from((film, viewings): (movie::Model, Vec<viewing::Model>)) -> Self {
        Self {
            movie: Movie::from(film),
            viewings: viewings.into_iter().map(Viewing::from).collect(),
        }
    }
}
