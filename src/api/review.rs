//! `POST /api/session/{id}/review/accept`: a person accepts, in one go,
//! every proposal the matcher was at least so confident of.

use poem::http::StatusCode;
use poem::web::Data;
use poem_openapi::{Object, OpenApi, param::Path, payload::Json};

use super::ApiTags;
use super::error::ApiError;
use super::owner::OwnerAuth;
use super::request_log::short_id;
use super::session::{find, owned};
use crate::domain::Client;
use crate::engine::review;
use crate::state::AppState;
use crate::store::review::Accepting;

/// Which films in review to accept.
#[derive(Debug, Object)]
#[oai(example)]
pub struct BulkAccept {
    /// Accept every film in review whose `match_confidence` is at least this, 0–1.
    #[oai(validator(minimum(value = "0"), maximum(value = "1")))]
    pub min_confidence: f64,
}

impl poem_openapi::types::Example for BulkAccept {
    fn example() -> Self {
        Self {
            min_confidence: 0.8,
        }
    }
}

/// What a bulk accept did.
#[derive(Debug, Object)]
pub struct BulkAccepted {
    /// How many films were accepted; each one's `movie` event went out.
    pub accepted: u64,
    /// Their movie ids, in upload order.
    pub movie_ids: Vec<i64>,
    /// Films still in review (below the threshold).
    pub review_count: i64,
}

/// Decisions on the films in review.
#[derive(Default)]
pub struct ReviewApi;

#[OpenApi(tag = "ApiTags::Movies")]
impl ReviewApi {
    /// Accept the proposals of every film in review at or above a confidence (owner only).
    #[oai(
        path = "/session/:id/review/accept",
        method = "post",
        operation_id = "acceptReviews"
    )]
    async fn accept(
        &self,
        state: Data<&AppState>,
        client: Data<&Client>,
        auth: OwnerAuth,
        /// Session id (a UUID), as the upload answered it.
        #[oai(example = "super::session::example_session_id")]
        id: Path<String>,
        body: Json<BulkAccept>,
    ) -> Result<Json<BulkAccepted>, ApiError> {
        let session = owned(&state, &client, &id, &auth).await?;
        let min = body.min_confidence;
        if !min.is_finite() {
            return Err(ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "`min_confidence` must be a number from 0 to 1",
            ));
        }
        let accepted = review::accept(&state.db, &state.hub, &session.id, Accepting::AtLeast(min))
            .await?
            .ok_or_else(|| {
                ApiError::new(
                    StatusCode::NOT_FOUND,
                    format!("no session {} (deleted meanwhile)", session.id),
                )
            })?;
        if !accepted.is_empty() {
            tracing::info!(
                session = short_id(&session.id),
                accepted = accepted.len(),
                min,
                "reviews accepted"
            );
        }
        let session = find(&state, &session.id).await?;
        Ok(Json(BulkAccepted {
            accepted: accepted.len() as u64,
            movie_ids: accepted.iter().map(|m| m.id).collect(),
            review_count: session.review_count.into(),
        }))
    }
}
