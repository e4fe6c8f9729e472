//! Every error the API answers with, as RFC 9457 problem+json, mapped from the
//! error enums of the inner layers in this one place.

use poem::http::StatusCode;
use poem_openapi::{ApiResponse, Object, payload::Json};

use crate::import::ImportError;
use crate::store::StoreError;

/// One row-level fault in an upload.
#[derive(Clone, Debug, Object, serde::Serialize)]
pub struct ProblemDetail {
    /// 1-based line in the file where the faulty record starts (the header is line 1).
    pub row: Option<u64>,
    /// Column name, when one column is at fault.
    pub column: Option<String>,
    /// What is wrong, for a person.
    pub message: String,
}

/// An RFC 9457 problem document: the body of every 4xx and 5xx answer, with
/// the content type `application/problem+json`.
#[derive(Clone, Debug, Object, serde::Serialize)]
#[oai(example)]
pub struct Problem {
    /// A URI reference naming the problem type.
    #[oai(rename = "type")]
    pub kind: String,
    /// A short summary of the problem type.
    pub title: String,
    /// The HTTP status code.
    pub status: u16,
    /// What went wrong in this request, for a person.
    pub detail: String,
    /// Row-level faults, when the problem is in an uploaded file (absent otherwise).
    #[oai(default, skip_serializing_if_is_empty)]
    pub errors: Vec<ProblemDetail>,
}

impl poem_openapi::types::Example for Problem {
    fn example() -> Self {
        problem(
            StatusCode::BAD_REQUEST,
            "row 3 has no title".into(),
            vec![ProblemDetail {
                row: Some(3),
                column: Some("Name".into()),
                message: "a film needs a title".into(),
            }],
        )
    }
}

/// The error responses of every operation. Errors that poem itself raises
/// before an operation runs (unknown path, wrong method, unsupported content
/// type, a body over the limit) are rendered the same way, so every 4xx and
/// 5xx a client sees is one of these.
#[derive(Debug, ApiResponse)]
#[oai(bad_request_handler = "bad_request")]
pub enum ApiError {
    /// The request is malformed: a parameter or body that does not parse, or
    /// an uploaded file that is not a valid export (`errors` lists the rows at fault).
    #[oai(status = 400, content_type = "application/problem+json")]
    BadRequest(Json<Problem>),
    /// The operation changes a session and needs its owner token
    /// (`Authorization: Bearer <owner_token>`), which the request lacks.
    #[oai(status = 401, content_type = "application/problem+json")]
    Unauthorized(
        Json<Problem>,
        /// The scheme to authenticate with: `Bearer`.
        #[oai(header = "WWW-Authenticate")]
        Box<String>,
    ),
    /// The bearer token is not the session's owner token (a shared link
    /// reads a session but cannot change it).
    #[oai(status = 403, content_type = "application/problem+json")]
    Forbidden(Json<Problem>),
    /// No such session or movie (or an id that cannot be one).
    #[oai(status = 404, content_type = "application/problem+json")]
    NotFound(Json<Problem>),
    /// The method is not allowed on this path.
    #[oai(status = 405, content_type = "application/problem+json")]
    MethodNotAllowed(Json<Problem>),
    /// The change does not apply in the current state: accepting the
    /// proposal of a film that is not in review, or re-importing into a
    /// session that is still enriching.
    #[oai(status = 409, content_type = "application/problem+json")]
    Conflict(Json<Problem>),
    /// The request body is larger than the configured upload limit, in bytes or rows.
    #[oai(status = 413, content_type = "application/problem+json")]
    PayloadTooLarge(Json<Problem>),
    /// The body's content type is not the one the operation takes, or the
    /// uploaded file is neither a CSV nor a ZIP export.
    #[oai(status = 415, content_type = "application/problem+json")]
    UnsupportedMediaType(Json<Problem>),
    /// The request is well-formed but cannot be carried out: an upload with
    /// no recognisable columns, or a manual match to a TMDB id that does not exist.
    #[oai(status = 422, content_type = "application/problem+json")]
    Unprocessable(Json<Problem>),
    /// An admission limit refused the request (uploads per hour, films
    /// waiting per client or in all, open streams, changes per minute, TMDB
    /// requests per client), or too many exports are running; try again
    /// after `Retry-After` seconds.
    #[oai(status = 429, content_type = "application/problem+json")]
    TooManyRequests(
        Json<Problem>,
        /// Seconds to wait before trying again.
        #[oai(header = "Retry-After")]
        u64,
    ),
    /// An unexpected fault on our side.
    #[oai(status = 500, content_type = "application/problem+json")]
    Internal(Json<Problem>),
    /// TMDB could not be reached (to check a manual match, or for the picker's search).
    #[oai(status = 502, content_type = "application/problem+json")]
    BadGateway(Json<Problem>),
    /// The database is unreachable; try again shortly.
    #[oai(status = 503, content_type = "application/problem+json")]
    Unavailable(Json<Problem>),
}

