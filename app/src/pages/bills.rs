//! `/bills`: an account's bills and usage (months beside last year, days, the tier
//! position, the tariff comparison, a load curve for interval-metered sites), and for
//! enterprise users the table of all their company's accounts. `/bills/:id`: one bill with
//! its readings and every line, to download as PDF or CSV.

use leptos::either::{Either, EitherOf3};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_navigate;
use leptos_router::hooks::{use_params_map, use_query_map};
use shared::Locale;
use shared::api::billing::{BillAction, BillDetail, BillStatus, BillSummary, OrgBills, UsageView};
use shared::i18n::billing::{bill_status, line as line_label, unit};
use shared::roles::UserKind;

use crate::api;
use crate::components::access::AccessProblem;
use crate::components::charts::{DayChart, LoadChart, MonthChart, kwh_text};
use crate::components::form::{Field, FormError, FormState, Submit};
use crate::components::page_title::PageTitle;
use crate::components::session::use_session;
use crate::i18n::{use_locale, use_messages};

/// `/bills`.
#[component]
pub fn BillsPage() -> impl IntoView {
    let t = use_messages();
    let accounts = Resource::new(|| (), |_| api::my_accounts());
    // Created here, before anything resolves, so the server and the browser number the
    // page's resources alike (a resource made inside a racing Suspend breaks hydration).
    let org = Resource::new(
        || (),
        |_| async {
            match api::me().await {
                Ok(me) if me.kind == UserKind::Enterprise => api::org_bills().await.map(Some),
                Ok(_) => Ok(None),
                Err(error) => Err(error),
            }
        },
    );
    let query = use_query_map();
    let retry = Callback::new(move |_| accounts.refetch());
    view! {
        <PageTitle text=|m| m.bills.title />
        <section class="page" aria-labelledby="bills-heading">
            <h1 id="bills-heading">{move || t.get().bills.title}</h1>
            <p class="lead">{move || t.get().bills.intro}</p>
            <Transition fallback=|| ()>
                {move || Suspend::new(async move { org.await.ok().flatten().map(|table| view! { <OrgTable table /> }) })}
            </Transition>
            <Transition fallback=move || view! { <p role="status">{move || t.get().portal.auth.loading}</p> }>
                {move || Suspend::new(async move {
                    match accounts.await {
                        Ok(response) if response.accounts.is_empty() => {
                            EitherOf3::A(view! { <p class="empty">{move || t.get().bills.no_accounts}</p> })
                        }
                        Ok(response) => {
                            let numbers: Vec<String> = response.accounts.iter().map(|a| a.account_no.clone()).collect();
                            let first = numbers.first().cloned().unwrap_or_default();
                            let chosen = Signal::derive(move || {
                                query.read().get("account").filter(|a| numbers.contains(a)).unwrap_or_else(|| first.clone())
                            });
                            EitherOf3::B(view! {
                                <nav class="account-picker" aria-label=move || t.get().bills.account>
                                    <ul>
                                        {response
                                            .accounts
                                            .into_iter()
                                            .map(|a| {
                                                let number = a.account_no.clone();
                                                let current = move || (chosen.get() == number).then_some("page");
                                                view! {
                                                    <li>
                                                        <a href=format!("/bills?account={}", a.account_no) aria-current=current>
                                                            {a.account_no.clone()} <span class="muted">" " {a.supply_address}</span>
                                                        </a>
                                                    </li>
                                                }
                                            })
                                            .collect_view()}
                                    </ul>
                                </nav>
                                {move || view! { <AccountBills account_no=chosen.get() /> }}
                            })
                        }
                        Err(error) => EitherOf3::C(view! { <AccessProblem error on_retry=retry /> }),
                    }
                })}
            </Transition>
        </section>
    }
}

/// One account's bills and usage.
#[component]
fn AccountBills(account_no: String) -> impl IntoView {
    let t = use_messages();
    let number = StoredValue::new(account_no);
    let bills = Resource::new(move || number.get_value(), |n| async move { api::bills(&n).await });
    let usage = Resource::new(move || number.get_value(), |n| async move { api::usage(&n).await });
    let retry = Callback::new(move |_| bills.refetch());
    view! {
        <h2>{move || t.get().bills.bills_heading} " " {number.get_value()}</h2>
        <Transition fallback=move || view! { <p role="status">{move || t.get().portal.auth.loading}</p> }>
            {move || Suspend::new(async move {
                match bills.await {
                    Ok(list) => Either::Left(view! { <BillTable bills=list /> }),
                    Err(error) => Either::Right(view! { <AccessProblem error on_retry=retry /> }),
                }
            })}
        </Transition>
        <Transition fallback=|| ()>
            {move || Suspend::new(async move { usage.await.ok().map(|usage| view! { <Usage usage /> }) })}
        </Transition>
    }
}

