//! The document title, "<page> · <product>", in the visitor's language.

use leptos::prelude::*;
use leptos_meta::Title;
use shared::i18n::Messages;

use crate::i18n::use_messages;

/// Sets the document title from the catalogue.
#[component]
pub fn PageTitle(
    /// Picks the page's name from the catalogue.
    text: fn(&'static Messages) -> &'static str,
) -> impl IntoView {
    let t = use_messages();
    // Marks the page once the Wasm has taken over, for styles (and tests) that care. Here,
    // in every page, rather than in the frame: a page's code is a lazily loaded chunk that
    // hydrates after the frame, and only then do its forms listen.
    Effect::new(move |_| {
        #[cfg(feature = "hydrate")]
        if let Some(body) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.body()) {
            let _ = body.set_attribute("data-hydrated", "true");
        }
    });
    let compose = move || {
        let m = t.get();
        format!("{} · {}", text(m), m.product_name)
    };
    // On the server leptos_meta reads the title after the render, outside the reactive
    // arena, where reading a signal panics: the server renders it as plain text. In the
    // browser it follows a language switch.
    #[cfg(feature = "ssr")]
    let title = compose();
    #[cfg(not(feature = "ssr"))]
    let title = compose;
    view! { <Title text=title /> }
}
