//! `GET /api/session/{id}/export?format=csv|json|letterboxd|review`: the
//! whole library as a file, streamed page by page (a Letterboxd file is
//! built whole first, as only its end tells whether it must be a ZIP), with
//! a cap on exports running at once.

use std::sync::Arc;

use futures_util::Stream;
use poem::Body;
use poem::web::Data;
use poem_openapi::{
    ApiResponse, OpenApi, ResponseContent,
    param::{Path, Query},
    payload::{Binary, Json},
};
use tokio::sync::OwnedSemaphorePermit;

use super::ApiTags;
use super::error::ApiError;
use super::session::find;
use crate::export::{ExportFormat, FileKind, LetterboxdFiles, Rendered, Writer};
use crate::model::MovieDetail;
use crate::state::AppState;
use crate::store::{Db, movies};

/// Films read from the database per page of an export.
const PAGE: u64 = 500;

/// Seconds a client refused for too many exports is asked to wait.
const RETRY_AFTER_SECS: u64 = 5;

/// The library file, in the format asked for.
#[derive(ResponseContent)]
pub enum ExportFile {
    /// One row per movie with a header row; list fields joined with `; `;
    /// cells a spreadsheet would run as a formula are prefixed with `'`.
    #[oai(content_type = "text/csv; charset=utf-8")]
    Csv(Binary<Body>),
    /// An array of Movie objects, as `GET /api/session/{id}/movies` returns them.
    #[oai(actual_type = "Json<Vec<MovieDetail>>")]
    Json(Binary<Body>),
    /// Letterboxd import files `letterboxd-1.csv`, `letterboxd-2.csv`…, when
    /// the library does not fit in one.
    #[oai(content_type = "application/zip")]
    Zip(Binary<Body>),
}

/// The answer to an export.
#[derive(ApiResponse)]
pub enum ExportResponse {
    /// The whole library (`csv`, `json`: every status, in upload order; `letterboxd`:
    /// every film, one row per viewing; `review`: films in review or unmatched).
    #[oai(status = 200)]
    Ok(
        ExportFile,
        /// `attachment; filename=reelstream-<id>[-letterboxd|-review].<csv|json|zip>`.
        #[oai(header = "Content-Disposition")]
        String,
    ),
}

/// Library exports.
#[derive(Default)]
pub struct ExportApi;

#[OpenApi(tag = "ApiTags::Library")]
impl ExportApi {
    /// Download a session's library as CSV or JSON, as a Letterboxd import
    /// file (one row per viewing, with the TMDB ids that are sure; a ZIP of
    /// several files above Letterboxd's size limit), or the films to review
    /// with their best candidates. At most
    /// `REELSTREAM_MAX_EXPORTS` exports run at once; above that the answer
    /// is 429 with `Retry-After`.
    #[oai(
        path = "/session/:id/export",
        method = "get",
        operation_id = "exportLibrary"
    )]
    async fn export(
        &self,
        state: Data<&AppState>,
        id: Path<String>,
        /// `csv` (default), `json`, `letterboxd` or `review`.
        #[oai(default)]
        format: Query<ExportFormat>,
    ) -> Result<ExportResponse, ApiError> {
        let session = find(&state, &id).await?;
        let permit = Arc::clone(&state.exports)
            .try_acquire_owned()
            .map_err(|_| {
                ApiError::too_many(
                    "too many exports are running; try again in a few seconds",
                    RETRY_AFTER_SECS,
                )
            })?;
        let format = format.0;
        let disposition = |kind: FileKind| {
            format!(
                "attachment; filename=reelstream-{}{}.{}",
                session.id,
                format.file_suffix(),
                kind.extension()
            )
        };
        let Some(kind) = format.streamed() else {
            let rendered = letterboxd(&state.db, &session.id).await?;
            drop(permit);
            let body = Binary(Body::from(rendered.bytes));
            let file = match rendered.kind {
                FileKind::Zip => ExportFile::Zip(body),
                _ => ExportFile::Csv(body),
            };
            return Ok(ExportResponse::Ok(file, disposition(rendered.kind)));
        };
        let disposition = disposition(kind);
        let body = Body::from_bytes_stream(pages(state.db.clone(), session.id, format, permit));
        let file = match kind {
            FileKind::Json => ExportFile::Json(Binary(body)),
            _ => ExportFile::Csv(Binary(body)),
        };
        Ok(ExportResponse::Ok(file, disposition))
    }
}

/// The Letterboxd import file of a session, read page by page.
async fn letterboxd(db: &Db, session_id: &str) -> Result<Rendered, ApiError> {
    let mut files = LetterboxdFiles::default();
    let mut cursor = None;
    loop {
        let rows = movies::library_page(db, session_id, cursor, PAGE).await?;
        let Some(last) = rows.last() else {
            return Ok(files.finish());
        };
        cursor = Some((last.0.row, last.0.id));
        let films: Vec<MovieDetail> = rows.into_iter().map(MovieDetail::from).collect();
        files.add(&films);
    }
}

/// Where an export stream is.
enum Step {
    Opening,
    Page(Option<movies::Cursor>),
    Done,
}

/// The export file of a session, one page of films at a time; it holds
/// `permit` (a place under the export cap) until it ends or the client goes.
fn pages(
    db: Db,
    session_id: String,
    format: ExportFormat,
    permit: OwnedSemaphorePermit,
) -> impl Stream<Item = std::io::Result<Vec<u8>>> + Send + 'static {
    let writer = Writer::new(format);
    futures_util::stream::unfold(
        (Step::Opening, writer, permit),
        move |(step, mut writer, permit)| {
            let db = db.clone();
            let session_id = session_id.clone();
            async move {
                match step {
                    Step::Opening => {
                        Some((Ok(writer.opening()), (Step::Page(None), writer, permit)))
                    }
                    Step::Page(cursor) => {
                        match movies::library_page(&db, &session_id, cursor, PAGE).await {
                            Ok(rows) if rows.is_empty() => {
                                Some((Ok(writer.closing()), (Step::Done, writer, permit)))
                            }
                            Ok(rows) => {
                                let next = rows.last().map(|(m, _)| (m.row, m.id));
                                let films: Vec<MovieDetail> =
                                    rows.into_iter().map(MovieDetail::from).collect();
                                let bytes = writer.rows(&films);
                                Some((Ok(bytes), (Step::Page(next), writer, permit)))
                            }
                            Err(err) => {
                                // The status line has gone: all that is left is
                                // to cut the file short, which the client sees.
                                tracing::error!(error = %err, "export failed mid-way");
                                Some((
                                    Err(std::io::Error::other("the export could not be read")),
                                    (Step::Done, writer, permit),
                                ))
                            }
                        }
                    }
                    Step::Done => None,
                }
            }
        },
    )
}
