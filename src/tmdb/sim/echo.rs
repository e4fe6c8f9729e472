//! The hostile mode (`--sim-echo-request`): error bodies and malformed 200s
//! that echo the request, credentials included, as a careless proxy, a
//! debug page or a misconfigured gateway would. It checks that no echo of a
//! credential gets past the client's scrubber.

use poem::http::{StatusCode, header};
use poem::{Body, Request, Response};

use super::faults;
use crate::tmdb::types::ErrorBody;

/// The request as an echo shows it: method, path and query as received (the
/// API key form-encoded), the key decoded, and the `Authorization` header.
fn describe(req: &Request) -> String {
    let query = req.uri().query().unwrap_or_default();
    let key = form_urlencoded::parse(query.as_bytes())
        .find(|(name, _)| name == "api_key")
        .map(|(_, value)| value.into_owned())
        .unwrap_or_default();
    let authorization = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    format!(
        "{} {} (api_key={key}; Authorization: {authorization})",
        req.method(),
        req.uri()
    )
}

/// A 200 whose body is a JSON string holding the echo: valid JSON of the
/// wrong shape for every endpoint, so the client's parse error quotes it.
pub(super) fn malformed(req: &Request) -> Response {
    // Serialising a string cannot fail.
    let body = serde_json::to_vec(&describe(req)).unwrap_or_default();
    faults::json_response(StatusCode::OK, body.into())
}

/// `response` unchanged unless it is a 4xx or 5xx; then its TMDB message
/// (or its text) followed by the echo, status and other headers kept.
pub(super) async fn errors(req: &Request, response: Response) -> Response {
    if !(response.status().is_client_error() || response.status().is_server_error()) {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let original = body.into_bytes().await.unwrap_or_default();
    let (code, message) = match serde_json::from_slice::<ErrorBody>(&original) {
        Ok(e) => (e.status_code, e.status_message),
        Err(_) => (0, String::from_utf8_lossy(&original).into_owned()),
    };
    let echoed = ErrorBody::new(code, format!("{message} You sent: {}", describe(req)));
    let body = serde_json::to_vec(&echoed).unwrap_or_default();
    parts.headers.remove(header::CONTENT_LENGTH);
    parts.headers.insert(
        header::CONTENT_TYPE,
        header::HeaderValue::from_static("application/json;charset=utf-8"),
    );
    Response::from_parts(parts, Body::from(body))
}

#[cfg(test)]
mod tests {
    use poem::http::Method;

    use super::*;

    #[tokio::test]
    async fn errors_and_malformed_bodies_echo_the_credentials() {
        let req = Request::builder()
            .method(Method::GET)
            .uri_str("/3/movie/1?language=en-US&api_key=a%2Bb+c")
            .header(header::AUTHORIZATION, "Bearer t0k")
            .finish();
        let text =
            String::from_utf8(malformed(&req).into_body().into_vec().await.unwrap()).unwrap();
        assert!(
            text.contains("api_key=a%2Bb+c") && text.contains("api_key=a+b c"),
            "{text}"
        );
        assert!(text.contains("Bearer t0k"), "{text}");

        let rejected = Response::builder()
            .status(StatusCode::BAD_REQUEST)
            .body(r#"{"status_code":5,"status_message":"Invalid parameters"}"#);
        let echoed = errors(&req, rejected).await;
        assert_eq!(echoed.status(), StatusCode::BAD_REQUEST);
        let body: ErrorBody =
            serde_json::from_slice(&echoed.into_body().into_vec().await.unwrap()).unwrap();
        assert_eq!(body.status_code, 5);
        assert!(
            body.status_message
                .starts_with("Invalid parameters You sent: GET")
        );
        assert!(body.status_message.contains("Bearer t0k"));

        let ok = Response::builder().body("{}");
        assert_eq!(
            errors(&req, ok).await.into_body().into_vec().await.unwrap(),
            b"{}"
        );
    }
}
