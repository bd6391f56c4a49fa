//! Who is calling: a session cookie, an API token, or nobody. The `authenticate` layer
//! works it out once per request and leaves a [`Principal`] for the policy check and the
//! handlers; pages rendered on the server call the API with the browser's own cookie, so
//! they pass through here too (one auth path).

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use axum::extract::{ConnectInfo, FromRequestParts, Request, State};
use axum::http::header::{AUTHORIZATION, COOKIE, SET_COOKIE, USER_AGENT};
use axum::http::{HeaderMap, HeaderValue, request::Parts};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use cookie::{Cookie, SameSite};
use shared::api::ErrorCode;
use shared::i18n::Locale;

use super::error::AppError;
use super::extract::locale_of;
use crate::config::Config;
use crate::context::Ctx;
use crate::services::Actor;
use crate::services::billing::integration;
use crate::services::sessions::{self, SessionUser, TokenCaller};
use crate::state::AppState;

/// The caller of a request.
#[derive(Debug, Clone)]
pub enum Principal {
    /// Not logged in.
    Anonymous,
    /// A logged-in person.
    User(Arc<SessionUser>),
    /// An enterprise system with an API token.
    Token(Arc<TokenCaller>),
    /// One of the utility's systems with an integration token.
    Integration(Arc<integration::IntegrationCaller>),
}

/// The session token the browser sent, if any, in the cookie of the portal's name
/// (`Config::session_cookie_name`).
pub fn session_token(config: &Config, headers: &HeaderMap) -> Option<String> {
    let name = config.session_cookie_name();
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(Cookie::split_parse)
        .filter_map(Result::ok)
        .find(|cookie| cookie.name() == name)
        .map(|cookie| cookie.value().to_owned())
        .filter(|value| !value.is_empty())
}

/// The bearer token of the `Authorization` header, if any.
fn bearer_token(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim()).filter(|t| !t.is_empty())
}

/// Finds the caller and puts a [`Principal`] in the request. A stale cookie or an unknown
/// token makes the caller anonymous (and the policy then answers 401 where it matters).
///
/// A call a page render makes in-process arrives with the caller the page's request was
/// identified as ([`identify_page_caller`]): it is not looked up again.
pub async fn authenticate(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    if request.extensions().get::<Principal>().is_none() {
        let principal = match identify(&state, request.headers()).await {
            Ok(principal) => principal,
            Err(error) => return AppError::database(error).into_response(),
        };
        request.extensions_mut().insert(principal);
    }
    next.run(request).await
}

/// Identifies the caller of a page once, for every API call its render makes in-process
/// (`app::api::Forwarded`). A failed lookup is left to those calls, which answer it.
pub async fn identify_page_caller(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    // The site's files (a name with a dot) make no API calls: no lookup for them.
    let file = request.uri().path().rsplit('/').next().is_some_and(|last| last.contains('.'));
    if !file && let Ok(principal) = identify(&state, request.headers()).await {
        let mut forwarded = http::Extensions::new();
        forwarded.insert(principal);
        request.extensions_mut().insert(app::api::Forwarded(forwarded));
    }
    next.run(request).await
}

async fn identify(state: &AppState, headers: &HeaderMap) -> Result<Principal, sqlx::Error> {
    let lookup_error = |fail| match fail {
        crate::services::Fail::Database(error) => error,
        other => sqlx::Error::Protocol(format!("{other:?}")),
    };
    if let Some(token) = bearer_token(headers) {
        if let Some(metrics) = &state.config.metrics_token
            && constant_time_eq(token.as_bytes(), metrics.as_bytes())
        {
            return Ok(Principal::Anonymous);
        }
        if token.starts_with(integration::PREFIX) {
            return Ok(match integration::lookup(state, token).await.map_err(lookup_error)? {
                Some(caller) => Principal::Integration(Arc::new(caller)),
                None => Principal::Anonymous,
            });
        }
        return Ok(match sessions::lookup_token(state, token).await.map_err(lookup_error)? {
            Some(caller) => Principal::Token(Arc::new(caller)),
            None => Principal::Anonymous,
        });
    }
    if let Some(token) = session_token(&state.config, headers) {
        return Ok(match sessions::lookup(state, &token).await.map_err(lookup_error)? {
            Some(user) => Principal::User(Arc::new(user)),
            None => Principal::Anonymous,
        });
    }
    Ok(Principal::Anonymous)
}