impl ApiError {
    /// A problem with the given status, title and detail.
    pub fn new(status: StatusCode, detail: impl Into<String>) -> Self {
        Self::with_errors(status, detail, Vec::new())
    }

    /// A problem carrying row-level faults.
    pub fn with_errors(
        status: StatusCode,
        detail: impl Into<String>,
        errors: Vec<ProblemDetail>,
    ) -> Self {
        // Only documented statuses go out: any other client error is a 400,
        // any other server error a 500, and the document says so too.
        let status = match status {
            s if Self::documents(s) => s,
            s if s.is_client_error() => StatusCode::BAD_REQUEST,
            _ => StatusCode::INTERNAL_SERVER_ERROR,
        };
        let body = Json(problem(status, detail.into(), errors));
        match status {
            StatusCode::BAD_REQUEST => Self::BadRequest(body),
            StatusCode::UNAUTHORIZED => Self::Unauthorized(body, Box::new("Bearer".to_owned())),
            StatusCode::FORBIDDEN => Self::Forbidden(body),
            StatusCode::NOT_FOUND => Self::NotFound(body),
            StatusCode::METHOD_NOT_ALLOWED => Self::MethodNotAllowed(body),
            StatusCode::CONFLICT => Self::Conflict(body),
            StatusCode::PAYLOAD_TOO_LARGE => Self::PayloadTooLarge(body),
            StatusCode::UNSUPPORTED_MEDIA_TYPE => Self::UnsupportedMediaType(body),
            StatusCode::UNPROCESSABLE_ENTITY => Self::Unprocessable(body),
            StatusCode::SERVICE_UNAVAILABLE => Self::Unavailable(body),
            StatusCode::TOO_MANY_REQUESTS => Self::TooManyRequests(body, 1),
            StatusCode::BAD_GATEWAY => Self::BadGateway(body),
            _ => Self::Internal(body),
        }
    }

    /// Whether `status` is one of the variants above.
    fn documents(status: StatusCode) -> bool {
        matches!(
            status,
            StatusCode::BAD_REQUEST
                | StatusCode::UNAUTHORIZED
                | StatusCode::FORBIDDEN
                | StatusCode::NOT_FOUND
                | StatusCode::METHOD_NOT_ALLOWED
                | StatusCode::CONFLICT
                | StatusCode::PAYLOAD_TOO_LARGE
                | StatusCode::UNSUPPORTED_MEDIA_TYPE
                | StatusCode::UNPROCESSABLE_ENTITY
                | StatusCode::TOO_MANY_REQUESTS
                | StatusCode::INTERNAL_SERVER_ERROR
                | StatusCode::BAD_GATEWAY
                | StatusCode::SERVICE_UNAVAILABLE
        )
    }

    /// A 429 asking the client to wait `retry_after_secs` seconds.
    pub fn too_many(detail: impl Into<String>, retry_after_secs: u64) -> Self {
        let body = Json(problem(
            StatusCode::TOO_MANY_REQUESTS,
            detail.into(),
            Vec::new(),
        ));
        Self::TooManyRequests(body, retry_after_secs)
    }

    /// 404 for a session that does not exist (or an id that cannot be one).
    pub fn session_not_found(id: &str) -> Self {
        Self::new(StatusCode::NOT_FOUND, format!("no session with id '{id}'"))
    }
}

