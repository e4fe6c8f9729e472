//! `GET /api/tmdb/search` and `GET /api/tmdb/{media_type}/{tmdb_id}`: the
//! picker's look into TMDB, through the engine's rate gate, credentials and
//! cache — the key never reaches the browser or the answer.

use poem::http::StatusCode;
use poem::web::Data;
use poem_openapi::{Object, OpenApi, param::Path, param::Query, payload::Json};

use super::ApiTags;
use super::error::ApiError;
use crate::domain::Client;
use crate::domain::MediaType;
use crate::engine::picker::Pick;
use crate::state::AppState;
use crate::tmdb::TmdbError;
use crate::tmdb::in_share;

/// A TMDB record as the picker shows it.
#[derive(Debug, Object)]
#[oai(example)]
pub struct TmdbTitle {
    /// TMDB id.
    pub tmdb_id: i64,
    /// `movie` or `tv`.
    pub media_type: MediaType,
    /// TMDB title.
    pub title: String,
    /// Title in the original language, when it differs.
    pub original_title: Option<String>,
    /// Year of the primary release (a show's first air date).
    pub year: Option<i32>,
    /// Poster image: `/api/poster/{size}/{file}` on this server, or TMDB's
    /// own URL when `REELSTREAM_POSTER_LINKS=tmdb` (and for films looked up before).
    pub poster_url: Option<String>,
    /// Directors (a show's creators); empty for a search result, whose
    /// details were not asked for.
    pub directors: Vec<String>,
    /// Runtime in minutes, when the details were asked for.
    pub runtime: Option<i32>,
    /// How well it fits the query, 0–1 (1 for a record named by id or URL).
    pub score: f64,
}

impl poem_openapi::types::Example for TmdbTitle {
    fn example() -> Self {
        Self {
            tmdb_id: 603,
            media_type: MediaType::Movie,
            title: "The Matrix".into(),
            original_title: None,
            year: Some(1999),
            poster_url: Some(
                "https://image.tmdb.org/t/p/w92/f89U3ADr1oiB1s9GkdPOEpXUk5H.jpg".into(),
            ),
            directors: vec!["Lana Wachowski".into(), "Lilly Wachowski".into()],
            runtime: Some(136),
            score: 1.0,
        }
    }
}

impl From<Pick> for TmdbTitle {
    fn from(p: Pick) -> Self {
        let c = p.candidate;
        Self {
            tmdb_id: c.tmdb_id,
            media_type: c.media_type,
            title: c.title,
            original_title: c.original_title,
            year: c.year,
            poster_url: p
                .details
                .as_ref()
                .and_then(|d| d.poster_url.clone())
                .or(c.poster_url),
            directors: p
                .details
                .as_ref()
                .map(|d| d.directors.clone())
                .unwrap_or_default(),
            runtime: p.details.as_ref().and_then(|d| d.runtime),
            score: c.score,
        }
    }
}

/// The picker's answers, best first.
#[derive(Debug, Object)]
pub struct TmdbSearchResults {
    /// At most 20 records.
    pub results: Vec<TmdbTitle>,
}

/// The picker's look into TMDB.
#[derive(Default)]
pub struct TmdbApi;

#[OpenApi(tag = "ApiTags::Movies")]
impl TmdbApi {
    /// Search TMDB for the picker: words of a title (with a year to narrow
    /// it), or a pasted TMDB or IMDb URL or id.
    #[oai(path = "/tmdb/search", method = "get", operation_id = "searchTmdb")]
    async fn search(
        &self,
        state: Data<&AppState>,
        client: Data<&Client>,
        /// Words of a title, a TMDB URL (`https://www.themoviedb.org/movie/603`),
        /// an IMDb id or URL (`tt0133093`), or a TMDB id.
        #[oai(validator(min_length = 1, max_length = 200))]
        query: Query<String>,
        /// Only records released that year.
        #[oai(validator(minimum(value = "1870"), maximum(value = "2100")))]
        year: Query<Option<i32>>,
        /// `movie` (default) or `tv`.
        #[oai(name = "type", default)]
        media_type: Query<MediaType>,
    ) -> Result<Json<TmdbSearchResults>, ApiError> {
        if query.trim().is_empty() {
            return Err(ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "`query` needs a word, a URL or an id",
            ));
        }
        state.admission.tmdb_call(&client.key())?;
        let share = Some(client.key().to_string());
        let picks = in_share(share, state.resolver.pick(&query, year.0, media_type.0))
            .await
            .map_err(tmdb_failed)?;
        Ok(Json(TmdbSearchResults {
            results: picks.into_iter().map(TmdbTitle::from).collect(),
        }))
    }

    /// One TMDB record with its details (directors, runtime), for the picker.
    #[oai(
        path = "/tmdb/:media_type/:tmdb_id",
        method = "get",
        operation_id = "getTmdbTitle"
    )]
    async fn title(
        &self,
        state: Data<&AppState>,
        client: Data<&Client>,
        /// `movie` or `tv`.
        media_type: Path<MediaType>,
        /// TMDB id.
        #[oai(validator(minimum(value = "1")))]
        tmdb_id: Path<i64>,
    ) -> Result<Json<TmdbTitle>, ApiError> {
        state.admission.tmdb_call(&client.key())?;
        let share = Some(client.key().to_string());
        let found = in_share(share, state.resolver.details(media_type.0, tmdb_id.0))
            .await
            .map_err(tmdb_failed)?;
        match found {
            Some(details) => Ok(Json(Pick::from(details).into())),
            None => Err(ApiError::new(
                StatusCode::NOT_FOUND,
                format!("TMDB has no {} with id {}", media_type.0, tmdb_id.0),
            )),
        }
    }
}

/// TMDB could not answer: 502, with the reason (already free of secrets).
fn tmdb_failed(err: TmdbError) -> ApiError {
    ApiError::new(
        StatusCode::BAD_GATEWAY,
        format!("TMDB could not be asked: {err}"),
    )
}