/// Whether the request carries the configured metrics token.
pub fn has_metrics_token(config: &Config, headers: &HeaderMap) -> bool {
    match (&config.metrics_token, bearer_token(headers)) {
        (Some(expected), Some(given)) => constant_time_eq(given.as_bytes(), expected.as_bytes()),
        _ => false,
    }
}

/// Compares secrets without leaking, through timing, how much of them matched.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0_u8, |diff, (x, y)| diff | (x ^ y)) == 0
}

/// The client's address: the connection's peer, or behind `trust_proxy_hops` trusted
/// proxies the address that many entries from the end of `X-Forwarded-For` (each proxy
/// appends the address it was called from; entries further left are the client's word).
/// Calls made in-process by page rendering have none.
pub fn client_ip(config: &Config, parts: &Parts) -> String {
    let forwarded: Vec<&str> =
        parts.headers.get_all("x-forwarded-for").iter().filter_map(|v| v.to_str().ok()).collect();
    if let Some(client) = forwarded_client(&forwarded.join(","), usize::from(config.trust_proxy_hops)) {
        return client.to_string();
    }
    parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(addr)| addr.ip().to_string())
        .unwrap_or_else(|| "in-process".to_owned())
}

/// The client address `hops` trusted proxies vouch for in an `X-Forwarded-For` list.
fn forwarded_client(forwarded: &str, hops: usize) -> Option<IpAddr> {
    if hops == 0 {
        return None;
    }
    let entries: Vec<&str> = forwarded.split(',').map(str::trim).filter(|s| !s.is_empty()).collect();
    let index = entries.len().checked_sub(hops)?;
    entries.get(index)?.parse().ok()
}

/// Everything a handler needs to know about who calls: the principal, the audit actor,
/// the language, the user agent and the session token they came with.
#[derive(Debug, Clone)]
pub struct Caller {
    /// Who.
    pub principal: Principal,
    /// For the audit log and rate limits.
    pub actor: Actor,
    /// Their language.
    pub locale: Locale,
    /// Their browser, for the session list.
    pub user_agent: String,
    /// The session token the browser sent (valid or not).
    pub session_token: Option<String>,
}

impl Caller {
    /// The logged-in person; 401 otherwise (the policy has normally refused already).
    pub fn user(&self) -> Result<&Arc<SessionUser>, AppError> {
        match &self.principal {
            Principal::User(user) => Ok(user),
            _ => Err(AppError::new(ErrorCode::Unauthenticated)),
        }
    }

    /// The organisation of a logged-in enterprise user; 403 for anyone else.
    pub fn org_id(&self) -> Result<i64, AppError> {
        self.user()?.org.map(|(org, _)| org).ok_or_else(|| AppError::new(ErrorCode::Forbidden))
    }
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let principal = parts.extensions.get::<Principal>().cloned().unwrap_or(Principal::Anonymous);
        let ip = client_ip(&state.config, parts);
        let (user_id, label) = match &principal {
            Principal::Anonymous => (None, "anonymous".to_owned()),
            Principal::User(user) => (Some(user.user_id), user.email.clone()),
            Principal::Token(token) => (None, format!("token:{}", token.prefix)),
            Principal::Integration(token) => (None, format!("integration:{}", token.prefix)),
        };
        Ok(Caller {
            principal,
            actor: Actor { user_id, label, ip },
            locale: locale_of(&parts.headers),
            user_agent: parts.headers.get(USER_AGENT).and_then(|v| v.to_str().ok()).unwrap_or("").to_owned(),
            session_token: session_token(&state.config, &parts.headers),
        })
    }
}

