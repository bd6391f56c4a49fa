//! `/staff/users` (staff administration) and `/staff/audit` (the audit log).

use leptos::either::Either;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::api::staff::{AuditEntry, AuditQuery, CreateStaffRequest, Region, StaffUser, UpdateStaffRequest};
use shared::i18n::Locale;
use shared::roles::StaffRole;

use crate::api;
use crate::components::access::AccessProblem;
use crate::components::form::{Field, FormError, FormState, Submit};
use crate::components::page_title::PageTitle;
use crate::i18n::{use_locale, use_messages};
use crate::time::format_time;

/// The staff administration page.
#[component]
pub fn StaffUsersPage() -> impl IntoView {
    let t = use_messages();
    let users = Resource::new(|| (), |_| api::staff_users());
    let regions = Resource::new(|| (), |_| api::regions());
    let retry = Callback::new(move |_| users.refetch());
    view! {
        <PageTitle text=|m| m.portal.staff.users_title />
        <section class="page" aria-labelledby="staff-heading">
            <h1 id="staff-heading">{move || t.get().portal.staff.users_title}</h1>
            <Transition fallback=move || view! { <p role="status">{move || t.get().portal.auth.loading}</p> }>
                {move || Suspend::new(async move {
                    match (users.await, regions.await) {
                        (Ok(users), Ok(regions)) => {
                            Either::Left(view! { <UserList users=users.users regions=regions.regions on_change=retry /> })
                        }
                        (Err(error), _) | (_, Err(error)) => Either::Right(view! { <AccessProblem error on_retry=retry /> }),
                    }
                })}
            </Transition>
            // Its own transition: reloading the list after a creation keeps the form and its
            // confirmation in place.
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    regions.await.ok().map(|regions| view! { <CreateForm regions=regions.regions on_created=retry /> })
                })}
            </Transition>
        </section>
    }
}

#[component]
fn UserList(users: Vec<StaffUser>, regions: Vec<Region>, on_change: Callback<()>) -> impl IntoView {
    let t = use_messages();
    let problem = FormState::new();
    view! {
        <FormError form=problem />
        <table class="data-table staff-users">
            <thead>
                <tr>
                    <th scope="col">{move || t.get().portal.org.column_name}</th>
                    <th scope="col">{move || t.get().portal.org.column_email}</th>
                    <th scope="col">{move || t.get().portal.staff.column_roles}</th>
                    <th scope="col">{move || t.get().portal.staff.column_regions}</th>
                    <th scope="col">{move || t.get().portal.staff.column_status}</th>
                </tr>
            </thead>
            <tbody>
                {users
                    .into_iter()
                    .map(|user| {
                        let id = user.id;
                        let disabled = user.disabled;
                        let roles = user.roles.clone();
                        let edit = view! { <EditGrants user=user.clone() regions=regions.clone() on_change /> };
                        let regions = user.regions.join("、");
                        let toggle = move |_| {
                            if !problem.start() {
                                return;
                            }
                            let request = UpdateStaffRequest { disabled: Some(!disabled), ..Default::default() };
                            spawn_local(async move {
                                if problem.finish(api::update_staff(id, &request).await).is_some() {
                                    on_change.run(());
                                }
                            });
                        };
                        let staff_email = user.email.clone();
                        view! {
                            <tr data-staff=staff_email>
                                <th scope="row">
                                    {user.display_name}
                                    {user.invitation_pending.then(|| view! { <span class="badge">{move || t.get().portal.org.pending}</span> })}
                                </th>
                                <td>{user.email}</td>
                                <td>
                                    {move || {
                                        let m = t.get();
                                        roles.iter().map(|r| (m.portal.staff.role)(*r)).collect::<Vec<_>>().join("、")
                                    }}
                                </td>
                                <td>{move || if regions.is_empty() { t.get().portal.staff.all_regions.to_owned() } else { regions.clone() }}</td>
                                <td>
                                    {move || if disabled { t.get().portal.staff.disabled } else { t.get().portal.staff.active }}
                                    " "
                                    <button type="button" class="button button--small" disabled=move || !problem.can_send() on:click=toggle>
                                        {move || if disabled { t.get().portal.staff.enable } else { t.get().portal.staff.disable }}
                                    </button>
                                    {edit}
                                </td>
                            </tr>
                        }
                    })
                    .collect_view()}
            </tbody>
        </table>
    }
}