#[component]
fn BillTable(bills: Vec<BillSummary>) -> impl IntoView {
    let t = use_messages();
    let locale = use_locale();
    if bills.is_empty() {
        return Either::Left(view! { <p class="empty">{move || t.get().bills.no_bills}</p> });
    }
    Either::Right(view! {
        <table class="data-table bills">
            <thead>
                <tr>
                    <th scope="col">{move || t.get().bills.col_period}</th>
                    <th scope="col">{move || t.get().bills.col_days}</th>
                    <th scope="col">{move || t.get().bills.col_energy}</th>
                    <th scope="col">{move || t.get().bills.col_amount}</th>
                    <th scope="col">{move || t.get().bills.col_due}</th>
                    <th scope="col">{move || t.get().bills.col_status}</th>
                </tr>
            </thead>
            <tbody>
                {bills
                    .into_iter()
                    .map(|bill| {
                        let status = bill.status;
                        view! {
                            <tr data-bill=bill.id>
                                <th scope="row"><a href=format!("/bills/{}", bill.id)>{bill.period.clone()}</a></th>
                                <td>{format!("{} – {}", bill.period_from, bill.period_to)}</td>
                                <td>
                                    {kwh_text(bill.energy_kwh)}
                                    {bill.estimated.then(|| view! { " " <span class="badge">{move || t.get().bills.estimated}</span> })}
                                </td>
                                <td class="amount">{bill.total.to_string()}</td>
                                <td>{move || (t.get().date)(bill.due_on)}</td>
                                <td>{move || bill_status(locale.get(), status)}</td>
                            </tr>
                        }
                    })
                    .collect_view()}
            </tbody>
        </table>
    })
}

#[component]
fn Usage(usage: UsageView) -> impl IntoView {
    let t = use_messages();
    let locale = use_locale();
    let tier = usage.tier.clone();
    let comparison = usage.comparison.clone();
    let cheaper = comparison.iter().find(|o| o.cost.is_some()).filter(|o| !o.current).and_then(|best| {
        let current = comparison.iter().find(|o| o.current)?.cost?;
        Some((best.clone(), current - best.cost?))
    });
    let latest_day = usage.days.last().map(|d| d.day);
    let account_no = usage.account_no.clone();
    view! {
        <section class="usage" aria-labelledby="usage-heading">
            <h2 id="usage-heading" class="visually-hidden">{move || t.get().bills.months_heading}</h2>
            <MonthChart months=usage.months />
            {tier.map(|tier| {
                let used = kwh_text(tier.used_kwh);
                let bound = tier.tier_bound_kwh.map(kwh_text);
                let max = tier.bounds.last().copied().unwrap_or(tier.used_kwh).max(tier.used_kwh);
                view! {
                    <div class="tier" data-tier=tier.tier>
                        <h3>{move || t.get().bills.tier_heading} " " {tier.year}</h3>
                        <p>{move || (t.get().bills.tier_position)(&used, bound.as_deref(), tier.tier)}</p>
                        <progress max=kwh_text(max) value=kwh_text(tier.used_kwh)></progress>
                    </div>
                }
            })}
            {if usage.days.is_empty() {
                Either::Left(view! { <p class="muted">{move || t.get().bills.no_days}</p> })
            } else {
                Either::Right(view! { <DayChart days=usage.days /> })
            }}
            {(!comparison.is_empty()).then(|| view! {
                <div class="comparison">
                    <h3>{move || t.get().bills.compare_heading}</h3>
                    <p class="lead" data-cheaper=cheaper.is_some()>
                        {match cheaper.clone() {
                            Some((best, saving)) => Either::Left(move || {
                                let name = if locale.get() == Locale::Zh { best.name_zh.clone() } else { best.name_en.clone() };
                                (t.get().bills.compare_cheaper)(&name, &saving.to_string(), best.bills)
                            }),
                            None => Either::Right(move || t.get().bills.compare_current_best),
                        }}
                    </p>
                    <ol>
                        {comparison
                            .into_iter()
                            .map(|option| {
                                let name = option.clone();
                                view! {
                                    <li data-tariff=option.code>
                                        {move || if locale.get() == Locale::Zh { name.name_zh.clone() } else { name.name_en.clone() }}
                                        ": "
                                        {match option.cost {
                                            Some(cost) => Either::Left(cost.to_string()),
                                            None => Either::Right(move || t.get().bills.compare_unavailable),
                                        }}
                                        {option.current.then(|| view! { " " <span class="badge">{move || t.get().bills.current}</span> })}
                                    </li>
                                }
                            })
                            .collect_view()}
                    </ol>
                </div>
            })}
            {(usage.interval_data).then(|| view! { <Load account_no=account_no.clone() first=latest_day /> })}
        </section>
    }
}

