//! Who is logged in, for the header and the pages: one `GET /api/v1/me` per page load (on
//! the server for the first render, with the browser's cookie), refreshed after logging in
//! or out. A server render of a request without a session cookie skips the call: its answer
//! could only be 401.

use leptos::prelude::*;
use shared::api::auth::Me;
use shared::api::{ApiError, ErrorCode};

use crate::api;

/// The logged-in person, shared through context.
#[derive(Clone, Copy)]
pub struct Session {
    /// `Ok(me)` when logged in; an error (401) otherwise.
    pub me: Resource<Result<Me, ApiError>>,
    version: RwSignal<u32>,
}

impl Session {
    /// Asks the API again (after login, logout or a profile change).
    pub fn refresh(&self) {
        self.version.update(|v| *v += 1);
    }
}

/// Makes the session available to every component.
pub fn provide_session() -> Session {
    let version = RwSignal::new(0_u32);
    let me = Resource::new(
        move || version.get(),
        |_| {
            // Read now, while the render's context is current; the future runs later.
            let anonymous = certainly_anonymous();
            let call = api::me();
            async move { if anonymous { Err(ApiError::new(ErrorCode::Unauthenticated, "")) } else { call.await } }
        },
    );
    let session = Session { me, version };
    provide_context(session);
    session
}

/// The session.
pub fn use_session() -> Session {
    use_context::<Session>().unwrap_or_else(provide_session)
}

/// True during a server render of a request that carries no session cookie. In the browser
/// the cookie is `HttpOnly` and cannot be seen, so the API is always asked.
fn certainly_anonymous() -> bool {
    #[cfg(feature = "ssr")]
    {
        use_context::<http::request::Parts>().is_some_and(|parts| {
            !parts
                .headers
                .get_all(http::header::COOKIE)
                .iter()
                .filter_map(|value| value.to_str().ok())
                .any(shared::api::auth::has_session_cookie)
        })
    }
    #[cfg(not(feature = "ssr"))]
    {
        false
    }
}
