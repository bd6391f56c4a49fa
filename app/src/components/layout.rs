//! The page frame: skip link, header with the product name and language switch, the main
//! landmark, and the footer.

use leptos::prelude::*;
use leptos_router::components::A;
use shared::api::paths;

use crate::components::language_switch::LanguageSwitch;
use crate::components::user_menu::UserMenu;
use crate::i18n::use_messages;

/// Wraps every page in the portal's header, main landmark and footer.
#[component]
pub fn Layout(children: Children) -> impl IntoView {
    let t = use_messages();
    let main = NodeRef::<leptos::html::Main>::new();

    view! {
        // Moves focus itself once hydrated: the router would otherwise take the click as a
        // navigation and leave focus on the link.
        <a
            class="skip-link"
            href="#main"
            on:click=move |event| {
                if let Some(main) = main.get() {
                    event.prevent_default();
                    let _ = main.focus();
                }
            }
        >
            {move || t.get().skip_to_content}
        </a>
        <header class="site-header">
            <div class="site-header__inner">
                <A href="/" attr:class="brand">
                    <span class="brand__mark" aria-hidden="true">"⚡"</span>
                    <span class="brand__text">
                        <span class="brand__utility">{move || t.get().utility_name}</span>
                        <span class="brand__product">{move || t.get().product_name}</span>
                    </span>
                </A>
                <nav class="site-nav" aria-label=move || t.get().nav_label>
                    <A href="/">{move || t.get().nav_home}</A>
                    <a href=paths::DOCS rel="external">{move || t.get().nav_api_docs}</a>
                </nav>
                <UserMenu />
                <LanguageSwitch />
            </div>
        </header>
        <main id="main" tabindex="-1" class="site-main" node_ref=main>{children()}</main>
        <footer class="site-footer">
            <p class="site-footer__hotline">{move || t.get().footer.hotline}</p>
            <p>{move || t.get().footer.working_days_note}</p>
            <p class="site-footer__utility">{move || t.get().utility_name}</p>
        </footer>
    }
}
