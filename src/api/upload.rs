//! `POST /api/upload`: accept an export, answer at once with the new session.

use poem::http::StatusCode;
use poem::web::Data;
use poem_openapi::{
    ApiResponse, Multipart, Object, OpenApi, param::Path, payload::Json, types::multipart::Upload,
};

use super::ApiTags;
use super::error::ApiError;
use super::owner::OwnerAuth;
use super::request_log::short_id;
use super::session::owned;
use crate::domain::{Client, ClientKey, ImportDiff, SessionStatus};
use crate::engine::intake;
use crate::engine::reimport::{self, Reimport};
use crate::import::{self, Import, TitleKind};
use crate::model::Session;
use crate::state::AppState;
use crate::store::upkeep;

/// The upload form.
#[derive(Debug, Multipart)]
pub struct UploadForm {
    /// A Letterboxd CSV or export ZIP, an IMDb export, a Netflix viewing history, or any CSV with title and year columns.
    pub file: Upload,
}

/// A new session, with the owner token that allows changing it.
#[derive(Object)]
#[oai(example)]
pub struct OwnedSession {
    /// The session.
    #[oai(flatten)]
    pub session: Session,
    /// The session's owner token: `Authorization: Bearer <owner_token>`
    /// on every change to it (deletion, fixes, retries, accepting reviews,
    /// re-import). Shown this once: reelstream keeps only its hash. The
    /// session's id alone gives read-only access, to share.
    pub owner_token: String,
}

impl poem_openapi::types::Example for OwnedSession {
    fn example() -> Self {
        Self {
            session: poem_openapi::types::Example::example(),
            owner_token: "rso_9b1c5e0f3a7d2c4b8e6f1a0d3c5b7e9f2a4c6e8b0d1f3a5c7e9b2d4f6a8c0e1f"
                .to_owned(),
        }
    }
}

/// The upload's success response.
#[derive(ApiResponse)]
pub enum UploadResponse {
    /// The session was created; its films are enriched in the background.
    #[oai(status = 202)]
    Accepted(
        Json<OwnedSession>,
        /// Where to poll the session.
        #[oai(header = "Location")]
        String,
    ),
}

/// Uploads.
#[derive(Default)]
pub struct UploadApi;

#[OpenApi(tag = "ApiTags::Sessions")]
impl UploadApi {
    /// Upload a watch-history export and start a session.
    ///
    /// Accepts Letterboxd CSVs (watched, ratings, diary, watchlist, reviews,
    /// likes, lists of either format) and the full export ZIP, IMDb exports,
    /// Netflix viewing histories, and generic CSVs, in UTF-8, UTF-16 with a
    /// BOM, or a legacy encoding such as Windows-1252. Rows the export says
    /// are neither films nor shows (IMDb's TV episodes, video games,
    /// podcasts, music videos) are `skipped` at once, never looked up. What a
    /// person cannot fix in their export (a damaged ZIP member, an impossible
    /// year, a row without a title) is skipped or dropped and listed in the
    /// session's `warnings`. Nothing is stored when the file is rejected.
    #[oai(path = "/upload", method = "post", operation_id = "uploadFile")]
    async fn upload(
        &self,
        state: Data<&AppState>,
        client: Data<&Client>,
        form: UploadForm,
    ) -> Result<UploadResponse, ApiError> {
        let client = client.key();
        state.admission.upload(&client)?;
        let started = std::time::Instant::now();
        let parsed = read(&state, form).await?;
        admit_films(&state, &client, &parsed).await?;
        let parsing = started.elapsed();
        let (session, owner) = intake::create_session(&state.db, parsed, Some(client)).await?;
        tracing::debug!(
            parse_ms = parsing.as_secs_f64() * 1e3,
            store_ms = (started.elapsed() - parsing).as_secs_f64() * 1e3,
            "upload read and stored"
        );
        tracing::info!(
            session = short_id(&session.id),
            rows = session.total_movies,
            format = %session.source_format,
            encoding = %session.encoding,
            warnings = session.warnings_total,
            "upload accepted"
        );
        state.engine.wake();
        let location = format!("/api/session/{}", session.id);
        let answer = OwnedSession {
            session: session.into(),
            owner_token: owner.expose().to_owned(),
        };
        Ok(UploadResponse::Accepted(Json(answer), location))
    }

