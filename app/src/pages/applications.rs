//! `/applications`, `/applications/new`, `/applications/:id`: a customer's connection
//! applications, the one form for every kind, and the timeline of each with what the
//! customer must do next.

use leptos::either::{Either, EitherOf3};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_params_map};
use shared::api::applications::{
    ApplicationDetail, ApplicationForm, ApplicationSummary, CustomerAction, DocumentKind, NewApplication, OfferView,
    SaveDraft, StepView,
};
use shared::connection::{ApplicationKind, ApplicationStatus, CustomerClass, StepState, Voltage, Waiting};
use shared::i18n::connection as names;
use shared::roles::may_apply;

use crate::api;
use crate::components::access::AccessProblem;
use crate::components::form::{Field, FormError, FormState, Submit};
use crate::components::page_title::PageTitle;
use crate::components::session::{Session, use_session};
use crate::i18n::{use_locale, use_messages};
use crate::time::format_time;

/// `/applications`: the list.
#[component]
pub fn ApplicationsPage() -> impl IntoView {
    let t = use_messages();
    let session = use_session();
    let list = Resource::new(|| (), |_| api::applications());
    let retry = Callback::new(move |_| list.refetch());
    view! {
        <PageTitle text=|m| m.apply.list_title />
        <section class="page" aria-labelledby="applications-heading">
            <h1 id="applications-heading">{move || t.get().apply.list_title}</h1>
            <p class="lead">{move || t.get().apply.list_intro}</p>
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    match standing(session).await {
                        Standing::Acts => Some(Either::Left(view! {
                            <p><A href="/applications/new" attr:class="button button--primary">{move || t.get().apply.new_button}</A></p>
                        })),
                        Standing::Reads => Some(Either::Right(view! { <ReadOnlyNote /> })),
                        Standing::Unknown => None,
                    }
                })}
            </Transition>
            <Transition fallback=move || view! { <p role="status">{move || t.get().portal.auth.loading}</p> }>
                {move || Suspend::new(async move {
                    match list.await {
                        Ok(list) => Either::Left(view! { <SummaryTable items=list.items staff=false /> }),
                        Err(error) => Either::Right(view! { <AccessProblem error on_retry=retry /> }),
                    }
                })}
            </Transition>
        </section>
    }
}

/// What the logged-in person may do with applications.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Standing {
    /// Act on them (`shared::roles::may_apply`): a customer, an enterprise admin.
    Acts,
    /// Only follow them: an enterprise's payer or viewer.
    Reads,
    /// Not known (not logged in, or the answer failed): offer nothing.
    Unknown,
}

async fn standing(session: Session) -> Standing {
    match session.me.await {
        Ok(me) if may_apply(me.kind, me.membership.as_ref().map(|m| m.role)) => Standing::Acts,
        Ok(me) if me.membership.is_some() => Standing::Reads,
        _ => Standing::Unknown,
    }
}

/// Says why a payer or viewer sees no actions.
#[component]
fn ReadOnlyNote() -> impl IntoView {
    let t = use_messages();
    view! { <p class="notice" data-read-only="true">{move || t.get().apply.admin_acts}</p> }
}

/// A table of applications, linking to the customer's or the staff's page.
#[component]
pub fn SummaryTable(
    /// The applications listed.
    items: Vec<ApplicationSummary>,
    /// Whether staff read it (with the applicant and handler columns).
    staff: bool,
) -> impl IntoView {
    let t = use_messages();
    let locale = use_locale();
    if items.is_empty() {
        return Either::Left(view! { <p class="empty">{move || t.get().apply.empty}</p> });
    }
    Either::Right(view! {
        <table class="data-table applications">
            <thead>
                <tr>
                    <th scope="col">{move || t.get().apply.col_reference}</th>
                    <th scope="col">{move || t.get().apply.col_kind}</th>
                    <th scope="col">{move || t.get().apply.col_place}</th>
                    <th scope="col">{move || t.get().apply.col_status}</th>
                    <th scope="col">{move || t.get().apply.col_step}</th>
                    <th scope="col">{move || t.get().apply.col_due}</th>
                    {staff.then(|| view! { <th scope="col">{move || t.get().apply.col_handler}</th> })}
                </tr>
            </thead>
            <tbody>
                {items
                    .into_iter()
                    .map(|item| {
                        let href = if staff { format!("/staff/applications/{}", item.id) } else { format!("/applications/{}", item.id) };
                        let (kind, status, step) = (item.kind, item.status, item.current_step);
                        let waiting = item.waiting_for_customer;
                        let due = item.due_day.map(shared::validation::format_day).unwrap_or_default();
                        let reference = item.reference.clone();
                        view! {
                            <tr data-reference=item.reference>
                                <th scope="row"><A href=href>{reference}</A>
                                    {item.green_channel.then(|| view! { " " <span class="badge badge--green">{move || t.get().apply.green_channel}</span> })}
                                </th>
                                <td>{move || names::kind(locale.get(), kind)}</td>
                                <td>{item.place.clone()}</td>
                                <td>{move || names::status(locale.get(), status)}</td>
                                <td>
                                    {move || step.map(|s| names::step(locale.get(), s)).unwrap_or_default()}
                                    {waiting.then(|| view! { " " <span class="badge">{move || t.get().apply.with_customer}</span> })}
                                </td>
                                <td>{due}</td>
                                {staff.then(|| view! { <td>{item.handler.clone().unwrap_or_default()}</td> })}
                            </tr>
                        }
                    })
                    .collect_view()}
            </tbody>
        </table>
    })
}

