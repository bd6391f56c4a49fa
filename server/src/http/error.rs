//! Every error the server answers, in the one JSON shape of `shared::api::ApiError`.
//!
//! Localised in one place: handlers and services say *what* went wrong (a code, the fields,
//! a fault) and use `?`; [`word_errors`], a layer around the whole API, words the answer in
//! the caller's language (the `gridhall_lang` cookie, else `Accept-Language`). Internal
//! detail never reaches the client: faults are logged with a reference the client also gets.

use axum::Json;
use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use shared::api::{ApiError, ErrorCode};
use shared::i18n::Locale;
use shared::validation::FieldError;

use super::locale::locale_of;
use crate::services::Fail;

/// An error answer on its way to the client, not yet worded.
#[derive(Debug, Clone)]
pub struct AppError {
    code: ErrorCode,
    fields: Vec<FieldError>,
    retry_after_secs: Option<u64>,
    reference: Option<String>,
}

impl AppError {
    /// An error with the catalogue's message for its code.
    pub fn new(code: ErrorCode) -> Self {
        AppError { code, fields: Vec::new(), retry_after_secs: None, reference: None }
    }

    /// A 422 naming each field that is wrong.
    pub fn validation(errors: Vec<FieldError>) -> Self {
        AppError { fields: errors, ..AppError::new(ErrorCode::ValidationFailed) }
    }

    /// A fault: logged with a fresh reference, answered as 500 with only that reference.
    pub fn internal(cause: &dyn std::fmt::Display) -> Self {
        let reference = uuid::Uuid::new_v4().simple().to_string();
        tracing::error!(%reference, error = %cause, "request failed");
        AppError { reference: Some(reference), ..AppError::new(ErrorCode::Internal) }
    }

    /// A database failure: 503 when the database cannot be reached (the client may retry),
    /// a logged fault otherwise.
    pub fn database(cause: sqlx::Error) -> Self {
        match cause {
            sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::Io(_) => {
                tracing::warn!(error = %cause, "database unavailable");
                AppError { retry_after_secs: Some(5), ..AppError::new(ErrorCode::Unavailable) }
            }
            other => AppError::internal(&other),
        }
    }

    /// Its code.
    pub fn code(&self) -> ErrorCode {
        self.code
    }

    /// The body in a language.
    pub fn body(&self, locale: Locale) -> ApiError {
        let mut body = ApiError::new(self.code, (locale.messages().error)(self.code));
        let messages = &locale.messages().field;
        for FieldError { field, problem } in &self.fields {
            body.fields.insert(field.clone(), messages.for_problem(*problem).to_owned());
        }
        body.reference = self.reference.clone();
        body
    }

    /// The whole answer in a language.
    pub fn response_in(&self, locale: Locale) -> Response {
        let status = StatusCode::from_u16(self.code.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut response = (status, Json(self.body(locale))).into_response();
        if let Some(seconds) = self.retry_after_secs {
            response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        response
    }
}

impl From<Fail> for AppError {
    fn from(fail: Fail) -> Self {
        match fail {
            Fail::Code(code) => AppError::new(code),
            Fail::Fields(errors) => AppError::validation(errors),
            Fail::RateLimited(seconds) => {
                AppError { retry_after_secs: Some(seconds), ..AppError::new(ErrorCode::RateLimited) }
            }
            Fail::Database(error) => AppError::database(error),
            Fail::Internal(error) => AppError::internal(&format!("{error:#}")),
        }
    }
}

impl From<ErrorCode> for AppError {
    fn from(code: ErrorCode) -> Self {
        AppError::new(code)
    }
}

impl From<sqlx::Error> for AppError {
    fn from(error: sqlx::Error) -> Self {
        AppError::database(error)
    }
}

impl IntoResponse for AppError {
    /// Answers in the default language and leaves the error on the response, so that
    /// [`word_errors`] words it again in the caller's.
    fn into_response(self) -> Response {
        let mut response = self.response_in(Locale::default());
        response.extensions_mut().insert(self);
        response
    }
}

/// The layer that words every error answer of the API in the caller's language.
pub async fn word_errors(request: Request, next: Next) -> Response {
    let locale = locale_of(request.headers());
    let mut response = next.run(request).await;
    match response.extensions_mut().remove::<AppError>() {
        Some(error) if locale != Locale::default() => {
            let (mut parts, _) = response.into_parts();
            let (worded, body) = error.response_in(locale).into_parts();
            parts.headers.remove(header::CONTENT_LENGTH);
            for (name, value) in &worded.headers {
                parts.headers.insert(name, value.clone());
            }
            Response::from_parts(parts, body)
        }
        _ => response,
    }
}
