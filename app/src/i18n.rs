//! The visitor's language as a signal, decided once per page load and switchable in place.

use leptos::prelude::*;
use shared::i18n::{Locale, Messages};

/// The current language, shared through context.
#[derive(Clone, Copy)]
struct LocaleContext(RwSignal<Locale>);

/// Decides the language for this render and makes it available to every component.
pub fn provide_locale() -> RwSignal<Locale> {
    let locale = RwSignal::new(initial_locale());
    provide_context(LocaleContext(locale));
    locale
}

/// The current language.
pub fn use_locale() -> RwSignal<Locale> {
    use_context::<LocaleContext>().map(|c| c.0).unwrap_or_else(|| RwSignal::new(Locale::default()))
}

/// The catalogue of the current language, reactive.
pub fn use_messages() -> Translations {
    Translations(use_locale())
}

/// Reads the catalogue of the current language. A copy of the app-wide language signal, so
/// it allocates nothing per component and stays readable for as long as the app: the
/// server reads page titles after the page's own components are gone.
#[derive(Clone, Copy)]
pub struct Translations(RwSignal<Locale>);

impl Translations {
    /// The catalogue, tracked: a view that calls this follows a language switch.
    pub fn get(self) -> &'static Messages {
        self.0.try_get().unwrap_or_default().messages()
    }

    /// The catalogue, untracked: for event handlers.
    pub fn get_untracked(self) -> &'static Messages {
        self.0.try_get_untracked().unwrap_or_default().messages()
    }
}

/// On the server: from the request's cookie or `Accept-Language`. In the browser: from the
/// `lang` the server rendered, so hydration starts in the same language.
pub fn initial_locale() -> Locale {
    #[cfg(feature = "ssr")]
    {
        use http::header::{ACCEPT_LANGUAGE, COOKIE};
        use_context::<http::request::Parts>()
            .map(|parts| {
                let header = |name| parts.headers.get(name).and_then(|v| v.to_str().ok());
                Locale::from_request_headers(header(COOKIE), header(ACCEPT_LANGUAGE))
            })
            .unwrap_or_default()
    }
    #[cfg(all(feature = "hydrate", not(feature = "ssr")))]
    {
        web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.document_element())
            .and_then(|html| html.get_attribute("lang"))
            .and_then(|tag| tag.parse().ok())
            .unwrap_or_default()
    }
    #[cfg(not(any(feature = "ssr", feature = "hydrate")))]
    {
        Locale::default()
    }
}
