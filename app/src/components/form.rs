//! Form pieces shared by every page that sends something: labelled fields with their
//! error under them (tied by `aria-describedby`), the form-wide error, and the readiness of
//! the page to send (a form never goes out as a plain GET with its fields in the address
//! before the Wasm has taken over).

use std::collections::BTreeMap;

use leptos::prelude::*;
use shared::api::{ApiError, ErrorCode};
use shared::i18n::Messages;
use shared::validation::FieldError;

use crate::i18n::use_messages;

/// Messages by field name, as the API's error shape carries them.
pub type FieldErrors = BTreeMap<String, String>;

/// Picks a string from the catalogue.
pub type Text = fn(&'static Messages) -> &'static str;

/// The state of one form: its field errors, its form-wide error, whether it is being sent.
#[derive(Clone, Copy)]
pub struct FormState {
    /// Per-field messages.
    pub fields: RwSignal<FieldErrors>,
    /// The error that is about the whole form.
    pub error: RwSignal<Option<ApiError>>,
    /// True while the request is out.
    pub pending: RwSignal<bool>,
    /// True once the page is hydrated and can send.
    pub ready: RwSignal<bool>,
}

impl FormState {
    /// A fresh form.
    pub fn new() -> Self {
        let ready = RwSignal::new(false);
        // Effects run only in the browser, after hydration.
        Effect::new(move |_| ready.set(true));
        FormState {
            fields: RwSignal::new(FieldErrors::new()),
            error: RwSignal::new(None),
            pending: RwSignal::new(false),
            ready,
        }
    }

    /// Starts a submission: clears old errors; false if one is already out.
    pub fn start(&self) -> bool {
        if self.pending.get_untracked() {
            return false;
        }
        self.fields.set(FieldErrors::new());
        self.error.set(None);
        self.pending.set(true);
        true
    }

    /// Shows the browser-side check's failures, in the current language.
    pub fn invalid(&self, errors: Vec<FieldError>, messages: &'static Messages) {
        self.pending.set(false);
        self.fields
            .set(errors.into_iter().map(|e| (e.field, messages.field.for_problem(e.problem).to_owned())).collect());
        self.error.set(Some(ApiError::new(ErrorCode::ValidationFailed, "")));
    }

    /// Ends a submission with the API's answer; answers the value on success.
    pub fn finish<T>(&self, result: Result<T, ApiError>) -> Option<T> {
        self.pending.set(false);
        match result {
            Ok(value) => Some(value),
            Err(error) => {
                self.fields.set(error.fields.clone());
                self.error.set(Some(error));
                None
            }
        }
    }

    /// Whether the submit button is usable.
    pub fn can_send(&self) -> bool {
        self.ready.get() && !self.pending.get()
    }
}

impl Default for FormState {
    fn default() -> Self {
        FormState::new()
    }
}

/// A labelled input bound to a signal, with its hint and error.
#[component]
pub fn Field(
    /// The input's name (also the API field it maps to).
    name: &'static str,
    /// The label.
    label: Text,
    /// The value.
    value: RwSignal<String>,
    /// The form it belongs to.
    form: FormState,
    /// `type` of the input.
    #[prop(default = "text")]
    kind: &'static str,
    /// `autocomplete` of the input.
    #[prop(default = "off")]
    autocomplete: &'static str,
    /// A hint under the label.
    #[prop(optional)]
    hint: Option<Text>,
    /// Whether it must be filled in.
    #[prop(default = true)]
    required: bool,
    /// `inputmode` of the input.
    #[prop(default = "text")]
    inputmode: &'static str,
) -> impl IntoView {
    let t = use_messages();
    let id = format!("field-{}", name.replace('.', "-"));
    let hint_id = format!("{id}-hint");
    let error_id = format!("{id}-error");
    let error = move || form.fields.with(|f| f.get(name).cloned());
    let described = {
        let hint_id = hint_id.clone();
        let error_id = error_id.clone();
        move || {
            let mut ids = Vec::new();
            if hint.is_some() {
                ids.push(hint_id.clone());
            }
            if error().is_some() {
                ids.push(error_id.clone());
            }
            ids.join(" ")
        }
    };
    view! {
        <div class="field" class:field--invalid=move || error().is_some()>
            <label for=id.clone()>{move || label(t.get())}</label>
            {hint.map(|hint| view! { <p class="field__hint" id=hint_id.clone()>{move || hint(t.get())}</p> })}
            <input
                id=id
                name=name
                type=kind
                inputmode=inputmode
                autocomplete=autocomplete
                required=required
                aria-invalid=move || error().is_some().to_string()
                aria-describedby=described
                prop:value=move || value.get()
                on:input=move |event| value.set(event_target_value(&event))
            />
            <p class="field__error" id=error_id hidden=move || error().is_none()>
                {move || error().unwrap_or_default()}
            </p>
        </div>
    }
}

/// The form-wide error (or nothing), announced when it appears. A change that needs a
/// fresh second-factor check (`second_factor_required`) gets a code field here; once the
/// code is accepted the form is sent again.
#[component]
pub fn FormError(
    /// The form whose error this shows.
    form: FormState,
) -> impl IntoView {
    let t = use_messages();
    let needs_code = move || form.error.with(|e| e.as_ref().is_some_and(|e| e.code == ErrorCode::SecondFactorRequired));
    view! {
        <div role="alert" class="form-alert">
            {move || {
                form.error.get().map(|error| {
                    // The catalogue's text for the code, so it follows a language switch.
                    view! { <p class="notice notice--error">{(t.get().error)(error.code)}</p> }
                })
            }}
        </div>
        {move || needs_code().then(|| view! { <StepUp form /> })}
    }
}

/// The fresh second-factor check inside a form: a code, then the form again.
#[component]
fn StepUp(form: FormState) -> impl IntoView {
    let t = use_messages();
    let code = RwSignal::new(String::new());
    let problem = RwSignal::new(None::<ErrorCode>);
    let pending = RwSignal::new(false);
    let here = NodeRef::<leptos::html::Div>::new();
    let verify = move |_| {
        if pending.get_untracked() {
            return;
        }
        pending.set(true);
        let entered = code.get_untracked();
        leptos::task::spawn_local(async move {
            let answer = crate::api::verify_second_factor(entered).await;
            pending.set(false);
            match answer {
                Ok(()) => {
                    // Find the form before the error (and this field with it) goes away.
                    #[cfg(feature = "hydrate")]
                    let target = {
                        use wasm_bindgen::JsCast;
                        here.get_untracked()
                            .and_then(|div| div.closest("form").ok().flatten())
                            .and_then(|element| element.dyn_into::<web_sys::HtmlFormElement>().ok())
                    };
                    form.error.set(None);
                    #[cfg(feature = "hydrate")]
                    if let Some(target) = target {
                        let _ = target.request_submit();
                    }
                }
                Err(error) => problem.set(Some(error.code)),
            }
        });
    };
    view! {
        <div class="step-up" node_ref=here>
            <p class="field__hint">{move || t.get().portal.second_factor.step_up_intro}</p>
            <div class="field" class:field--invalid=move || problem.get().is_some()>
                <label for="step-up-code">{move || t.get().portal.second_factor.code}</label>
                <input
                    id="step-up-code"
                    type="text"
                    inputmode="numeric"
                    autocomplete="one-time-code"
                    prop:value=move || code.get()
                    on:input=move |event| code.set(event_target_value(&event))
                />
                <p class="field__error" hidden=move || problem.get().is_none()>
                    {move || problem.get().map(|c| (t.get().error)(c)).unwrap_or_default()}
                </p>
            </div>
            <button type="button" class="button" disabled=move || pending.get() on:click=verify>
                {move || t.get().portal.second_factor.step_up_submit}
            </button>
        </div>
    }
}

/// A submit button that waits for hydration and shows when the form is being sent.
#[component]
pub fn Submit(
    /// The form it sends.
    form: FormState,
    /// Its label, from the catalogue.
    label: Text,
) -> impl IntoView {
    let t = use_messages();
    view! {
        <button type="submit" class="button button--primary" disabled=move || !form.can_send()>
            {move || if form.pending.get() { t.get().portal.auth.submitting } else { label(t.get()) }}
        </button>
    }
}

/// The optional mobile number field of the registration and profile forms.
#[component]
pub fn MobileField(
    /// The number as typed.
    value: RwSignal<String>,
    /// The form it belongs to.
    form: FormState,
) -> impl IntoView {
    view! {
        <Field
            name="mobile"
            label=|m| m.portal.auth.mobile
            hint=|m| m.portal.auth.mobile_hint
            value
            form
            kind="tel"
            inputmode="tel"
            autocomplete="tel"
            required=false
        />
    }
}