/// Checkboxes for a set of choices, bound to a signal.
fn checkboxes<T: Clone + PartialEq + Send + Sync + 'static>(
    prefix: String,
    options: Vec<(T, String, Signal<String>)>,
    chosen: RwSignal<Vec<T>>,
) -> impl IntoView {
    options
        .into_iter()
        .map(|(value, key, label)| {
            let id = format!("{prefix}-{key}");
            let label_for = id.clone();
            let checked = value.clone();
            view! {
                <label class="choice" for=label_for>
                    <input
                        id=id
                        type="checkbox"
                        value=key
                        prop:checked=move || chosen.with(|c| c.contains(&checked))
                        on:change=move |e| {
                            let on = event_target_checked(&e);
                            let value = value.clone();
                            chosen.update(|c| {
                                c.retain(|x| *x != value);
                                if on {
                                    c.push(value);
                                }
                            });
                        }
                    />
                    {label}
                </label>
            }
        })
        .collect_view()
}

/// The roles of every staff role, as checkbox options.
fn role_options() -> Vec<(StaffRole, String, Signal<String>)> {
    let t = use_messages();
    StaffRole::ALL
        .iter()
        .map(|&role| {
            (role, role.as_str().to_owned(), Signal::derive(move || (t.get().portal.staff.role)(role).to_owned()))
        })
        .collect()
}

/// The supply stations as checkbox options, named in the current language.
fn region_options(regions: Vec<Region>) -> Vec<(String, String, Signal<String>)> {
    let locale = use_locale();
    regions
        .into_iter()
        .map(|region| {
            let code = region.code.clone();
            (
                code.clone(),
                code,
                Signal::derive(move || {
                    if locale.get() == Locale::Zh { region.name_zh.clone() } else { region.name_en.clone() }
                }),
            )
        })
        .collect()
}

/// Changes a staff member's roles and supply stations (their sessions end: privileges
/// changed).
#[component]
fn EditGrants(user: StaffUser, regions: Vec<Region>, on_change: Callback<()>) -> impl IntoView {
    let t = use_messages();
    let form = FormState::new();
    let roles = RwSignal::new(user.roles.clone());
    let chosen = RwSignal::new(user.regions.clone());
    let id = user.id;
    let submit = move |event: SubmitEvent| {
        event.prevent_default();
        let request = UpdateStaffRequest {
            roles: Some(roles.get_untracked()),
            regions: Some(chosen.get_untracked()),
            disabled: None,
        };
        if !form.start() {
            return;
        }
        if let Err(errors) = request.validate() {
            return form.invalid(errors, t.get_untracked());
        }
        spawn_local(async move {
            if form.finish(api::update_staff(id, &request).await).is_some() {
                on_change.run(());
            }
        });
    };
    view! {
        <details class="edit-grants">
            <summary>{move || t.get().portal.staff.edit}</summary>
            <form method="post" novalidate on:submit=submit>
                <FormError form />
                <fieldset class="choices">
                    <legend>{move || t.get().portal.staff.roles_legend}</legend>
                    {checkboxes(format!("edit-{id}-role"), role_options(), roles)}
                </fieldset>
                <fieldset class="choices">
                    <legend>{move || t.get().portal.staff.regions_legend}</legend>
                    {checkboxes(format!("edit-{id}-region"), region_options(regions), chosen)}
                </fieldset>
                <Submit form label=|m| m.portal.account.save />
            </form>
        </details>
    }
}

#[component]
fn CreateForm(regions: Vec<Region>, on_created: Callback<()>) -> impl IntoView {
    let t = use_messages();
    let form = FormState::new();
    let email = RwSignal::new(String::new());
    let name = RwSignal::new(String::new());
    let roles = RwSignal::new(Vec::<StaffRole>::new());
    let chosen_regions = RwSignal::new(Vec::<String>::new());
    let created = RwSignal::new(false);
    let submit = move |event: SubmitEvent| {
        event.prevent_default();
        let request = CreateStaffRequest {
            email: email.get_untracked(),
            display_name: name.get_untracked(),
            roles: roles.get_untracked(),
            regions: chosen_regions.get_untracked(),
        };
        if !form.start() {
            return;
        }
        created.set(false);
        if let Err(errors) = request.validate() {
            return form.invalid(errors, t.get_untracked());
        }
        spawn_local(async move {
            if form.finish(api::create_staff(&request).await).is_some() {
                email.set(String::new());
                name.set(String::new());
                roles.set(Vec::new());
                chosen_regions.set(Vec::new());
                created.set(true);
                on_created.run(());
            }
        });
    };
    let roles_error = move || form.fields.with(|f| f.get("roles").cloned());
    view! {
        <section class="card" aria-labelledby="create-staff-heading">
            <h2 id="create-staff-heading">{move || t.get().portal.staff.create_heading}</h2>
            <form method="post" novalidate on:submit=submit>
                <FormError form />
                <Field name="email" label=|m| m.portal.auth.email value=email form kind="email" />
                <Field name="display_name" label=|m| m.portal.auth.display_name value=name form />
                <fieldset class="choices" aria-describedby="roles-error">
                    <legend>{move || t.get().portal.staff.roles_legend}</legend>
                    {checkboxes("role".to_owned(), role_options(), roles)}
                    <p class="field__error" id="roles-error" hidden=move || roles_error().is_none()>{move || roles_error().unwrap_or_default()}</p>
                </fieldset>
                <fieldset class="choices">
                    <legend>{move || t.get().portal.staff.regions_legend}</legend>
                    {checkboxes("region".to_owned(), region_options(regions), chosen_regions)}
                </fieldset>
                <Submit form label=|m| m.portal.staff.create_submit />
                <p role="status" class="form-status">{move || created.get().then(|| t.get().portal.staff.created)}</p>
            </form>
        </section>
    }
}

