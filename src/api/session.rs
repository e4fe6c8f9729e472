//! `GET` and `DELETE /api/session/{id}`: the polling fallback and removal.

use poem::web::Data;
use poem_openapi::{ApiResponse, OpenApi, param::Path, payload::Json};

use super::ApiTags;
use super::error::ApiError;
use super::owner::{self, OwnerAuth};
use super::request_log::short_id;
use crate::domain::Client;
use crate::model::Session;
use crate::state::AppState;
use crate::store::{entities::session, rematch, sessions};

/// Session reads and removal.
#[derive(Default)]
pub struct SessionApi;

/// Answer of a retry.
#[derive(ApiResponse)]
pub enum RetryResponse {
    /// The failed films are queued again; the session is `enriching` until they are final.
    #[oai(status = 202)]
    Accepted(Json<Session>),
}

/// Answer of a deletion.
#[derive(ApiResponse)]
pub enum DeleteResponse {
    /// The session, its movies and its events are gone.
    #[oai(status = 204)]
    Deleted,
}

#[OpenApi(tag = "ApiTags::Sessions")]
impl SessionApi {
    /// Get a session and its progress counters.
    ///
    /// Always correct on its own: the polling fallback when neither SSE nor
    /// WebSocket is available.
    #[oai(path = "/session/:id", method = "get", operation_id = "getSession")]
    async fn get(
        &self,
        state: Data<&AppState>,
        /// Session id (a UUID), as the upload answered it.
        #[oai(example = "super::session::example_session_id")]
        id: Path<String>,
    ) -> Result<Json<Session>, ApiError> {
        Ok(Json(find(&state, &id).await?.into()))
    }

    /// Queue a session's failed films again (owner only).
    #[oai(
        path = "/session/:id/retry",
        method = "post",
        operation_id = "retryFailed"
    )]
    async fn retry(
        &self,
        state: Data<&AppState>,
        client: Data<&Client>,
        auth: OwnerAuth,
        /// Session id (a UUID), as the upload answered it.
        #[oai(example = "super::session::example_session_id")]
        id: Path<String>,
    ) -> Result<RetryResponse, ApiError> {
        let session = owned(&state, &client, &id, &auth).await?;
        let requeued = rematch::retry_failed(&state.db, &session.id).await?;
        if requeued > 0 {
            tracing::info!(
                session = short_id(&session.id),
                requeued,
                "failed films queued again"
            );
            state.engine.wake();
        }
        Ok(RetryResponse::Accepted(Json(
            find(&state, &session.id).await?.into(),
        )))
    }

    /// Delete a session with all its movies and events (owner only).
    #[oai(
        path = "/session/:id",
        method = "delete",
        operation_id = "deleteSession"
    )]
    async fn delete(
        &self,
        state: Data<&AppState>,
        client: Data<&Client>,
        auth: OwnerAuth,
        /// Session id (a UUID), as the upload answered it.
        #[oai(example = "super::session::example_session_id")]
        id: Path<String>,
    ) -> Result<DeleteResponse, ApiError> {
        let id = owned(&state, &client, &id, &auth).await?.id;
        if sessions::delete(&state.db, &id).await? {
            tracing::info!(session = short_id(&id), "session deleted");
            Ok(DeleteResponse::Deleted)
        } else {
            Err(ApiError::session_not_found(&id))
        }
    }
}

/// The session id the document shows as an example.
pub fn example_session_id() -> String {
    "5f0c3a52-8a1e-4d1b-9c1e-2f6f1e0b7a10".to_owned()
}

/// Validates a session id: anything but a UUID cannot name a session, so it is a 404 too.
pub fn parse_id(raw: &str) -> Result<String, ApiError> {
    uuid::Uuid::parse_str(raw)
        .map(|id| id.to_string())
        .map_err(|_| ApiError::session_not_found(raw))
}

/// Loads a session or answers 404.
pub async fn find(state: &AppState, raw_id: &str) -> Result<session::Model, ApiError> {
    let id = parse_id(raw_id)?;
    sessions::get(&state.db, &id)
        .await?
        .ok_or_else(|| ApiError::session_not_found(&id))
}

/// Loads a session for a change by `client`: 404 when there is no such
/// session, 403 when `auth` is not its owner token, 429 past the client's
/// changes per minute.
pub async fn owned(
    state: &AppState,
    client: &Client,
    raw_id: &str,
    auth: &OwnerAuth,
) -> Result<session::Model, ApiError> {
    state.admission.write(&client.key())?;
    let session = find(state, raw_id).await?;
    owner::check(&session, auth)?;
    Ok(session)
}
