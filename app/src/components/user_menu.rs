//! The header's account links: log in and register, or the pages of the logged-in person's
//! kind and roles, their name, and log out.

use leptos::either::Either;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::NavigateOptions;
use leptos_router::components::A;
use leptos_router::hooks::use_navigate;
use shared::api::auth::Me;
use shared::roles::{StaffRole, UserKind, can};

use crate::api;
use crate::components::form::Text;
use crate::components::session::use_session;
use crate::i18n::use_messages;

/// The links for a logged-in person: `(path, label)`.
fn links(me: &Me) -> Vec<(&'static str, Text)> {
    let mut links: Vec<(&'static str, Text)> = Vec::new();
    match me.kind {
        UserKind::Customer => {
            links.push(("/account/accounts", |m| m.portal.nav.my_accounts));
            links.push(("/bills", |m| m.bills.nav_bills));
            links.push(("/applications", |m| m.apply.nav_applications));
        }
        UserKind::Enterprise => {
            links.push(("/enterprise", |m| m.portal.nav.enterprise));
            links.push(("/account/accounts", |m| m.portal.nav.my_accounts));
            links.push(("/bills", |m| m.bills.nav_bills));
            links.push(("/applications", |m| m.apply.nav_applications));
        }
        UserKind::Staff => {
            let holds = |set: &[StaffRole]| can::any(&me.staff_roles, set);
            if holds(can::READ_APPLICATIONS) {
                links.push(("/staff/applications", |m| m.apply.nav_queue));
                links.push(("/staff/connections", |m| m.apply.nav_dashboard));
            }
            if holds(can::WATCH_BILLING) {
                links.push(("/staff/billing", |m| m.bills.nav_billing));
            }
            let reads_admin = holds(can::READ_ADMINISTRATION);
            if reads_admin {
                links.push(("/staff/tariffs", |m| m.bills.nav_tariffs));
                links.push(("/staff/settings", |m| m.apply.nav_settings));
                links.push(("/staff/users", |m| m.portal.nav.staff_users));
                links.push(("/staff/audit", |m| m.portal.nav.audit));
            }
        }
    }
    links.push(("/notices", |m| m.apply.nav_notices));
    links.push(("/account", |m| m.portal.nav.account));
    links
}

/// The menu.
#[component]
pub fn UserMenu() -> impl IntoView {
    let t = use_messages();
    let session = use_session();
    let navigate = use_navigate();
    let logout = move |_| {
        let navigate = navigate.clone();
        spawn_local(async move {
            let _ = api::logout(false).await;
            session.refresh();
            navigate("/", NavigateOptions::default());
        });
    };
    view! {
        <nav class="user-menu" aria-label=move || t.get().portal.nav.account_menu>
            <Transition fallback=|| ()>
                {move || {
                    let logout = logout.clone();
                    Suspend::new(async move {
                        match session.me.await {
                            Ok(me) => Either::Left(view! {
                                {links(&me)
                                    .into_iter()
                                    .map(|(href, label)| view! { <A href=href>{move || label(t.get())}</A> })
                                    .collect_view()}
                                <span class="user-menu__name" data-user=me.email.clone()>{me.display_name.clone()}</span>
                                <button type="button" class="button button--small" on:click=logout>
                                    {move || t.get().portal.nav.logout}
                                </button>
                            }),
                            Err(_) => Either::Right(view! {
                                <A href="/login">{move || t.get().portal.nav.login}</A>
                                <A href="/register">{move || t.get().portal.nav.register}</A>
                            }),
                        }
                    })
                }}
            </Transition>
        </nav>
    }
}
