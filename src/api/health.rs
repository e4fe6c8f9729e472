//! Liveness and readiness probes.

use poem::http::StatusCode;
use poem::web::Data;
use poem::{IntoResponse, Response, handler};

use super::error::ApiError;
use crate::state::AppState;

/// Liveness: the process answers.
#[handler]
pub fn healthz() -> &'static str {
    "ok"
}

/// Readiness: the database answers and every engine task runs.
#[handler]
pub async fn readyz(state: Data<&AppState>) -> Response {
    if let Err(err) = state.db.ping().await {
        tracing::warn!(error = %err, "readiness check failed");
        return ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "the database is not reachable",
        )
        .into_response();
    }
    // The causes are in the log; a probe's answer names the tasks only.
    let down: Vec<&str> = state
        .engine
        .health()
        .down()
        .into_iter()
        .map(|(task, _)| task)
        .collect();
    if !down.is_empty() {
        return ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            format!("engine task down, restarting: {}", down.join(", ")),
        )
        .into_response();
    }
    "ready".into_response()
}

/// Prometheus metrics of the live streams.
#[handler]
pub fn metrics(state: Data<&AppState>) -> Response {
    state
        .metrics
        .render()
        .with_content_type("application/openmetrics-text; version=1.0.0; charset=utf-8")
        .into_response()
}