/// The form's fields as signals.
#[derive(Clone, Copy)]
struct FormSignals {
    region: RwSignal<String>,
    supply_address: RwSignal<String>,
    usage: RwSignal<String>,
    capacity_kva: RwSignal<String>,
    voltage: RwSignal<String>,
    dual_supply: RwSignal<bool>,
    wanted_date: RwSignal<String>,
    until_date: RwSignal<String>,
    contact_name: RwSignal<String>,
    contact_mobile: RwSignal<String>,
    account_no: RwSignal<String>,
    new_holder_name: RwSignal<String>,
}

impl FormSignals {
    fn new(form: ApplicationForm) -> Self {
        FormSignals {
            region: RwSignal::new(form.region),
            supply_address: RwSignal::new(form.supply_address),
            usage: RwSignal::new(form.usage),
            capacity_kva: RwSignal::new(form.capacity_kva),
            voltage: RwSignal::new(form.voltage),
            dual_supply: RwSignal::new(form.dual_supply),
            wanted_date: RwSignal::new(form.wanted_date),
            until_date: RwSignal::new(form.until_date),
            contact_name: RwSignal::new(form.contact_name),
            contact_mobile: RwSignal::new(form.contact_mobile),
            account_no: RwSignal::new(form.account_no),
            new_holder_name: RwSignal::new(form.new_holder_name),
        }
    }

    fn form(&self) -> ApplicationForm {
        ApplicationForm {
            region: self.region.get_untracked(),
            supply_address: self.supply_address.get_untracked(),
            usage: self.usage.get_untracked(),
            capacity_kva: self.capacity_kva.get_untracked(),
            voltage: self.voltage.get_untracked(),
            dual_supply: self.dual_supply.get_untracked(),
            wanted_date: self.wanted_date.get_untracked(),
            until_date: self.until_date.get_untracked(),
            contact_name: self.contact_name.get_untracked(),
            contact_mobile: self.contact_mobile.get_untracked(),
            account_no: self.account_no.get_untracked(),
            new_holder_name: self.new_holder_name.get_untracked(),
        }
    }
}

/// A labelled select bound to a signal, with its error.
#[component]
fn Choice(
    name: &'static str,
    label: crate::components::form::Text,
    value: RwSignal<String>,
    form: FormState,
    options: Signal<Vec<(String, String)>>,
) -> impl IntoView {
    let t = use_messages();
    let id = format!("field-{name}");
    let error_id = format!("{id}-error");
    let error = move || form.fields.with(|f| f.get(name).cloned());
    view! {
        <div class="field" class:field--invalid=move || error().is_some()>
            <label for=id.clone()>{move || label(t.get())}</label>
            <select
                id=id
                name=name
                aria-invalid=move || error().is_some().to_string()
                aria-describedby=error_id.clone()
                on:change=move |event| value.set(event_target_value(&event))
                prop:value=move || value.get()
            >
                <option value="">{move || t.get().apply.choose}</option>
                {move || {
                    options
                        .get()
                        .into_iter()
                        .map(|(code, text)| {
                            let selected = value.get_untracked() == code;
                            view! { <option value=code selected=selected>{text}</option> }
                        })
                        .collect_view()
                }}
            </select>
            <p class="field__error" id=error_id hidden=move || error().is_none()>{move || error().unwrap_or_default()}</p>
        </div>
    }
}

