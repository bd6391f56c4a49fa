//! Staff connection pages: `/staff/applications` (the work queue), `/staff/applications/:id`
//! (working one), `/staff/connections` (the dashboard); and the public `/statistics/connections`
//! and everyone's `/notices`.

use leptos::either::Either;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;
use shared::api::applications::{
    ApplicationDetail, AssignRequest, ClassFigures, FollowUpRequest, QueueQuery, StaffAction, Timeliness,
};
use shared::connection::{ApplicationStatus, CustomerClass, Step, StepState};
use shared::i18n::connection as names;

use crate::api;
use crate::components::access::AccessProblem;
use crate::components::form::{Field, FormError, FormState, Submit};
use crate::components::page_title::PageTitle;
use crate::components::session::use_session;
use crate::i18n::{use_locale, use_messages};
use crate::pages::applications::{
    ApplicationHeading, Documents, History, Offers, StepTable, SummaryTable, application_from_route,
};
use crate::time::format_time;

/// `/staff/applications`: the queue, filtered by the address's query.
#[component]
pub fn QueuePage() -> impl IntoView {
    let t = use_messages();
    let locale = use_locale();
    let query = use_query_map();
    let read = move || {
        let q = query.read();
        QueueQuery {
            class: q.get("class").and_then(|c| c.parse().ok()),
            step: q.get("step").and_then(|s| s.parse().ok()),
            region: q.get("region").filter(|r| !r.is_empty()),
            timeliness: q.get("timeliness").and_then(|t| serde_json::from_value(serde_json::Value::String(t)).ok()),
            mine: q.get("mine").map(|m| m == "true"),
            closed: None,
            desc: q.get("desc").map(|d| d == "true"),
            page: q.get("page").and_then(|p| p.parse().ok()),
        }
    };
    let page = Resource::new(read, |query| async move { api::work_queue(&query).await });
    let retry = Callback::new(move |_| page.refetch());
    let current = read();
    let selected = |value: Option<&str>, option: &str| value == Some(option);
    let class_now = current.class.map(|c| c.as_str());
    let step_now = current.step.map(|s| s.as_str());
    let timeliness_now = current.timeliness;
    let page_number = current.page.unwrap_or(0);
    let region_now = current.region.clone();
    let regions = Resource::new(|| (), |_| api::public_regions());
    view! {
        <PageTitle text=|m| m.apply.queue_title />
        <section class="page" aria-labelledby="queue-heading">
            <h1 id="queue-heading">{move || t.get().apply.queue_title}</h1>
            <p class="lead">{move || t.get().apply.queue_intro}</p>
            // A plain GET form: the filters are the address, so a filtered queue can be bookmarked.
            <form class="form form--inline filters" method="get" action="/staff/applications">
                <label>{move || t.get().apply.class} " "
                    <select name="class">
                        <option value="">{move || t.get().apply.any}</option>
                        {CustomerClass::ALL.iter().map(|c| {
                            let c = *c;
                            view! { <option value=c.as_str() selected=selected(class_now, c.as_str())>{move || names::class(locale.get(), c)}</option> }
                        }).collect_view()}
                    </select>
                </label>
                <label>{move || t.get().apply.col_step} " "
                    <select name="step">
                        <option value="">{move || t.get().apply.any}</option>
                        {Step::ALL.iter().map(|s| {
                            let s = *s;
                            view! { <option value=s.as_str() selected=selected(step_now, s.as_str())>{move || names::step(locale.get(), s)}</option> }
                        }).collect_view()}
                    </select>
                </label>
                <label>{move || t.get().apply.timeliness} " "
                    <select name="timeliness">
                        <option value="">{move || t.get().apply.any}</option>
                        <option value="overdue" selected=timeliness_now == Some(Timeliness::Overdue)>{move || t.get().apply.overdue}</option>
                        <option value="due_soon" selected=timeliness_now == Some(Timeliness::DueSoon)>{move || t.get().apply.due_soon}</option>
                        <option value="on_time" selected=timeliness_now == Some(Timeliness::OnTime)>{move || t.get().apply.on_time}</option>
                    </select>
                </label>
                <label>{move || t.get().apply.region} " "
                    <select name="region">
                        <option value="">{move || t.get().apply.any}</option>
                        <Transition fallback=|| ()>
                            {move || {
                                let region_now = region_now.clone();
                                Suspend::new(async move {
                                    let stations = regions.await.map(|r| r.regions).unwrap_or_default();
                                    stations.into_iter().map(|r| {
                                        let chosen = region_now.as_deref() == Some(r.code.as_str());
                                        view! {
                                            <option value=r.code selected=chosen>
                                                {move || if locale.get() == shared::Locale::Zh { r.name_zh.clone() } else { r.name_en.clone() }}
                                            </option>
                                        }
                                    }).collect_view()
                                })
                            }}
                        </Transition>
                    </select>
                </label>
                <label><input type="checkbox" name="mine" value="true" checked=current.mine == Some(true) /> " " {move || t.get().apply.mine}</label>
                <label><input type="checkbox" name="desc" value="true" checked=current.desc == Some(true) /> " " {move || t.get().apply.latest_first}</label>
                <button type="submit" class="button">{move || t.get().apply.filter}</button>
            </form>
            <Transition fallback=move || view! { <p role="status">{move || t.get().portal.auth.loading}</p> }>
                {move || Suspend::new(async move {
                    match page.await {
                        Ok(page) => {
                            let more = page.more;
                            Either::Left(view! {
                                <SummaryTable items=page.items staff=true />
                                <p class="pager">
                                    {(page_number > 0).then(|| view! { <A href=format!("?page={}", page_number - 1)>{move || t.get().apply.previous_page}</A> })}
                                    " "
                                    {more.then(|| view! { <A href=format!("?page={}", page_number + 1)>{move || t.get().apply.next_page}</A> })}
                                </p>
                            })
                        }
                        Err(error) => Either::Right(view! { <AccessProblem error on_retry=retry /> }),
                    }
                })}
            </Transition>
        </section>
    }
}

