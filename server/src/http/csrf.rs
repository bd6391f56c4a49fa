//! Cross-site request forgery: a state-changing API call (POST, PUT, PATCH, DELETE) must
//! be declared JSON (which a cross-site HTML form cannot do, and which makes a cross-site
//! `fetch` ask permission first), and, when the browser says where it comes from
//! (`Origin`), come from the portal itself. A call that carries the session cookie must say
//! where it comes from. The session cookie is also `SameSite=Lax`.

use axum::extract::{Request, State};
use axum::http::header::{HOST, ORIGIN};
use axum::http::{HeaderMap, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use shared::api::ErrorCode;

use super::auth::session_token;
use super::error::AppError;
use super::extract::{is_json, locale_of};
use crate::state::AppState;

/// The check, on every API request.
pub async fn protect(State(state): State<AppState>, request: Request, next: Next) -> Response {
    if matches!(*request.method(), Method::GET | Method::HEAD | Method::OPTIONS)
        || !request.uri().path().starts_with("/api/")
    {
        return next.run(request).await;
    }
    let headers = request.headers();
    let locale = locale_of(headers);
    if !is_json(headers) {
        return AppError::new(ErrorCode::UnsupportedMediaType, locale).into_response();
    }
    let allowed = match headers.get(ORIGIN).and_then(|v| v.to_str().ok()) {
        Some(origin) => same_origin(origin, headers, state.config.public_url().as_str(), state.config.is_https()),
        None => session_token(headers).is_none(),
    };
    if !allowed {
        tracing::warn!(origin = ?headers.get(ORIGIN), path = %request.uri().path(), "cross-site request refused");
        return AppError::new(ErrorCode::Forbidden, locale).into_response();
    }
    next.run(request).await
}

/// Whether an `Origin` is the portal's: its configured public URL, or the host the request
/// was sent to.
fn same_origin(origin: &str, headers: &HeaderMap, public_url: &str, https: bool) -> bool {
    let origin = origin.trim_end_matches('/');
    if origin.eq_ignore_ascii_case(public_url.trim_end_matches('/')) {
        return true;
    }
    let scheme = if https { "https" } else { "http" };
    headers
        .get(HOST)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|host| origin.eq_ignore_ascii_case(&format!("{scheme}://{host}")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn origins_must_be_the_portals() {
        let mut headers = HeaderMap::new();
        headers.insert(HOST, HeaderValue::from_static("127.0.0.1:3000"));
        assert!(same_origin("http://127.0.0.1:3000", &headers, "https://95598.example.cn", false));
        assert!(same_origin("https://95598.example.cn", &headers, "https://95598.example.cn", true));
        assert!(!same_origin("https://evil.example", &headers, "https://95598.example.cn", true));
        assert!(!same_origin("null", &headers, "https://95598.example.cn", true));
        assert!(!same_origin("https://127.0.0.1:3000", &headers, "http://x", false));
    }
}