/// The fields a kind asks for.
#[component]
fn ApplicationFields(
    kind: Signal<ApplicationKind>,
    class: Signal<CustomerClass>,
    values: FormSignals,
    form: FormState,
) -> impl IntoView {
    let t = use_messages();
    let locale = use_locale();
    let regions = Resource::new(|| (), |_| api::public_regions());
    let voltage_options = Signal::derive(move || {
        let class = class.get();
        Voltage::ALL
            .iter()
            .filter(|v| v.fits(class))
            .map(|v| (v.as_str().to_owned(), names::voltage(locale.get(), *v).to_owned()))
            .collect()
    });
    view! {
        // Read inside a transition, so the server render waits for the stations and the page
        // hydrates with them.
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                let stations = regions.await.map(|r| r.regions).unwrap_or_default();
                let options = Signal::derive(move || {
                    let zh = locale.get() == shared::Locale::Zh;
                    stations
                        .iter()
                        .map(|r| (r.code.clone(), if zh { r.name_zh.clone() } else { r.name_en.clone() }))
                        .collect()
                });
                view! { <Choice name="region" label=|m| m.apply.region value=values.region form options /> }
            })}
        </Transition>
        <Show when=move || kind.get().needs_existing_account()>
            <Field name="account_no" label=|m| m.apply.account_no value=values.account_no form inputmode="numeric" />
        </Show>
        <Show when=move || kind.get() == ApplicationKind::ChangeOfName>
            <Field name="new_holder_name" label=|m| m.apply.new_holder_name value=values.new_holder_name form />
        </Show>
        <Show when=move || kind.get().asks_address()>
            <Field name="supply_address" label=|m| m.apply.address value=values.supply_address form autocomplete="street-address" />
            <Field name="usage" label=|m| m.apply.usage hint=|m| m.apply.usage_hint value=values.usage form />
        </Show>
        <Show when=move || kind.get().asks_capacity()>
            <Field name="capacity_kva" label=|m| m.apply.capacity hint=|m| m.apply.capacity_hint value=values.capacity_kva form inputmode="numeric" />
            <Choice name="voltage" label=|m| m.apply.voltage value=values.voltage form options=voltage_options />
            <Show when=move || class.get() == CustomerClass::HighVoltage>
                <div class="field field--check">
                    <label>
                        <input type="checkbox" name="dual_supply" prop:checked=move || values.dual_supply.get()
                            on:change=move |event| values.dual_supply.set(event_target_checked(&event)) />
                        " " {move || t.get().apply.dual_supply}
                    </label>
                </div>
            </Show>
            <Field name="wanted_date" label=|m| m.apply.wanted_date value=values.wanted_date form kind="date" />
        </Show>
        <Show when=move || kind.get() == ApplicationKind::Temporary>
            <Field name="until_date" label=|m| m.apply.until_date value=values.until_date form kind="date" />
        </Show>
        <Field name="contact_name" label=|m| m.apply.contact_name value=values.contact_name form autocomplete="name" />
        <Field name="contact_mobile" label=|m| m.apply.contact_mobile value=values.contact_mobile form kind="tel" inputmode="tel" autocomplete="tel" />
    }
}

/// `/applications/new`: choose the kind and class, fill in, save a draft.
#[component]
pub fn NewApplicationPage() -> impl IntoView {
    let t = use_messages();
    let session = use_session();
    view! {
        <PageTitle text=|m| m.apply.new_title />
        <section class="page" aria-labelledby="new-heading">
            <h1 id="new-heading">{move || t.get().apply.new_title}</h1>
            <p class="lead">{move || t.get().apply.new_intro}</p>
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    match standing(session).await {
                        Standing::Reads => Either::Left(view! { <ReadOnlyNote /> }),
                        Standing::Acts | Standing::Unknown => Either::Right(view! { <NewApplicationForm /> }),
                    }
                })}
            </Transition>
        </section>
    }
}

