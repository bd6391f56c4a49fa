//! The typed API client: the one way the app reads and writes data.
//!
//! In the browser it calls the REST API with `fetch`. During server-side rendering the very
//! same calls go to the same axum router in-process (no socket), with the page request's
//! cookies and language forwarded, so there is one auth path and one validation path.

use std::future::Future;

use serde::Serialize;
use serde::de::DeserializeOwned;
use shared::api::{
    ApiError, CommitmentsQuery, CommitmentsResponse, ErrorCode, LanguagePreference, LanguageRequest, paths,
};
use shared::i18n::Locale;

#[cfg(feature = "ssr")]
pub use transport::InProcessApi;

/// The service commitments in force (`GET /api/v1/commitments`).
pub fn commitments(
    query: CommitmentsQuery,
) -> impl Future<Output = Result<CommitmentsResponse, ApiError>> + Send + 'static {
    let query_string = serde_urlencoded::to_string(&query).unwrap_or_default();
    let path = if query_string.is_empty() {
        paths::COMMITMENTS.to_owned()
    } else {
        format!("{}?{query_string}", paths::COMMITMENTS)
    };
    call(Method::Get, path, None::<()>)
}

/// Keeps the visitor's language choice (`PUT /api/v1/preferences/language`).
pub fn set_language(language: Locale) -> impl Future<Output = Result<LanguagePreference, ApiError>> + Send + 'static {
    call(Method::Put, paths::LANGUAGE.to_owned(), Some(LanguageRequest { language: language.tag().to_owned() }))
}

/// The HTTP methods the client uses.
#[derive(Debug, Clone, Copy)]
enum Method {
    Get,
    Put,
}

impl Method {
    #[cfg_attr(not(feature = "ssr"), allow(dead_code))]
    fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Put => "PUT",
        }
    }
}

/// Sends one request and decodes the answer: the resource on success, the API's error
/// shape otherwise.
fn call<B: Serialize, T: DeserializeOwned>(
    method: Method,
    path: String,
    body: Option<B>,
) -> impl Future<Output = Result<T, ApiError>> + Send + 'static {
    let body = body.map(|b| serde_json::to_string(&b));
    let sent = match body {
        Some(Err(_)) => None,
        Some(Ok(json)) => Some(transport::send(method, path, Some(json))),
        None => Some(transport::send(method, path, None)),
    };
    async move {
        let Some(sent) = sent else {
            return Err(ApiError::new(ErrorCode::BadRequest, ""));
        };
        let (status, bytes) = sent.await?;
        decode(status, &bytes)
    }
}

/// Turns a status and a body into the typed result.
fn decode<T: DeserializeOwned>(status: u16, bytes: &[u8]) -> Result<T, ApiError> {
    if (200..300).contains(&status) {
        serde_json::from_slice(bytes).map_err(|_| ApiError::new(ErrorCode::Unknown, ""))
    } else {
        // Anything between us and the server (a proxy, a gateway) may answer without our shape.
        Err(serde_json::from_slice(bytes).unwrap_or_else(|_| ApiError::new(ErrorCode::for_status(status), "")))
    }
}

#[cfg(feature = "ssr")]
mod transport {
    use std::future::Future;

    use axum::body::Body;
    use http::header::{ACCEPT_LANGUAGE, CONTENT_TYPE, COOKIE};
    use shared::api::{ApiError, ErrorCode};
    use tower::ServiceExt;

    use super::Method;

    /// The largest API answer a page render reads.
    const MAX_BODY: usize = 16 * 1024 * 1024;

    /// The API router, given to each server render so the client can call it in-process.
    #[derive(Clone)]
    pub struct InProcessApi(axum::Router);

    impl InProcessApi {
        /// Wraps the router that serves `/api/v1`.
        pub fn new(router: axum::Router) -> Self {
            InProcessApi(router)
        }
    }

