//! Cross-origin access: none unless origins are configured, then those
//! origins, besides the service's own.

use std::sync::Arc;

use poem::http::HeaderValue;
use poem::http::header::{HOST, ORIGIN, VARY};
use poem::middleware::Cors;
use poem::{Endpoint, IntoResponse, Request, Response};

/// CORS for the configured origins; none configured, no CORS at all (poem's
/// `Cors` without origins would allow every origin).
pub fn cors(origins: &[String]) -> Option<Cors> {
    let origins: Vec<&str> = origins
        .iter()
        .map(|o| o.trim())
        .filter(|o| !o.is_empty())
        .collect();
    if origins.is_empty() {
        return None;
    }
    Some(Cors::new().allow_origins(origins))
}

/// Goes in front of [`cors`]'s middleware. A browser sends `Origin` on the
/// dashboard's own POST, PATCH, DELETE and WebSocket handshake too: those are
/// not cross-origin, whatever origins are listed. And an answer that depends
/// on `Origin` says so to caches.
pub async fn same_origin<E: Endpoint>(ep: Arc<E>, mut req: Request) -> poem::Result<Response> {
    if is_same_origin(&req) {
        req.headers_mut().remove(ORIGIN);
    }
    let mut response = ep.call(req).await?.into_response();
    response
        .headers_mut()
        .append(VARY, HeaderValue::from_static("Origin"));
    Ok(response)
}

/// Whether `Origin` names the host and port the request was sent to.
fn is_same_origin(req: &Request) -> bool {
    let origin = req.headers().get(ORIGIN).and_then(|v| v.to_str().ok());
    let host = req
        .headers()
        .get(HOST)
        .and_then(|v| v.to_str().ok())
        .or_else(|| req.uri().authority().map(|a| a.as_str()));
    match (origin, host) {
        (Some(origin), Some(host)) => origin
            .split_once("://")
            .is_some_and(|(_, authority)| authority.eq_ignore_ascii_case(host)),
        _ => false,
    }
}
