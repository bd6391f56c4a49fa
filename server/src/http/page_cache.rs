//! A short cache of rendered pages for visitors without a session: the home page, the
//! tariffs, the public statistics are the same for every anonymous visitor in one language
//! on one day, and rendering them is the most expensive thing an anonymous request does.
//!
//! Never used for a request that carries a session cookie, nor kept for an answer that
//! sets a cookie or is not a plain 200. The key is the language, the path with its query,
//! and the day (on the context's clock). Each hit gets a fresh CSP nonce: the cached page's
//! nonce is replaced, in the header and in the page, so no two answers share one.

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::header::{CONTENT_LENGTH, CONTENT_SECURITY_POLICY, COOKIE, SET_COOKIE};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::Response;
use base64::Engine as _;

use super::locale::locale_of;
use crate::state::AppState;

/// How long a rendered page is served again.
pub const PAGE_TTL: Duration = Duration::from_secs(10);
/// Pages kept at most (paths × languages).
const CAPACITY: usize = 512;
/// The largest page kept.
const MAX_PAGE_BYTES: usize = 2 * 1024 * 1024;

/// A rendered page: its headers, body, and the nonce it was rendered with.
#[derive(Clone)]
struct Page {
    at: Instant,
    headers: HeaderMap,
    body: Bytes,
    nonce: Option<String>,
}

/// The cache, shared by the pages router's clones.
#[derive(Clone)]
pub struct PageCache {
    pages: Arc<quick_cache::sync::Cache<(String, &'static str, String), Page>>,
}

impl Default for PageCache {
    fn default() -> Self {
        PageCache { pages: Arc::new(quick_cache::sync::Cache::new(CAPACITY)) }
    }
}

impl std::fmt::Debug for PageCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PageCache").field("pages", &self.pages.len()).finish()
    }
}

/// The layer: answers from the cache, or renders and keeps the answer.
pub async fn serve(State((state, cache)): State<(AppState, PageCache)>, request: Request, next: Next) -> Response {
    let session_cookie = state.config.session_cookie_name();
    let has_session = request.headers().get_all(COOKIE).iter().any(|value| {
        value.to_str().is_ok_and(|cookies| cookies.split(';').any(|c| c.trim_start().starts_with(session_cookie)))
    });
    if request.method() != Method::GET || has_session {
        return next.run(request).await;
    }
    let path = request.uri().path_and_query().map(|p| p.as_str().to_owned()).unwrap_or_default();
    let key = (path, locale_of(request.headers()).tag(), state.today().to_string());
    if let Some(page) = cache.pages.get(&key).filter(|page| page.at.elapsed() < PAGE_TTL)
        && let Some(response) = answer(&page)
    {
        return response;
    }
    let response = next.run(request).await;
    let html = response
        .headers()
        .get(http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    // Only pages: the site's files are served with their own caching and encodings.
    if response.status() != StatusCode::OK || response.headers().contains_key(SET_COOKIE) || !html {
        return response;
    }
    let (parts, body) = response.into_parts();
    let Ok(body) = axum::body::to_bytes(body, MAX_PAGE_BYTES).await else {
        return Response::from_parts(parts, Body::empty());
    };
    let nonce = parts.headers.get(CONTENT_SECURITY_POLICY).and_then(|v| v.to_str().ok()).and_then(nonce_of);
    let page = Page { at: Instant::now(), headers: parts.headers.clone(), body: body.clone(), nonce };
    cache.pages.insert(key, page);
    Response::from_parts(parts, Body::from(body))
}

/// A cached page with a fresh nonce (`None` when no randomness is to be had: render anew).
fn answer(page: &Page) -> Option<Response> {
    let mut headers = page.headers.clone();
    let body = match &page.nonce {
        Some(old) => {
            let fresh = fresh_nonce()?;
            if let Some(policy) = headers.get(CONTENT_SECURITY_POLICY).and_then(|v| v.to_str().ok())
                && let Ok(value) = HeaderValue::from_str(&policy.replace(old.as_str(), &fresh))
            {
                headers.insert(CONTENT_SECURITY_POLICY, value);
            }
            let text = String::from_utf8_lossy(&page.body).replace(old.as_str(), &fresh);
            Bytes::from(text)
        }
        None => page.body.clone(),
    };
    headers.remove(CONTENT_LENGTH);
    let mut response = Response::new(Body::from(body));
    *response.headers_mut() = headers;
    Some(response)
}

/// The nonce of a policy's `'nonce-…'` source.
fn nonce_of(policy: &str) -> Option<String> {
    let start = policy.find("'nonce-")? + "'nonce-".len();
    let end = policy[start..].find('\'')? + start;
    Some(policy[start..end].to_owned())
}

/// A new nonce, as unguessable as the renderer's.
fn fresh_nonce() -> Option<String> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).ok()?;
    Some(base64::engine::general_purpose::STANDARD_NO_PAD.encode(bytes))
}

#[cfg(test)]
mod tests {
    #[test]
    fn reads_the_nonce_of_a_policy() {
        let policy = "default-src 'self'; script-src 'self' 'nonce-AbC123+/' 'wasm-unsafe-eval'";
        assert_eq!(super::nonce_of(policy).as_deref(), Some("AbC123+/"));
        assert_eq!(super::nonce_of("default-src 'self'"), None);
        assert_ne!(super::fresh_nonce(), super::fresh_nonce(), "a nonce is never repeated");
    }
}
