//! Every error the server answers, in the one JSON shape of `shared::api::ApiError`, with
//! its message in the visitor's language. Internal detail never reaches the client: faults
//! are logged with a reference that the client also gets.

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use shared::api::{ApiError, ErrorCode};
use shared::i18n::Locale;
use shared::validation::FieldError;

use crate::services::Fail;

/// An error answer on its way to the client.
#[derive(Debug)]
pub struct AppError {
    body: ApiError,
    retry_after_secs: Option<u64>,
}

impl AppError {
    /// An error with the catalogue's message for its code.
    pub fn new(code: ErrorCode, locale: Locale) -> Self {
        AppError { body: ApiError::new(code, (locale.messages().error)(code)), retry_after_secs: None }
    }

    /// A 422 naming each field that is wrong.
    pub fn validation(errors: Vec<FieldError>, locale: Locale) -> Self {
        let mut error = AppError::new(ErrorCode::ValidationFailed, locale);
        let messages = &locale.messages().field;
        for FieldError { field, problem } in errors {
            error.body.fields.insert(field, messages.for_problem(problem).to_owned());
        }
        error
    }

    /// A fault: logged with a fresh reference, answered as 500 with only that reference.
    pub fn internal(cause: &dyn std::fmt::Display, locale: Locale) -> Self {
        let reference = uuid::Uuid::new_v4().simple().to_string();
        tracing::error!(%reference, error = %cause, "request failed");
        let mut error = AppError::new(ErrorCode::Internal, locale);
        error.body.reference = Some(reference);
        error
    }

    /// A database failure: 503 when the database cannot be reached (the client may retry),
    /// a logged fault otherwise.
    pub fn database(cause: sqlx::Error, locale: Locale) -> Self {
        match cause {
            sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::Io(_) => {
                tracing::warn!(error = %cause, "database unavailable");
                let mut error = AppError::new(ErrorCode::Unavailable, locale);
                error.retry_after_secs = Some(5);
                error
            }
            other => AppError::internal(&other, locale),
        }
    }

    /// A service's refusal or fault, in the caller's language.
    pub fn from_fail(fail: Fail, locale: Locale) -> Self {
        match fail {
            Fail::Code(code) => AppError::new(code, locale),
            Fail::Fields(errors) => AppError::validation(errors, locale),
            Fail::RateLimited(seconds) => {
                let mut error = AppError::new(ErrorCode::RateLimited, locale);
                error.retry_after_secs = Some(seconds);
                error
            }
            Fail::Database(error) => AppError::database(error, locale),
            Fail::Internal(error) => AppError::internal(&format!("{error:#}"), locale),
        }
    }

    /// The body that will be sent.
    pub fn body(&self) -> &ApiError {
        &self.body
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.body.code.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut response = (status, Json(self.body)).into_response();
        if let Some(seconds) = self.retry_after_secs {
            response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        response
    }
}

/// Words a service's outcome in the caller's language: `service(...).await.or_locale(locale)?`.
pub trait OrLocale<T> {
    /// The value, or the failure as an error answer.
    fn or_locale(self, locale: Locale) -> Result<T, AppError>;
}

impl<T> OrLocale<T> for Result<T, Fail> {
    fn or_locale(self, locale: Locale) -> Result<T, AppError> {
        self.map_err(|fail| AppError::from_fail(fail, locale))
    }
}
