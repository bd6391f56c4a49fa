//! Registering, confirming the address, logging in, and setting a password from an emailed
//! link (a reset or an invitation).

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::NavigateOptions;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_query_map};
use shared::api::ErrorCode;
use shared::api::auth::{LoginRequest, RegisterRequest};
use shared::validation::{self, FieldError};

use crate::api;
use crate::components::form::{Field, FormError, FormState, MobileField, Submit};
use crate::components::page_title::PageTitle;
use crate::components::second_factor::Enrolment;
use crate::components::session::use_session;
use crate::i18n::{use_locale, use_messages};

/// `/register`: a new customer login.
#[component]
pub fn RegisterPage() -> impl IntoView {
    let t = use_messages();
    let locale = use_locale();
    let form = FormState::new();
    let email = RwSignal::new(String::new());
    let mobile = RwSignal::new(String::new());
    let name = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let done = RwSignal::new(None::<String>);

    let submit = move |event: SubmitEvent| {
        event.prevent_default();
        let request = RegisterRequest {
            email: email.get_untracked(),
            mobile: Some(mobile.get_untracked()),
            display_name: name.get_untracked(),
            password: password.get_untracked(),
            language: Some(locale.get_untracked()),
        };
        if !form.start() {
            return;
        }
        if let Err(errors) = request.validate() {
            return form.invalid(errors, t.get_untracked());
        }
        spawn_local(async move {
            if let Some(accepted) = form.finish(api::register(&request).await) {
                done.set(Some(accepted.message));
            }
        });
    };

    view! {
        <PageTitle text=|m| m.portal.auth.register_title />
        <section class="page page--narrow" aria-labelledby="register-heading">
            <h1 id="register-heading">{move || t.get().portal.auth.register_title}</h1>
            <Show
                when=move || done.get().is_none()
                fallback=move || view! { <p class="notice notice--success" role="status">{done.get()}</p> }
            >
                <p class="lead">{move || t.get().portal.auth.register_intro}</p>
                <form method="post" novalidate on:submit=submit>
                    <FormError form />
                    <Field name="email" label=|m| m.portal.auth.email value=email form kind="email" autocomplete="email" />
                    <Field name="display_name" label=|m| m.portal.auth.display_name value=name form autocomplete="name" />
                    <MobileField value=mobile form />
                    <Field
                        name="password"
                        label=|m| m.portal.auth.password
                        hint=|m| m.portal.auth.password_hint
                        value=password
                        form
                        kind="password"
                        autocomplete="new-password"
                    />
                    <Submit form label=|m| m.portal.auth.register_submit />
                </form>
                <p><A href="/login">{move || t.get().portal.auth.have_account}</A></p>
            </Show>
        </section>
    }
}

/// `/confirm?token=…`: confirms the address with a press of a button (a link scanner that
/// opens the page confirms nothing).
#[component]
pub fn ConfirmPage() -> impl IntoView {
    let t = use_messages();
    let query = use_query_map();
    let token = move || query.with(|q| q.get("token")).unwrap_or_default();
    let form = FormState::new();
    let done = RwSignal::new(false);
    let submit = move |event: SubmitEvent| {
        event.prevent_default();
        if !form.start() {
            return;
        }
        let token = token();
        spawn_local(async move {
            if form.finish(api::confirm(token).await).is_some() {
                done.set(true);
            }
        });
    };
    view! {
        <PageTitle text=|m| m.portal.auth.confirm_title />
        <section class="page page--narrow" aria-labelledby="confirm-heading">
            <h1 id="confirm-heading">{move || t.get().portal.auth.confirm_title}</h1>
            <Show when=move || !token().is_empty() fallback=move || view! { <p class="notice notice--error">{move || t.get().portal.auth.missing_token}</p> }>
                <Show
                    when=move || done.get()
                    fallback=move || {
                        view! {
                            <p>{move || t.get().portal.auth.confirm_intro}</p>
                            <form method="post" on:submit=submit>
                                <FormError form />
                                <Submit form label=|m| m.portal.auth.confirm_submit />
                            </form>
                        }
                    }
                >
                    <p class="notice notice--success" role="status">{move || t.get().portal.auth.confirm_done}</p>
                    <p><A href="/login">{move || t.get().portal.auth.go_to_login}</A></p>
                </Show>
            </Show>
        </section>
    }
}

/// The portal's origin: the browser's own, or while rendering on the server the one the
/// server gives (its public URL).
fn portal_origin() -> Option<String> {
    #[cfg(feature = "hydrate")]
    {
        web_sys::window().and_then(|window| window.location().origin().ok())
    }
    #[cfg(not(feature = "hydrate"))]
    {
        use_context::<crate::PortalOrigin>().map(|origin| origin.0)
    }
}