/// The `Set-Cookie` value of a new session.
pub fn session_cookie(ctx: &Ctx, token: &str, expires_at: i64) -> Result<HeaderValue, AppError> {
    let cookie = Cookie::build((ctx.config.session_cookie_name(), token.to_owned()))
        .path("/")
        .http_only(true)
        .secure(ctx.config.is_https())
        .same_site(SameSite::Lax)
        .max_age(cookie::time::Duration::seconds((expires_at - ctx.now()).max(0)))
        .build();
    HeaderValue::from_str(&cookie.to_string()).map_err(|e| AppError::internal(&e))
}

/// The `Set-Cookie` value that removes the session cookie.
pub fn cleared_session_cookie(config: &Config) -> HeaderValue {
    let cookie = Cookie::build((config.session_cookie_name(), ""))
        .path("/")
        .http_only(true)
        .secure(config.is_https())
        .same_site(SameSite::Lax)
        .max_age(cookie::time::Duration::ZERO)
        .build();
    HeaderValue::from_str(&cookie.to_string())
        .unwrap_or(HeaderValue::from_static("gridhall_session=; Max-Age=0; Path=/"))
}

/// Adds a `Set-Cookie` header to a response.
pub fn with_cookie(mut response: Response, cookie: HeaderValue) -> Response {
    response.headers_mut().append(SET_COOKIE, cookie);
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_session_among_cookies() {
        let mut config = Config::with_database("sqlite://x.db".parse().expect("url"));
        let mut headers = HeaderMap::new();
        headers.insert(COOKIE, HeaderValue::from_static("gridhall_lang=en; gridhall_session=abc; x=1"));
        assert_eq!(session_token(&config, &headers).as_deref(), Some("abc"));
        headers.insert(COOKIE, HeaderValue::from_static("gridhall_session="));
        assert_eq!(session_token(&config, &headers), None);
        // Over https only the `__Host-` cookie counts.
        config.public_url = Some("https://95598.example.cn".into());
        headers.insert(COOKIE, HeaderValue::from_static("gridhall_session=abc; __Host-gridhall_session=def"));
        assert_eq!(session_token(&config, &headers).as_deref(), Some("def"));
        headers.insert(COOKIE, HeaderValue::from_static("gridhall_session=abc"));
        assert_eq!(session_token(&config, &headers), None);
    }

    #[test]
    fn trusts_only_as_many_forwarded_entries_as_there_are_proxies() {
        let chain = "198.51.100.1, 203.0.113.7, 10.0.0.2";
        assert_eq!(forwarded_client(chain, 0), None);
        assert_eq!(forwarded_client(chain, 1), "10.0.0.2".parse().ok());
        assert_eq!(forwarded_client(chain, 2), "203.0.113.7".parse().ok());
        assert_eq!(forwarded_client(chain, 4), None, "fewer entries than proxies: the peer counts");
        assert_eq!(forwarded_client("not-an-address", 1), None);
        assert_eq!(forwarded_client("2001:db8::1", 1), "2001:db8::1".parse().ok());
    }

    #[test]
    fn reads_bearer_tokens() {
        let mut headers = HeaderMap::new();
        headers.insert(AUTHORIZATION, HeaderValue::from_static("Bearer ghall_x"));
        assert_eq!(bearer_token(&headers), Some("ghall_x"));
        headers.insert(AUTHORIZATION, HeaderValue::from_static("Basic abc"));
        assert_eq!(bearer_token(&headers), None);
    }

    #[test]
    fn compares_secrets_fully() {
        assert!(constant_time_eq(b"secret", b"secret"));
        assert!(!constant_time_eq(b"secret", b"secreT"));
        assert!(!constant_time_eq(b"secret", b"secrets"));
    }
}
