//! The page for an address that matches no route (status 404).

use leptos::prelude::*;
use leptos_router::components::A;

use crate::components::page_title::PageTitle;
use crate::i18n::use_messages;

/// Says the page does not exist and links home.
#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::NOT_FOUND);
    }
    let t = use_messages();
    view! {
        <PageTitle text=|m| m.not_found.title />
        <section class="page">
            <h1>{move || t.get().not_found.title}</h1>
            <p>{move || t.get().not_found.body}</p>
            <p>
                <A href="/">{move || t.get().not_found.back_home}</A>
            </p>
        </section>
    }
}