/// The audit log page: filters, newest first, older pages on request.
#[component]
pub fn AuditPage() -> impl IntoView {
    let t = use_messages();
    let actor = RwSignal::new(String::new());
    let action = RwSignal::new(String::new());
    let query = RwSignal::new(AuditQuery::default());
    let entries = RwSignal::new(Vec::<AuditEntry>::new());
    let page = Resource::new(move || query.get(), |query| api::audit(&query));
    let retry = Callback::new(move |_| page.refetch());
    let search = move |event: SubmitEvent| {
        event.prevent_default();
        entries.set(Vec::new());
        query.set(AuditQuery {
            actor: Some(actor.get_untracked()).filter(|s| !s.trim().is_empty()),
            action: Some(action.get_untracked()).filter(|s| !s.trim().is_empty()),
            ..Default::default()
        });
    };
    let form = FormState::new();
    view! {
        <PageTitle text=|m| m.portal.staff.audit_title />
        <section class="page" aria-labelledby="audit-heading">
            <h1 id="audit-heading">{move || t.get().portal.staff.audit_title}</h1>
            <form method="get" class="filters-form" on:submit=search>
                <Field name="actor" label=|m| m.portal.staff.filter_actor value=actor form required=false />
                <Field name="action" label=|m| m.portal.staff.filter_action value=action form required=false />
                <Submit form label=|m| m.portal.staff.search />
            </form>
            <Transition fallback=move || view! { <p role="status">{move || t.get().portal.auth.loading}</p> }>
                {move || Suspend::new(async move {
                    match page.await {
                        Ok(result) => {
                            let mut shown = entries.get_untracked();
                            shown.extend(result.entries);
                            let next = result.next_before;
                            let kept = shown.clone();
                            let more = move |_| {
                                entries.set(kept.clone());
                                query.update(|q| q.before = next);
                            };
                            Either::Left(view! {
                                <AuditTable entries=shown />
                                {next.map(|_| view! {
                                    <button type="button" class="button" on:click=more>{move || t.get().portal.staff.older}</button>
                                })}
                            })
                        }
                        Err(error) => Either::Right(view! { <AccessProblem error on_retry=retry /> }),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn AuditTable(entries: Vec<AuditEntry>) -> impl IntoView {
    let t = use_messages();
    if entries.is_empty() {
        return Either::Left(view! { <p class="empty">{move || t.get().portal.staff.no_entries}</p> });
    }
    Either::Right(view! {
        <table class="data-table audit">
            <thead>
                <tr>
                    <th scope="col">{move || t.get().portal.staff.column_time}</th>
                    <th scope="col">{move || t.get().portal.staff.column_actor}</th>
                    <th scope="col">{move || t.get().portal.staff.column_action}</th>
                    <th scope="col">{move || t.get().portal.staff.column_subject}</th>
                    <th scope="col">{move || t.get().portal.staff.column_ip}</th>
                    <th scope="col">{move || t.get().portal.staff.column_detail}</th>
                </tr>
            </thead>
            <tbody>
                {entries
                    .into_iter()
                    .map(|entry| {
                        let action = entry.action.clone();
                        view! {
                            <tr data-action=action>
                                <td>{format_time(entry.at)}</td>
                                <td>{entry.actor}</td>
                                <th scope="row"><code>{entry.action}</code></th>
                                <td>{entry.subject}</td>
                                <td>{entry.ip}</td>
                                <td><code>{entry.detail}</code></td>
                            </tr>
                        }
                    })
                    .collect_view()}
            </tbody>
        </table>
    })
}
