//! `PUT /api/v1/preferences/language`.

use axum::Json;
use axum::extract::State;
use axum::http::HeaderValue;
use axum::http::header::SET_COOKIE;
use axum::response::{IntoResponse, Response};
use cookie::{Cookie, SameSite};
use shared::api::{ApiError, LanguagePreference, LanguageRequest};
use shared::i18n::LANGUAGE_COOKIE;

use super::error::AppError;
use super::extract::ApiJson;
use crate::state::AppState;

/// Keeps the visitor's interface language.
///
/// Sets the `gridhall_lang` cookie that the server's page rendering and every API message
/// honour. Open to everyone: the language is not personal data.
#[utoipa::path(
    put,
    path = "/api/v1/preferences/language",
    tag = "preferences",
    request_body = LanguageRequest,
    responses(
        (status = 200, description = "The language now in use; the cookie is set", body = LanguagePreference),
        (status = 400, description = "The body is not JSON", body = ApiError),
        (status = 413, description = "The body is too large", body = ApiError),
        (status = 415, description = "The body is not declared as JSON", body = ApiError),
        (status = 422, description = "A language the portal does not offer", body = ApiError),
    )
)]
pub async fn set_language(
    State(state): State<AppState>,
    ApiJson(request): ApiJson<LanguageRequest>,
) -> Result<Response, AppError> {
    let language = request.validate().map_err(AppError::validation)?;
    let cookie = Cookie::build((LANGUAGE_COOKIE, language.tag()))
        .path("/")
        .max_age(cookie::time::Duration::days(365))
        .same_site(SameSite::Lax)
        .secure(state.config.is_https())
        .build();
    let mut response = Json(LanguagePreference { language }).into_response();
    let value = HeaderValue::from_str(&cookie.to_string()).map_err(|e| AppError::internal(&e))?;
    response.headers_mut().insert(SET_COOKIE, value);
    Ok(response)
}