/// The form of a new application.
#[component]
fn NewApplicationForm() -> impl IntoView {
    let t = use_messages();
    let locale = use_locale();
    let form = FormState::new();
    let kind_text = RwSignal::new(ApplicationKind::NewConnection.as_str().to_owned());
    let class_text = RwSignal::new(CustomerClass::Residential.as_str().to_owned());
    let kind = Signal::derive(move || kind_text.get().parse().unwrap_or(ApplicationKind::NewConnection));
    let class = Signal::derive(move || class_text.get().parse().unwrap_or(CustomerClass::Residential));
    let values = FormSignals::new(ApplicationForm::default());
    let navigate = use_navigate();
    let kinds = Signal::derive(move || {
        ApplicationKind::ALL.iter().map(|k| (k.as_str().to_owned(), names::kind(locale.get(), *k).to_owned())).collect()
    });
    let classes = Signal::derive(move || {
        CustomerClass::ALL.iter().map(|c| (c.as_str().to_owned(), names::class(locale.get(), *c).to_owned())).collect()
    });
    let submit = move |event: SubmitEvent| {
        event.prevent_default();
        let request =
            NewApplication { kind: kind.get_untracked(), customer_class: class.get_untracked(), form: values.form() };
        if !form.start() {
            return;
        }
        if let Err(errors) = request.form.validate_draft(request.customer_class) {
            return form.invalid(errors, t.get_untracked());
        }
        let navigate = navigate.clone();
        spawn_local(async move {
            if let Some(created) = form.finish(api::create_application(&request).await) {
                navigate(&format!("/applications/{}", created.summary.id), Default::default());
            }
        });
    };
    view! {
        <form class="form" on:submit=submit novalidate>
            <Choice name="kind" label=|m| m.apply.kind value=kind_text form options=kinds />
            <Choice name="customer_class" label=|m| m.apply.class value=class_text form options=classes />
            <ApplicationFields kind class values form />
            <FormError form />
            <Submit form label=|m| m.apply.save_draft />
        </form>
    }
}

/// The application named by the route's `:id`, with a retry and a "something changed,
/// read it again" callback for the forms that act on it.
pub fn application_from_route()
-> (Resource<Result<ApplicationDetail, shared::api::ApiError>>, Callback<()>, Callback<()>) {
    let params = use_params_map();
    let id = move || params.read().get("id").and_then(|id| id.parse::<i64>().ok()).unwrap_or(0);
    let version = RwSignal::new(0u32);
    let detail = Resource::new(move || (id(), version.get()), |(id, _)| api::application(id));
    let retry = Callback::new(move |_| detail.refetch());
    let changed = Callback::new(move |_| version.update(|v| *v += 1));
    (detail, retry, changed)
}

/// `/applications/:id`: a draft to finish, or the timeline of a sent application.
#[component]
pub fn ApplicationPage() -> impl IntoView {
    let t = use_messages();
    let session = use_session();
    let (detail, retry, changed) = application_from_route();
    view! {
        <PageTitle text=|m| m.apply.list_title />
        <section class="page" aria-labelledby="application-heading">
            <Transition fallback=move || view! { <p role="status">{move || t.get().portal.auth.loading}</p> }>
                {move || Suspend::new(async move {
                    let standing = standing(session).await;
                    match detail.await {
                        Ok(detail) if detail.summary.status == ApplicationStatus::Draft && standing == Standing::Acts => {
                            EitherOf3::A(view! { <DraftEditor detail changed /> })
                        }
                        // A payer or viewer follows the application, a draft included, and
                        // is offered no action.
                        Ok(detail) => EitherOf3::B(view! { <Timeline detail changed acts=standing == Standing::Acts /> }),
                        Err(error) => EitherOf3::C(view! { <AccessProblem error on_retry=retry /> }),
                    }
                })}
            </Transition>
        </section>
    }
}

/// The heading of an application page.
#[component]
pub fn ApplicationHeading(
    /// The application.
    detail: ApplicationDetail,
) -> impl IntoView {
    let locale = use_locale();
    let t = use_messages();
    let s = detail.summary;
    let (kind, class, status) = (s.kind, s.customer_class, s.status);
    view! {
        <h1 id="application-heading">{s.reference.clone()} " " {move || names::kind(locale.get(), kind)}</h1>
        <p class="lead">
            {move || names::class(locale.get(), class)} " · "
            <strong data-status=status.as_str()>{move || names::status(locale.get(), status)}</strong>
            {s.green_channel.then(|| view! { " " <span class="badge badge--green">{move || t.get().apply.green_channel}</span> })}
        </p>
    }
}

