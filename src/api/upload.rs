//! `POST /api/upload`: accept an export, answer at once with the new session.

use poem::http::StatusCode;
use poem::web::Data;
use poem_openapi::{ApiResponse, Multipart, OpenApi, payload::Json, types::multipart::Upload};

use super::ApiTags;
use super::error::ApiError;
use crate::engine::intake;
use crate::import;
use crate::model::Session;
use crate::state::AppState;

/// The upload form.
#[derive(Debug, Multipart)]
pub struct UploadForm {
    /// A Letterboxd CSV or export ZIP, an IMDb export, a Netflix viewing history, or any CSV with title and year columns.
    pub file: Upload,
}

/// The upload's success response.
#[derive(ApiResponse)]
pub enum UploadResponse {
    /// The session was created; its films are enriched in the background.
    #[oai(status = 202)]
    Accepted(
        Json<Session>,
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
        form: UploadForm,
    ) -> Result<UploadResponse, ApiError> {
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
        // Parsing 50 000 rows is CPU work: keep it off the async workers.
        let started = std::time::Instant::now();
        let parsed = tokio::task::spawn_blocking(move || {
            import::parse(&bytes, file_name.as_deref(), &limits)
        })
        .await
        .map_err(|err| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, err.to_string()))??;

        let parsing = started.elapsed();
        let session = intake::create_session(&state.db, parsed).await?;
        tracing::debug!(
            parse_ms = parsing.as_secs_f64() * 1e3,
            store_ms = (started.elapsed() - parsing).as_secs_f64() * 1e3,
            "upload read and stored"
        );
        tracing::info!(
            session = %session.id,
            rows = session.total_movies,
            format = %session.source_format,
            encoding = %session.encoding,
            warnings = session.warnings_total,
            "upload accepted"
        );
        state.engine.wake();
        let location = format!("/api/session/{}", session.id);
        Ok(UploadResponse::Accepted(Json(session.into()), location))
    }
}

/// The 413 answer for an upload over the byte limit.
pub fn too_large(limit: usize) -> ApiError {
    ApiError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        format!("the upload is larger than the limit of {limit} bytes"),
    )
}
