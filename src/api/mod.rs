//! The HTTP layer: one file per resource, the OpenAPI service and the router.

mod card;
mod contract;
mod cors;
mod error;
mod events;
mod export;
mod headers;
mod health;
mod movies;
mod owner;
mod poster;
mod request_limits;
mod request_log;
mod review;
mod session;
mod stats;
mod tmdb;
mod upload;
mod viewing_stats;
mod ws;

pub use contract::GeneratorFriendly;
pub use error::{ApiError, Problem, ProblemDetail};

use poem::endpoint::EmbeddedFilesEndpoint;
use poem::middleware::AddData;
use poem::{Endpoint, EndpointExt, IntoResponse, Route, get};
use poem_openapi::{OpenApiService, Tags};

use crate::state::AppState;

/// Groups of operations in the reference.
#[derive(Tags)]
pub enum ApiTags {
    /// Uploads and sessions.
    Sessions,
    /// The films of a session.
    Movies,
    /// Statistics and exports of a session's library.
    Library,
}

/// The dashboard, embedded in every build, debug ones too, so a binary serves it from anywhere.
#[derive(rust_embed::RustEmbed)]
#[folder = "static/"]
struct Dashboard;

type Apis = GeneratorFriendly<(
    upload::UploadApi,
    session::SessionApi,
    movies::MoviesApi,
    review::ReviewApi,
    tmdb::TmdbApi,
    events::EventsApi,
    stats::StatsApi,
    export::ExportApi,
    card::CardApi,
    poster::PosterApi,
)>;

/// The OpenAPI service; its paths are mounted under `/api`.
pub fn openapi_service() -> OpenApiService<Apis, ()> {
    OpenApiService::new(Apis::default(), "reelstream", env!("CARGO_PKG_VERSION"))
        .description(
            "Upload a movie watch history (Letterboxd, IMDb or any CSV of titles and years); \
         reelstream enriches every film from TMDB in the background and reports progress \
         live over Server-Sent Events, WebSocket, or polling.",
        )
        .url_prefix("/api")
}

/// The OpenAPI document as YAML, exactly as served at `/openapi.yaml`.
pub fn spec_yaml() -> String {
    serde_yaml_ng::to_string(&document()).expect("the document serialises")
}

/// The document as poem-openapi derives it, with what its metadata cannot
/// express added (see [`contract::describe_event_streams`]).
fn document() -> serde_yaml_ng::Value {
    let mut document =
        serde_yaml_ng::from_str(&openapi_service().spec_yaml()).expect("poem-openapi writes YAML");
    contract::describe_event_streams(&mut document);
    document
}

/// The interactive reference at `/docs`: RapiDoc, served from here (its
/// script a file of its own, so the page needs no inline script and no
/// third party), reading the same document as `/openapi.yaml`.
fn docs() -> impl Endpoint {
    const OPENING: &str = "<script charset=\"UTF-8\">";
    let html = openapi_service().rapidoc_html();
    let script = html
        .split_once(OPENING)
        .and_then(|(_, rest)| rest.split_once("</script>"))
        .map(|(script, _)| script.to_owned())
        .expect("poem-openapi's RapiDoc page carries its script inline");
    Route::new()
        .at(
            "/",
            get(poem::endpoint::make_sync(|_| poem::web::Html(DOCS_PAGE))),
        )
        .at(
            "/rapidoc-min.js",
            get(poem::endpoint::make_sync(move |_| {
                script
                    .clone()
                    .with_content_type("text/javascript; charset=utf-8")
                    .with_header(poem::http::header::CACHE_CONTROL, "public, max-age=86400")
                    .into_response()
            })),
        )
}

/// The page at `/docs`; fonts are the reader's own.
const DOCS_PAGE: &str = r#"<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>reelstream API</title>
  <script defer src="/docs/rapidoc-min.js"></script>
</head>
<body>
  <rapi-doc spec-url="/openapi.yaml" theme="light" render-style="focused"
    show-header="false" show-components="true" allow-try="true"
    allow-authentication="true" schema-description-expanded="true"
    regular-font="system-ui, sans-serif" mono-font="ui-monospace, monospace">
  </rapi-doc>
</body>
</html>
"#;

/// The whole HTTP application.
pub fn router(state: AppState) -> impl Endpoint {
    let service = openapi_service();
    let spec = spec_yaml();
    let limits = request_limits::RequestLimits {
        max_upload_bytes: state.config.max_upload_bytes,
        body_timeout: state.config.net.body_timeout(),
    };
    let cors = cors::cors(&state.config.cors_origins);
    let cors_on = cors.is_some();
    Route::new()
        .at("/api/session/:id/ws", get(ws::websocket))
        .nest("/api", service)
        .at(
            "/openapi.yaml",
            get(poem::endpoint::make_sync(move |_| {
                spec.clone()
                    .with_content_type("application/yaml")
                    .into_response()
            })),
        )
        .nest("/docs", docs())
        .at("/healthz", get(health::healthz))
        .at("/readyz", get(health::readyz))
        .at("/metrics", get(health::metrics))
        .nest("/", EmbeddedFilesEndpoint::<Dashboard>::new())
        .around(move |ep, req| request_limits::limit_request(ep, req, limits))
        .catch_all_error(error::problem_response)
        // Errors become problem documents before CORS adds its headers to
        // them, and CORS's own refusals (a 403) become problem documents too.
        .with_if(cors_on, cors.unwrap_or_default())
        .around(move |ep, req| async move {
            if cors_on {
                cors::same_origin(ep, req).await
            } else {
                ep.call(req).await
            }
        })
        .catch_all_error(error::problem_response)
        .around(headers::secure)
        .with(AddData::new(state))
        .around(request_log::log_request)
}
