//! `GET /api/poster/{size}/{file}`: TMDB's posters through reelstream, so a
//! viewer's browser never asks TMDB and a poster seen once loads offline.
//! Only TMDB image paths are served: no open proxy.

use poem::http::StatusCode;
use poem::web::Data;
use poem_openapi::{
    ApiResponse, OpenApi, ResponseContent,
    param::{Header, Path},
    payload::Binary,
};

use super::ApiTags;
use super::error::ApiError;
use crate::posters::{Poster, PosterError};
use crate::state::AppState;
use crate::tmdb::images::{ImageKind, ImagePath, SIZES};

/// A year: the file behind a path never changes.
const CACHE_CONTROL: &str = "public, max-age=31536000, immutable";

/// A poster image.
#[derive(ResponseContent)]
pub enum PosterImage {
    /// JPEG, as TMDB serves most posters.
    #[oai(content_type = "image/jpeg")]
    Jpeg(Binary<Vec<u8>>),
    /// PNG.
    #[oai(content_type = "image/png")]
    Png(Binary<Vec<u8>>),
    /// WebP.
    #[oai(content_type = "image/webp")]
    Webp(Binary<Vec<u8>>),
    /// SVG (the TMDB simulator's generated posters).
    #[oai(content_type = "image/svg+xml")]
    Svg(Binary<Vec<u8>>),
}

/// The answer to a poster request.
#[derive(ApiResponse)]
pub enum PosterResponse {
    /// The image, cacheable for a year.
    #[oai(status = 200)]
    Ok(
        PosterImage,
        /// A strong validator of the image.
        #[oai(header = "ETag")]
        String,
        /// `public, max-age=31536000, immutable`.
        #[oai(header = "Cache-Control")]
        String,
    ),
    /// The copy the client holds (`If-None-Match`) is current.
    #[oai(status = 304)]
    NotModified(
        /// The validator.
        #[oai(header = "ETag")]
        String,
        /// As for 200.
        #[oai(header = "Cache-Control")]
        String,
    ),
}

/// Posters.
#[derive(Default)]
pub struct PosterApi;

#[OpenApi(tag = "ApiTags::Movies")]
impl PosterApi {
    /// A TMDB poster, fetched from TMDB's image host once and kept in the
    /// server's poster cache (`REELSTREAM_POSTER_CACHE_DIR`, at most
    /// `REELSTREAM_POSTER_CACHE_MAX_MB`, least recently used evicted). The
    /// API's `poster_url` links here unless `REELSTREAM_POSTER_LINKS=tmdb`.
    /// 404 for anything that is not a TMDB image path, or when TMDB has no
    /// such image; 502 when TMDB's image host fails.
    #[oai(
        path = "/poster/:size/:file",
        method = "get",
        operation_id = "getPoster"
    )]
    async fn poster(
        &self,
        state: Data<&AppState>,
        /// `w92`, `w154`, `w185`, `w342`, `w500`, `w780` or `original`.
        size: Path<String>,
        /// TMDB's file name, e.g. `8OKmBV5BUFzmozIC3pPWKHy17kx.jpg`.
        file: Path<String>,
        /// The `ETag` of a copy the client holds.
        #[oai(name = "If-None-Match")]
        if_none_match: Header<Option<String>>,
    ) -> Result<PosterResponse, ApiError> {
        let Some(path) = ImagePath::parse(&size, &file) else {
            return Err(ApiError::new(
                StatusCode::NOT_FOUND,
                format!(
                    "no such poster: a size is one of {} and a file is TMDB's name of an image",
                    SIZES.join(", ")
                ),
            ));
        };
        let Some(posters) = &state.posters else {
            return Err(ApiError::new(
                StatusCode::NOT_FOUND,
                "this server links posters straight to TMDB (REELSTREAM_POSTER_LINKS=tmdb)",
            ));
        };
        let poster = posters.get(&path).await.map_err(|err| match err {
            PosterError::NotFound => {
                ApiError::new(StatusCode::NOT_FOUND, "TMDB has no such poster")
            }
            PosterError::Upstream(err) => {
                tracing::warn!(error = %err, "a poster could not be fetched");
                ApiError::new(
                    StatusCode::BAD_GATEWAY,
                    "TMDB's image host could not be reached; try again later",
                )
            }
        })?;
        let current = if_none_match.0.as_deref().is_some_and(|tags| {
            tags.split(',')
                .any(|t| t.trim() == poster.etag || t.trim() == "*")
        });
        if current {
            return Ok(PosterResponse::NotModified(
                poster.etag,
                CACHE_CONTROL.to_owned(),
            ));
        }
        Ok(answer(poster))
    }
}

fn answer(poster: Poster) -> PosterResponse {
    let bytes = Binary(poster.bytes.to_vec());
    let image = match poster.kind {
        ImageKind::Jpeg => PosterImage::Jpeg(bytes),
        ImageKind::Png => PosterImage::Png(bytes),
        ImageKind::Webp => PosterImage::Webp(bytes),
        ImageKind::Svg => PosterImage::Svg(bytes),
    };
    PosterResponse::Ok(image, poster.etag, CACHE_CONTROL.to_owned())
}