#[component]
fn DraftEditor(detail: ApplicationDetail, changed: Callback<()>) -> impl IntoView {
    let t = use_messages();
    let form = FormState::new();
    let submit_form = FormState::new();
    let id = detail.summary.id;
    let kind = Signal::stored(detail.summary.kind);
    let class = Signal::stored(detail.summary.customer_class);
    let values = FormSignals::new(detail.form.clone());
    let saved = RwSignal::new(false);
    let save = move |event: SubmitEvent| {
        event.prevent_default();
        let request = SaveDraft { form: values.form() };
        if !form.start() {
            return;
        }
        saved.set(false);
        if let Err(errors) = request.form.validate_draft(class.get_untracked()) {
            return form.invalid(errors, t.get_untracked());
        }
        spawn_local(async move {
            if form.finish(api::save_draft(id, &request).await).is_some() {
                saved.set(true);
            }
        });
    };
    let send = move |event: SubmitEvent| {
        event.prevent_default();
        if !submit_form.start() {
            return;
        }
        let request = SaveDraft { form: values.form() };
        spawn_local(async move {
            // The form as it is on the screen is what is sent.
            if submit_form.finish(api::save_draft(id, &request).await).is_none() {
                return;
            }
            if submit_form.finish(api::customer_action(id, &CustomerAction::Submit).await).is_some() {
                changed.run(());
            }
        });
    };
    view! {
        <ApplicationHeading detail=detail.clone() />
        <form class="form" on:submit=save novalidate>
            <ApplicationFields kind class values form />
            <FormError form />
            <Show when=move || saved.get()><p class="notice notice--success" role="status">{move || t.get().apply.saved}</p></Show>
            <Submit form label=|m| m.apply.save_draft />
        </form>
        <Documents id documents=detail.documents open=true changed />
        <form class="form" on:submit=send novalidate>
            <p class="field__hint">{move || t.get().apply.submit_hint}</p>
            <FormError form=submit_form />
            <MissingDocuments form=submit_form />
            <Submit form=submit_form label=|m| m.apply.submit />
        </form>
        <CancelForm id changed />
    }
}

/// The "documents.*" field errors of a refused submission, worded.
#[component]
fn MissingDocuments(form: FormState) -> impl IntoView {
    let t = use_messages();
    let locale = use_locale();
    move || {
        form.fields.with(|fields| {
            fields
                .keys()
                .filter_map(|k| k.strip_prefix("documents.")?.parse::<DocumentKind>().ok())
                .map(|kind| {
                    let text =
                        format!("{}：{}", t.get().apply.document_missing, names::document_kind(locale.get(), kind));
                    view! { <p class="field__error" role="alert">{text}</p> }
                })
                .collect_view()
        })
    }
}

