//! The language switch: changes the page in place and keeps the choice in a cookie (set by
//! the API), so the next server render is already in that language.

use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::i18n::Locale;

use crate::api;
use crate::i18n::{use_locale, use_messages};

/// Two toggle buttons, 简体中文 and English, the current one pressed.
#[component]
pub fn LanguageSwitch() -> impl IntoView {
    let locale = use_locale();
    let t = use_messages();
    let choose = move |chosen: Locale| {
        if locale.get_untracked() == chosen {
            return;
        }
        locale.set(chosen);
        spawn_local(async move {
            // The page has switched already; if the cookie could not be kept, the next visit
            // simply starts in the default language again.
            let _ = api::set_language(chosen).await;
        });
    };

    view! {
        <div class="language-switch" role="group" aria-label=move || t.get().language_label>
            {Locale::ALL
                .into_iter()
                .map(|option| {
                    view! {
                        <button
                            type="button"
                            lang=option.tag()
                            aria-pressed=move || (locale.get() == option).to_string()
                            on:click=move |_| choose(option)
                        >
                            {option.messages().language_name}
                        </button>
                    }
                })
                .collect_view()}
        </div>
    }
}
