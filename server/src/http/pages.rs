//! The app's pages, rendered on the server by Leptos; and the built site's static files.

use axum::Router;
use axum::http::HeaderValue;
use axum::http::header::CONTENT_SECURITY_POLICY;
use leptos::config::Env;
use leptos::prelude::*;
use std::sync::OnceLock;

use leptos_axum::{
    AxumRouteListing, LeptosRoutes, ResponseOptions, file_and_error_handler_with_context, generate_route_list,
};

use crate::state::AppState;

/// The page routes plus a fallback that serves `/pkg/*` and renders the 404 page.
/// `api` is the API router the pages' client calls in-process.
pub fn router(state: &AppState, api: Router) -> Router<AppState> {
    let routes = route_list();
    let dev = state.leptos_options.env == Env::DEV;
    let origin = state.config.public_url();
    let context = move || {
        provide_context(app::api::InProcessApi::new(api.clone()));
        provide_context(app::PortalOrigin(origin.clone()));
        set_content_security_policy(dev);
    };
    let options = state.leptos_options.clone();
    Router::new()
        .leptos_routes_with_context(state, routes, context.clone(), move || app::shell(options.clone()))
        .fallback(file_and_error_handler_with_context::<AppState, _>(context, app::shell))
        .layer(axum::middleware::from_fn_with_state(state.clone(), super::auth::identify_page_caller))
        .layer(axum::middleware::from_fn_with_state(
            (state.clone(), super::page_cache::PageCache::default()),
            super::page_cache::serve,
        ))
}

/// The app's routes, generated once per process. Generating them runs the app with resource
/// loading suppressed process-wide (leptos_server's `SuppressResourceLoad`), and a render
/// whose resource first polls in that window never finishes (leptos-rs/leptos#4773); so it
/// must happen once, before any render, even when one process builds several routers (the
/// tests do).
fn route_list() -> Vec<AxumRouteListing> {
    static ROUTES: OnceLock<Vec<AxumRouteListing>> = OnceLock::new();
    ROUTES.get_or_init(|| generate_route_list(app::App)).clone()
}

/// A policy that lets only this render's own inline scripts (by nonce), the site's files
/// and the Wasm compiler run.
fn set_content_security_policy(dev: bool) {
    let (Some(nonce), Some(response)) = (use_nonce(), use_context::<ResponseOptions>()) else {
        return;
    };
    // In development, cargo-leptos's live reload talks over a websocket.
    let connect = if dev { "'self' ws://127.0.0.1:3001 ws://localhost:3001" } else { "'self'" };
    let policy = format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; style-src 'self'; \
         img-src 'self' data:; connect-src {connect}; object-src 'none'; base-uri 'none'; \
         form-action 'self'; frame-ancestors 'none'"
    );
    if let Ok(value) = HeaderValue::from_str(&policy) {
        response.insert_header(CONTENT_SECURITY_POLICY, value);
    }
}