/// The `next` of `/login?next=…` when it leads somewhere on the portal (the rule is
/// `shared::redirect::local_target`: resolved as a browser would, same origin only).
fn login_target(next: Option<String>) -> Option<String> {
    shared::redirect::local_target(&next?, &portal_origin()?)
}

/// Where to go after logging in: the checked `next` target, else by kind.
fn after_login(target: Option<String>, me: &shared::api::auth::Me) -> String {
    use shared::roles::UserKind;
    if let Some(target) = target {
        return target;
    }
    match me.kind {
        UserKind::Customer => "/account/accounts".to_owned(),
        UserKind::Enterprise => "/enterprise".to_owned(),
        UserKind::Staff => "/account".to_owned(),
    }
}

/// Where the login form stands.
#[derive(Debug, Clone, PartialEq, Eq)]
enum LoginStep {
    /// Email and password.
    Password,
    /// The second factor's code (after the right password).
    Code,
    /// A staff member's first login: setting up the authenticator.
    Enrol(shared::api::auth::SecondFactorSetup),
}

/// `/login`: the email and password, then (with a second factor) the code, or at a staff
/// member's first login the authenticator's set-up.
#[component]
pub fn LoginPage() -> impl IntoView {
    let t = use_messages();
    let session = use_session();
    let query = use_query_map();
    let navigate = use_navigate();
    let form = FormState::new();
    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let code = RwSignal::new(String::new());
    let step = RwSignal::new(LoginStep::Password);
    let enrolled = RwSignal::new(None::<shared::api::auth::Me>);
    let target = Memo::new(move |_| login_target(query.with(|q| q.get("next"))));
    {
        let navigate = navigate.clone();
        // After the set-up, once the recovery codes are seen.
        Effect::new(move |_| {
            if let Some(me) = enrolled.get() {
                session.refresh();
                navigate(&after_login(target.get_untracked(), &me), NavigateOptions::default());
            }
        });
    }
    let submit = move |event: SubmitEvent| {
        event.prevent_default();
        let with_code = step.get_untracked() == LoginStep::Code;
        let request = LoginRequest {
            email: email.get_untracked(),
            password: password.get_untracked(),
            code: with_code.then(|| code.get_untracked()),
        };
        if !form.start() {
            return;
        }
        let mut errors = Vec::new();
        if let Err(problem) = validation::email(&request.email) {
            errors.push(FieldError::new("email", problem));
        }
        if request.password.is_empty() {
            errors.push(FieldError::new("password", validation::Problem::Required));
        }
        if with_code && code.get_untracked().trim().is_empty() {
            errors.push(FieldError::new("code", validation::Problem::Required));
        }
        if !errors.is_empty() {
            return form.invalid(errors, t.get_untracked());
        }
        let target = target.get_untracked();
        let navigate = navigate.clone();
        spawn_local(async move {
            match api::login(&request).await {
                Err(error) if error.code == ErrorCode::SecondFactorRequired => {
                    form.finish::<()>(Ok(()));
                    step.set(LoginStep::Code);
                }
                Err(error) if error.code == ErrorCode::SecondFactorEnrolmentRequired => {
                    let request = LoginRequest { code: None, ..request };
                    if let Some(setup) = form.finish(api::second_factor_setup(&request).await) {
                        step.set(LoginStep::Enrol(setup));
                    }
                }
                answer => {
                    if let Some(me) = form.finish(answer) {
                        session.refresh();
                        navigate(&after_login(target, &me), NavigateOptions::default());
                    }
                }
            }
        });
    };
    let enrolment = move || match step.get() {
        LoginStep::Enrol(setup) => Some(view! {
            <Enrolment setup email=email.get_untracked() password=password.get_untracked() done=enrolled />
        }),
        _ => None,
    };
    view! {
        <PageTitle text=|m| m.portal.auth.login_title />
        <section class="page page--narrow" aria-labelledby="login-heading">
            <h1 id="login-heading">{move || t.get().portal.auth.login_title}</h1>
            // `data-next`: where a successful login leads (empty: the person's home page).
            <form method="post" novalidate on:submit=submit data-next=move || target.get().unwrap_or_default()
                hidden=move || matches!(step.get(), LoginStep::Enrol(_))>
                <FormError form />
                <div hidden=move || step.get() != LoginStep::Password>
                    <Field name="email" label=|m| m.portal.auth.email value=email form kind="email" autocomplete="username" />
                    <Field name="password" label=|m| m.portal.auth.password value=password form kind="password" autocomplete="current-password" />
                </div>
                <Show when=move || step.get() == LoginStep::Code>
                    <p>{move || t.get().portal.second_factor.login_intro}</p>
                    <Field
                        name="code"
                        label=|m| m.portal.second_factor.code
                        hint=|m| m.portal.second_factor.code_hint
                        value=code
                        form
                        inputmode="numeric"
                        autocomplete="one-time-code"
                    />
                </Show>
                <Show
                    when=move || step.get() == LoginStep::Code
                    fallback=move || view! { <Submit form label=|m| m.portal.auth.login_submit /> }
                >
                    <Submit form label=|m| m.portal.second_factor.login_submit />
                </Show>
            </form>
            {enrolment}
            <p><A href="/password/forgot">{move || t.get().portal.auth.forgot_link}</A></p>
            <p><A href="/register">{move || t.get().portal.auth.no_account}</A></p>
        </section>
    }
}

