//! Reading an answer's body under a size cap, and the texts drawn from
//! bodies and transport errors (scrubbed by the caller).

use bytes::{Bytes, BytesMut};
use futures_util::StreamExt;

use crate::tmdb::types::ErrorBody;

/// How much of a body is allocated before any of it arrives: a declared
/// `Content-Length` is a promise, not a reason to reserve megabytes.
const INITIAL_CAPACITY: usize = 64 * 1024;

/// Why a body could not be read.
pub(super) enum BodyError {
    /// Declared or found to be over the cap.
    TooLarge,
    /// The connection broke or timed out mid-body.
    Transport(reqwest::Error),
}

/// The whole body, read chunk by chunk and abandoned as soon as it passes
/// `limit` bytes (or declares more), so a hostile or broken upstream costs
/// at most `limit` of memory per request in flight.
pub(super) async fn read_capped(
    response: reqwest::Response,
    limit: usize,
) -> Result<Bytes, BodyError> {
    let declared = response.content_length();
    if declared.is_some_and(|n| n > limit as u64) {
        return Err(BodyError::TooLarge);
    }
    let capacity = declared.map_or(INITIAL_CAPACITY, |n| n as usize);
    let mut body = BytesMut::with_capacity(capacity.min(INITIAL_CAPACITY));
    let mut chunks = response.bytes_stream();
    while let Some(chunk) = chunks.next().await {
        let chunk = chunk.map_err(BodyError::Transport)?;
        if body.len() + chunk.len() > limit {
            return Err(BodyError::TooLarge);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body.freeze())
}

/// TMDB's `status_message`, or a non-TMDB body as text, uncut: cutting
/// before scrubbing could split a secret and leave its head, so the caller
/// scrubs first and cuts after ([`super::scrub::Scrubbed::truncate`]).
pub(super) fn error_message(body: &[u8]) -> String {
    match serde_json::from_slice::<ErrorBody>(body) {
        Ok(e) if !e.status_message.is_empty() => e.status_message,
        _ => String::from_utf8_lossy(body).into_owned(),
    }
}

/// An error and its causes, `a: b: c` (reqwest's own Display omits the cause).
pub(super) fn error_chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}
