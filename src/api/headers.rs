//! What every response says about itself to a browser (a content security
//! policy, no sniffing, no framing, no referrer), and `HEAD` wherever `GET`
//! is served.

use std::sync::Arc;

use poem::http::{HeaderValue, Method, header};
use poem::{Endpoint, IntoResponse, Request, Response, Result};

/// The dashboard's policy: its own scripts and styles only, posters from
/// TMDB's image host, live updates from this origin, never in a frame.
const DASHBOARD_POLICY: &str = "default-src 'self'; img-src 'self' data: https://image.tmdb.org; \
     connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; \
     frame-ancestors 'none'";

/// The API reference's policy: the same, except that RapiDoc's web
/// components write their own inline styles.
const DOCS_POLICY: &str = "default-src 'self'; style-src 'self' 'unsafe-inline'; \
     img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; \
     form-action 'self'; frame-ancestors 'none'";

/// Answers `HEAD` as `GET` (hyper sends the headers alone, with the length
/// the body would have had) and adds the security headers to every answer.
pub async fn secure<E: Endpoint>(ep: Arc<E>, mut req: Request) -> Result<Response> {
    if req.method() == Method::HEAD {
        req.set_method(Method::GET);
    }
    let docs = req.uri().path().starts_with("/docs");
    let mut response = ep.call(req).await?.into_response();
    let headers = response.headers_mut();
    let policy = if docs { DOCS_POLICY } else { DASHBOARD_POLICY };
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(policy),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    Ok(response)
}
