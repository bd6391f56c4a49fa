//! `/enterprise`: an enterprise's colleagues (invite, change role, remove) and its API
//! tokens (issue, shown once; revoke). Every member sees the list; admins change it.

use leptos::either::Either;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::api::org::{ApiTokenInfo, CreateTokenRequest, Invitation, InviteMemberRequest, Member};
use shared::i18n::portal::OrgMessages;
use shared::roles::{OrgRole, TokenScope};

use crate::api;
use crate::components::access::AccessProblem;
use crate::components::form::{Field, FormError, FormState, Submit};
use crate::components::page_title::PageTitle;
use crate::components::session::use_session;
use crate::i18n::use_messages;
use crate::time::format_time;

/// The page.
#[component]
pub fn EnterprisePage() -> impl IntoView {
    let t = use_messages();
    let session = use_session();
    let members = Resource::new(|| (), |_| api::org_members());
    let retry = Callback::new(move |_| members.refetch());
    // What the last change to the list did: said outside the list, which reloads after it.
    let done: RwSignal<Option<Done>> = RwSignal::new(None);
    let changed = Callback::new(move |what: Done| {
        done.set(Some(what));
        members.refetch();
    });
    let is_admin = move || async move {
        session.me.await.ok().and_then(|me| me.membership).is_some_and(|m| m.role == OrgRole::Admin)
    };
    view! {
        <PageTitle text=|m| m.portal.org.title />
        <section class="page" aria-labelledby="org-heading">
            <h1 id="org-heading">{move || t.get().portal.org.title}</h1>
            <Transition fallback=move || view! { <p role="status">{move || t.get().portal.auth.loading}</p> }>
                {move || Suspend::new(async move {
                    match members.await {
                        Ok(response) => {
                            let admin = is_admin().await;
                            Either::Left(view! {
                                <p class="lead">{response.org_name.clone()}</p>
                                <MemberList members=response.members admin on_change=changed />
                                {(!response.invitations.is_empty()).then(|| view! {
                                    <InvitationList invitations=response.invitations admin on_change=changed />
                                })}
                            })
                        }
                        Err(error) => Either::Right(view! { <AccessProblem error on_retry=retry /> }),
                    }
                })}
            </Transition>
            <p role="status" class="form-status">{move || done.get().map(|what| what(&t.get().portal.org))}</p>
            // Outside the members' transition: reloading the list after an invitation keeps the
            // forms, their confirmations and a token just issued in place.
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    match session.me.await.ok().and_then(|me| me.membership).map(|m| m.role) {
                        Some(OrgRole::Admin) => Some(Either::Left(view! { <InviteForm on_invited=retry /><Tokens /> })),
                        Some(_) => Some(Either::Right(view! { <p class="muted">{move || t.get().portal.org.admin_only}</p> })),
                        None => None,
                    }
                })}
            </Transition>
        </section>
    }
}

/// A message of what a change did.
type Done = fn(&OrgMessages) -> &'static str;

fn role_options(selected: OrgRole) -> impl IntoView {
    let t = use_messages();
    OrgRole::ALL
        .iter()
        .map(|&role| view! { <option value=role.as_str() selected=role == selected>{move || (t.get().portal.org.role)(role)}</option> })
        .collect_view()
}