/// `/staff/applications/:id`: everything about the application and the forms to work it.
#[component]
pub fn StaffApplicationPage() -> impl IntoView {
    let t = use_messages();
    let (detail, retry, changed) = application_from_route();
    view! {
        <PageTitle text=|m| m.apply.queue_title />
        <section class="page" aria-labelledby="application-heading">
            <Transition fallback=move || view! { <p role="status">{move || t.get().portal.auth.loading}</p> }>
                {move || Suspend::new(async move {
                    match detail.await {
                        Ok(detail) => Either::Left(view! { <Workbench detail changed /> }),
                        Err(error) => Either::Right(view! { <AccessProblem error on_retry=retry /> }),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn Workbench(detail: ApplicationDetail, changed: Callback<()>) -> impl IntoView {
    let t = use_messages();
    let locale = use_locale();
    let id = detail.summary.id;
    let status = detail.summary.status;
    let open: Vec<Step> = detail.steps.iter().filter(|s| s.state == StepState::Open).map(|s| s.step).collect();
    let with_customer: Vec<Step> =
        detail.steps.iter().filter(|s| s.state == StepState::WithCustomer).map(|s| s.step).collect();
    let form = detail.form.clone();
    view! {
        <ApplicationHeading detail=detail.clone() />
        <dl class="facts">
            <dt>{move || t.get().apply.col_applicant}</dt><dd>{detail.summary.applicant.clone()}</dd>
            <dt>{move || t.get().apply.col_handler}</dt><dd data-handler=detail.summary.handler.clone().unwrap_or_default()>{detail.summary.handler.clone().unwrap_or_default()}</dd>
            <dt>{move || t.get().apply.address}</dt><dd>{form.supply_address.clone()}</dd>
            <dt>{move || t.get().apply.capacity}</dt><dd>{form.capacity_kva.clone()}</dd>
            <dt>{move || t.get().apply.contact_name}</dt><dd>{form.contact_name.clone()} " " {form.contact_mobile}</dd>
        </dl>
        {(!detail.intake_warnings.is_empty()).then(|| view! {
            <section class="notice notice--warning" aria-labelledby="warnings-heading">
                <h2 id="warnings-heading">{move || t.get().apply.warnings}</h2>
                <ul>
                    {detail.intake_warnings.iter().map(|w| {
                        let code = w.code;
                        view! { <li data-warning=code.as_str()>{move || names::intake_warning(locale.get(), code)} "：" {w.evidence.clone()}</li> }
                    }).collect_view()}
                </ul>
            </section>
        })}
        {status.is_open().then(|| view! { <Actions id open=open.clone() with_customer=with_customer.clone() green=detail.summary.green_channel changed /> })}
        {(status == ApplicationStatus::Completed && detail.follow_up.is_none()).then(|| view! { <FollowUpForm id changed /> })}
        {detail.follow_up.clone().map(|f| view! {
            <p class="notice notice--success">{move || t.get().apply.follow_up} "：" {f.score} "/5 " {f.comment.clone()} " · " {format_time(f.at)}</p>
        })}
        <StepTable detail=detail.clone() />
        <Offers offers=detail.offers.clone() />
        <Documents id documents=detail.documents.clone() open=status.is_open() changed kinds=&shared::api::applications::STAFF_DOCUMENT_KINDS />
        <History detail=detail.clone() />
    }
}

/// A small form that sends one staff action built from its fields.
#[component]
fn ActionForm(
    id: i64,
    label: crate::components::form::Text,
    make: Callback<(), Option<StaffAction>>,
    changed: Callback<()>,
    #[prop(optional)] children: Option<Children>,
    #[prop(optional)] name: &'static str,
) -> impl IntoView {
    let form = FormState::new();
    let submit = move |event: SubmitEvent| {
        event.prevent_default();
        let Some(action) = make.run(()) else { return };
        if !form.start() {
            return;
        }
        spawn_local(async move {
            if form.finish(api::staff_action(id, &action).await).is_some() {
                changed.run(());
            }
        });
    };
    provide_context(form);
    view! {
        <form class="form action-form" data-action=name on:submit=submit novalidate>
            {children.map(|children| children())}
            <FormError form />
            <Submit form label />
        </form>
    }
}

/// The form of the enclosing [`ActionForm`], for its fields.
fn action_form() -> FormState {
    use_context::<FormState>().unwrap_or_default()
}

#[component]
fn TextField(name: &'static str, label: crate::components::form::Text, value: RwSignal<String>) -> impl IntoView {
    view! { <Field name label value form=action_form() /> }
}

#[component]
fn Actions(id: i64, open: Vec<Step>, with_customer: Vec<Step>, green: bool, changed: Callback<()>) -> impl IntoView {
    let t = use_messages();
    let locale = use_locale();
    let has = |step: Step| open.contains(&step);
    let reason = RwSignal::new(String::new());
    let doc_note = RwSignal::new(String::new());
    let survey_day = RwSignal::new(String::new());
    let survey_slot = RwSignal::new("morning".to_owned());
    let findings = RwSignal::new(String::new());
    let scheme_body = RwSignal::new(String::new());
    let fee = RwSignal::new(String::new());
    let contract_body = RwSignal::new(String::new());
    let review_note = RwSignal::new(String::new());
    let meter = RwSignal::new(String::new());
    let green_reason = RwSignal::new(String::new());
    let handler_id = RwSignal::new(String::new());
    let first_open = open.first().copied();
    let reviews: Vec<Step> = open.iter().copied().filter(|s| s.opens_with_customer().is_some()).collect();
    let offers_reissuable: Vec<Step> = with_customer.iter().copied().filter(|s| s.acceptance().is_some()).collect();
    let claim_form = FormState::new();
    let session = use_session();
    let assign = move |target: Option<i64>| {
        if !claim_form.start() {
            return;
        }
        spawn_local(async move {
            if claim_form.finish(api::assign_application(id, &AssignRequest { handler_id: target }).await).is_some() {
                changed.run(());
            }
        });
    };
    view! {
        <section class="actions" aria-labelledby="actions-heading">
            <h2 id="actions-heading">{move || t.get().apply.actions}</h2>
            <div class="action-row">
                <button type="button" class="button" data-action="claim" disabled=move || !claim_form.can_send() on:click=move |_| assign(None)>
                    {move || t.get().apply.claim}
                </button>
                // Supervisors assign to a handler by name; handlers only claim.
                <Transition fallback=|| ()>
                    {move || Suspend::new(async move {
                        let supervisor = session.me.await.is_ok_and(|me| shared::roles::can::any(&me.staff_roles, shared::roles::can::LEAD_APPLICATIONS));
                        let handlers = if supervisor { api::handlers().await.map(|h| h.handlers).unwrap_or_default() } else { Vec::new() };
                        supervisor.then(|| view! {
                            <form class="form form--inline" data-action="assign" on:submit=move |e: SubmitEvent| {
                                e.prevent_default();
                                assign(handler_id.get_untracked().trim().parse().ok());
                            }>
                                <label>{move || t.get().apply.assign_to_handler} " "
                                    <select name="handler_id" on:change=move |e| handler_id.set(event_target_value(&e))>
                                        <option value="">{move || t.get().apply.choose}</option>
                                        {handlers.into_iter().map(|h| {
                                            let stations = if h.regions.is_empty() { String::new() } else { format!("（{}）", h.regions.join("、")) };
                                            view! { <option value=h.id.to_string()>{h.display_name} {stations}</option> }
                                        }).collect_view()}
                                    </select>
                                </label>
                                <Submit form=claim_form label=|m| m.apply.assign />
                            </form>
                        })
                    })}
                </Transition>
                <FormError form=claim_form />
            </div>
            {has(Step::Acceptance).then(|| view! {
                <ActionForm id name="accept" label=|m| m.apply.accept changed make=Callback::new(|_| Some(StaffAction::Accept)) />
                <ActionForm id name="reject" label=|m| m.apply.reject changed
                    make=Callback::new(move |_| Some(StaffAction::Reject { reason: reason.get_untracked() }))>
                    <TextField name="reason" label=|m| m.apply.reason value=reason />
                </ActionForm>
            })}
            {first_open.map(|step| view! {
                <ActionForm id name="request_documents" label=|m| m.apply.request_documents changed
                    make=Callback::new(move |_| Some(StaffAction::RequestDocuments { step, note: doc_note.get_untracked() }))>
                    <p class="muted">{move || names::step(locale.get(), step)}</p>
                    <TextField name="note" label=|m| m.apply.note value=doc_note />
                </ActionForm>
            })}
            {(has(Step::SiteSurvey) || has(Step::SupplyScheme)).then(|| view! {
                <ActionForm id name="schedule_survey" label=|m| m.apply.schedule_survey changed
                    make=Callback::new(move |_| Some(StaffAction::ScheduleSurvey { day: survey_day.get_untracked(), slot: survey_slot.get_untracked() }))>
                    <Field name="day" label=|m| m.apply.day value=survey_day form=action_form() kind="date" />
                    <label>{move || t.get().apply.slot} " "
                        <select name="slot" on:change=move |e| survey_slot.set(event_target_value(&e))>
                            <option value="morning">{move || t.get().apply.morning}</option>
                            <option value="afternoon">{move || t.get().apply.afternoon}</option>
                        </select>
                    </label>
                </ActionForm>
            })}
            {has(Step::SiteSurvey).then(|| view! {
                <ActionForm id name="complete_survey" label=|m| m.apply.complete_survey changed
                    make=Callback::new(move |_| Some(StaffAction::CompleteSurvey { findings: findings.get_untracked() }))>
                    <TextField name="findings" label=|m| m.apply.findings value=findings />
                </ActionForm>
            })}
            {(has(Step::SupplyScheme) || offers_reissuable.contains(&Step::SupplyScheme)).then(|| view! {
                <ActionForm id name="issue_scheme" label=|m| m.apply.issue_scheme changed
                    make=Callback::new(move |_| Some(StaffAction::IssueOffer { step: Step::SupplyScheme, body: scheme_body.get_untracked(), fee: fee.get_untracked() }))>
                    <TextArea name="body" id="field-scheme-body" value=scheme_body />
                    <TextField name="fee" label=|m| m.apply.fee value=fee />
                </ActionForm>
            })}
            {(has(Step::Contract) || offers_reissuable.contains(&Step::Contract)).then(|| view! {
                <ActionForm id name="issue_contract" label=|m| m.apply.issue_contract changed
                    make=Callback::new(move |_| Some(StaffAction::IssueOffer { step: Step::Contract, body: contract_body.get_untracked(), fee: String::new() }))>
                    <TextArea name="body" id="field-contract-body" value=contract_body />
                </ActionForm>
            })}
            {reviews.into_iter().map(|step| view! {
                <fieldset class="review" data-review=step.as_str()>
                    <legend>{move || names::step(locale.get(), step)}</legend>
                    <ActionForm id name="review_pass" label=|m| m.apply.review_pass changed
                        make=Callback::new(move |_| Some(StaffAction::Review { step, passed: true, note: review_note.get_untracked() })) />
                    <ActionForm id name="review_fail" label=|m| m.apply.review_fail changed
                        make=Callback::new(move |_| Some(StaffAction::Review { step, passed: false, note: review_note.get_untracked() }))>
                        <TextField name="note" label=|m| m.apply.note value=review_note />
                    </ActionForm>
                </fieldset>
            }).collect_view()}
            {has(Step::Energising).then(|| view! {
                <ActionForm id name="energise" label=|m| m.apply.energise changed
                    make=Callback::new(move |_| Some(StaffAction::Energise { meter_no: meter.get_untracked() }))>
                    <TextField name="meter_no" label=|m| m.apply.meter_no value=meter />
                </ActionForm>
            })}
            {(!green).then(|| view! {
                <ActionForm id name="green_channel" label=|m| m.apply.set_green_channel changed
                    make=Callback::new(move |_| Some(StaffAction::GreenChannel { reason: green_reason.get_untracked() }))>
                    <TextField name="reason" label=|m| m.apply.reason value=green_reason />
                </ActionForm>
            })}
        </section>
    }
}

#[component]
fn TextArea(name: &'static str, id: &'static str, value: RwSignal<String>) -> impl IntoView {
    let t = use_messages();
    let form = action_form();
    let error = move || form.fields.with(|f| f.get(name).cloned());
    view! {
        <div class="field" class:field--invalid=move || error().is_some()>
            <label for=id>{move || t.get().apply.body}</label>
            <textarea id=id name=name rows="5" aria-invalid=move || error().is_some().to_string()
                prop:value=move || value.get() on:input=move |e| value.set(event_target_value(&e))></textarea>
            <p class="field__error" hidden=move || error().is_none()>{move || error().unwrap_or_default()}</p>
        </div>
    }
}

#[component]
fn FollowUpForm(id: i64, changed: Callback<()>) -> impl IntoView {
    let t = use_messages();
    let form = FormState::new();
    let score = RwSignal::new(String::new());
    let comment = RwSignal::new(String::new());
    let submit = move |event: SubmitEvent| {
        event.prevent_default();
        let request = FollowUpRequest {
            score: score.get_untracked().trim().parse().unwrap_or(0),
            comment: comment.get_untracked(),
        };
        if !form.start() {
            return;
        }
        if let Err(errors) = request.validate() {
            return form.invalid(errors, t.get_untracked());
        }
        spawn_local(async move {
            if form.finish(api::follow_up(id, &request).await).is_some() {
                changed.run(());
            }
        });
    };
    view! {
        <form class="form" data-action="follow_up" on:submit=submit novalidate>
            <h2>{move || t.get().apply.follow_up}</h2>
            <Field name="score" label=|m| m.apply.score value=score form inputmode="numeric" />
            <Field name="comment" label=|m| m.apply.comment value=comment form required=false />
            <FormError form />
            <Submit form label=|m| m.apply.record />
        </form>
    }
}

fn share(figures: &ClassFigures) -> String {
    if figures.finished == 0 {
        "—".to_owned()
    } else {
        format!("{:.1}%", f64::from(figures.within_limit) * 100.0 / f64::from(figures.finished))
    }
}

#[component]
fn ClassTable(classes: Vec<ClassFigures>) -> impl IntoView {
    let t = use_messages();
    let locale = use_locale();
    view! {
        <table class="data-table figures">
            <thead>
                <tr>
                    <th scope="col">{move || t.get().apply.class}</th>
                    <th scope="col">{move || t.get().apply.finished}</th>
                    <th scope="col">{move || t.get().apply.within_limit}</th>
                    <th scope="col">{move || t.get().apply.average_days}</th>
                </tr>
            </thead>
            <tbody>
                {classes.into_iter().map(|c| {
                    let class = c.customer_class;
                    view! {
                        <tr data-class=class.as_str()>
                            <th scope="row">{move || names::class(locale.get(), class)}</th>
                            <td>{c.finished}</td>
                            <td>{share(&c)}</td>
                            <td>{c.average_days.map(|d| format!("{d:.1}")).unwrap_or_else(|| "—".to_owned())}</td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
}

/// `/staff/connections`: the dashboard.
#[component]
pub fn DashboardPage() -> impl IntoView {
    let t = use_messages();
    let locale = use_locale();
    let dashboard = Resource::new(|| (), |_| api::connection_dashboard());
    let retry = Callback::new(move |_| dashboard.refetch());
    view! {
        <PageTitle text=|m| m.apply.dashboard_title />
        <section class="page" aria-labelledby="dashboard-heading">
            <h1 id="dashboard-heading">{move || t.get().apply.dashboard_title}</h1>
            <Transition fallback=move || view! { <p role="status">{move || t.get().portal.auth.loading}</p> }>
                {move || Suspend::new(async move {
                    match dashboard.await {
                        Ok(d) => Either::Left(view! {
                            <h2>{move || t.get().apply.open_by_step}</h2>
                            <table class="data-table open-counts">
                                <thead><tr>
                                    <th scope="col">{move || t.get().apply.class}</th>
                                    <th scope="col">{move || t.get().apply.col_step}</th>
                                    <th scope="col">{move || t.get().apply.count}</th>
                                    <th scope="col">{move || t.get().apply.overdue}</th>
                                </tr></thead>
                                <tbody>
                                    {d.open.into_iter().map(|o| {
                                        let (class, step) = (o.customer_class, o.step);
                                        view! { <tr>
                                            <th scope="row">{move || names::class(locale.get(), class)}</th>
                                            <td>{move || step.map(|s| names::step(locale.get(), s)).unwrap_or_default()}</td>
                                            <td>{o.count}</td><td>{o.overdue}</td>
                                        </tr> }
                                    }).collect_view()}
                                </tbody>
                            </table>
                            <h2>{move || t.get().apply.finished}</h2>
                            <ClassTable classes=d.classes />
                            <h2>{move || t.get().apply.step_averages}</h2>
                            <table class="data-table step-averages">
                                <thead><tr>
                                    <th scope="col">{move || t.get().apply.class}</th>
                                    <th scope="col">{move || t.get().apply.col_step}</th>
                                    <th scope="col">{move || t.get().apply.count}</th>
                                    <th scope="col">{move || t.get().apply.average_days}</th>
                                </tr></thead>
                                <tbody>
                                    {d.steps.into_iter().map(|s| {
                                        let (class, step) = (s.customer_class, s.step);
                                        view! { <tr>
                                            <th scope="row">{move || names::class(locale.get(), class)}</th>
                                            <td>{move || names::step(locale.get(), step)}</td>
                                            <td>{s.finished}</td><td>{format!("{:.1}", s.average_days)}</td>
                                        </tr> }
                                    }).collect_view()}
                                </tbody>
                            </table>
                            <h2>{move || t.get().apply.overdue_list}</h2>
                            <SummaryTable items=d.overdue staff=true />
                        }),
                        Err(error) => Either::Right(view! { <AccessProblem error on_retry=retry /> }),
                    }
                })}
            </Transition>
        </section>
    }
}

/// `/statistics/connections`: the published figures, for anyone.
#[component]
pub fn StatisticsPage() -> impl IntoView {
    let t = use_messages();
    let figures = Resource::new(|| (), |_| api::connection_statistics());
    let retry = Callback::new(move |_| figures.refetch());
    view! {
        <PageTitle text=|m| m.apply.statistics_title />
        <section class="page" aria-labelledby="statistics-heading">
            <h1 id="statistics-heading">{move || t.get().apply.statistics_title}</h1>
            <p class="lead">{move || t.get().apply.statistics_intro}</p>
            <Transition fallback=move || view! { <p role="status">{move || t.get().portal.auth.loading}</p> }>
                {move || Suspend::new(async move {
                    match figures.await {
                        Ok(f) => Either::Left(view! {
                            <p class="muted">{shared::validation::format_day(f.from)} " — " {shared::validation::format_day(f.to)}</p>
                            <ClassTable classes=f.classes />
                        }),
                        Err(error) => Either::Right(view! { <AccessProblem error on_retry=retry /> }),
                    }
                })}
            </Transition>
        </section>
    }
}

/// `/notices`: the person's notices.
#[component]
pub fn NoticesPage() -> impl IntoView {
    let t = use_messages();
    let notices = Resource::new(|| (), |_| api::notices());
    let retry = Callback::new(move |_| notices.refetch());
    let mark = move |_| {
        spawn_local(async move {
            if api::read_notices().await.is_ok() {
                notices.refetch();
            }
        });
    };
    view! {
        <PageTitle text=|m| m.apply.notices_title />
        <section class="page" aria-labelledby="notices-heading">
            <h1 id="notices-heading">{move || t.get().apply.notices_title}</h1>
            <Transition fallback=move || view! { <p role="status">{move || t.get().portal.auth.loading}</p> }>
                {move || Suspend::new(async move {
                    match notices.await {
                        Ok(list) if list.items.is_empty() => Either::Left(Either::Left(view! { <p class="empty">{move || t.get().apply.no_notices}</p> })),
                        Ok(list) => Either::Left(Either::Right(view! {
                            <p><button type="button" class="button button--small" on:click=mark>{move || t.get().apply.mark_read}</button></p>
                            <ul class="notice-list">
                                {list.items.into_iter().map(|n| view! {
                                    <li class:unread=!n.read>
                                        <strong>{match n.link.clone() {
                                            Some(l) => Either::Left(view! { <A href=l>{n.title.clone()}</A> }),
                                            None => Either::Right(n.title.clone()),
                                        }}</strong>
                                        {(!n.read).then(|| view! { " " <span class="badge">{move || t.get().apply.unread}</span> })}
                                        <p>{n.body.clone()}</p>
                                        <time class="muted">{format_time(n.created_at)}</time>
                                    </li>
                                }).collect_view()}
                            </ul>
                        })),
                        Err(error) => Either::Right(view! { <AccessProblem error on_retry=retry /> }),
                    }
                })}
            </Transition>
        </section>
    }
}
