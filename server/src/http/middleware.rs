//! Cross-cutting HTTP behaviour: the error shape for answers that carry none, security
//! headers, and request metrics.

use std::sync::Arc;
use std::time::Instant;

use axum::body::Body;
use axum::extract::{MatchedPath, Request, State};
use axum::http::header::{
    CONTENT_SECURITY_POLICY, CONTENT_TYPE, REFERRER_POLICY, X_CONTENT_TYPE_OPTIONS, X_FRAME_OPTIONS,
};
use axum::http::{HeaderName, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;
use shared::api::ErrorCode;
use tower_http::set_header::SetResponseHeaderLayer;

use super::error::AppError;
use super::extract::locale_of;
use crate::telemetry::{Metrics, RequestLabels};

/// The policy for every answer that sets none of its own (API JSON, the API docs page).
/// Pages rendered by the app set a stricter one with a per-response script nonce.
pub const DEFAULT_CSP: &str = "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// Gives error answers that have no body of ours (axum's 405, the timeout's 408, a plain-text
/// rejection) the API's JSON shape, in the visitor's language.
pub async fn error_shape(request: Request, next: Next) -> Response {
    let locale = locale_of(request.headers());
    let response = next.run(request).await;
    let status = response.status();
    let has_own_body = response
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| !ct.starts_with("text/plain"));
    if !(status.is_client_error() || status.is_server_error()) || has_own_body {
        return response;
    }
    let (mut parts, _) = response.into_parts();
    let shaped = AppError::new(ErrorCode::for_status(status.as_u16())).response_in(locale);
    let (shaped_parts, body) = shaped.into_parts();
    // Keep the original status and headers (e.g. `Allow` on a 405), replace the body.
    parts.headers.remove(http::header::CONTENT_LENGTH);
    for (name, value) in &shaped_parts.headers {
        parts.headers.insert(name, value.clone());
    }
    Response::from_parts(parts, body)
}

/// Counts every answered request by method, route template and status.
pub async fn track_metrics(State(metrics): State<Arc<Metrics>>, request: Request<Body>, next: Next) -> Response {
    let started = Instant::now();
    let method = request.method().to_string();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_owned())
        .unwrap_or_else(|| "unmatched".to_owned());
    let response = next.run(request).await;
    metrics.observe(RequestLabels { method, route, status: response.status().as_u16() }, started.elapsed());
    response
}

/// The security headers every answer carries.
pub fn security_headers() -> [SetResponseHeaderLayer<HeaderValue>; 5] {
    [
        SetResponseHeaderLayer::if_not_present(CONTENT_SECURITY_POLICY, HeaderValue::from_static(DEFAULT_CSP)),
        SetResponseHeaderLayer::overriding(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")),
        SetResponseHeaderLayer::overriding(
            REFERRER_POLICY,
            HeaderValue::from_static("strict-origin-when-cross-origin"),
        ),
        SetResponseHeaderLayer::overriding(X_FRAME_OPTIONS, HeaderValue::from_static("DENY")),
        SetResponseHeaderLayer::overriding(
            HeaderName::from_static("cross-origin-opener-policy"),
            HeaderValue::from_static("same-origin"),
        ),
    ]
}

/// `Strict-Transport-Security` for a portal served over https: browsers use https only for
/// a year, so nobody on the network can strip TLS from a later visit. Not for subdomains:
/// the utility's other hosts are not the portal's to decide.
pub fn strict_transport_security() -> SetResponseHeaderLayer<HeaderValue> {
    SetResponseHeaderLayer::overriding(
        http::header::STRICT_TRANSPORT_SECURITY,
        HeaderValue::from_static("max-age=31536000"),
    )
}

/// The built site's files (`/pkg/*`) are revalidated on every use (`no-cache`: a 304 when
/// unchanged). Their names do not change between builds, and the Wasm is split into chunks
/// that must all come from the same build: a browser must never mix a cached chunk with a
/// newer main module.
pub async fn revalidate_site_files(request: Request, next: Next) -> Response {
    let is_site_file = request.uri().path().starts_with("/pkg/");
    let mut response = next.run(request).await;
    if is_site_file {
        response.headers_mut().entry(http::header::CACHE_CONTROL).or_insert(HeaderValue::from_static("no-cache"));
    }
    response
}
