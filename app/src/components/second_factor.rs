//! Setting up an authenticator app (a staff member's first login, or a customer turning the
//! second factor on): the QR code drawn by the server, the key as text, the first code,
//! then the recovery codes, shown once.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::api::auth::{LoginRequest, Me, SecondFactorEnrolled, SecondFactorSetup};

use crate::api;
use crate::components::form::{Field, FormError, FormState, Submit};
use crate::i18n::use_messages;

/// The set-up: `setup` from `POST /api/v1/auth/second-factor/setup`, the login's email and
/// password (the confirmation repeats them); `done` is set to who is logged in once the
/// person has seen the recovery codes.
#[component]
pub fn Enrolment(
    /// The new secret and its QR code.
    setup: SecondFactorSetup,
    /// The login.
    email: String,
    /// Its password.
    password: String,
    /// Set when the person goes on.
    done: RwSignal<Option<Me>>,
) -> impl IntoView {
    let t = use_messages();
    let form = FormState::new();
    let code = RwSignal::new(String::new());
    let enrolled = RwSignal::new(None::<SecondFactorEnrolled>);
    let credentials = StoredValue::new((email, password));
    let submit = move |event: SubmitEvent| {
        event.prevent_default();
        if !form.start() {
            return;
        }
        let (email, password) = credentials.get_value();
        let request = LoginRequest { email, password, code: Some(code.get_untracked()) };
        spawn_local(async move {
            if let Some(answer) = form.finish(api::second_factor_confirm(&request).await) {
                enrolled.set(Some(answer));
            }
        });
    };
    let SecondFactorSetup { secret, qr_svg, .. } = setup;
    let recovery = move || {
        enrolled.get().map(|answer| {
            let me = answer.me.clone();
            view! {
                <h3 id="recovery-heading">{move || t.get().portal.second_factor.recovery_heading}</h3>
                <p>{move || t.get().portal.second_factor.recovery_intro}</p>
                <ul class="second-factor__codes" aria-labelledby="recovery-heading">
                    {answer
                        .recovery_codes
                        .into_iter()
                        .map(|code| view! { <li><code data-recovery-code=code>{code.clone()}</code></li> })
                        .collect_view()}
                </ul>
                <button type="button" class="button button--primary" on:click=move |_| done.set(Some(me.clone()))>
                    {move || t.get().portal.second_factor.recovery_done}
                </button>
            }
        })
    };
    view! {
        <section class="second-factor" aria-labelledby="second-factor-heading">
            <h2 id="second-factor-heading">{move || t.get().portal.second_factor.enrol_title}</h2>
            <div hidden=move || enrolled.with(Option::is_some)>
                <p>{move || t.get().portal.second_factor.enrol_intro}</p>
                // The SVG is the server's own drawing of the otpauth address (no user text).
                <div class="second-factor__qr" role="img" aria-label=move || t.get().portal.second_factor.qr_label inner_html=qr_svg></div>
                <p>
                    {move || t.get().portal.second_factor.secret_label}
                    " "
                    <code class="second-factor__secret" data-secret=secret>{secret.clone()}</code>
                </p>
                <form method="post" novalidate on:submit=submit>
                    <FormError form />
                    <Field
                        name="code"
                        label=|m| m.portal.second_factor.code
                        value=code
                        form
                        inputmode="numeric"
                        autocomplete="one-time-code"
                    />
                    <Submit form label=|m| m.portal.second_factor.enrol_submit />
                </form>
            </div>
            {recovery}
        </section>
    }
}
