//! What a page shows when its data cannot be read: a login prompt (401), a refusal (403),
//! or the error with a retry. On the server the page's HTTP status says the same.

use leptos::either::EitherOf3;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_location;
use shared::api::{ApiError, ErrorCode};

use crate::components::error_notice::ErrorNotice;
use crate::i18n::use_messages;

/// The right answer to a failed read.
#[component]
pub fn AccessProblem(
    /// The refusal or failure the API answered.
    error: ApiError,
    /// What trying again does.
    on_retry: Callback<()>,
) -> impl IntoView {
    let t = use_messages();
    set_status(error.code);
    match error.code {
        ErrorCode::Unauthenticated => {
            let location = use_location();
            let next = location.pathname.get_untracked();
            // Encoded: the path goes back through the login page's own check.
            let href = format!("/login?{}", serde_urlencoded::to_string([("next", next)]).unwrap_or_default());
            EitherOf3::A(view! {
                <div class="notice notice--info" role="alert" data-access="login-required">
                    <p>{move || t.get().portal.auth.login_required}</p>
                    <p><A href=href>{move || t.get().portal.nav.login}</A></p>
                </div>
            })
        }
        ErrorCode::Forbidden => EitherOf3::B(view! {
            <div class="notice notice--error" role="alert" data-access="forbidden">
                <p>{move || t.get().portal.auth.forbidden}</p>
            </div>
        }),
        _ => EitherOf3::C(view! { <ErrorNotice error on_retry /> }),
    }
}

/// On the server, answers the page with the status of the error.
fn set_status(code: ErrorCode) {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>()
        && let Ok(status) = http::StatusCode::from_u16(code.status())
    {
        response.set_status(status);
    }
    #[cfg(not(feature = "ssr"))]
    let _ = code;
}