impl From<crate::engine::admission::Refusal> for ApiError {
    fn from(refusal: crate::engine::admission::Refusal) -> Self {
        Self::too_many(refusal.detail, refusal.retry_after.as_secs().max(1))
    }
}

/// Builds the problem document for a status.
pub fn problem(status: StatusCode, detail: String, errors: Vec<ProblemDetail>) -> Problem {
    let title = status.canonical_reason().unwrap_or("Error").to_owned();
    let slug = title.to_lowercase().replace(' ', "-");
    Problem {
        kind: format!("https://reelstream.dev/problems/{slug}"),
        title,
        status: status.as_u16(),
        detail,
        errors,
    }
}

/// Turns poem-openapi's request parsing failures (bad query, missing part…) into problems.
fn bad_request(err: poem::Error) -> ApiError {
    let status = err.status();
    if status == StatusCode::UNAUTHORIZED {
        return ApiError::new(
            status,
            "this operation changes the session: send its owner token as \
             `Authorization: Bearer <owner_token>`",
        );
    }
    let status = if status.is_client_error() {
        status
    } else {
        StatusCode::BAD_REQUEST
    };
    ApiError::new(status, err.to_string())
}

impl From<StoreError> for ApiError {
    fn from(err: StoreError) -> Self {
        use sea_orm::DbErr;
        tracing::error!(error = %err, "storage failure");
        match err {
            StoreError::Db(DbErr::Conn(_) | DbErr::ConnectionAcquire(_)) => Self::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "the database is unavailable; try again shortly",
            ),
            _ => Self::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "an unexpected storage error occurred",
            ),
        }
    }
}

impl From<crate::export::card::CardError> for ApiError {
    fn from(err: crate::export::card::CardError) -> Self {
        tracing::error!(error = %err, "share card failure");
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "the card could not be drawn",
        )
    }
}

impl From<ImportError> for ApiError {
    fn from(err: ImportError) -> Self {
        let status = match &err {
            ImportError::Empty
            | ImportError::HeaderOnly
            | ImportError::InvalidUtf8 { .. }
            | ImportError::Malformed { .. } => StatusCode::BAD_REQUEST,
            ImportError::UnrecognisedColumns { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            ImportError::TooManyRows { .. } | ImportError::TooLarge { .. } => {
                StatusCode::PAYLOAD_TOO_LARGE
            }
            ImportError::Unsupported { .. } => StatusCode::UNSUPPORTED_MEDIA_TYPE,
        };
        let errors = err
            .errors()
            .into_iter()
            .map(|e| ProblemDetail {
                row: e.row,
                column: e.column,
                message: e.message,
            })
            .collect();
        Self::with_errors(status, err.to_string(), errors)
    }
}

/// Renders any error that escaped the typed responses (unknown route, wrong
/// method, unsupported content type…) as problem+json too, with its own status.
/// A status that is not an error (the static files' `304 Not Modified`) passes
/// through without a body.
pub async fn problem_response(err: poem::Error) -> poem::Response {
    if err.is_from_response() {
        return err.into_response();
    }
    let status = err.status();
    if !status.is_client_error() && !status.is_server_error() {
        return poem::Response::builder().status(status).finish();
    }
    let detail = if status.is_server_error() {
        tracing::error!(error = %err, "unhandled error");
        "an unexpected error occurred".to_owned()
    } else {
        err.to_string()
    };
    problem_for(status, detail)
}

/// A problem document answering with `status`, documented or not.
pub fn problem_for(status: StatusCode, detail: String) -> poem::Response {
    use poem::IntoResponse;
    if ApiError::documents(status) {
        return ApiError::new(status, detail).into_response();
    }
    // A status no operation documents (a 408, a 414…) keeps
    // its own code, in the document too.
    let body = poem_openapi::types::ToJSON::to_json_string(&problem(status, detail, Vec::new()));
    poem::Response::builder()
        .status(status)
        .content_type("application/problem+json; charset=utf-8")
        .body(body)
}
