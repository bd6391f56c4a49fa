//! `/staff/billing`: a billing operator imports readings (a CSV file, with the rejected
//! lines and their reasons shown), starts the run of a period, and follows the runs.
//! `/staff/billing/runs/:id`: a run's progress and exceptions, releasing held bills.

use leptos::either::Either;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_params_map;
use shared::api::billing::{
    AccountHold, AdjustmentDecision, AdjustmentStatus, AdjustmentView, BillAction, ExceptionKind, ImportDetail,
    ImportResult, ImportStatus, NewAdjustment, ReadingBatch, ReadingLine, Rejection, RunDetail, RunStatus, RunView,
    StartRun,
};
use shared::i18n::billing::exception;
use shared::validation::{FieldError, Problem};

use crate::api;
use crate::components::access::AccessProblem;
use crate::components::form::{Field, FormError, FormState, Submit};
use crate::components::page_title::PageTitle;
use crate::i18n::{use_locale, use_messages};

/// `/staff/billing`.
#[component]
pub fn BillingPage() -> impl IntoView {
    let t = use_messages();
    let runs = Resource::new(|| (), |_| api::billing_runs());
    let refresh = Callback::new(move |_| runs.refetch());
    let pending = Resource::new(|| (), |_| api::pending_adjustments());
    let adjusted = Callback::new(move |_| pending.refetch());
    view! {
        <PageTitle text=|m| m.bills.staff_title />
        <section class="page" aria-labelledby="billing-heading">
            <h1 id="billing-heading">{move || t.get().bills.staff_title}</h1>
            <p class="lead">{move || t.get().bills.staff_intro}</p>
            <ImportForm />
            <ManualForm />
            <AccountForms adjusted />
            <section class="card" aria-labelledby="pending-heading">
                <h2 id="pending-heading">{move || t.get().bills.pending_heading}</h2>
                <p class="field__hint">{move || t.get().bills.pending_intro}</p>
                <Transition fallback=move || view! { <p role="status">{move || t.get().portal.auth.loading}</p> }>
                    {move || Suspend::new(async move {
                        match pending.await {
                            Ok(list) => Either::Left(view! { <PendingAdjustments list decided=adjusted /> }),
                            Err(error) => Either::Right(view! { <AccessProblem error on_retry=adjusted /> }),
                        }
                    })}
                </Transition>
            </section>
            <h2>{move || t.get().bills.runs_heading}</h2>
            <StartForm started=refresh />
            <button type="button" class="button button--secondary button--small" on:click=move |_| runs.refetch()>
                {move || t.get().bills.refresh}
            </button>
            <Transition fallback=move || view! { <p role="status">{move || t.get().portal.auth.loading}</p> }>
                {move || Suspend::new(async move {
                    match runs.await {
                        Ok(list) => Either::Left(view! { <RunTable runs=list /> }),
                        Err(error) => Either::Right(view! { <AccessProblem error on_retry=refresh /> }),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn ImportForm() -> impl IntoView {
    let t = use_messages();
    let form = FormState::new();
    let input = NodeRef::<leptos::html::Input>::new();
    let queued = RwSignal::new(None::<i64>);
    let upload = move |event: SubmitEvent| {
        event.prevent_default();
        if !form.start() {
            return;
        }
        #[cfg(feature = "hydrate")]
        {
            let file = input.get_untracked().and_then(|i| i.files()).and_then(|files| files.get(0));
            let Some(file) = file else {
                return form.invalid(vec![FieldError::new("file", Problem::Required)], t.get_untracked());
            };
            queued.set(None);
            spawn_local(async move {
                if let Some(import) = form.finish(api::upload_readings(file).await) {
                    queued.set(Some(import.id));
                }
            });
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (input, queued);
    };
    view! {
        <section class="card" aria-labelledby="import-heading">
            <h2 id="import-heading">{move || t.get().bills.import_heading}</h2>
            <form class="form form--inline" on:submit=upload novalidate>
                <div class="field">
                    <label for="field-file">{move || t.get().bills.import_file}</label>
                    <p class="field__hint" id="field-file-hint">{move || t.get().bills.import_hint}</p>
                    <input id="field-file" name="file" type="file" accept=".csv,text/csv" aria-describedby="field-file-hint" node_ref=input />
                    <p class="field__error" hidden=move || form.fields.with(|f| !f.contains_key("file"))>
                        {move || form.fields.with(|f| f.get("file").cloned().unwrap_or_default())}
                    </p>
                </div>
                <FormError form />
                <Submit form label=|m| m.bills.import_button />
            </form>
            {move || queued.get().map(|id| view! { <ImportProgress id /> })}
        </section>
    }
}

/// A file import under way, followed every second until it is done; then what it did.
#[component]
fn ImportProgress(id: i64) -> impl IntoView {
    let t = use_messages();
    let detail = RwSignal::new(None::<ImportDetail>);
    let problem = FormState::new();
    #[cfg(feature = "hydrate")]
    {
        /// Asks once; asks again in a second unless the import finished or the page moved on.
        fn follow(id: i64, detail: RwSignal<Option<ImportDetail>>, problem: FormState) {
            spawn_local(async move {
                let Some(answer) = problem.finish(api::import_detail(id).await) else { return };
                let finished = matches!(answer.import.status, ImportStatus::Done | ImportStatus::Failed);
                if detail.try_set(Some(answer)).is_none() && !finished {
                    set_timeout(move || follow(id, detail, problem), std::time::Duration::from_secs(1));
                }
            });
        }
        problem.start();
        follow(id, detail, problem);
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = id;
    view! {
        <FormError form=problem />
        {move || detail.get().map(|d| {
            let i = d.import;
            match i.status {
                ImportStatus::Done => Either::Left(view! {
                    <ImportOutcome lines=i.lines accepted=i.accepted rejected=i.rejected rejections=d.rejections />
                }),
                ImportStatus::Failed => Either::Right(Either::Left(view! {
                    <p class="form-error" role="alert">{move || t.get().bills.import_failed}</p>
                    <ImportOutcome lines=i.lines accepted=i.accepted rejected=i.rejected rejections=d.rejections />
                })),
                ImportStatus::Queued | ImportStatus::Running => Either::Right(Either::Right(view! {
                    <div class="import-result" role="status">
                        <p>{move || (t.get().bills.import_progress)(i.processed, i.lines, i.accepted, i.rejected)}</p>
                        <progress max=i.lines.max(1) value=i.processed aria-label=move || t.get().bills.import_progress_label></progress>
                    </div>
                })),
            }
        })}
    }
}

/// What an import did: the counts, and each rejected line with its reason (the first
/// ones, for a long list).
#[component]
fn ImportOutcome(lines: u64, accepted: u64, rejected: u64, rejections: Vec<Rejection>) -> impl IntoView {
    let t = use_messages();
    let shown = rejections.len();
    view! {
        <div class="import-result" role="status">
            <p>{move || (t.get().bills.import_result)(lines, accepted, rejected as usize)}</p>
            {(shown as u64 != rejected).then(|| view! {
                <p class="field__hint">{move || (t.get().bills.import_rejections_shown)(shown, rejected)}</p>
            })}
            {(!rejections.is_empty()).then(|| view! {
                <table class="data-table rejections">
                    <thead>
                        <tr>
                            <th scope="col">{move || t.get().bills.col_line}</th>
                            <th scope="col">{move || t.get().bills.col_meter}</th>
                            <th scope="col">{move || t.get().bills.col_reason}</th>
                        </tr>
                    </thead>
                    <tbody>
                        {rejections
                            .into_iter()
                            .map(|line| view! {
                                <tr data-reason=line.reason.as_str()>
                                    <th scope="row">{line.line}</th>
                                    <td>{line.meter_no.unwrap_or_default()}</td>
                                    <td>{line.detail}</td>
                                </tr>
                            })
                            .collect_view()}
                    </tbody>
                </table>
            })}
        </div>
    }
}

/// What lines typed in did (imported at once).
#[component]
fn BatchOutcome(result: ImportResult) -> impl IntoView {
    let rejected = result.rejected.len() as u64;
    view! { <ImportOutcome lines=result.lines accepted=result.accepted rejected rejections=result.rejected /> }
}

/// One reading typed in by an operator.
#[component]
fn ManualForm() -> impl IntoView {
    let t = use_messages();
    let form = FormState::new();
    let meter = RwSignal::new(String::new());
    let day = RwSignal::new(String::new());
    let active = RwSignal::new(String::new());
    let confirm = RwSignal::new(false);
    let result = RwSignal::new(None::<ImportResult>);
    let submit = move |event: SubmitEvent| {
        event.prevent_default();
        if !form.start() {
            return;
        }
        let batch = ReadingBatch {
            readings: vec![ReadingLine {
                meter_no: meter.get_untracked(),
                read_on: day.get_untracked(),
                active: active.get_untracked(),
                ..ReadingLine::default()
            }],
            intervals: vec![],
            confirm_jumps: confirm.get_untracked(),
        };
        spawn_local(async move { result.set(form.finish(api::post_readings(&batch).await)) });
    };
    view! {
        <section class="card" aria-labelledby="manual-heading">
            <h2 id="manual-heading">{move || t.get().bills.manual_heading}</h2>
            <form class="form form--inline" on:submit=submit novalidate data-form="manual">
                <Field name="meter_no" label=|m| m.bills.col_meter value=meter form />
                <Field name="read_on" label=|m| m.bills.read_on value=day form kind="date" />
                <Field name="active" label=|m| m.bills.active value=active form inputmode="decimal" />
                <label class="checkbox">
                    <input type="checkbox" name="confirm_jumps" prop:checked=move || confirm.get()
                        on:change=move |e| confirm.set(event_target_checked(&e)) />
                    " " {move || t.get().bills.confirm_jump}
                </label>
                <FormError form />
                <Submit form label=|m| m.bills.save />
            </form>
            {move || result.get().map(|result| view! { <BatchOutcome result /> })}
        </section>
    }
}

/// Holding an account's bills for review, and refunds or back-billing for its next bill
/// (`adjusted` runs after each recorded adjustment: one above the limit joins the pending list).
#[component]
fn AccountForms(adjusted: Callback<()>) -> impl IntoView {
    let t = use_messages();
    let hold_form = FormState::new();
    let account = RwSignal::new(String::new());
    let reason = RwSignal::new(String::new());
    let held = RwSignal::new(false);
    let hold = move |on: bool| {
        if !hold_form.start() {
            return;
        }
        let request = AccountHold { hold: on, reason: Some(reason.get_untracked()).filter(|_| on) };
        let number = account.get_untracked();
        spawn_local(async move {
            if hold_form.finish(api::hold_account(&number, &request).await).is_some() {
                held.set(true);
            }
        });
    };
    let adjust_form = FormState::new();
    let adjust_account = RwSignal::new(String::new());
    let amount = RwSignal::new(String::new());
    let adjust_reason = RwSignal::new(String::new());
    let adjust_outcome = RwSignal::new(None::<AdjustmentStatus>);
    let adjust = move |event: SubmitEvent| {
        event.prevent_default();
        if !adjust_form.start() {
            return;
        }
        let Ok(value) = amount.get_untracked().trim().parse::<rust_decimal::Decimal>() else {
            return adjust_form
                .invalid(vec![FieldError::new("adjust_amount", Problem::InvalidAmount)], t.get_untracked());
        };
        let request = NewAdjustment {
            account_no: adjust_account.get_untracked(),
            amount: shared::Money::from_yuan(value),
            reason: adjust_reason.get_untracked(),
        };
        // The same check the server makes, before the request leaves.
        if let Err(errors) = request.validate() {
            let errors =
                errors.into_iter().map(|e| FieldError::new(format!("adjust_{}", e.field), e.problem)).collect();
            return adjust_form.invalid(errors, t.get_untracked());
        }
        spawn_local(async move {
            // The page has two account fields: this form's are named apart, and so are the
            // API's field errors for it.
            let answer = api::adjust(&request).await.map_err(|mut error| {
                error.fields = error.fields.into_iter().map(|(k, v)| (format!("adjust_{k}"), v)).collect();
                error
            });
            if let Some(view) = adjust_form.finish(answer) {
                adjust_outcome.set(Some(view.status));
                adjusted.run(());
            }
        });
    };
    view! {
        <section class="card" aria-labelledby="hold-heading">
            <h2 id="hold-heading">{move || t.get().bills.hold_heading}</h2>
            <form class="form form--inline" on:submit=move |e: SubmitEvent| { e.prevent_default(); hold(true) } novalidate data-form="hold">
                <Field name="account_no" label=|m| m.bills.account value=account form=hold_form />
                <Field name="reason" label=|m| m.bills.reason value=reason form=hold_form required=false />
                <FormError form=hold_form />
                <Submit form=hold_form label=|m| m.bills.hold />
                <button type="button" class="button button--secondary" on:click=move |_| hold(false)>{move || t.get().bills.release_hold}</button>
                <Show when=move || held.get()><p class="notice notice--success" role="status">{move || t.get().bills.done_saved}</p></Show>
            </form>
        </section>
        <section class="card" aria-labelledby="adjust-heading">
            <h2 id="adjust-heading">{move || t.get().bills.adjust_heading}</h2>
            <form class="form form--inline" on:submit=adjust novalidate data-form="adjust">
                <Field name="adjust_account_no" label=|m| m.bills.account value=adjust_account form=adjust_form />
                <Field name="adjust_amount" label=|m| m.bills.adjust_amount value=amount form=adjust_form inputmode="decimal" />
                <Field name="adjust_reason" label=|m| m.bills.reason value=adjust_reason form=adjust_form />
                <FormError form=adjust_form />
                <Submit form=adjust_form label=|m| m.bills.save />
                {move || adjust_outcome.get().map(|status| view! {
                    <p class="notice notice--success" role="status" data-adjustment=status.as_str()>
                        {move || if status == AdjustmentStatus::Pending { t.get().bills.adjust_pending } else { t.get().bills.done_saved }}
                    </p>
                })}
            </form>
        </section>
    }
}

/// The adjustments waiting for a second operator, each with approve and reject. The server
/// refuses a decision on one's own request and says why; the message shows under the table.
#[component]
fn PendingAdjustments(list: Vec<AdjustmentView>, decided: Callback<()>) -> impl IntoView {
    let t = use_messages();
    let problem = RwSignal::new(None::<String>);
    let decide = move |id: i64, decision: AdjustmentDecision| {
        spawn_local(async move {
            match api::decide_adjustment(id, decision).await {
                Ok(_) => {
                    problem.set(None);
                    decided.run(());
                }
                Err(error) => problem.set(Some(error.message)),
            }
        });
    };
    if list.is_empty() {
        return Either::Left(view! { <p class="empty">{move || t.get().bills.no_pending}</p> });
    }
    Either::Right(view! {
        <table class="data-table pending-adjustments">
            <thead>
                <tr>
                    <th scope="col">{move || t.get().bills.account}</th>
                    <th scope="col">{move || t.get().bills.col_amount}</th>
                    <th scope="col">{move || t.get().bills.col_reason}</th>
                    <th scope="col">{move || t.get().bills.col_requested_by}</th>
                    <th scope="col"><span class="visually-hidden">{move || t.get().bills.approve}</span></th>
                </tr>
            </thead>
            <tbody>
                {list
                    .into_iter()
                    .map(|a| {
                        let id = a.id;
                        view! {
                            <tr data-adjustment=id>
                                <th scope="row">{a.account_no}</th>
                                <td class="number">{format!("{:.2}", a.amount.yuan())}</td>
                                <td>{a.reason}</td>
                                <td>{a.requested_by}</td>
                                <td>
                                    <button type="button" class="button button--small" on:click=move |_| decide(id, AdjustmentDecision::Approve)>
                                        {move || t.get().bills.approve}
                                    </button>
                                    " "
                                    <button type="button" class="button button--secondary button--small" on:click=move |_| decide(id, AdjustmentDecision::Reject)>
                                        {move || t.get().bills.reject}
                                    </button>
                                </td>
                            </tr>
                        }
                    })
                    .collect_view()}
            </tbody>
        </table>
        {move || problem.get().map(|message| view! { <p class="notice notice--error" role="alert">{message}</p> })}
    })
}

#[component]
fn StartForm(started: Callback<()>) -> impl IntoView {
    let form = FormState::new();
    let period = RwSignal::new(String::new());
    let day = RwSignal::new("1".to_owned());
    let submit = move |event: SubmitEvent| {
        event.prevent_default();
        if !form.start() {
            return;
        }
        let request = StartRun {
            period: period.get_untracked().trim().to_owned(),
            reading_day: day.get_untracked().trim().parse().unwrap_or(0),
        };
        spawn_local(async move {
            if form.finish(api::start_run(&request).await).is_some() {
                started.run(());
            }
        });
    };
    view! {
        <form class="form form--inline" on:submit=submit novalidate>
            <Field name="period" label=|m| m.bills.run_period value=period form inputmode="numeric" />
            <Field name="reading_day" label=|m| m.bills.run_day value=day form inputmode="numeric" />
            <FormError form />
            <Submit form label=|m| m.bills.run_start />
        </form>
    }
}

fn status_text(status: RunStatus) -> fn(&'static shared::i18n::Messages) -> &'static str {
    match status {
        RunStatus::Running => |m| m.bills.running,
        RunStatus::Done => |m| m.bills.done,
    }
}

#[component]
fn RunTable(runs: Vec<RunView>) -> impl IntoView {
    let t = use_messages();
    view! {
        <table class="data-table runs">
            <thead>
                <tr>
                    <th scope="col">{move || t.get().bills.col_period}</th>
                    <th scope="col">{move || t.get().bills.run_day}</th>
                    <th scope="col">{move || t.get().bills.col_status}</th>
                    <th scope="col">{move || t.get().bills.col_progress}</th>
                    <th scope="col">{move || t.get().bills.col_bills}</th>
                    <th scope="col">{move || t.get().bills.col_held}</th>
                    <th scope="col">{move || t.get().bills.col_exceptions}</th>
                </tr>
            </thead>
            <tbody>
                {runs
                    .into_iter()
                    .map(|run| {
                        let status = status_text(run.status);
                        view! {
                            <tr data-run=run.id data-status=run.status.as_str()>
                                <th scope="row"><a href=format!("/staff/billing/runs/{}", run.id)>{run.period.clone()}</a></th>
                                <td>{run.reading_day}</td>
                                <td>{move || status(t.get())}</td>
                                <td>
                                    <progress max=run.total_accounts.max(1) value=run.accounts_done></progress>
                                    {format!(" {}/{}", run.accounts_done, run.total_accounts)}
                                </td>
                                <td>{run.bills}</td>
                                <td>{run.held}</td>
                                <td>{run.exceptions}</td>
                            </tr>
                        }
                    })
                    .collect_view()}
            </tbody>
        </table>
    }
}

/// `/staff/billing/runs/:id`.
#[component]
pub fn RunPage() -> impl IntoView {
    let t = use_messages();
    let params = use_params_map();
    let id = move || params.read().get("id").and_then(|id| id.parse::<i64>().ok()).unwrap_or(0);
    let run = Resource::new(id, api::billing_run);
    let refresh = Callback::new(move |_| run.refetch());
    view! {
        <PageTitle text=|m| m.bills.run_title />
        <section class="page" aria-labelledby="run-heading">
            <h1 id="run-heading">{move || t.get().bills.run_title}</h1>
            <Transition fallback=move || view! { <p role="status">{move || t.get().portal.auth.loading}</p> }>
                {move || Suspend::new(async move {
                    match run.await {
                        Ok(detail) => Either::Left(view! { <Run detail changed=refresh /> }),
                        Err(error) => Either::Right(view! { <AccessProblem error on_retry=refresh /> }),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn Run(detail: RunDetail, changed: Callback<()>) -> impl IntoView {
    let t = use_messages();
    let locale = use_locale();
    let run = detail.run.clone();
    let status = status_text(run.status);
    let release = move |bill_id: i64| {
        spawn_local(async move {
            if api::bill_action(bill_id, &BillAction::Release).await.is_ok() {
                changed.run(());
            }
        });
    };
    // Why the last "bill it now" was refused (still no reading, billed since…), as the
    // server words it.
    let refused = RwSignal::new(None::<String>);
    let run_id = run.id;
    let bill_now = move |account_no: String| {
        spawn_local(async move {
            match api::bill_exception(run_id, &account_no).await {
                Ok(_) => {
                    refused.set(None);
                    changed.run(());
                }
                Err(error) => refused.set(Some(error.message)),
            }
        });
    };
    view! {
        <dl class="facts" data-status=run.status.as_str()>
            <dt>{move || t.get().bills.col_period}</dt><dd>{run.period.clone()}</dd>
            <dt>{move || t.get().bills.run_day}</dt><dd>{run.reading_day}</dd>
            <dt>{move || t.get().bills.col_status}</dt><dd>{move || status(t.get())}</dd>
            <dt>{move || t.get().bills.col_progress}</dt><dd>{format!("{}/{}", run.accounts_done, run.total_accounts)}</dd>
            <dt>{move || t.get().bills.col_bills}</dt><dd data-bills=run.bills>{run.bills}</dd>
            <dt>{move || t.get().bills.col_held}</dt><dd>{run.held}</dd>
        </dl>
        <button type="button" class="button button--secondary button--small" on:click=move |_| changed.run(())>
            {move || t.get().bills.refresh}
        </button>
        <h2>{move || t.get().bills.col_exceptions}</h2>
        <div role="alert" class="form-alert">{move || refused.get()}</div>
        {if detail.exceptions.is_empty() {
            Either::Left(view! { <p class="empty">{move || t.get().bills.no_exceptions}</p> })
        } else {
            Either::Right(view! {
                <table class="data-table exceptions">
                    <thead>
                        <tr>
                            <th scope="col">{move || t.get().bills.account}</th>
                            <th scope="col">{move || t.get().bills.col_kind}</th>
                            <th scope="col">{move || t.get().bills.col_detail}</th>
                            <th scope="col">{move || t.get().bills.open}</th>
                        </tr>
                    </thead>
                    <tbody>
                        {detail
                            .exceptions
                            .into_iter()
                            .map(|e| {
                                let kind = e.kind;
                                let account_no = e.account_no.clone();
                                let billable = kind == ExceptionKind::NoReading && e.bill_id.is_none();
                                let holds = matches!(kind, ExceptionKind::Changed | ExceptionKind::Held | ExceptionKind::NoReading);
                                view! {
                                    <tr data-kind=kind.as_str()>
                                        <th scope="row">{e.account_no}</th>
                                        <td>{move || exception(locale.get(), kind)}</td>
                                        <td>{e.detail}</td>
                                        <td>
                                            {e.bill_id.map(|id| view! {
                                                <a href=format!("/bills/{id}")>{move || t.get().bills.open}</a>
                                                {holds.then(|| view! {
                                                    " "
                                                    <button type="button" class="button button--small" on:click=move |_| release(id)>
                                                        {move || t.get().bills.release}
                                                    </button>
                                                })}
                                            })}
                                            {billable.then(|| view! {
                                                <button type="button" class="button button--small"
                                                    on:click=move |_| bill_now(account_no.clone())>
                                                    {move || t.get().bills.bill_exception}
                                                </button>
                                            })}
                                        </td>
                                    </tr>
                                }
                            })
                            .collect_view()}
                    </tbody>
                </table>
            })
        }}
    }
}