/// `/password/forgot`.
#[component]
pub fn ForgotPasswordPage() -> impl IntoView {
    let t = use_messages();
    let form = FormState::new();
    let email = RwSignal::new(String::new());
    let done = RwSignal::new(None::<String>);
    let submit = move |event: SubmitEvent| {
        event.prevent_default();
        let address = email.get_untracked();
        if !form.start() {
            return;
        }
        if let Err(problem) = validation::email(&address) {
            return form.invalid(vec![FieldError::new("email", problem)], t.get_untracked());
        }
        spawn_local(async move {
            if let Some(accepted) = form.finish(api::forgot_password(address).await) {
                done.set(Some(accepted.message));
            }
        });
    };
    view! {
        <PageTitle text=|m| m.portal.auth.forgot_title />
        <section class="page page--narrow" aria-labelledby="forgot-heading">
            <h1 id="forgot-heading">{move || t.get().portal.auth.forgot_title}</h1>
            <Show
                when=move || done.get().is_none()
                fallback=move || view! { <p class="notice notice--success" role="status">{done.get()}</p> }
            >
                <p>{move || t.get().portal.auth.forgot_intro}</p>
                <form method="post" novalidate on:submit=submit>
                    <FormError form />
                    <Field name="email" label=|m| m.portal.auth.email value=email form kind="email" autocomplete="email" />
                    <Submit form label=|m| m.portal.auth.forgot_submit />
                </form>
            </Show>
        </section>
    }
}

/// `/password/reset?token=…` and `/welcome?token=…` (an invitation): choose a password.
#[component]
pub fn SetPasswordPage(
    /// An invitation rather than a reset.
    #[prop(default = false)]
    welcome: bool,
) -> impl IntoView {
    let t = use_messages();
    let query = use_query_map();
    let token = move || query.with(|q| q.get("token")).unwrap_or_default();
    let form = FormState::new();
    let password = RwSignal::new(String::new());
    let done = RwSignal::new(false);
    let submit = move |event: SubmitEvent| {
        event.prevent_default();
        let new_password = password.get_untracked();
        if !form.start() {
            return;
        }
        if let Err(problem) = validation::password_length(&new_password) {
            return form.invalid(vec![FieldError::new("password", problem)], t.get_untracked());
        }
        let token = token();
        spawn_local(async move {
            if form.finish(api::reset_password(token, new_password).await).is_some() {
                done.set(true);
            }
        });
    };
    let title = move || if welcome { t.get().portal.auth.welcome_title } else { t.get().portal.auth.reset_title };
    view! {
        {if welcome {
            view! { <PageTitle text=|m| m.portal.auth.welcome_title /> }
        } else {
            view! { <PageTitle text=|m| m.portal.auth.reset_title /> }
        }}
        <section class="page page--narrow" aria-labelledby="password-heading">
            <h1 id="password-heading">{title}</h1>
            <Show when=move || !token().is_empty() fallback=move || view! { <p class="notice notice--error">{move || t.get().portal.auth.missing_token}</p> }>
                <Show
                    when=move || done.get()
                    fallback=move || {
                        view! {
                            {welcome.then(|| view! { <p>{move || t.get().portal.auth.welcome_intro}</p> })}
                            <form method="post" novalidate on:submit=submit>
                                <FormError form />
                                <Field
                                    name="password"
                                    label=|m| m.portal.auth.new_password
                                    hint=|m| m.portal.auth.password_hint
                                    value=password
                                    form
                                    kind="password"
                                    autocomplete="new-password"
                                />
                                <Submit form label=|m| m.portal.auth.reset_submit />
                            </form>
                        }
                    }
                >
                    <p class="notice notice--success" role="status">{move || t.get().portal.auth.reset_done}</p>
                    <p><A href="/login">{move || t.get().portal.auth.go_to_login}</A></p>
                </Show>
            </Show>
        </section>
    }
}
