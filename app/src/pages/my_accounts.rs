//! `/account/accounts`: the electricity accounts of a login, linking one with a proof, and
//! who else is linked to each.

use leptos::either::Either;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::api::accounts::{AccountSummary, LinkAccountRequest, LinkProof};
use shared::roles::UserKind;
use shared::validation::{FieldError, account_number};

use crate::api;
use crate::components::access::AccessProblem;
use crate::components::form::{Field, FormError, FormState, Submit};
use crate::components::page_title::PageTitle;
use crate::components::session::use_session;
use crate::i18n::use_messages;

/// The page.
#[component]
pub fn MyAccountsPage() -> impl IntoView {
    let t = use_messages();
    let session = use_session();
    let accounts = Resource::new(|| (), |_| api::my_accounts());
    let retry = Callback::new(move |_| accounts.refetch());
    view! {
        <PageTitle text=|m| m.portal.link.title />
        <section class="page" aria-labelledby="accounts-heading">
            <h1 id="accounts-heading">{move || t.get().portal.link.title}</h1>
            <p class="lead">{move || t.get().portal.link.intro}</p>
            <Transition fallback=move || view! { <p role="status">{move || t.get().portal.auth.loading}</p> }>
                {move || Suspend::new(async move {
                    match accounts.await {
                        Ok(response) => {
                            let customer = session.me.await.is_ok_and(|me| me.kind == UserKind::Customer);
                            Either::Left(view! { <AccountList accounts=response.accounts customer /> })
                        }
                        Err(error) => Either::Right(view! { <AccessProblem error on_retry=retry /> }),
                    }
                })}
            </Transition>
            // Outside the list's transition: reloading the list after a link keeps the form and
            // its confirmation in place.
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    session.me.await.is_ok_and(|me| me.kind == UserKind::Customer).then(|| view! { <LinkForm on_linked=retry /> })
                })}
            </Transition>
        </section>
    }
}

#[component]
fn AccountList(accounts: Vec<AccountSummary>, customer: bool) -> impl IntoView {
    let t = use_messages();
    if accounts.is_empty() {
        return Either::Left(view! { <p class="empty">{move || t.get().portal.link.empty}</p> });
    }
    Either::Right(view! {
        <table class="data-table accounts">
            <thead>
                <tr>
                    <th scope="col">{move || t.get().portal.link.column_account}</th>
                    <th scope="col">{move || t.get().portal.link.column_holder}</th>
                    <th scope="col">{move || t.get().portal.link.column_address}</th>
                    <th scope="col">{move || t.get().portal.link.column_mode}</th>
                </tr>
            </thead>
            <tbody>
                {accounts
                    .into_iter()
                    .map(|account| {
                        let mode = account.payment_mode.clone();
                        let number = account.account_no.clone();
                        view! {
                            <tr data-account=account.account_no>
                                <th scope="row">
                                    {account.account_no.clone()}
                                    {customer.then(|| view! { <Logins account_no=number.clone() /> })}
                                </th>
                                <td>{account.holder_name}</td>
                                <td>{account.supply_address}</td>
                                <td>{move || (t.get().portal.link.payment_mode)(&mode)}</td>
                            </tr>
                        }
                    })
                    .collect_view()}
            </tbody>
        </table>
    })
}

/// The logins linked to one account, loaded when asked for, each removable.
#[component]
fn Logins(account_no: String) -> impl IntoView {
    let t = use_messages();
    let open = RwSignal::new(false);
    let number = StoredValue::new(account_no);
    let logins = Resource::new(
        move || open.get(),
        move |open| {
            let number = number.get_value();
            async move { if open { api::account_logins(&number).await.map(Some) } else { Ok(None) } }
        },
    );
    let form = FormState::new();
    let removed = RwSignal::new(false);
    let remove = move |user_id: i64| {
        if !form.start() {
            return;
        }
        removed.set(false);
        let number = number.get_value();
        spawn_local(async move {
            if form.finish(api::unlink(&number, user_id).await).is_some() {
                removed.set(true);
                logins.refetch();
            }
        });
    };
    view! {
        <details class="logins" on:toggle=move |_| open.set(true)>
            <summary>{move || t.get().portal.link.show_logins}</summary>
            <FormError form />
            <p role="status" class="form-status">{move || removed.get().then(|| t.get().portal.link.removed)}</p>
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    match logins.await {
                        Ok(Some(response)) => Either::Left(view! {
                            <p class="muted">{(t.get_untracked().portal.link.logins_heading)(&number.get_value())}</p>
                            <ul>
                                {response
                                    .logins
                                    .into_iter()
                                    .map(|login| {
                                        let id = login.user_id;
                                        view! {
                                            <li>
                                                {login.display_name} " " <span class="muted">{login.email_hint}</span>
                                                {login.is_you.then(|| view! { <span>{move || t.get().portal.link.you}</span> })}
                                                {login.may_remove.then(|| view! {
                                                    " "
                                                    <button type="button" class="button button--small" disabled=move || !form.can_send() on:click=move |_| remove(id)>
                                                        {move || t.get().portal.link.remove}
                                                    </button>
                                                })}
                                            </li>
                                        }
                                    })
                                    .collect_view()}
                            </ul>
                        }),
                        _ => Either::Right(()),
                    }
                })}
            </Transition>
        </details>
    }
}