    pub(super) fn send(
        method: Method,
        path: String,
        body: Option<String>,
    ) -> impl Future<Output = Result<(u16, Vec<u8>), ApiError>> + Send + 'static {
        // Context is read now, while the render's owner is current; the future runs later.
        let api = leptos::prelude::use_context::<InProcessApi>();
        let forwarded: Vec<_> = leptos::prelude::use_context::<http::request::Parts>()
            .map(|parts| {
                [COOKIE, ACCEPT_LANGUAGE]
                    .into_iter()
                    .filter_map(|name| parts.headers.get(&name).cloned().map(|value| (name, value)))
                    .collect()
            })
            .unwrap_or_default();
        async move {
            let api = api.ok_or_else(|| ApiError::new(ErrorCode::Unavailable, ""))?;
            let mut request = http::Request::builder().method(method.as_str()).uri(path);
            for (name, value) in forwarded {
                request = request.header(name, value);
            }
            if body.is_some() {
                request = request.header(CONTENT_TYPE, "application/json");
            }
            let request = request
                .body(Body::from(body.unwrap_or_default()))
                .map_err(|_| ApiError::new(ErrorCode::BadRequest, ""))?;
            let response = match api.0.oneshot(request).await {
                Ok(response) => response,
                Err(never) => match never {},
            };
            let status = response.status().as_u16();
            let bytes = axum::body::to_bytes(response.into_body(), MAX_BODY)
                .await
                .map_err(|_| ApiError::new(ErrorCode::Internal, ""))?;
            Ok((status, bytes.to_vec()))
        }
    }
}

#[cfg(all(feature = "hydrate", not(feature = "ssr")))]
mod transport {
    use std::future::Future;

    use gloo_net::http::Request;
    use shared::api::{ApiError, ErrorCode};

    use super::Method;

    pub(super) fn send(
        method: Method,
        path: String,
        body: Option<String>,
    ) -> impl Future<Output = Result<(u16, Vec<u8>), ApiError>> + Send + 'static {
        let network = |_| ApiError::new(ErrorCode::Network, "");
        // The browser's futures are not Send; they only ever run on its one thread.
        send_wrapper::SendWrapper::new(async move {
            let builder = match method {
                Method::Get => Request::get(&path),
                Method::Put => Request::put(&path),
            };
            let request = match body {
                Some(json) => builder.header("Content-Type", "application/json").body(json),
                None => builder.build(),
            }
            .map_err(network)?;
            let response = request.send().await.map_err(network)?;
            let status = response.status();
            let bytes = response.binary().await.map_err(network)?;
            Ok((status, bytes))
        })
    }
}

#[cfg(not(any(feature = "ssr", feature = "hydrate")))]
mod transport {
    use std::future::Future;

    use shared::api::{ApiError, ErrorCode};

    use super::Method;

    /// Built with neither `ssr` nor `hydrate` (e.g. a plain `cargo check`): nothing to call.
    pub(super) fn send(
        _method: Method,
        _path: String,
        _body: Option<String>,
    ) -> impl Future<Output = Result<(u16, Vec<u8>), ApiError>> + Send + 'static {
        async { Err(ApiError::new(ErrorCode::Unavailable, "")) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_success_and_error_shapes() {
        let ok: Result<LanguagePreference, _> = decode(200, br#"{"language":"en"}"#);
        assert_eq!(ok.map(|p| p.language), Ok(Locale::En));
        let err: Result<LanguagePreference, _> =
            decode(422, br#"{"code":"validation_failed","message":"x","fields":{"language":"y"}}"#);
        let err = err.expect_err("error");
        assert_eq!(err.code, ErrorCode::ValidationFailed);
        assert_eq!(err.fields.get("language").map(String::as_str), Some("y"));
    }

    #[test]
    fn a_foreign_error_page_still_becomes_our_shape() {
        let err: Result<LanguagePreference, _> = decode(502, b"<html>Bad Gateway</html>");
        assert_eq!(err.map_err(|e| e.code), Err(ErrorCode::Unavailable));
    }
}
