//! `/staff/settings`: the connection time limits in force with a form to publish a new
//! version from a day on, and the working-day calendar with a form to enter or correct a
//! year (administrators; auditors read).

use leptos::either::Either;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::api::CommitmentsQuery;
use shared::api::applications::NewCommitmentVersion;
use shared::calendar::{DayRange, YearCalendar, YearDay};
use shared::validation::{FieldError, Problem, format_day, parse_day};

use crate::api;
use crate::components::access::AccessProblem;
use crate::components::form::{Field, FormError, FormState, Submit};
use crate::components::page_title::PageTitle;
use crate::i18n::use_messages;

/// The page.
#[component]
pub fn SettingsPage() -> impl IntoView {
    let t = use_messages();
    let version = RwSignal::new(0u32);
    let limits = Resource::new(
        move || version.get(),
        |_| api::commitments(CommitmentsQuery { area: Some("connection".into()), at: None }),
    );
    let calendar = Resource::new(move || version.get(), |_| api::calendar());
    let changed = Callback::new(move |_| version.update(|v| *v += 1));
    let retry = Callback::new(move |_| version.update(|v| *v += 1));
    // Kept here: publishing reloads the limits, which renders the form anew, and its
    // confirmation must survive that.
    let published = RwSignal::new(false);
    view! {
        <PageTitle text=|m| m.apply.settings_title />
        <section class="page" aria-labelledby="settings-heading">
            <h1 id="settings-heading">{move || t.get().apply.settings_title}</h1>
            <p class="lead">{move || t.get().apply.settings_intro}</p>
            <h2>{move || t.get().apply.limits_heading}</h2>
            <Transition fallback=move || view! { <p role="status">{move || t.get().portal.auth.loading}</p> }>
                {move || Suspend::new(async move {
                    match limits.await {
                        Ok(list) => {
                            let codes: Vec<String> = list.items.iter().map(|c| c.code.as_str().to_owned()).collect();
                            Either::Left(view! {
                                <table class="data-table limits">
                                    <thead><tr>
                                        <th scope="col">{move || t.get().apply.limit_item}</th>
                                        <th scope="col">{move || t.get().apply.col_limit}</th>
                                        <th scope="col">{move || t.get().apply.effective_from}</th>
                                    </tr></thead>
                                    <tbody>
                                        {list.items.into_iter().map(|c| {
                                            let code = c.code.as_str().to_owned();
                                            let name = code.clone();
                                            view! {
                                                <tr data-code=code>
                                                    <th scope="row">{move || (t.get().commitment)(&name).unwrap_or_default()}</th>
                                                    <td>{move || (t.get().limit)(c.limit, c.unit)}</td>
                                                    <td>{format_day(c.effective_from)}</td>
                                                </tr>
                                            }
                                        }).collect_view()}
                                    </tbody>
                                </table>
                                <LimitForm codes changed done=published />
                            })
                        }
                        Err(error) => Either::Right(view! { <AccessProblem error on_retry=retry /> }),
                    }
                })}
            </Transition>
            <h2>{move || t.get().apply.calendar_heading}</h2>
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    calendar.await.ok().map(|calendar| view! {
                        <ul class="calendar-years">
                            {calendar.years.into_iter().map(|y| {
                                let off = y.days_off.iter().map(|r| if r.first == r.last { format_day(r.first) } else { format!("{}–{}", format_day(r.first), format_day(r.last)) }).collect::<Vec<_>>().join("、");
                                let makeup = y.makeup_days.iter().map(|YearDay(d)| format_day(*d)).collect::<Vec<_>>().join("、");
                                view! {
                                    <li data-year=y.year>
                                        <strong>{y.year}</strong>
                                        <p>{move || t.get().apply.days_off} "：" {off}</p>
                                        <p>{move || t.get().apply.makeup_days} "：" {makeup}</p>
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    })
                })}
            </Transition>
            <YearForm changed />
        </section>
    }
}

#[component]
fn LimitForm(codes: Vec<String>, changed: Callback<()>, done: RwSignal<bool>) -> impl IntoView {
    let t = use_messages();
    let form = FormState::new();
    let code = RwSignal::new(codes.first().cloned().unwrap_or_default());
    let limit = RwSignal::new(String::new());
    let from = RwSignal::new(String::new());
    let source = RwSignal::new(String::new());
    let submit = move |event: SubmitEvent| {
        event.prevent_default();
        let request = NewCommitmentVersion {
            code: code.get_untracked(),
            limit: limit.get_untracked().trim().parse().unwrap_or(0),
            effective_from: from.get_untracked(),
            source: source.get_untracked(),
        };
        if !form.start() {
            return;
        }
        done.set(false);
        spawn_local(async move {
            if form.finish(api::add_commitment_version(&request).await).is_some() {
                done.set(true);
                changed.run(());
            }
        });
    };
    view! {
        <form class="form" data-form="limit" on:submit=submit novalidate>
            <div class="field">
                <label for="field-code">{move || t.get().apply.limit_item}</label>
                <select id="field-code" name="code" on:change=move |e| code.set(event_target_value(&e))>
                    {codes.into_iter().map(|c| {
                        let name = c.clone();
                        view! { <option value=c>{move || (t.get().commitment)(&name).unwrap_or_default()}</option> }
                    }).collect_view()}
                </select>
            </div>
            <Field name="limit" label=|m| m.apply.limit_value value=limit form inputmode="numeric" />
            <Field name="effective_from" label=|m| m.apply.effective_from value=from form kind="date" />
            <Field name="source" label=|m| m.apply.source value=source form />
            <FormError form />
            <Show when=move || done.get()><p class="notice notice--success" role="status">{move || t.get().apply.published}</p></Show>
            <Submit form label=|m| m.apply.publish />
        </form>
    }
}

/// Reads "first last" or "day" per line into day ranges; answers the lines that are not.
fn parse_ranges(text: &str) -> (Vec<DayRange>, Vec<String>) {
    let mut ranges = Vec::new();
    let mut bad = Vec::new();
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let days: Vec<_> = line
            .split(|c: char| c.is_whitespace() || matches!(c, '~' | '至' | ',' | '，'))
            .filter(|p| !p.is_empty())
            .map(parse_day)
            .collect();
        match days.as_slice() {
            [Some(day)] => ranges.push(DayRange { first: *day, last: *day }),
            [Some(first), Some(last)] => ranges.push(DayRange { first: *first, last: *last }),
            _ => bad.push(line.to_owned()),
        }
    }
    (ranges, bad)
}