/// The documents of an application and, when it takes documents, the upload form.
#[component]
pub fn Documents(
    /// The application's number.
    id: i64,
    /// The documents uploaded so far.
    documents: Vec<shared::api::applications::DocumentView>,
    /// Whether it still takes documents.
    open: bool,
    /// Called after an upload, to reload the application.
    changed: Callback<()>,
    /// The kinds the uploader may choose (customers' by default).
    #[prop(default = &shared::api::applications::DOCUMENT_KINDS)]
    kinds: &'static [DocumentKind],
) -> impl IntoView {
    let t = use_messages();
    let locale = use_locale();
    view! {
        <section class="documents" aria-labelledby="documents-heading">
            <h2 id="documents-heading">{move || t.get().apply.documents}</h2>
            {if documents.is_empty() {
                Either::Left(view! { <p class="empty">{move || t.get().apply.no_documents}</p> })
            } else {
                Either::Right(view! {
                    <ul class="document-list">
                        {documents.into_iter().map(|d| {
                            let kind = d.kind;
                            view! {
                                <li data-document=d.kind.as_str()>
                                    {move || names::document_kind(locale.get(), kind)} "："
                                    <a href=api::document_url(id, d.id) download>{d.file_name.clone()}</a>
                                    " " <span class="muted">{format!("{} KB", (d.size_bytes + 1023) / 1024)}</span>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                })
            }}
            {open.then(|| view! { <UploadForm id changed kinds /> })}
        </section>
    }
}

#[component]
fn UploadForm(id: i64, changed: Callback<()>, kinds: &'static [DocumentKind]) -> impl IntoView {
    let t = use_messages();
    let locale = use_locale();
    let form = FormState::new();
    let kind = RwSignal::new(kinds.first().copied().unwrap_or(DocumentKind::Other).as_str().to_owned());
    let input = NodeRef::<leptos::html::Input>::new();
    let kinds = Signal::derive(move || {
        kinds.iter().map(|k| (k.as_str().to_owned(), names::document_kind(locale.get(), *k).to_owned())).collect()
    });
    let upload = move |event: SubmitEvent| {
        event.prevent_default();
        if !form.start() {
            return;
        }
        #[cfg(feature = "hydrate")]
        {
            let file = input.get_untracked().and_then(|i| i.files()).and_then(|files| files.get(0));
            let Some(file) = file else {
                return form.invalid(
                    vec![shared::validation::FieldError::new("file", shared::validation::Problem::Required)],
                    t.get_untracked(),
                );
            };
            let kind = kind.get_untracked();
            spawn_local(async move {
                if form.finish(api::upload_document(id, &kind, file).await).is_some() {
                    changed.run(());
                }
            });
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (id, input, kind, changed);
    };
    view! {
        <form class="form form--inline" on:submit=upload novalidate>
            <Choice name="kind" label=|m| m.apply.document_kind value=kind form options=kinds />
            <div class="field">
                <label for="field-file">{move || t.get().apply.file}</label>
                <p class="field__hint" id="field-file-hint">{move || t.get().apply.file_hint}</p>
                <input id="field-file" name="file" type="file" accept="application/pdf,image/jpeg,image/png"
                    aria-describedby="field-file-hint" node_ref=input />
                <p class="field__error" hidden=move || form.fields.with(|f| !f.contains_key("file"))>
                    {move || form.fields.with(|f| f.get("file").cloned().unwrap_or_default())}
                </p>
            </div>
            <FormError form />
            <Submit form label=|m| m.apply.upload />
        </form>
    }
}

#[component]
fn CancelForm(id: i64, changed: Callback<()>) -> impl IntoView {
    let t = use_messages();
    let form = FormState::new();
    let reason = RwSignal::new(String::new());
    let cancel = move |event: SubmitEvent| {
        event.prevent_default();
        if !form.start() {
            return;
        }
        let action = CustomerAction::Cancel { reason: reason.get_untracked() };
        spawn_local(async move {
            if form.finish(api::customer_action(id, &action).await).is_some() {
                changed.run(());
            }
        });
    };
    view! {
        <details class="cancel">
            <summary>{move || t.get().apply.cancel}</summary>
            <form class="form" on:submit=cancel novalidate>
                <Field name="reason" label=|m| m.apply.cancel_reason value=reason form required=false />
                <FormError form />
                <Submit form label=|m| m.apply.cancel />
            </form>
        </details>
    }
}

/// The timeline: what to do next, every step, the offers, documents and history.
#[component]
fn Timeline(
    detail: ApplicationDetail,
    changed: Callback<()>,
    /// Whether the reader may act on it; a payer or viewer only reads.
    acts: bool,
) -> impl IntoView {
    let t = use_messages();
    let id = detail.summary.id;
    let status = detail.summary.status;
    let todo: Vec<StepView> = detail.steps.iter().filter(|s| s.state == StepState::WithCustomer).cloned().collect();
    let takes_documents = todo.iter().any(|s| s.waiting == Some(Waiting::Documents));
    let energised =
        detail.steps.iter().any(|s| s.step == shared::connection::Step::Energising && s.state == StepState::Done);
    let offers = detail.offers.clone();
    view! {
        <ApplicationHeading detail=detail.clone() />
        {detail.created_account.clone().map(|account| view! {
            <p class="notice notice--success" data-new-account=account>
                {move || t.get().apply.new_account} "：" <strong>{account.clone()}</strong>
                {detail.meter_no.clone().map(|m| view! { " · " {move || t.get().apply.meter} "：" {m} })}
            </p>
        })}
        {(!acts).then(|| view! { <ReadOnlyNote /> })}
        {(acts && status.is_open()).then(|| view! { <NextSteps id todo=todo.clone() offers=offers.clone() changed /> })}
        <StepTable detail=detail.clone() />
        <Offers offers=detail.offers.clone() />
        <Documents id documents=detail.documents.clone() open=acts && takes_documents changed />
        <History detail=detail.clone() />
        {(acts && status.is_open() && !energised).then(|| view! { <CancelForm id changed /> })}
    }
}

#[component]
fn NextSteps(id: i64, todo: Vec<StepView>, offers: Vec<OfferView>, changed: Callback<()>) -> impl IntoView {
    let t = use_messages();
    let locale = use_locale();
    view! {
        <section class="next-steps" aria-labelledby="next-heading">
            <h2 id="next-heading">{move || t.get().apply.next_heading}</h2>
            {if todo.is_empty() {
                Either::Left(view! { <p data-todo="none">{move || t.get().apply.nothing_to_do}</p> })
            } else {
                Either::Right(todo.into_iter().map(|step| {
                    let waiting = step.waiting.unwrap_or(Waiting::Documents);
                    let offer = offers.iter().rev().find(|o| o.step == step.step && !o.superseded).cloned();
                    view! {
                        <div class="todo" data-todo=waiting.as_str()>
                            <h3>{move || names::step(locale.get(), step.step)}</h3>
                            <p>{move || names::waiting(locale.get(), waiting)}</p>
                            {step.note.clone().map(|n| view! { <p class="muted">{n}</p> })}
                            <TodoAction id step waiting offer changed />
                        </div>
                    }
                }).collect_view())
            }}
        </section>
    }
}

#[component]
fn TodoAction(
    id: i64,
    step: StepView,
    waiting: Waiting,
    offer: Option<OfferView>,
    changed: Callback<()>,
) -> impl IntoView {
    let t = use_messages();
    let form = FormState::new();
    let agreed = RwSignal::new(false);
    let note = RwSignal::new(String::new());
    let send = move |action: CustomerAction| {
        if !form.start() {
            return;
        }
        spawn_local(async move {
            if form.finish(api::customer_action(id, &action).await).is_some() {
                changed.run(());
            }
        });
    };
    match waiting {
        Waiting::SchemeAcceptance | Waiting::ContractAcceptance => {
            let version = offer.as_ref().map(|o| o.version).unwrap_or(0);
            let body = offer.as_ref().map(|o| o.body.clone()).unwrap_or_default();
            let fee = offer.as_ref().and_then(|o| o.fee.map(|f| f.to_string()));
            EitherOf3::A(view! {
                <form class="form" on:submit=move |event: SubmitEvent| {
                    event.prevent_default();
                    if agreed.get_untracked() {
                        send(CustomerAction::AcceptOffer { step: step.step, version });
                    }
                }>
                    <p class="muted">{move || t.get().apply.version} " " {version}</p>
                    <pre class="offer-text">{body}</pre>
                    {fee.map(|f| view! { <p>{move || t.get().apply.fee} "：¥" {f}</p> })}
                    <div class="field field--check">
                        <label><input type="checkbox" name="agree" on:change=move |e| agreed.set(event_target_checked(&e)) />
                            " " {move || t.get().apply.accept_confirm}</label>
                    </div>
                    <FormError form />
                    <Submit form label=|m| m.apply.accept_offer />
                </form>
            })
        }
        Waiting::Documents => EitherOf3::B(view! {
            <form class="form" on:submit=move |event: SubmitEvent| {
                event.prevent_default();
                send(CustomerAction::ProvideDocuments { step: step.step });
            }>
                <FormError form />
                <Submit form label=|m| m.apply.provide_documents />
            </form>
        }),
        Waiting::Design | Waiting::Works | Waiting::DefectRepair => EitherOf3::C(view! {
            <form class="form" on:submit=move |event: SubmitEvent| {
                event.prevent_default();
                send(CustomerAction::Ready { step: step.step, note: note.get_untracked() });
            }>
                <Field name="note" label=|m| m.apply.note value=note form required=false />
                <FormError form />
                <Submit form label=|m| m.apply.ready />
            </form>
        }),
    }
}

/// Every step with its owner, dates, limit and days used.
#[component]
pub fn StepTable(
    /// The application.
    detail: ApplicationDetail,
) -> impl IntoView {
    let t = use_messages();
    let locale = use_locale();
    let day = |d: Option<chrono::NaiveDate>| d.map(shared::validation::format_day).unwrap_or_default();
    view! {
        <section aria-labelledby="timeline-heading">
            <h2 id="timeline-heading">{move || t.get().apply.timeline}</h2>
            <table class="data-table timeline">
                <thead>
                    <tr>
                        <th scope="col">{move || t.get().apply.col_step}</th>
                        <th scope="col">{move || t.get().apply.col_status}</th>
                        <th scope="col">{move || t.get().apply.col_owner}</th>
                        <th scope="col">{move || t.get().apply.col_started}</th>
                        <th scope="col">{move || t.get().apply.col_due}</th>
                        <th scope="col">{move || t.get().apply.col_finished}</th>
                        <th scope="col">{move || t.get().apply.col_limit}</th>
                        <th scope="col">{move || t.get().apply.col_utility_days}</th>
                        <th scope="col">{move || t.get().apply.col_customer_days}</th>
                        <th scope="col">{move || t.get().apply.col_note}</th>
                    </tr>
                </thead>
                <tbody>
                    {detail.steps.iter().map(|s| {
                        let (step, state, waiting) = (s.step, s.state, s.waiting);
                        view! {
                            <tr data-step=step.as_str() data-state=state.as_str()>
                                <th scope="row">{move || names::step(locale.get(), step)}</th>
                                <td>{move || match (state, waiting) {
                                    (StepState::WithCustomer, Some(w)) => names::waiting(locale.get(), w).to_owned(),
                                    (StepState::Done, _) => "✓".to_owned(),
                                    (StepState::Open, _) => t.get().apply.actions.to_owned(),
                                    _ => String::new(),
                                }}</td>
                                <td>{s.owner.clone().unwrap_or_default()}</td>
                                <td>{s.started_at.map(format_time).unwrap_or_default()}</td>
                                <td>{day(s.due_day)}</td>
                                <td>{s.finished_at.map(format_time).unwrap_or_default()}</td>
                                <td>{s.limit_days.map(|d| d.to_string()).unwrap_or_default()}</td>
                                <td>{s.utility_days}</td>
                                <td>{s.customer_days}</td>
                                <td>{s.note.clone().unwrap_or_default()}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
            <dl class="totals">
                <dt>{move || t.get().apply.utility_total}</dt><dd data-total="utility">{detail.utility_days} " " {move || t.get().apply.days}</dd>
                <dt>{move || t.get().apply.customer_total}</dt><dd data-total="customer">{detail.customer_days} " " {move || t.get().apply.days}</dd>
                {detail.total_due_day.map(|d| view! { <dt>{move || t.get().apply.total_due}</dt><dd>{shared::validation::format_day(d)}</dd> })}
                {detail.fee.map(|f| view! { <dt>{move || t.get().apply.fee}</dt><dd>"¥" {f.to_string()}</dd> })}
            </dl>
            {detail.limits.is_some().then(|| view! { <p class="muted">{move || t.get().apply.limits_note}</p> })}
        </section>
    }
}

/// The schemes and contracts offered, with their acceptance.
#[component]
pub fn Offers(
    /// The schemes and contracts issued.
    offers: Vec<OfferView>,
) -> impl IntoView {
    let t = use_messages();
    let locale = use_locale();
    (!offers.is_empty()).then(|| view! {
        <section aria-labelledby="offers-heading">
            <h2 id="offers-heading">{move || t.get().apply.offers}</h2>
            <ul class="offer-list">
                {offers.into_iter().map(|o| {
                    let step = o.step;
                    view! {
                        <li data-offer=format!("{}-{}", o.step.as_str(), o.version)>
                            <strong>{move || names::step(locale.get(), step)}</strong> " "
                            {move || t.get().apply.version} " " {o.version} " · " {format_time(o.issued_at)}
                            {o.superseded.then(|| view! { " · " <em>{move || t.get().apply.superseded}</em> })}
                            {o.accepted.map(|a| view! {
                                <p class="notice notice--success">{move || t.get().apply.accepted} "：" {a.by.clone()} " · " {format_time(a.at)} " · " {a.ip.clone()}
                                    <br /><code class="muted">{"SHA-256 "}{a.sha256}</code></p>
                            })}
                        </li>
                    }
                }).collect_view()}
            </ul>
        </section>
    })
}

/// The append-only history.
#[component]
pub fn History(
    /// The application.
    detail: ApplicationDetail,
) -> impl IntoView {
    let t = use_messages();
    let locale = use_locale();
    view! {
        <section aria-labelledby="history-heading">
            <h2 id="history-heading">{move || t.get().apply.history}</h2>
            <ol class="history">
                {detail.history.into_iter().map(|h| {
                    let action = h.action;
                    let step = h.step;
                    view! {
                        <li data-action=h.action.as_str()>
                            <time>{format_time(h.at)}</time> " " {h.actor.clone()} " · "
                            {move || names::action(locale.get(), action)}
                            {move || step.map(|s| format!("（{}）", names::step(locale.get(), s))).unwrap_or_default()}
                            {h.note.clone().map(|n| view! { "：" {n} })}
                        </li>
                    }
                }).collect_view()}
            </ol>
        </section>
    }
}
