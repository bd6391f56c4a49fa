//! Cross-site request forgery: a state-changing API call (POST, PUT, PATCH, DELETE) must
//! be declared JSON (which a cross-site HTML form cannot do, and which makes a cross-site
//! `fetch` ask permission first), and, when the browser says where it comes from
//! (`Origin`), come from the portal itself. A call that carries the session cookie must say
//! where it comes from. The session cookie is also `SameSite=Lax`.

use axum::http::header::{HOST, ORIGIN};
use axum::http::{HeaderMap, Method};
use shared::api::ErrorCode;

use super::auth::session_token;
use super::error::AppError;
use super::extract::is_json;
use crate::state::AppState;

/// The check for a routed API call: `Err` with the refusal when a state-changing call is
/// not JSON or comes from elsewhere.
/// `file_upload` routes take `application/octet-stream` instead of JSON.
pub fn check(state: &AppState, method: &Method, headers: &HeaderMap, file_upload: bool) -> Result<(), AppError> {
    if matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS) {
        return Ok(());
    }
    let octet_stream = headers
        .get(http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("application/octet-stream"));
    if !(is_json(headers) || (file_upload && octet_stream)) {
        return Err(AppError::new(ErrorCode::UnsupportedMediaType));
    }
    let allowed = match headers.get(ORIGIN).and_then(|v| v.to_str().ok()) {
        Some(origin) => same_origin(origin, headers, state.config.public_url().as_str(), state.config.is_https()),
        None => session_token(&state.config, headers).is_none(),
    };
    if !allowed {
        tracing::warn!(origin = ?headers.get(ORIGIN), "cross-site request refused");
        return Err(AppError::new(ErrorCode::Forbidden));
    }
    Ok(())
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