#[component]
fn MemberList(members: Vec<Member>, admin: bool, on_change: Callback<Done>) -> impl IntoView {
    let t = use_messages();
    let problem = FormState::new();
    view! {
        <section aria-labelledby="members-heading">
            <h2 id="members-heading">{move || t.get().portal.org.members_heading}</h2>
            <FormError form=problem />
            <table class="data-table members">
                <thead>
                    <tr>
                        <th scope="col">{move || t.get().portal.org.column_name}</th>
                        <th scope="col">{move || t.get().portal.org.column_email}</th>
                        <th scope="col">{move || t.get().portal.org.column_role}</th>
                    </tr>
                </thead>
                <tbody>
                    {members
                        .into_iter()
                        .map(|member| {
                            let id = member.user_id;
                            let role = RwSignal::new(member.role);
                            let save = move |_| {
                                if !problem.start() {
                                    return;
                                }
                                spawn_local(async move {
                                    if problem.finish(api::change_member(id, role.get_untracked()).await).is_some() {
                                        on_change.run(|m| m.role_changed);
                                    }
                                });
                            };
                            let remove = move |_| {
                                if !problem.start() {
                                    return;
                                }
                                spawn_local(async move {
                                    if problem.finish(api::remove_member(id).await).is_some() {
                                        on_change.run(|m| m.removed);
                                    }
                                });
                            };
                            let select_id = format!("role-{id}");
                            view! {
                                <tr data-member=member.email>
                                    <th scope="row">
                                        {member.display_name.clone()}
                                        {member.invitation_pending.then(|| view! { <span class="badge">{move || t.get().portal.org.pending}</span> })}
                                    </th>
                                    <td>{member.email.clone()}</td>
                                    <td>
                                        {if admin {
                                            Either::Left(view! {
                                                <label class="visually-hidden" for=select_id.clone()>{move || t.get().portal.org.role_label}</label>
                                                <select id=select_id on:change=move |e| { if let Ok(r) = event_target_value(&e).parse() { role.set(r) } }>
                                                    {role_options(member.role)}
                                                </select>
                                                " "
                                                <button type="button" class="button button--small" disabled=move || !problem.can_send() on:click=save>
                                                    {move || t.get().portal.org.change_role}
                                                </button>
                                                " "
                                                <button type="button" class="button button--small button--danger" disabled=move || !problem.can_send() on:click=remove>
                                                    {move || t.get().portal.org.remove}
                                                </button>
                                            })
                                        } else {
                                            let r = member.role;
                                            Either::Right(view! { <span>{move || (t.get().portal.org.role)(r)}</span> })
                                        }}
                                    </td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </section>
    }
}

#[component]
fn InvitationList(invitations: Vec<Invitation>, admin: bool, on_change: Callback<Done>) -> impl IntoView {
    let t = use_messages();
    let problem = FormState::new();
    view! {
        <section aria-labelledby="invitations-heading">
            <h2 id="invitations-heading">{move || t.get().portal.org.invitations_heading}</h2>
            <p class="muted">{move || t.get().portal.org.invitations_intro}</p>
            <FormError form=problem />
            <table class="data-table invitations">
                <thead>
                    <tr>
                        <th scope="col">{move || t.get().portal.org.column_name}</th>
                        <th scope="col">{move || t.get().portal.org.column_email}</th>
                        <th scope="col">{move || t.get().portal.org.column_role}</th>
                        <th scope="col">{move || t.get().portal.org.link_valid_until}</th>
                    </tr>
                </thead>
                <tbody>
                    {invitations
                        .into_iter()
                        .map(|invitation| {
                            let id = invitation.id;
                            let role = invitation.role;
                            let withdraw = move |_| {
                                if !problem.start() {
                                    return;
                                }
                                spawn_local(async move {
                                    if problem.finish(api::withdraw_invitation(id).await).is_some() {
                                        on_change.run(|m| m.withdrawn);
                                    }
                                });
                            };
                            view! {
                                <tr data-invitation=invitation.email>
                                    <th scope="row">{invitation.display_name.clone()}</th>
                                    <td>{invitation.email.clone()}</td>
                                    <td>{move || (t.get().portal.org.role)(role)}</td>
                                    <td>
                                        {format_time(invitation.expires_at)}
                                        {invitation.expired.then(|| view! { " "<span class="badge">{move || t.get().portal.org.expired}</span> })}
                                        {admin.then(|| view! {
                                            " "
                                            <button type="button" class="button button--small button--danger" disabled=move || !problem.can_send() on:click=withdraw>
                                                {move || t.get().portal.org.withdraw}
                                            </button>
                                        })}
                                    </td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </section>
    }
}

#[component]
fn InviteForm(on_invited: Callback<()>) -> impl IntoView {
    let t = use_messages();
    let form = FormState::new();
    let email = RwSignal::new(String::new());
    let name = RwSignal::new(String::new());
    let role = RwSignal::new(OrgRole::Viewer);
    let invited = RwSignal::new(false);
    let submit = move |event: SubmitEvent| {
        event.prevent_default();
        let request = InviteMemberRequest {
            email: email.get_untracked(),
            display_name: name.get_untracked(),
            role: role.get_untracked(),
        };
        if !form.start() {
            return;
        }
        invited.set(false);
        if let Err(errors) = request.validate() {
            return form.invalid(errors, t.get_untracked());
        }
        spawn_local(async move {
            if form.finish(api::invite_member(&request).await).is_some() {
                email.set(String::new());
                name.set(String::new());
                invited.set(true);
                on_invited.run(());
            }
        });
    };
    view! {
        <section class="card" aria-labelledby="invite-heading">
            <h2 id="invite-heading">{move || t.get().portal.org.invite_heading}</h2>
            <form method="post" novalidate on:submit=submit>
                <FormError form />
                <Field name="email" label=|m| m.portal.auth.email value=email form kind="email" />
                <Field name="display_name" label=|m| m.portal.auth.display_name value=name form />
                <div class="field">
                    <label for="invite-role">{move || t.get().portal.org.role_label}</label>
                    <select id="invite-role" on:change=move |e| { if let Ok(r) = event_target_value(&e).parse() { role.set(r) } }>
                        {role_options(OrgRole::Viewer)}
                    </select>
                </div>
                <Submit form label=|m| m.portal.org.invite_submit />
                <p role="status" class="form-status">{move || invited.get().then(|| t.get().portal.org.invited)}</p>
            </form>
        </section>
    }
}

#[component]
fn Tokens() -> impl IntoView {
    let t = use_messages();
    let tokens = Resource::new(|| (), |_| api::org_tokens());
    let form = FormState::new();
    let name = RwSignal::new(String::new());
    let days = RwSignal::new("90".to_owned());
    let scope = RwSignal::new(TokenScope::Read);
    let secret = RwSignal::new(None::<String>);
    let submit = move |event: SubmitEvent| {
        event.prevent_default();
        let request = CreateTokenRequest {
            name: name.get_untracked(),
            scope: scope.get_untracked(),
            expires_in_days: days.get_untracked().trim().parse().unwrap_or(0),
        };
        if !form.start() {
            return;
        }
        secret.set(None);
        if let Err(errors) = request.validate() {
            return form.invalid(errors, t.get_untracked());
        }
        spawn_local(async move {
            if let Some(created) = form.finish(api::issue_token(&request).await) {
                secret.set(Some(created.token));
                name.set(String::new());
                tokens.refetch();
            }
        });
    };
    let revoke = move |id: i64| {
        spawn_local(async move {
            if api::revoke_token(id).await.is_ok() {
                tokens.refetch();
            }
        });
    };
    view! {
        <section class="card" aria-labelledby="tokens-heading">
            <h2 id="tokens-heading">{move || t.get().portal.org.tokens_heading}</h2>
            <p>{move || t.get().portal.org.tokens_intro}</p>
            <div role="status">
                {move || secret.get().map(|token| view! {
                    <div class="notice notice--success">
                        <p>{move || t.get().portal.org.token_once}</p>
                        <p><code class="token-secret">{token}</code></p>
                    </div>
                })}
            </div>
            <form method="post" novalidate on:submit=submit>
                <FormError form />
                <Field name="name" label=|m| m.portal.org.token_name value=name form />
                <div class="field">
                    <label for="token-scope">{move || t.get().portal.org.scope_label}</label>
                    <select id="token-scope" on:change=move |e| { if let Ok(s) = event_target_value(&e).parse() { scope.set(s) } }>
                        {TokenScope::ALL
                            .iter()
                            .map(|&s| view! { <option value=s.as_str()>{move || (t.get().portal.org.scope)(s)}</option> })
                            .collect_view()}
                    </select>
                </div>
                <Field name="expires_in_days" label=|m| m.portal.org.expires_days value=days form inputmode="numeric" />
                <Submit form label=|m| m.portal.org.issue />
            </form>
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    let list: Vec<ApiTokenInfo> = tokens.await.map(|r| r.tokens).unwrap_or_default();
                    view! {
                        <table class="data-table tokens">
                            <thead>
                                <tr>
                                    <th scope="col">{move || t.get().portal.org.token_name}</th>
                                    <th scope="col">{move || t.get().portal.org.scope_label}</th>
                                    <th scope="col">{move || t.get().portal.org.column_expires}</th>
                                    <th scope="col">{move || t.get().portal.org.column_last_used}</th>
                                    <th scope="col"></th>
                                </tr>
                            </thead>
                            <tbody>
                                {list
                                    .into_iter()
                                    .map(|token| {
                                        let id = token.id;
                                        let s = token.scope;
                                        let last = token.last_used_at;
                                        view! {
                                            <tr>
                                                <th scope="row">{token.name} " " <code>{token.prefix}"…"</code></th>
                                                <td>{move || (t.get().portal.org.scope)(s)}</td>
                                                <td>{format_time(token.expires_at)}</td>
                                                <td>{move || last.map(format_time).unwrap_or_else(|| t.get().portal.org.never.to_owned())}</td>
                                                <td>
                                                    {if token.revoked_at.is_some() {
                                                        Either::Left(view! { <span class="badge">{move || t.get().portal.org.revoked}</span> })
                                                    } else {
                                                        Either::Right(view! {
                                                            <button type="button" class="button button--small button--danger" on:click=move |_| revoke(id)>
                                                                {move || t.get().portal.org.revoke}
                                                            </button>
                                                        })
                                                    }}
                                                </td>
                                            </tr>
                                        }
                                    })
                                    .collect_view()}
                            </tbody>
                        </table>
                    }
                })}
            </Transition>
        </section>
    }
}