/// The load curve of a chosen day.
#[component]
fn Load(account_no: String, first: Option<chrono::NaiveDate>) -> impl IntoView {
    let t = use_messages();
    let day = RwSignal::new(first.unwrap_or_default());
    let number = StoredValue::new(account_no);
    // Fetched in the browser only: the curve is drawn after the page has hydrated, so the
    // server's render and the browser's never disagree about it.
    let curve = LocalResource::new(move || {
        let number = number.get_value();
        let d = day.get();
        async move { api::load_curve(&number, d).await }
    });
    view! {
        <div class="load">
            <h3>{move || t.get().bills.load_heading}</h3>
            <label>
                {move || t.get().bills.load_day} " "
                <input
                    type="date"
                    name="day"
                    prop:value=move || day.get().to_string()
                    on:change=move |ev| {
                        if let Ok(d) = event_target_value(&ev).parse() {
                            day.set(d);
                        }
                    }
                />
            </label>
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    match curve.await {
                        Ok(curve) if !curve.points.is_empty() => Either::Left(view! {
                            <LoadChart points=curve.points />
                            <dl class="facts">
                                {curve.max_demand.map(|(kw, at)| view! {
                                    <dt>{move || t.get().bills.max_demand}</dt>
                                    <dd data-max-demand=kwh_text(kw)>{format!("{} kW ({at})", kwh_text(kw))}</dd>
                                })}
                                {curve.power_factor.map(|pf| view! {
                                    <dt>{move || t.get().bills.power_factor}</dt>
                                    <dd>{pf.to_string()}</dd>
                                })}
                            </dl>
                        }),
                        _ => Either::Right(view! { <p class="muted">{move || t.get().bills.load_empty}</p> }),
                    }
                })}
            </Transition>
        </div>
    }
}

/// Every account of the caller's company, with the totals and a CSV export.
#[component]
fn OrgTable(table: OrgBills) -> impl IntoView {
    let t = use_messages();
    let locale = use_locale();
    view! {
                    <section class="org-bills" aria-labelledby="org-heading">
                        <h2 id="org-heading">{move || t.get().bills.org_heading}</h2>
                        <p><a class="button button--small" href="/api/v1/org/bills.csv" download>{move || t.get().bills.org_csv}</a></p>
                        <table class="data-table">
                            <thead>
                                <tr>
                                    <th scope="col">{move || t.get().bills.account}</th>
                                    <th scope="col">{move || t.get().bills.col_period}</th>
                                    <th scope="col">{move || t.get().bills.col_energy}</th>
                                    <th scope="col">{move || t.get().bills.col_amount}</th>
                                    <th scope="col">{move || t.get().bills.col_due}</th>
                                    <th scope="col">{move || t.get().bills.col_status}</th>
                                </tr>
                            </thead>
                            <tbody>
                                {table
                                    .rows
                                    .into_iter()
                                    .map(|row| {
                                        let bill = row.bill;
                                        view! {
                                            <tr>
                                                <th scope="row">
                                                    <a href=format!("/bills?account={}", row.account_no)>{row.account_no.clone()}</a>
                                                    <br /><span class="muted">{row.supply_address}</span>
                                                </th>
                                                {match bill {
                                                    Some(bill) => {
                                                        let status = bill.status;
                                                        Either::Left(view! {
                                                            <td><a href=format!("/bills/{}", bill.id)>{bill.period.clone()}</a></td>
                                                            <td>{kwh_text(bill.energy_kwh)}</td>
                                                            <td class="amount">{bill.total.to_string()}</td>
                                                            <td>{move || (t.get().date)(bill.due_on)}</td>
                                                            <td>{move || bill_status(locale.get(), status)}</td>
                                                        })
                                                    }
                                                    None => Either::Right(view! { <td colspan="5" class="muted">{move || t.get().bills.no_bills}</td> }),
                                                }}
                                            </tr>
                                        }
                                    })
                                    .collect_view()}
                            </tbody>
                            <tfoot>
                                <tr>
                                    <th scope="row">{move || t.get().bills.total}</th>
                                    <td></td>
                                    <td>{kwh_text(table.energy_kwh)}</td>
                                    <td class="amount" data-total=table.total.yuan().to_string()>{table.total.to_string()}</td>
                                    <td colspan="2">{move || t.get().bills.outstanding} " " {table.outstanding.to_string()}</td>
                                </tr>
                            </tfoot>
                        </table>
                    </section>
    }
}

