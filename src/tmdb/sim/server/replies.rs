//! TMDB's canned answers: bad parameters, rate limits, 5xx.

use poem::Response;
use poem::http::{StatusCode, header};

use super::Reply;

/// 400 for parameters TMDB does not accept (also the `reject_rate` fault).
pub(super) fn invalid_parameters() -> Reply {
    Reply::error(
        StatusCode::BAD_REQUEST,
        5,
        "Invalid parameters: Your request parameters are incorrect.",
    )
}

/// 400 for a page outside 1–500.
pub(super) fn invalid_page() -> Reply {
    Reply::error(
        StatusCode::BAD_REQUEST,
        22,
        "Invalid page: Pages start at 1 and max at 500. They are expected to be an integer.",
    )
}

/// 429 with `Retry-After: 1`.
pub(super) fn rate_limited() -> Response {
    let mut response = Reply::error(
        StatusCode::TOO_MANY_REQUESTS,
        25,
        "Your request count (#) is over the allowed limit of (#).",
    )
    .into_response();
    response
        .headers_mut()
        .insert(header::RETRY_AFTER, header::HeaderValue::from_static("1"));
    response
}

/// A 5xx as TMDB's stack sends it: JSON from the API, HTML from the gateway.
pub(super) fn server_error(status: StatusCode) -> Response {
    let (code, message) = match status {
        StatusCode::SERVICE_UNAVAILABLE => (
            9,
            "Service offline: This service is temporarily offline, try again later.",
        ),
        StatusCode::GATEWAY_TIMEOUT => (
            24,
            "Your request to the backend server timed out. Try again.",
        ),
        StatusCode::BAD_GATEWAY => {
            return Response::builder()
                .status(status)
                .content_type("text/html")
                .body("<html><body><h1>502 Bad Gateway</h1></body></html>");
        }
        _ => (11, "Internal error: Something went wrong, contact TMDB."),
    };
    Reply::error(status, code, message).into_response()
}

/// 503 while the simulator stops.
pub(super) fn shutting_down() -> Response {
    server_error(StatusCode::SERVICE_UNAVAILABLE)
}
