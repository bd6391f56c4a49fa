//! Who is logged in, for the header and the pages: one `GET /api/v1/me` per page load (on
//! the server for the first render, with the browser's cookie), refreshed after logging in
//! or out.

use leptos::prelude::*;
use shared::api::ApiError;
use shared::api::auth::Me;

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
    let me = Resource::new(move || version.get(), |_| api::me());
    let session = Session { me, version };
    provide_context(session);
    session
}

/// The session.
pub fn use_session() -> Session {
    use_context::<Session>().unwrap_or_else(provide_session)
}
