//! `GET /api/session/{id}/export?format=csv|json`: the whole library as a file.

use poem::web::Data;
use poem_openapi::{
    ApiResponse, OpenApi, ResponseContent,
    param::{Path, Query},
    payload::{Binary, Json},
};

use super::ApiTags;
use super::error::ApiError;
use super::session::find;
use crate::export::{self, ExportFormat};
use crate::model::Movie;
use crate::state::AppState;
use crate::store::movies;

/// The library file, in the format asked for.
#[derive(ResponseContent)]
pub enum ExportFile {
    /// One row per movie with a header row; list fields joined with `; `;
    /// cells a spreadsheet would run as a formula are prefixed with `'`.
    #[oai(content_type = "text/csv; charset=utf-8")]
    Csv(Binary<Vec<u8>>),
    /// An array of Movie objects, as `GET /api/session/{id}/movies` returns them.
    #[oai(actual_type = "Json<Vec<Movie>>")]
    Json(Binary<Vec<u8>>),
}

/// The answer to an export.
#[derive(ApiResponse)]
pub enum ExportResponse {
    /// The whole library, every status included, in upload order.
    #[oai(status = 200)]
    Ok(
        ExportFile,
        /// `attachment; filename=reelstream-<id>.<csv|json>`.
        #[oai(header = "Content-Disposition")]
        String,
    ),
}

/// Library exports.
#[derive(Default)]
pub struct ExportApi;

#[OpenApi(tag = "ApiTags::Library")]
impl ExportApi {
    /// Download a session's library as CSV or JSON.
    #[oai(
        path = "/session/:id/export",
        method = "get",
        operation_id = "exportLibrary"
    )]
    async fn export(
        &self,
        state: Data<&AppState>,
        id: Path<String>,
        /// `csv` (default) or `json`.
        #[oai(default)]
        format: Query<ExportFormat>,
    ) -> Result<ExportResponse, ApiError> {
        let session = find(&state, &id).await?;
        let rows = movies::all(&state.db, &session.id).await?;
        let format = format.0;
        // Rendering 50 000 rows is CPU work: keep it off the async workers.
        let body = tokio::task::spawn_blocking(move || {
            let movies: Vec<Movie> = rows.into_iter().map(Movie::from).collect();
            export::render(&movies, format)
        })
        .await
        .map_err(|err| {
            ApiError::new(
                poem::http::StatusCode::INTERNAL_SERVER_ERROR,
                err.to_string(),
            )
        })?;
        let disposition = format!(
            "attachment; filename=reelstream-{}.{}",
            session.id,
            format.extension()
        );
        let file = match format {
            ExportFormat::Csv => ExportFile::Csv(Binary(body)),
            ExportFormat::Json => ExportFile::Json(Binary(body)),
        };
        Ok(ExportResponse::Ok(file, disposition))
    }
}