/// `/bills/:id`.
#[component]
pub fn BillPage() -> impl IntoView {
    let t = use_messages();
    let params = use_params_map();
    let id = move || params.read().get("id").and_then(|id| id.parse::<i64>().ok()).unwrap_or(0);
    let bill = Resource::new(id, api::bill);
    let retry = Callback::new(move |_| bill.refetch());
    view! {
        <PageTitle text=|m| m.bills.bill_title />
        <section class="page bill" aria-labelledby="bill-heading">
            <Transition fallback=move || view! { <p role="status">{move || t.get().portal.auth.loading}</p> }>
                {move || Suspend::new(async move {
                    match bill.await {
                        Ok(bill) => Either::Left(view! { <Bill bill /> }),
                        Err(error) => Either::Right(view! { <AccessProblem error on_retry=retry /> }),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn Bill(bill: BillDetail) -> impl IntoView {
    let t = use_messages();
    let locale = use_locale();
    let summary = bill.summary.clone();
    let status = summary.status;
    let tariff = (bill.tariff_name_zh.clone(), bill.tariff_name_en.clone());
    let charges = bill.lines.charges.clone();
    view! {
        <h1 id="bill-heading">{move || t.get().bills.bill_title} " " {summary.period.clone()}</h1>
        {(status == BillStatus::Cancelled).then(|| view! {
            <p class="notice notice--warning" role="note">
                {move || t.get().bills.credited}
                {bill.credit_note.as_ref().map(|c| format!(" ({}: {})", c.amount, c.reason))}
                {bill.replaced_by.map(|id| view! { ". " {move || t.get().bills.replaced_by} <a href=format!("/bills/{id}")>{id}</a> })}
            </p>
        })}
        <dl class="facts">
            <dt>{move || t.get().bills.account}</dt><dd>{summary.account_no.clone()}</dd>
            <dt>{move || t.get().bills.holder}</dt><dd>{bill.holder_name.clone()}</dd>
            <dt>{move || t.get().bills.address}</dt><dd>{bill.supply_address.clone()}</dd>
            <dt>{move || t.get().bills.tariff}</dt>
            <dd>{move || if locale.get() == Locale::Zh { tariff.0.clone() } else { tariff.1.clone() }}</dd>
            <dt>{move || t.get().bills.col_days}</dt><dd>{format!("{} – {}", summary.period_from, summary.period_to)}</dd>
            <dt>{move || t.get().bills.col_energy}</dt><dd>{kwh_text(summary.energy_kwh)}</dd>
            <dt>{move || t.get().bills.col_due}</dt><dd>{move || (t.get().date)(summary.due_on)}</dd>
            <dt>{move || t.get().bills.col_status}</dt><dd>{move || bill_status(locale.get(), status)}</dd>
            <dt>{move || t.get().bills.col_amount}</dt><dd class="total" data-total=summary.total.yuan().to_string()>{summary.total.to_string()}</dd>
        </dl>
        {(status != BillStatus::Cancelled).then(|| view! { <RebillForm id=summary.id /> })}
        <p class="downloads">
            <a class="button" href=api::bill_download(summary.id, "pdf") download>{move || t.get().bills.download_pdf}</a>
            " "
            <a class="button button--secondary" href=api::bill_download(summary.id, "csv") download>{move || t.get().bills.download_csv}</a>
        </p>
        <h2>{move || t.get().bills.readings_heading}</h2>
        <table class="data-table readings">
            <thead>
                <tr>
                    <th scope="col">{move || t.get().bills.col_meter}</th>
                    <th scope="col">{move || t.get().bills.col_multiplier}</th>
                    <th scope="col">{move || t.get().bills.col_start}</th>
                    <th scope="col">{move || t.get().bills.col_end}</th>
                </tr>
            </thead>
            <tbody>
                {bill
                    .metering
                    .meters
                    .iter()
                    .map(|m| {
                        let reading = |r: Option<(chrono::NaiveDate, rust_decimal::Decimal)>| {
                            r.map(|(d, v)| format!("{} ({d})", kwh_text(v))).unwrap_or_default()
                        };
                        let interval = m.intervals;
                        view! {
                            <tr>
                                <th scope="row">{m.meter_no.clone()}</th>
                                <td>{m.multiplier}</td>
                                {match interval {
                                    Some((found, expected)) => Either::Left(view! {
                                        <td colspan="2">{move || t.get().bills.interval_meter} {format!(" ({found}/{expected})")}</td>
                                    }),
                                    None => Either::Right(view! {
                                        <td>{reading(m.start)}</td>
                                        <td>{reading(m.end)} {m.estimated.then(|| view! { " " <span class="badge">{move || t.get().bills.estimated}</span> })}</td>
                                    }),
                                }}
                            </tr>
                        }
                    })
                    .collect_view()}
            </tbody>
        </table>
        <h2>{move || t.get().bills.lines_heading}</h2>
        <table class="data-table lines">
            <thead>
                <tr>
                    <th scope="col">{move || t.get().bills.col_item}</th>
                    <th scope="col">{move || t.get().bills.col_span}</th>
                    <th scope="col">{move || t.get().bills.col_quantity}</th>
                    <th scope="col">{move || t.get().bills.col_price}</th>
                    <th scope="col">{move || t.get().bills.col_amount}</th>
                </tr>
            </thead>
            <tbody>
                {charges
                    .into_iter()
                    .map(|l| {
                        let kind = l.kind.clone();
                        let unit_kind = l.kind.clone();
                        view! {
                            <tr>
                                <th scope="row">{move || line_label(locale.get(), &kind)}</th>
                                <td>{format!("{} – {}", l.from, l.to)}</td>
                                <td>{kwh_text(l.quantity)} " " {move || unit(locale.get(), &unit_kind)}</td>
                                <td>{l.unit_price.normalize().to_string()}</td>
                                <td class="amount">{l.amount.to_string()}</td>
                            </tr>
                        }
                    })
                    .collect_view()}
                {bill
                    .lines
                    .adjustments
                    .into_iter()
                    .map(|a| view! {
                        <tr class="adjustment">
                            <th scope="row">{move || t.get().bills.adjustments_heading} ": " {a.reason.clone()}</th>
                            <td></td><td></td><td></td>
                            <td class="amount">{a.amount.to_string()}</td>
                        </tr>
                    })
                    .collect_view()}
            </tbody>
            <tfoot>
                <tr>
                    <th scope="row">{move || t.get().bills.total}</th>
                    <td></td><td></td><td></td>
                    <td class="amount">{summary.total.to_string()}</td>
                </tr>
            </tfoot>
        </table>
    }
}

/// For billing operators: cancel the bill with a credit note and compute it again.
#[component]
fn RebillForm(id: i64) -> impl IntoView {
    let session = use_session();
    view! {
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                let operator = session.me.await.is_ok_and(|me| {
                    shared::roles::can::any(&me.staff_roles, shared::roles::can::OPERATE_BILLING)
                });
                operator.then(|| view! { <RebillFields id /> })
            })}
        </Transition>
    }
}

#[component]
fn RebillFields(id: i64) -> impl IntoView {
    let t = use_messages();
    let form = FormState::new();
    let reason = RwSignal::new(String::new());
    let navigate = use_navigate();
    let submit = move |event: SubmitEvent| {
        event.prevent_default();
        if !form.start() {
            return;
        }
        let action = BillAction::CreditAndRebill { reason: reason.get_untracked() };
        let navigate = navigate.clone();
        spawn_local(async move {
            if let Some(rebill) = form.finish(api::bill_action(id, &action).await) {
                navigate(&format!("/bills/{}", rebill.id), Default::default());
            }
        });
    };
    view! {
        <details class="card rebill">
            <summary>{move || t.get().bills.rebill_heading}</summary>
            <form class="form form--inline" on:submit=submit novalidate data-form="rebill">
                <Field name="reason" label=|m| m.bills.reason value=reason form />
                <FormError form />
                <Submit form label=|m| m.bills.rebill />
            </form>
        </details>
    }
}
