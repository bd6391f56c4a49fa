//! `/account`: the profile, language and email notices, the password, and logging out of
//! every device.

use leptos::either::Either;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::NavigateOptions;
use leptos_router::hooks::use_navigate;
use shared::api::auth::{ChangePasswordRequest, Me, UpdateProfileRequest};
use shared::i18n::Locale;
use shared::roles::Notice;
use shared::validation::{FieldError, password_length};

use crate::api;
use crate::components::access::AccessProblem;
use crate::components::form::{Field, FormError, FormState, MobileField, Submit};
use crate::components::page_title::PageTitle;
use crate::components::second_factor::Enrolment;
use crate::components::session::use_session;
use crate::i18n::{use_locale, use_messages};

/// The profile page.
#[component]
pub fn AccountPage() -> impl IntoView {
    let t = use_messages();
    let session = use_session();
    let retry = Callback::new(move |_| session.refresh());
    view! {
        <PageTitle text=|m| m.portal.account.title />
        <section class="page" aria-labelledby="account-heading">
            <h1 id="account-heading">{move || t.get().portal.account.title}</h1>
            <Transition fallback=move || view! { <p role="status">{move || t.get().portal.auth.loading}</p> }>
                {move || Suspend::new(async move {
                    match session.me.await {
                        Ok(me) => Either::Left(view! {
                            <ProfileForm me=me.clone() />
                            <PasswordForm />
                            <SecondFactor me=me />
                            <Devices />
                        }),
                        Err(error) => Either::Right(view! { <AccessProblem error on_retry=retry /> }),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn ProfileForm(me: Me) -> impl IntoView {
    let t = use_messages();
    let locale = use_locale();
    let session = use_session();
    let form = FormState::new();
    let name = RwSignal::new(me.display_name.clone());
    let mobile = RwSignal::new(me.mobile.clone().unwrap_or_default());
    let language = RwSignal::new(me.language);
    let notices = RwSignal::new(me.email_notices.clone());
    let saved = RwSignal::new(false);
    let submit = move |event: SubmitEvent| {
        event.prevent_default();
        let request = UpdateProfileRequest {
            display_name: Some(name.get_untracked()),
            mobile: Some(mobile.get_untracked()),
            language: Some(language.get_untracked()),
            email_notices: Some(notices.get_untracked()),
        };
        if !form.start() {
            return;
        }
        saved.set(false);
        if let Err(errors) = request.validate() {
            return form.invalid(errors, t.get_untracked());
        }
        spawn_local(async move {
            if let Some(me) = form.finish(api::update_me(&request).await) {
                saved.set(true);
                if locale.get_untracked() != me.language {
                    locale.set(me.language);
                    let _ = api::set_language(me.language).await;
                }
                session.refresh();
            }
        });
    };
    view! {
        <section class="card" aria-labelledby="profile-heading">
            <h2 id="profile-heading">{move || t.get().portal.account.profile_heading}</h2>
            <p class="muted">{me.email}</p>
            <form method="post" novalidate on:submit=submit>
                <FormError form />
                <Field name="display_name" label=|m| m.portal.auth.display_name value=name form autocomplete="name" />
                    <MobileField value=mobile form />
                <div class="field">
                    <label for="field-language">{move || t.get().portal.account.language}</label>
                    <select
                        id="field-language"
                        name="language"
                        on:change=move |event| {
                            if let Ok(chosen) = event_target_value(&event).parse::<Locale>() {
                                language.set(chosen);
                            }
                        }
                    >
                        {Locale::ALL
                            .into_iter()
                            .map(|option| {
                                view! {
                                    <option value=option.tag() selected=move || language.get() == option>
                                        {option.messages().language_name}
                                    </option>
                                }
                            })
                            .collect_view()}
                    </select>
                </div>
                <fieldset class="choices">
                    <legend>{move || t.get().portal.account.notices_heading}</legend>
                    <p class="field__hint">{move || t.get().portal.account.notices_intro}</p>
                    {Notice::ALL
                        .iter()
                        .map(|&notice| {
                            let id = format!("notice-{}", notice.as_str());
                            let label_for = id.clone();
                            view! {
                                <label class="choice" for=label_for>
                                    <input
                                        id=id
                                        type="checkbox"
                                        name="email_notices"
                                        value=notice.as_str()
                                        prop:checked=move || notices.with(|n| n.contains(&notice))
                                        on:change=move |event| {
                                            let on = event_target_checked(&event);
                                            notices.update(|n| {
                                                n.retain(|x| *x != notice);
                                                if on {
                                                    n.push(notice);
                                                }
                                            });
                                        }
                                    />
                                    {move || (t.get().portal.account.notice)(notice)}
                                </label>
                            }
                        })
                        .collect_view()}
                </fieldset>
                <Submit form label=|m| m.portal.account.save />
                <p role="status" class="form-status">{move || saved.get().then(|| t.get().portal.account.saved)}</p>
            </form>
        </section>
    }
}

#[component]
fn PasswordForm() -> impl IntoView {
    let t = use_messages();
    let form = FormState::new();
    let current = RwSignal::new(String::new());
    let new = RwSignal::new(String::new());
    let changed = RwSignal::new(false);
    let submit = move |event: SubmitEvent| {
        event.prevent_default();
        let request =
            ChangePasswordRequest { current_password: current.get_untracked(), new_password: new.get_untracked() };
        if !form.start() {
            return;
        }
        changed.set(false);
        if let Err(problem) = password_length(&request.new_password) {
            return form.invalid(vec![FieldError::new("new_password", problem)], t.get_untracked());
        }
        spawn_local(async move {
            if form.finish(api::change_password(&request).await).is_some() {
                current.set(String::new());
                new.set(String::new());
                changed.set(true);
            }
        });
    };
    view! {
        <section class="card" aria-labelledby="password-heading">
            <h2 id="password-heading">{move || t.get().portal.account.password_heading}</h2>
            <form method="post" novalidate on:submit=submit>
                <FormError form />
                <Field name="current_password" label=|m| m.portal.auth.current_password value=current form kind="password" autocomplete="current-password" />
                <Field
                    name="new_password"
                    label=|m| m.portal.auth.new_password
                    hint=|m| m.portal.auth.password_hint
                    value=new
                    form
                    kind="password"
                    autocomplete="new-password"
                />
                <Submit form label=|m| m.portal.account.change_password_submit />
                <p role="status" class="form-status">{move || changed.get().then(|| t.get().portal.account.password_changed)}</p>
            </form>
        </section>
    }
}

/// Two-step verification: staff always have it; customers and enterprise users turn it
/// on (with their password, then the authenticator's set-up) or off (with a code).
#[component]
fn SecondFactor(me: Me) -> impl IntoView {
    let t = use_messages();
    let session = use_session();
    let staff = me.kind == shared::roles::UserKind::Staff;
    let on = RwSignal::new(me.second_factor);
    let form = FormState::new();
    let password = RwSignal::new(String::new());
    let code = RwSignal::new(String::new());
    let setup = RwSignal::new(None::<shared::api::auth::SecondFactorSetup>);
    let enrolled = RwSignal::new(None::<Me>);
    let turned_off = RwSignal::new(false);
    let email = StoredValue::new(me.email);
    Effect::new(move |_| {
        if enrolled.get().is_some() {
            setup.set(None);
            on.set(true);
            // The set-up logged this browser in again (a new session).
            session.refresh();
        }
    });
    let start = move |event: SubmitEvent| {
        event.prevent_default();
        if !form.start() {
            return;
        }
        let request = shared::api::auth::LoginRequest {
            email: email.get_value(),
            password: password.get_untracked(),
            code: None,
        };
        spawn_local(async move {
            if let Some(answer) = form.finish(api::second_factor_setup(&request).await) {
                setup.set(Some(answer));
            }
        });
    };
    let stop = move |event: SubmitEvent| {
        event.prevent_default();
        if !form.start() {
            return;
        }
        let entered = code.get_untracked();
        spawn_local(async move {
            if form.finish(api::disable_second_factor(entered).await).is_some() {
                code.set(String::new());
                on.set(false);
                turned_off.set(true);
            }
        });
    };
    let body = move || {
        if let Some(setup) = setup.get() {
            return view! {
                <Enrolment setup email=email.get_value() password=password.get_untracked() done=enrolled />
            }
            .into_any();
        }
        if staff {
            return view! { <p>{move || t.get().portal.second_factor.settings_staff}</p> }.into_any();
        }
        if on.get() {
            view! {
                <p>{move || t.get().portal.second_factor.settings_on}</p>
                <form method="post" novalidate on:submit=stop>
                    <FormError form />
                    <Field
                        name="code"
                        label=|m| m.portal.second_factor.code
                        hint=|m| m.portal.second_factor.code_hint
                        value=code
                        form
                        inputmode="numeric"
                        autocomplete="one-time-code"
                    />
                    <Submit form label=|m| m.portal.second_factor.disable_submit />
                </form>
            }
            .into_any()
        } else {
            view! {
                <p>{move || t.get().portal.second_factor.settings_off}</p>
                <p role="status" class="form-status">{move || turned_off.get().then(|| t.get().portal.second_factor.disabled)}</p>
                <form method="post" novalidate on:submit=start>
                    <FormError form />
                    <Field name="password" label=|m| m.portal.auth.current_password value=password form kind="password" autocomplete="current-password" />
                    <Submit form label=|m| m.portal.second_factor.enrol_start />
                </form>
            }
            .into_any()
        }
    };
    view! {
        <section class="card" aria-labelledby="second-factor-settings-heading">
            <h2 id="second-factor-settings-heading">{move || t.get().portal.second_factor.settings_heading}</h2>
            {body}
        </section>
    }
}

#[component]
fn Devices() -> impl IntoView {
    let t = use_messages();
    let session = use_session();
    let navigate = use_navigate();
    let form = FormState::new();
    let submit = move |event: SubmitEvent| {
        event.prevent_default();
        if !form.start() {
            return;
        }
        let navigate = navigate.clone();
        spawn_local(async move {
            if form.finish(api::logout(true).await).is_some() {
                session.refresh();
                navigate("/login", NavigateOptions::default());
            }
        });
    };
    view! {
        <section class="card" aria-labelledby="devices-heading">
            <h2 id="devices-heading">{move || t.get().portal.account.sessions_heading}</h2>
            <p>{move || t.get().portal.account.sessions_intro}</p>
            <form method="post" on:submit=submit>
                <FormError form />
                <Submit form label=|m| m.portal.account.logout_everywhere />
            </form>
        </section>
    }
}
