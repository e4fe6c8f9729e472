//! `GET /api/session/{id}/movies`: the session's films, paged and filtered.

use poem::http::StatusCode;
use poem::web::Data;
use poem_openapi::{ApiResponse, Object, OpenApi, param::Path, param::Query, payload::Json};

use super::ApiTags;
use super::error::ApiError;
use super::session::find;
use crate::domain::{MediaType, MovieStatus};
use crate::model::{Movie, MovieDetail};
use crate::state::AppState;
use crate::store::entities::movie;
use crate::store::{movies, rematch};

/// A page of a session's movies.
#[derive(Debug, Object)]
#[oai(example)]
pub struct MoviePage {
    /// The movies of this page, in upload order.
    pub items: Vec<Movie>,
    /// How many movies match the filter in all.
    pub total: u64,
    /// Index of the first item.
    pub offset: u64,
    /// Page size asked for.
    pub limit: u64,
}

impl poem_openapi::types::Example for MoviePage {
    fn example() -> Self {
        Self {
            items: vec![Movie::example()],
            total: 120,
            offset: 6,
            limit: 1,
        }
    }
}

/// A manual match: the TMDB record a movie row really is.
#[derive(Debug, Object)]
#[oai(example)]
pub struct MovieFix {
    /// The TMDB id this row is.
    #[oai(validator(minimum(value = "1")))]
    pub tmdb_id: i64,
    /// `movie` (default) or `tv`.
    #[oai(default)]
    pub media_type: MediaType,
}

impl poem_openapi::types::Example for MovieFix {
    fn example() -> Self {
        Self {
            tmdb_id: 346,
            media_type: MediaType::Movie,
        }
    }
}

/// The answer to a manual match.
#[derive(ApiResponse)]
pub enum FixResponse {
    /// The movie is queued to be enriched from that TMDB record; its `movie` event follows.
    #[oai(status = 202)]
    Accepted(Json<Movie>),
}

/// Movie reads and fixes.
#[derive(Default)]
pub struct MoviesApi;

#[OpenApi(tag = "ApiTags::Movies")]
impl MoviesApi {
    /// List a session's movies, optionally only those with one status.
    #[oai(
        path = "/session/:id/movies",
        method = "get",
        operation_id = "listMovies"
    )]
    async fn list(
        &self,
        state: Data<&AppState>,
        /// Session id (a UUID), as the upload answered it.
        #[oai(example = "super::session::example_session_id")]
        id: Path<String>,
        /// Only movies with this status.
        status: Query<Option<MovieStatus>>,
        /// Index of the first movie to return.
        #[oai(default, validator(maximum(value = "1000000000")))]
        offset: Query<u64>,
        /// Page size, 1 to 1000.
        #[oai(
            default = "default_limit",
            validator(minimum(value = "1"), maximum(value = "1000"))
        )]
        limit: Query<u64>,
    ) -> Result<Json<MoviePage>, ApiError> {
        let session = find(&state, &id).await?;
        let status = status.0;
        let (items, total) =
            movies::page(&state.db, &session.id, status, offset.0, limit.0).await?;
        Ok(Json(MoviePage {
            items: items.into_iter().map(Movie::from).collect(),
            total,
            offset: offset.0,
            limit: limit.0,
        }))
    }

    /// One film with every viewing its export records.
    #[oai(
        path = "/session/:id/movies/:movie_id",
        method = "get",
        operation_id = "getMovie"
    )]
    async fn get(
        &self,
        state: Data<&AppState>,
        /// Session id (a UUID), as the upload answered it.
        #[oai(example = "super::session::example_session_id")]
        id: Path<String>,
        /// Movie id, as the session's movies list it.
        #[oai(example = "example_movie_id")]
        movie_id: Path<i64>,
    ) -> Result<Json<MovieDetail>, ApiError> {
        let session = find(&state, &id).await?;
        let film = session_movie(&state, &session.id, movie_id.0).await?;
        let viewings = movies::viewings(&state.db, &film).await?;
        Ok(Json(MovieDetail::from((film, viewings))))
    }

    /// Fix a match by hand: point a movie at a TMDB id and re-enrich it.
    #[oai(
        path = "/session/:id/movies/:movie_id",
        method = "patch",
        operation_id = "patchMovie"
    )]
    async fn patch(
        &self,
        state: Data<&AppState>,
        /// Session id (a UUID), as the upload answered it.
        #[oai(example = "super::session::example_session_id")]
        id: Path<String>,
        /// Movie id, as the session's movies list it.
        #[oai(example = "example_movie_id")]
        movie_id: Path<i64>,
        fix: Json<MovieFix>,
    ) -> Result<FixResponse, ApiError> {
        let session = find(&state, &id).await?;
        let media_type = fix.media_type;
        session_movie(&state, &session.id, movie_id.0).await?;
        // Check the id before queueing, so a typo is an answer, not a failed film later.
        match state.resolver.details(media_type, fix.tmdb_id).await {
            Ok(Some(_)) => {}
            Ok(None) => {
                return Err(ApiError::new(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    format!("TMDB has no {media_type} with id {}", fix.tmdb_id),
                ));
            }
            Err(err) => {
                return Err(ApiError::new(
                    StatusCode::BAD_GATEWAY,
                    format!("TMDB could not be asked about id {}: {err}", fix.tmdb_id),
                ));
            }
        }
        // Deleted meanwhile: the same answer as before the check.
        let queued = rematch::rematch(&state.db, &session.id, movie_id.0, fix.tmdb_id, media_type)
            .await?
            .ok_or_else(|| {
                ApiError::new(
                    StatusCode::NOT_FOUND,
                    format!("session {} has no movie {}", session.id, movie_id.0),
                )
            })?;
        state.engine.wake();
        Ok(FixResponse::Accepted(Json(queued.into())))
    }
}

fn example_movie_id() -> i64 {
    42
}

fn default_limit() -> u64 {
    100
}

/// A movie of the session, or 404 when the session has no such movie.
async fn session_movie(
    state: &AppState,
    session_id: &str,
    movie_id: i64,
) -> Result<movie::Model, ApiError> {
    movies::movie(&state.db, movie_id)
        .await?
        .filter(|m| m.session_id == session_id)
        .ok_or_else(|| {
            ApiError::new(
                StatusCode::NOT_FOUND,
                format!("session {session_id} has no movie {movie_id}"),
            )
        })
}
