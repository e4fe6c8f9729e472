//! `GET /api/session/{id}/movies`: the session's films, paged and filtered.

use poem::http::StatusCode;
use poem::web::Data;
use poem_openapi::{ApiResponse, Object, OpenApi, param::Path, param::Query, payload::Json};

use super::ApiTags;
use super::error::ApiError;
use super::owner::OwnerAuth;
use super::session::{find, owned};
use crate::domain::Client;
use crate::domain::{MediaType, MovieStatus};
use crate::engine::review;
use crate::model::{Movie, MovieDetail};
use crate::state::AppState;
use crate::store::entities::movie;
use crate::store::review::Accepting;
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

/// A person's decision on a film: take the matcher's proposal
/// (`{"accept": true}`, for a film in review), or point it at the TMDB
/// record it really is (`{"tmdb_id": 346}`, optionally with `media_type`).
#[derive(Debug, Object)]
#[oai(example)]
pub struct MovieFix {
    /// `true` takes the proposal of a film in review as its match.
    #[oai(default)]
    pub accept: bool,
    /// The TMDB id this row is (instead of `accept`).
    #[oai(validator(minimum(value = "1")))]
    pub tmdb_id: Option<i64>,
    /// `movie` (default) or `tv`, with `tmdb_id`.
    #[oai(default)]
    pub media_type: MediaType,
}

impl poem_openapi::types::Example for MovieFix {
    fn example() -> Self {
        Self {
            accept: false,
            tmdb_id: Some(346),
            media_type: MediaType::Movie,
        }
    }
}

/// The answer to a person's decision on a film.
#[derive(ApiResponse)]
pub enum FixResponse {
    /// The proposal is the film's match now; its `movie` event went out.
    #[oai(status = 200)]
    Accepted(Json<Movie>),
    /// The movie is queued to be enriched from that TMDB record; its `movie` event follows.
    #[oai(status = 202)]
    Queued(Json<Movie>),
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

    /// Decide a film's match: accept the proposal of a film in review, or
    /// point the film at a TMDB id and re-enrich it (owner only).
    #[oai(
        path = "/session/:id/movies/:movie_id",
        method = "patch",
        operation_id = "patchMovie"
    )]
    async fn patch(
        &self,
        state: Data<&AppState>,
        client: Data<&Client>,
        auth: OwnerAuth,
        /// Session id (a UUID), as the upload answered it.
        #[oai(example = "super::session::example_session_id")]
        id: Path<String>,
        /// Movie id, as the session's movies list it.
        #[oai(example = "example_movie_id")]
        movie_id: Path<i64>,
        fix: Json<MovieFix>,
    ) -> Result<FixResponse, ApiError> {
        let session = owned(&state, &client, &id, &auth).await?;
        let media_type = fix.media_type;
        let film = session_movie(&state, &session.id, movie_id.0).await?;
        let tmdb_id = match (fix.accept, fix.tmdb_id) {
            (true, None) => return accept(&state, &session.id, &film).await,
            (false, Some(tmdb_id)) => tmdb_id,
            (true, Some(_)) | (false, None) => {
                return Err(ApiError::new(
                    StatusCode::BAD_REQUEST,
                    "give either `\"accept\": true` or a `tmdb_id`",
                ));
            }
        };
        // Check the id before queueing, so a typo is an answer, not a failed
        // film later; the check is TMDB's time, counted against this client.
        state.admission.tmdb_call(&client.key())?;
        let share = Some(client.key().to_string());
        let check = crate::tmdb::in_share(share, state.resolver.details(media_type, tmdb_id));
        match check.await {
            Ok(Some(_)) => {}
            Ok(None) => {
                return Err(ApiError::new(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    format!("TMDB has no {media_type} with id {}", tmdb_id),
                ));
            }
            Err(err) => {
                return Err(ApiError::new(
                    StatusCode::BAD_GATEWAY,
                    format!("TMDB could not be asked about id {}: {err}", tmdb_id),
                ));
            }
        }
        // Deleted meanwhile: the same answer as before the check.
        let queued = rematch::rematch(&state.db, &session.id, movie_id.0, tmdb_id, media_type)
            .await?
            .ok_or_else(|| {
                ApiError::new(
                    StatusCode::NOT_FOUND,
                    format!("session {} has no movie {}", session.id, movie_id.0),
                )
            })?;
        state.engine.wake();
        Ok(FixResponse::Queued(Json(queued.into())))
    }
}

/// Takes the proposal of a film in review; 409 when it is not in review.
async fn accept(
    state: &AppState,
    session_id: &str,
    film: &movie::Model,
) -> Result<FixResponse, ApiError> {
    let not_in_review = |status: &str| {
        ApiError::new(
            StatusCode::CONFLICT,
            format!(
                "movie {} is {status}: there is no proposal to accept",
                film.id
            ),
        )
    };
    if film.status != MovieStatus::Review {
        return Err(not_in_review(&format!(
            "{}, not in review",
            film.status.as_str()
        )));
    }
    let accepted = review::accept(&state.db, &state.hub, session_id, Accepting::One(film.id))
        .await?
        .unwrap_or_default();
    match accepted.into_iter().next() {
        Some(movie) => Ok(FixResponse::Accepted(Json(movie))),
        // Accepted or fixed by another request meanwhile.
        None => Err(not_in_review("no longer in review")),
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
