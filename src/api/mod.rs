//! The HTTP layer: one file per resource, the OpenAPI service and the router.

mod body_limit;
mod contract;
mod cors;
mod error;
mod events;
mod export;
mod health;
mod movies;
mod session;
mod stats;
mod upload;
mod ws;

pub use contract::GeneratorFriendly;
pub use error::{ApiError, Problem, ProblemDetail};

use poem::endpoint::EmbeddedFilesEndpoint;
use poem::middleware::{AddData, Tracing};
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
    events::EventsApi,
    stats::StatsApi,
    export::ExportApi,
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

/// The interactive reference at `/docs`, showing the same document.
fn docs() -> impl Endpoint {
    let service = openapi_service();
    let document = serde_json::to_string(&document()).expect("the document serialises");
    let html = service.rapidoc_html().replace(&service.spec(), &document);
    poem::endpoint::make_sync(move |_| poem::web::Html(html.clone()))
}

/// The whole HTTP application.
pub fn router(state: AppState) -> impl Endpoint {
    let service = openapi_service();
    let spec = spec_yaml();
    let body_limit = body_limit::body_limit_for(state.config.max_upload_bytes);
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
        .at("/docs", docs())
        .at("/healthz", get(health::healthz))
        .at("/readyz", get(health::readyz))
        .at("/metrics", get(health::metrics))
        .nest("/", EmbeddedFilesEndpoint::<Dashboard>::new())
        .around(move |ep, req| body_limit::limit_body(ep, req, body_limit))
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
        .with(AddData::new(state))
        .with(Tracing)
}
