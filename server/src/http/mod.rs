//! HTTP: the API under `/api/v1` (one module a resource), the operational endpoints, the
//! app's pages, and the layers every request passes through.

pub mod accounts;
pub mod applications;
pub mod auth;
pub mod billing;
pub mod bills;
pub mod commitments;
pub mod connections;
pub mod csrf;
pub mod error;
pub mod extract;
pub mod identity;
pub mod locale;
pub mod middleware;
pub mod openapi;
pub mod ops;
pub mod org;
pub mod page_cache;
pub mod pages;
pub mod policy;
pub mod preferences;
pub mod second_factor;
pub mod staff;

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::{DefaultBodyLimit, Extension};
use axum::http::StatusCode;
use axum::routing::any;
use shared::api::ErrorCode;
use tower_http::compression::CompressionLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::{DefaultOnFailure, TraceLayer};

use crate::state::AppState;
use error::AppError;

/// The whole application: API, operations, pages and static files.
pub fn router(state: AppState) -> Router {
    let api = api_router(&state);
    let pages = pages::router(&state, api.clone()).with_state(state.clone());
    let timeout = Duration::from_secs(state.config.request_timeout_secs);

    let mut app = Router::new()
        .merge(api)
        .merge(pages)
        .layer(TimeoutLayer::with_status_code(StatusCode::REQUEST_TIMEOUT, timeout))
        .layer(axum::middleware::from_fn(middleware::error_shape))
        .layer(axum::middleware::from_fn(middleware::revalidate_site_files))
        .layer(axum::middleware::from_fn_with_state(state.metrics.clone(), middleware::track_metrics));
    for header in middleware::security_headers() {
        app = app.layer(header);
    }
    if state.config.is_https() {
        app = app.layer(middleware::strict_transport_security());
    }
    app.layer(CompressionLayer::new())
        .layer(TraceLayer::new_for_http().on_failure(DefaultOnFailure::new().level(tracing::Level::WARN)))
}

/// The API and operational routes with the API's own rules (body limit, JSON 404 for any
/// unknown `/api` path). The pages' client calls this router in-process.
pub fn api_router(state: &AppState) -> Router {
    let (routes, document) = openapi::routes().split_for_parts();
    let body_limit = usize::try_from(state.config.body_limit_bytes).unwrap_or(usize::MAX);
    routes
        .route("/api/{*rest}", any(unknown_api_path))
        // Innermost first: the policy (with the CSRF check) needs the matched route and the caller.
        .route_layer(axum::middleware::from_fn_with_state(state.clone(), policy::authorize))
        .layer(axum::middleware::from_fn_with_state(state.clone(), auth::authenticate))
        .layer(Extension(Arc::new(document)))
        .layer(DefaultBodyLimit::max(body_limit))
        // Outermost: every error answer above, in the caller's language.
        .layer(axum::middleware::from_fn(error::word_errors))
        .with_state(state.clone())
}

/// Any path under `/api` that no route serves.
async fn unknown_api_path() -> AppError {
    AppError::new(ErrorCode::NotFound)
}
