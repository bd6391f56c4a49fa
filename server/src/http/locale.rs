//! The language a request asks for, read from its headers: used by the error layer and
//! the extractors alike (a module of its own, so neither imports the other).

use axum::http::HeaderMap;
use axum::http::header::{ACCEPT_LANGUAGE, COOKIE};
use shared::i18n::Locale;

/// The language of the request: the `gridhall_lang` cookie, else `Accept-Language`, else Chinese.
pub fn locale_of(headers: &HeaderMap) -> Locale {
    let header = |name| headers.get(name).and_then(|v| v.to_str().ok());
    Locale::from_request_headers(header(COOKIE), header(ACCEPT_LANGUAGE))
}
