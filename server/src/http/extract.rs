//! Extractors that answer bad input in the API's error shape and the visitor's language,
//! instead of axum's plain-text rejections.

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::header::CONTENT_TYPE;
use axum::http::{HeaderMap, StatusCode, request::Parts};
use serde::de::DeserializeOwned;
use shared::api::ErrorCode;
use shared::i18n::Locale;
use shared::validation::{FieldError, Problem};

use super::error::AppError;
pub use super::locale::locale_of;

/// The visitor's language, for messages.
#[derive(Debug, Clone, Copy)]
pub struct RequestLocale(pub Locale);

impl<S: Send + Sync> FromRequestParts<S> for RequestLocale {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(RequestLocale(locale_of(&parts.headers)))
    }
}

/// A JSON body: 415 unless it is declared JSON, 413 past the body limit, 400 when it is
/// not JSON, 422 naming the field when it has the wrong shape.
#[derive(Debug, Clone)]
pub struct ApiJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = AppError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        if !is_json(request.headers()) {
            return Err(AppError::new(ErrorCode::UnsupportedMediaType));
        }
        let bytes = Bytes::from_request(request, state).await.map_err(|rejection| {
            if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
                AppError::new(ErrorCode::PayloadTooLarge)
            } else {
                AppError::new(ErrorCode::BadRequest)
            }
        })?;
        let mut deserializer = serde_json::Deserializer::from_slice(&bytes);
        let value = serde_path_to_error::deserialize(&mut deserializer).map_err(|error| {
            let path = error.path().to_string();
            match error.inner().classify() {
                serde_json::error::Category::Data if path != "." => {
                    AppError::validation(vec![FieldError::new(path, Problem::InvalidValue)])
                }
                serde_json::error::Category::Data => {
                    AppError::validation(vec![FieldError::new("body", Problem::InvalidValue)])
                }
                _ => AppError::new(ErrorCode::MalformedJson),
            }
        })?;
        deserializer.end().map_err(|_| AppError::new(ErrorCode::MalformedJson))?;
        Ok(ApiJson(value))
    }
}

/// A request body of at most `MAX` bytes (a file upload): 413 when the declared length is
/// larger, or when the body turns out larger while it is read, so that a 200 MB upload is
/// refused without being held.
#[derive(Debug, Clone)]
pub struct LimitedBody<const MAX: usize>(pub Bytes);

impl<S: Send + Sync, const MAX: usize> FromRequest<S> for LimitedBody<MAX> {
    type Rejection = AppError;

    async fn from_request(request: Request, _state: &S) -> Result<Self, Self::Rejection> {
        let declared = request
            .headers()
            .get(http::header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<usize>().ok());
        if declared.is_some_and(|length| length > MAX) {
            return Err(AppError::new(ErrorCode::PayloadTooLarge));
        }
        let bytes = axum::body::to_bytes(request.into_body(), MAX)
            .await
            .map_err(|_| AppError::new(ErrorCode::PayloadTooLarge))?;
        Ok(LimitedBody(bytes))
    }
}

/// `application/json`, or any `application/*+json`, with or without parameters.
pub fn is_json(headers: &HeaderMap) -> bool {
    let Some(value) = headers.get(CONTENT_TYPE).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    let essence = value.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    essence == "application/json" || (essence.starts_with("application/") && essence.ends_with("+json"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn recognises_json_content_types() {
        let with = |value: &'static str| {
            let mut headers = HeaderMap::new();
            headers.insert(CONTENT_TYPE, HeaderValue::from_static(value));
            is_json(&headers)
        };
        assert!(with("application/json"));
        assert!(with("Application/JSON; charset=utf-8"));
        assert!(with("application/merge-patch+json"));
        assert!(!with("text/plain"));
        assert!(!with("application/x-www-form-urlencoded"));
        assert!(!is_json(&HeaderMap::new()));
    }
}