    /// Re-import: merge a newer export into the session (owner only).
    ///
    /// Takes what an upload takes. Films are matched by their identity in
    /// the export (a Letterboxd film URI, an IMDb or TMDB id, else title and
    /// year): new films are looked up, changed ratings, dates and viewings
    /// updated, films no longer exported removed, and a match a person
    /// chose (a fix, an accepted proposal) is kept. The same export again
    /// changes nothing and asks TMDB nothing. The answer and an `imported`
    /// event carry the difference. Refused (409) while the session is still
    /// enriching.
    #[oai(
        path = "/session/:id/upload",
        method = "post",
        operation_id = "reimportFile"
    )]
    async fn reimport(
        &self,
        state: Data<&AppState>,
        client: Data<&Client>,
        auth: OwnerAuth,
        /// Session id (a UUID), as the upload answered it.
        #[oai(example = "super::session::example_session_id")]
        id: Path<String>,
        form: UploadForm,
    ) -> Result<ReimportResponse, ApiError> {
        let session = owned(&state, &client, &id, &auth).await?;
        let client = client.key();
        state.admission.upload(&client)?;
        let parsed = read(&state, form).await?;
        admit_films(&state, &client, &parsed).await?;
        let merged = reimport::reimport(&state.db, &state.hub, &session.id, parsed).await?;
        let (session, diff) = match merged {
            Reimport::Merged { session, diff } => (session, diff),
            Reimport::Missing => return Err(ApiError::session_not_found(&session.id)),
            Reimport::Busy => {
                return Err(ApiError::new(
                    StatusCode::CONFLICT,
                    "the session is still enriching its films: re-import once it is completed",
                ));
            }
        };
        tracing::info!(
            session = short_id(&session.id),
            added = diff.added.len(),
            changed = diff.changed.len(),
            removed = diff.removed.len(),
            unchanged = diff.unchanged.len(),
            "re-import merged"
        );
        let reopened = session.status == SessionStatus::Enriching;
        let answer = Json(Reimported {
            session: (*session).into(),
            diff,
        });
        if reopened {
            state.engine.wake();
            Ok(ReimportResponse::Accepted(answer))
        } else {
            Ok(ReimportResponse::Merged(answer))
        }
    }
}

/// A re-import's result.
#[derive(Object)]
pub struct Reimported {
    /// The session after the merge.
    pub session: Session,
    /// What the import changed, by movie id.
    pub diff: ImportDiff,
}

/// The answer to a re-import.
#[derive(ApiResponse)]
pub enum ReimportResponse {
    /// Merged, with nothing to look up (changed records, removed films, or
    /// nothing at all): the session is `completed`.
    #[oai(status = 200)]
    Merged(Json<Reimported>),
    /// Merged; the films to look up are queued and the session is
    /// `enriching` until they are final.
    #[oai(status = 202)]
    Accepted(Json<Reimported>),
}

/// Refuses an import whose films to look up would take its client, or the
/// instance, over the number of films that may wait (before anything is stored).
async fn admit_films(
    state: &AppState,
    client: &ClientKey,
    parsed: &Import,
) -> Result<(), ApiError> {
    let films = parsed
        .movies
        .iter()
        .filter(|m| !matches!(m.kind, TitleKind::Skipped(_)))
        .count() as u64;
    let (mine, all) = upkeep::pending_films(&state.db, client).await?;
    Ok(state.admission.pending(films, mine, all)?)
}

/// Reads and parses an uploaded export; parsing 50 000 rows is CPU work,
/// kept off the async workers.
async fn read(state: &AppState, form: UploadForm) -> Result<Import, ApiError> {
    let limits = state.config.limits();
    if form.file.size() > limits.max_bytes {
        return Err(too_large(limits.max_bytes));
    }
    let file_name = form.file.file_name().map(str::to_owned);
    let bytes = form.file.into_vec().await.map_err(|err| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            format!("could not read the uploaded file: {err}"),
        )
    })?;
    let parsed =
        tokio::task::spawn_blocking(move || import::parse(&bytes, file_name.as_deref(), &limits))
            .await
            .map_err(|err| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, err.to_string()))??;
    Ok(parsed)
}

/// The 413 answer for an upload over the byte limit.
pub fn too_large(limit: usize) -> ApiError {
    ApiError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        format!("the upload is larger than the limit of {limit} bytes"),
    )
}
