//! Limits on a request before any operation sees it: the length of its
//! address and headers, the size of its body (by route, enforced while the
//! body streams in: a chunked upload has no Content-Length, so checking that
//! header alone is no limit), and the pace at which the body arrives.

use std::sync::Arc;
use std::time::Duration;

use futures_util::StreamExt;
use poem::http::{StatusCode, header};
use poem::{Body, Endpoint, IntoResponse, Request, Response, Result};

use super::error::problem_for;
use super::upload::too_large;

/// Room for the multipart boundaries and part headers around the file itself.
const MULTIPART_OVERHEAD: usize = 64 * 1024;

/// The largest body of a request that is not an upload (a fix, a retry…).
pub const JSON_BODY_LIMIT: usize = 16 * 1024;

/// The longest request target answered (414 above).
pub const MAX_URI_BYTES: usize = 8 * 1024;

/// The most header bytes answered (431 above).
pub const MAX_HEADER_BYTES: usize = 32 * 1024;

/// Most bytes reserved up front for a body, whatever length it declares.
const INITIAL_CAPACITY: usize = 64 * 1024;

/// The limits in force.
#[derive(Clone, Copy, Debug)]
pub struct RequestLimits {
    /// The largest uploaded file.
    pub max_upload_bytes: usize,
    /// The longest wait for the next piece of a body.
    pub body_timeout: Duration,
}

impl RequestLimits {
    /// The body limit for the route `path`: uploads take a file, everything
    /// else a small JSON document at most.
    fn body_limit(&self, path: &str) -> usize {
        if path.ends_with("/upload") {
            self.max_upload_bytes.saturating_add(MULTIPART_OVERHEAD)
        } else {
            JSON_BODY_LIMIT
        }
    }
}

/// Checks `req` against `limits`, reading its body (at most the route's
/// limit) before handing it on.
pub async fn limit_request<E: Endpoint>(
    ep: Arc<E>,
    mut req: Request,
    limits: RequestLimits,
) -> Result<Response> {
    if req.uri().to_string().len() > MAX_URI_BYTES {
        return Ok(problem_for(
            StatusCode::URI_TOO_LONG,
            format!("the request target is longer than {MAX_URI_BYTES} bytes"),
        ));
    }
    let header_bytes: usize = req
        .headers()
        .iter()
        .map(|(name, value)| name.as_str().len() + value.len() + 4)
        .sum();
    if header_bytes > MAX_HEADER_BYTES {
        return Ok(problem_for(
            StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
            format!("the request headers are larger than {MAX_HEADER_BYTES} bytes"),
        ));
    }
    let limit = limits.body_limit(req.uri().path());
    let too_big = || {
        if limit > JSON_BODY_LIMIT {
            too_large(limit - MULTIPART_OVERHEAD).into_response()
        } else {
            problem_for(
                StatusCode::PAYLOAD_TOO_LARGE,
                format!("the request body is larger than the limit of {limit} bytes"),
            )
        }
    };
    let declared = req
        .header(header::CONTENT_LENGTH)
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|len| len > limit) {
        return Ok(too_big());
    }
    let mut stream = req.take_body().into_bytes_stream();
    // The declared length is the client's word: memory grows as bytes arrive.
    let mut body = Vec::with_capacity(declared.unwrap_or(0).min(INITIAL_CAPACITY));
    loop {
        let chunk = match tokio::time::timeout(limits.body_timeout, stream.next()).await {
            Ok(Some(chunk)) => chunk.map_err(poem::error::BadRequest)?,
            Ok(None) => break,
            Err(_) => return Ok(stalled(limits.body_timeout)),
        };
        if body.len() + chunk.len() > limit {
            return Ok(too_big());
        }
        body.extend_from_slice(&chunk);
    }
    req.set_body(Body::from(body));
    Ok(ep.call(req).await?.into_response())
}

/// The answer to a body that stopped arriving; the connection closes after
/// it, since the rest of the body may still come.
fn stalled(timeout: Duration) -> Response {
    let mut response = problem_for(
        StatusCode::REQUEST_TIMEOUT,
        format!(
            "the request body stopped arriving for {} s",
            timeout.as_secs()
        ),
    );
    response.headers_mut().insert(
        header::CONNECTION,
        header::HeaderValue::from_static("close"),
    );
    response
}