#[component]
fn YearForm(changed: Callback<()>) -> impl IntoView {
    let t = use_messages();
    let form = FormState::new();
    let year = RwSignal::new(String::new());
    let off = RwSignal::new(String::new());
    let makeup = RwSignal::new(String::new());
    let done = RwSignal::new(false);
    let bad_lines = RwSignal::new(Vec::<String>::new());
    let submit = move |event: SubmitEvent| {
        event.prevent_default();
        if !form.start() {
            return;
        }
        done.set(false);
        let (days_off, mut bad) = parse_ranges(&off.get_untracked());
        let (makeup_ranges, bad_makeup) = parse_ranges(&makeup.get_untracked());
        bad.extend(bad_makeup);
        let makeup_days = makeup_ranges.into_iter().map(|r| YearDay(r.first)).collect();
        let Ok(number) = year.get_untracked().trim().parse::<i32>() else {
            return form.invalid(vec![FieldError::new("year", Problem::InvalidValue)], t.get_untracked());
        };
        if !bad.is_empty() {
            bad_lines.set(bad);
            return form.invalid(vec![FieldError::new("days_off", Problem::InvalidDate)], t.get_untracked());
        }
        bad_lines.set(Vec::new());
        let request = YearCalendar { year: number, days_off, makeup_days };
        if let Err(errors) = request.validate() {
            return form.invalid(errors, t.get_untracked());
        }
        spawn_local(async move {
            if form.finish(api::put_calendar_year(&request).await).is_some() {
                done.set(true);
                changed.run(());
            }
        });
    };
    let area = move |name: &'static str,
                     label: crate::components::form::Text,
                     hint: crate::components::form::Text,
                     value: RwSignal<String>| {
        let id = format!("field-{name}");
        let hint_id = format!("{id}-hint");
        view! {
            <div class="field">
                <label for=id.clone()>{move || label(t.get())}</label>
                <p class="field__hint" id=hint_id.clone()>{move || hint(t.get())}</p>
                <textarea id=id name=name rows="5" aria-describedby=hint_id
                    prop:value=move || value.get() on:input=move |e| value.set(event_target_value(&e))></textarea>
            </div>
        }
    };
    view! {
        <form class="form" data-form="calendar" on:submit=submit novalidate>
            <Field name="year" label=|m| m.apply.year value=year form inputmode="numeric" />
            {area("days_off", |m| m.apply.days_off, |m| m.apply.days_off_hint, off)}
            {area("makeup_days", |m| m.apply.makeup_days, |m| m.apply.makeup_hint, makeup)}
            <Show when=move || !bad_lines.get().is_empty()>
                <p class="field__error" role="alert">{move || t.get().apply.bad_line} " " {move || bad_lines.get().join("；")}</p>
            </Show>
            <ul class="field__error">
                {move || form.fields.get().into_iter().filter(|(k, _)| k.starts_with("days_off[") || k.starts_with("makeup_days[")).map(|(k, v)| view! { <li>{k} "：" {v}</li> }).collect_view()}
            </ul>
            <FormError form />
            <Show when=move || done.get()><p class="notice notice--success" role="status">{move || t.get().apply.saved_year}</p></Show>
            <Submit form label=|m| m.apply.save_year />
        </form>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_runs_and_single_days_and_names_bad_lines() {
        let (ranges, bad) = parse_ranges("2027-01-01 2027-01-03\n\n2027-04-05\n2027-05-01至2027-05-05\nnot a day");
        assert_eq!(ranges.len(), 3);
        assert_eq!(format_day(ranges[1].first), "2027-04-05");
        assert_eq!(format_day(ranges[2].last), "2027-05-05");
        assert_eq!(bad, ["not a day"]);
    }
}
