//! Operations: liveness, readiness and metrics, outside the versioned API.

use std::time::Duration;

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use shared::api::{Readiness, ReadinessCheck};

use crate::state::AppState;

/// How long readiness waits for the database before calling it unreachable.
const READY_TIMEOUT: Duration = Duration::from_secs(2);

/// The body of `/healthz`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Health {
    /// Always `ok`: the process answers.
    pub status: &'static str,
}

/// Liveness: the process answers. Touches nothing else, so it is the cheapest request.
#[utoipa::path(get, path = "/healthz", tag = "operations",
    responses((status = 200, description = "The process is alive", body = Health)))]
pub async fn healthz() -> Json<Health> {
    Json(Health { status: "ok" })
}

/// Readiness: the database answers and every migration this binary knows is applied.
#[utoipa::path(get, path = "/readyz", tag = "operations",
    responses(
        (status = 200, description = "Ready for traffic", body = Readiness),
        (status = 503, description = "Not ready; the checks say why", body = Readiness),
    ))]
pub async fn readyz(State(state): State<AppState>) -> Response {
    let database = tokio::time::timeout(READY_TIMEOUT, state.db.ping()).await;
    let database_ok = matches!(database, Ok(Ok(())));
    let mut checks = vec![ReadinessCheck {
        name: "database".to_owned(),
        ok: database_ok,
        detail: (!database_ok).then(|| "the database does not answer".to_owned()),
    }];
    if database_ok {
        let pending = tokio::time::timeout(READY_TIMEOUT, state.db.pending_migrations()).await;
        let (ok, detail) = match pending {
            Ok(Ok(pending)) if pending.is_empty() => (true, None),
            Ok(Ok(pending)) => (false, Some(format!("{} migration(s) not applied", pending.len()))),
            _ => (false, Some("the migration history cannot be read".to_owned())),
        };
        checks.push(ReadinessCheck { name: "migrations".to_owned(), ok, detail });
    }
    let ready = checks.iter().all(|c| c.ok);
    let status = if ready { StatusCode::OK } else { StatusCode::SERVICE_UNAVAILABLE };
    (status, Json(Readiness { ready, checks })).into_response()
}

/// Metrics in the Prometheus text format: requests and latency by route and status.
#[utoipa::path(get, path = "/metrics", tag = "operations",
    responses((status = 200, description = "OpenMetrics text", content_type = "application/openmetrics-text")))]
pub async fn metrics(State(state): State<AppState>) -> Response {
    match state.metrics.encode() {
        Ok(text) => {
            let mut response = text.into_response();
            response.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/openmetrics-text; version=1.0.0; charset=utf-8"),
            );
            response
        }
        Err(error) => {
            tracing::error!(%error, "cannot encode metrics");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}
