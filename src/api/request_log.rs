//! One INFO line per request and its answer, in place of poem's `Tracing`,
//! which writes the whole address: a session's id is all a read-only link
//! holds, so a log shows only its first eight digits (enough to correlate
//! lines), and no query string (a picker search is a person's words).

use std::sync::Arc;
use std::time::Instant;

use poem::{Endpoint, IntoResponse, Request, Response, Result};
use tracing::Instrument;

/// Logs `req` and its answer under a `request` span.
pub async fn log_request<E: Endpoint>(ep: Arc<E>, req: Request) -> Result<Response> {
    let span = tracing::info_span!(
        "request",
        remote_addr = %req.remote_addr(),
        method = %req.method(),
        path = %redact(req.uri().path()),
    );
    async move {
        let started = Instant::now();
        let answer = ep.call(req).await;
        let ms = started.elapsed().as_secs_f64() * 1e3;
        match answer {
            Ok(response) => {
                let response = response.into_response();
                tracing::info!(status = %response.status(), duration_ms = ms, "response");
                Ok(response)
            }
            Err(err) => {
                tracing::info!(status = %err.status(), duration_ms = ms, "error");
                Err(err)
            }
        }
    }
    .instrument(span)
    .await
}

/// `id` as logs show it: its first eight characters.
pub fn short_id(id: &str) -> &str {
    id.get(..8).unwrap_or(id)
}

/// `path` with every UUID segment cut to [`short_id`].
fn redact(path: &str) -> String {
    path.split('/')
        .map(|segment| match uuid::Uuid::parse_str(segment) {
            Ok(_) => format!("{}…", short_id(segment)),
            Err(_) => segment.to_owned(),
        })
        .collect::<Vec<_>>()
        .join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn session_ids_are_cut_to_a_prefix() {
        let path = "/api/session/5f0c3a52-8a1e-4d1b-9c1e-2f6f1e0b7a10/movies/42";
        assert_eq!(redact(path), "/api/session/5f0c3a52…/movies/42");
        assert_eq!(redact("/api/upload"), "/api/upload");
    }
}
