//! Gridhall's Leptos app: rendered on the server (feature `ssr`), hydrated in the browser
//! (feature `hydrate`). Every piece of data comes from the REST API through [`api`].

// Leptos views are nested types; the larger pages need a deeper limit to compile for Wasm.
#![recursion_limit = "256"]
// A panic in a request is a bug: `unwrap` and `expect` belong in tests and start-up only.
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]

pub mod api;
pub mod components;
pub mod i18n;
pub mod pages;
pub mod routes;
pub mod time;

use leptos::prelude::*;
use leptos_meta::{Html, MetaTags, provide_meta_context};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{Lazy, SsrMode, path};

use crate::components::layout::Layout;
use crate::components::session::provide_session;
use crate::i18n::provide_locale;
use crate::pages::{home::HomePage, not_found::NotFound};
use crate::routes::*;

/// The portal's origin (`scheme://host[:port]`, its public URL), given by the server to
/// each render; in the browser the page's own origin is used.
#[derive(Debug, Clone)]
pub struct PortalOrigin(pub String);

/// The HTML document around the app, rendered on the server only. What never changes after
/// the first render is written here as plain HTML, which keeps its code out of the Wasm.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    let description = i18n::initial_locale().messages().home.commitments_intro;
    view! {
        <!DOCTYPE html>
        <html>
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="description" content=description />
                <link rel="stylesheet" href="/pkg/gridhall.css" />
                <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
                <AutoReload options=options.clone() />
                <HydrationScripts options />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

/// The app: language, document metadata, layout and routes.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    let locale = provide_locale();
    provide_session();

    view! {
        // The server renders `lang` from the visitor's choice, so there is no flash of the other language.
        <Html attr:lang=move || locale.get().tag() />
        <Router>
            <Layout>
                <Routes fallback=NotFound>
                    // Async: the page is sent whole once its data is in, so it reads right without
                    // JavaScript, its status is final, and it leaves in one write (under load a
                    // fifth more pages a second than streaming in order; docs/performance.md).
                    <Route path=path!("/") view=HomePage ssr=SsrMode::Async />
                    <Route path=path!("/register") view={Lazy::<RegisterRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/confirm") view={Lazy::<ConfirmRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/login") view={Lazy::<LoginRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/password/forgot") view={Lazy::<ForgotPasswordRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/password/reset") view={Lazy::<ResetPasswordRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/welcome") view={Lazy::<WelcomeRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/account") view={Lazy::<AccountRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/account/accounts") view={Lazy::<MyAccountsRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/enterprise") view={Lazy::<EnterpriseRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/staff/users") view={Lazy::<StaffUsersRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/staff/audit") view={Lazy::<AuditRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/applications") view={Lazy::<ApplicationsRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/applications/new") view={Lazy::<NewApplicationRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/applications/:id") view={Lazy::<ApplicationRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/staff/applications") view={Lazy::<QueueRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/staff/applications/:id") view={Lazy::<StaffApplicationRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/staff/connections") view={Lazy::<DashboardRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/statistics/connections") view={Lazy::<StatisticsRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/notices") view={Lazy::<NoticesRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/staff/settings") view={Lazy::<SettingsRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/bills") view={Lazy::<BillsRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/bills/:id") view={Lazy::<BillRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/staff/billing") view={Lazy::<BillingRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/staff/tariffs") view={Lazy::<TariffsRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/staff/billing/runs/:id") view={Lazy::<RunRoute>::new()} ssr=SsrMode::Async />
                </Routes>
            </Layout>
        </Router>
    }
}

/// The browser's entry point: attaches the app to the server-rendered page.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    use leptos::mount::hydrate_lazy;
    console_error_panic_hook::set_once();
    // Lazy routes: hydration waits for the chunk of the page being shown.
    hydrate_lazy(App);
}
