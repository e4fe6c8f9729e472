//! The upload size limit, enforced while the body streams in: a chunked upload
//! has no Content-Length, so checking that header alone is no limit.

use std::sync::Arc;

use futures_util::StreamExt;
use poem::{Body, Endpoint, IntoResponse, Request, Response, Result};

use super::upload::too_large;

/// Room for the multipart boundaries and part headers around the file itself.
const MULTIPART_OVERHEAD: usize = 64 * 1024;

/// The body limit for a given file limit.
pub fn body_limit_for(max_upload_bytes: usize) -> usize {
    max_upload_bytes.saturating_add(MULTIPART_OVERHEAD)
}

/// Reads at most `limit` bytes of the body, then hands the request on; a
/// larger body is answered 413 without reading the rest.
pub async fn limit_body<E: Endpoint>(
    ep: Arc<E>,
    mut req: Request,
    limit: usize,
) -> Result<Response> {
    let file_limit = limit - MULTIPART_OVERHEAD;
    let declared = req
        .header(poem::http::header::CONTENT_LENGTH)
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|len| len > limit) {
        return Ok(too_large(file_limit).into_response());
    }
    let mut stream = req.take_body().into_bytes_stream();
    let mut body = Vec::with_capacity(declared.unwrap_or(0));
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(poem::error::BadRequest)?;
        if body.len() + chunk.len() > limit {
            return Ok(too_large(file_limit).into_response());
        }
        body.extend_from_slice(&chunk);
    }
    req.set_body(Body::from(body));
    Ok(ep.call(req).await?.into_response())
}