/// The proof a customer offers.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Method {
    Bill,
    Code,
}

#[component]
fn LinkForm(on_linked: Callback<()>) -> impl IntoView {
    let t = use_messages();
    let form = FormState::new();
    let code_form = FormState::new();
    let account_no = RwSignal::new(String::new());
    let method = RwSignal::new(Method::Bill);
    let holder = RwSignal::new(String::new());
    let amount = RwSignal::new(String::new());
    let code = RwSignal::new(String::new());
    let code_sent = RwSignal::new(false);
    let linked = RwSignal::new(None::<String>);

    let send_code = move |event: SubmitEvent| {
        event.prevent_default();
        if !code_form.start() {
            return;
        }
        let number = match account_number(&account_no.get_untracked()) {
            Ok(number) => number,
            Err(problem) => return code_form.invalid(vec![FieldError::new("account_no", problem)], t.get_untracked()),
        };
        spawn_local(async move {
            if code_form.finish(api::send_link_code(number).await).is_some() {
                code_sent.set(true);
            }
        });
    };
    let submit = move |event: SubmitEvent| {
        event.prevent_default();
        let proof = match method.get_untracked() {
            Method::Bill => {
                LinkProof::BillAmount { holder_name: holder.get_untracked(), last_bill_amount: amount.get_untracked() }
            }
            Method::Code => LinkProof::EmailCode { code: code.get_untracked() },
        };
        let request = LinkAccountRequest { account_no: account_no.get_untracked(), proof };
        if !form.start() {
            return;
        }
        linked.set(None);
        if let Err(errors) = request.validate() {
            return form.invalid(errors, t.get_untracked());
        }
        spawn_local(async move {
            if let Some(account) = form.finish(api::link_account(&request).await) {
                linked.set(Some(account.account_no));
                account_no.set(String::new());
                holder.set(String::new());
                amount.set(String::new());
                code.set(String::new());
                code_sent.set(false);
                on_linked.run(());
            }
        });
    };
    let choice = move |value: Method, id: &'static str, label: fn(&'static shared::i18n::Messages) -> &'static str| {
        view! {
            <label class="choice" for=id>
                <input
                    id=id
                    type="radio"
                    name="proof_method"
                    prop:checked=move || method.get() == value
                    on:change=move |_| method.set(value)
                />
                {move || label(t.get())}
            </label>
        }
    };
    view! {
        <section class="card" aria-labelledby="link-heading">
            <h2 id="link-heading">{move || t.get().portal.link.link_heading}</h2>
            <p role="status" class="notice notice--success" hidden=move || linked.get().is_none()>
                {move || linked.get().map(|n| (t.get().portal.link.linked)(&n))}
            </p>
            <form method="post" novalidate on:submit=submit id="link-form">
                <FormError form />
                <Field
                    name="account_no"
                    label=|m| m.portal.link.account_no
                    hint=|m| m.portal.link.account_no_hint
                    value=account_no
                    form
                    inputmode="numeric"
                />
                <fieldset class="choices">
                    <legend>{move || t.get().portal.link.proof_legend}</legend>
                    {choice(Method::Bill, "proof-bill", |m| m.portal.link.proof_bill)}
                    {choice(Method::Code, "proof-code", |m| m.portal.link.proof_code)}
                </fieldset>
                <Show
                    when=move || method.get() == Method::Bill
                    fallback=move || view! { <Field name="proof.code" label=|m| m.portal.link.code value=code form inputmode="numeric" autocomplete="one-time-code" /> }
                >
                    <Field name="proof.holder_name" label=|m| m.portal.link.holder_name value=holder form />
                    <Field name="proof.last_bill_amount" label=|m| m.portal.link.last_bill_amount value=amount form inputmode="decimal" />
                </Show>
                <Submit form label=|m| m.portal.link.link_submit />
            </form>
            <Show when=move || method.get() == Method::Code>
                <form method="post" novalidate on:submit=send_code class="inline-form">
                    <FormError form=code_form />
                    <p class="field__error" hidden=move || code_form.fields.with(|f| !f.contains_key("account_no"))>
                        {move || code_form.fields.with(|f| f.get("account_no").cloned()).unwrap_or_default()}
                    </p>
                    <Submit form=code_form label=|m| m.portal.link.send_code />
                    <p role="status" class="form-status">{move || code_sent.get().then(|| t.get().portal.link.code_sent)}</p>
                </form>
            </Show>
        </section>
    }
}
