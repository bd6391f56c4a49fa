//! `/staff/tariffs`: every tariff with its dated versions; administrators publish a new
//! version (the numbers as JSON, filled in from the version in force, checked by the same
//! rules as the server's) and add tariffs.

use leptos::either::Either;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::Locale;
use shared::api::billing::{NewTariff, NewTariffVersion, TariffView};
use shared::i18n::billing::tariff_kind;
use shared::tariff::Tariff;
use shared::validation::{FieldError, Problem};

use crate::api;
use crate::components::access::AccessProblem;
use crate::components::form::{Field, FormError, FormState, Submit};
use crate::components::page_title::PageTitle;
use crate::i18n::{use_locale, use_messages};

/// `/staff/tariffs`.
#[component]
pub fn TariffsPage() -> impl IntoView {
    let t = use_messages();
    let tariffs = Resource::new(|| (), |_| api::tariffs());
    let changed = Callback::new(move |_| tariffs.refetch());
    // The tariff whose new version was just published: kept here, not in its card, because
    // publishing reloads the list and so makes every card anew (the confirmation would go).
    let published = RwSignal::new(None::<String>);
    view! {
        <PageTitle text=|m| m.bills.tariffs_title />
        <section class="page" aria-labelledby="tariffs-heading">
            <h1 id="tariffs-heading">{move || t.get().bills.tariffs_title}</h1>
            <p class="lead">{move || t.get().bills.tariffs_intro}</p>
            <Transition fallback=move || view! { <p role="status">{move || t.get().portal.auth.loading}</p> }>
                {move || Suspend::new(async move {
                    match tariffs.await {
                        Ok(list) => Either::Left(list.into_iter().map(|tariff| view! { <TariffCard tariff changed published /> }).collect_view()),
                        Err(error) => Either::Right(view! { <AccessProblem error on_retry=changed /> }),
                    }
                })}
            </Transition>
            <NewTariffForm changed />
        </section>
    }
}

#[component]
fn TariffCard(tariff: TariffView, changed: Callback<()>, published: RwSignal<Option<String>>) -> impl IntoView {
    let t = use_messages();
    let locale = use_locale();
    let names = (tariff.name_zh.clone(), tariff.name_en.clone());
    let kind = tariff.kind;
    let latest = tariff.versions.last().map(|v| v.tariff.clone());
    let code = tariff.code.clone();
    view! {
        <section class="card" data-tariff=tariff.code>
            <h2>
                {move || if locale.get() == Locale::Zh { names.0.clone() } else { names.1.clone() }}
                " " <code>{tariff.code.clone()}</code>
                {kind.map(|k| view! { " " <span class="badge">{move || tariff_kind(locale.get(), k)}</span> })}
            </h2>
            <table class="data-table versions">
                <thead>
                    <tr>
                        <th scope="col">{move || t.get().bills.col_from}</th>
                        <th scope="col">{move || t.get().bills.col_to}</th>
                        <th scope="col">{move || t.get().bills.tariff}</th>
                    </tr>
                </thead>
                <tbody>
                    {tariff
                        .versions
                        .into_iter()
                        .map(|v| view! {
                            <tr data-from=v.effective_from.to_string()>
                                <th scope="row">{v.effective_from.to_string()}</th>
                                <td>{match v.effective_to {
                                    Some(day) => Either::Left(day.to_string()),
                                    None => Either::Right(move || t.get().bills.open_ended),
                                }}</td>
                                <td><code class="tariff-json">{serde_json::to_string(&v.tariff).unwrap_or_default()}</code></td>
                            </tr>
                        })
                        .collect_view()}
                </tbody>
            </table>
            <VersionForm code latest changed published />
        </section>
    }
}

#[component]
fn VersionForm(
    code: String,
    latest: Option<Tariff>,
    changed: Callback<()>,
    published: RwSignal<Option<String>>,
) -> impl IntoView {
    let t = use_messages();
    let form = FormState::new();
    let from = RwSignal::new(String::new());
    let to = RwSignal::new(String::new());
    let body = RwSignal::new(latest.and_then(|l| serde_json::to_string_pretty(&l).ok()).unwrap_or_default());
    let code = StoredValue::new(code);
    let done = move || published.with(|p| code.with_value(|c| p.as_deref() == Some(c.as_str())));
    let id = format!("tariff-{}", code.get_value());
    let submit = move |event: SubmitEvent| {
        event.prevent_default();
        published.set(None);
        if !form.start() {
            return;
        }
        let messages = t.get_untracked();
        let mut errors = Vec::new();
        let effective_from = from
            .get_untracked()
            .trim()
            .parse()
            .map_err(|_| errors.push(FieldError::new("effective_from", Problem::InvalidDate)))
            .ok();
        let to_text = to.get_untracked();
        let effective_to = match to_text.trim() {
            "" => None,
            text => text.parse().map_err(|_| errors.push(FieldError::new("effective_to", Problem::InvalidDate))).ok(),
        };
        let tariff = serde_json::from_str::<Tariff>(&body.get_untracked())
            .map_err(|_| errors.push(FieldError::new("tariff", Problem::InvalidValue)))
            .ok();
        // The server's own checks, before anything is sent.
        if let Some(Err(error)) = tariff.as_ref().map(Tariff::check) {
            errors.push(FieldError::new(
                "tariff",
                match error.kind {
                    shared::tariff::TariffErrorKind::Tiers(_) => Problem::TierBounds,
                    shared::tariff::TariffErrorKind::PeriodWithoutPrice
                    | shared::tariff::TariffErrorKind::StrayPeriodPrice
                    | shared::tariff::TariffErrorKind::ScheduleNot24Hours => Problem::PeriodPrices,
                    _ => Problem::OutOfRange,
                },
            ));
        }
        let (Some(effective_from), Some(tariff), true) = (effective_from, tariff, errors.is_empty()) else {
            return form.invalid(errors, messages);
        };
        let request = NewTariffVersion { effective_from, effective_to, tariff };
        let code = code.get_value();
        spawn_local(async move {
            if form.finish(api::add_tariff_version(&code, &request).await).is_some() {
                published.set(Some(code));
                changed.run(());
            }
        });
    };
    let area = format!("{id}-json");
    let hint = format!("{area}-hint");
    // Every tariff has this form: its fields take ids of their own.
    let from_id = format!("{id}-from");
    let to_id = format!("{id}-to");
    let day_error = move |field: &'static str| form.fields.with(|f| f.get(field).cloned());
    view! {
        <details class="version-form">
            <summary>{move || t.get().bills.new_version}</summary>
            <form class="form" on:submit=submit novalidate>
                <div class="field">
                    <label for=from_id.clone()>{move || t.get().bills.effective_from}</label>
                    <input id=from_id type="date" name="effective_from" required
                        prop:value=move || from.get() on:input=move |e| from.set(event_target_value(&e)) />
                    <p class="field__error" role="alert" hidden=move || day_error("effective_from").is_none()>
                        {move || day_error("effective_from").unwrap_or_default()}
                    </p>
                </div>
                <div class="field">
                    <label for=to_id.clone()>{move || t.get().bills.effective_to}</label>
                    <input id=to_id type="date" name="effective_to"
                        prop:value=move || to.get() on:input=move |e| to.set(event_target_value(&e)) />
                    <p class="field__error" role="alert" hidden=move || day_error("effective_to").is_none()>
                        {move || day_error("effective_to").unwrap_or_default()}
                    </p>
                </div>
                <div class="field">
                    <label for=area.clone()>{move || t.get().bills.tariff_json}</label>
                    <p class="field__hint" id=hint.clone()>{move || t.get().bills.tariff_json_hint}</p>
                    <textarea id=area name="tariff" rows="12" class="code" aria-describedby=hint
                        prop:value=move || body.get() on:input=move |e| body.set(event_target_value(&e))></textarea>
                    <p class="field__error" role="alert" hidden=move || form.fields.with(|f| !f.keys().any(|k| k.starts_with("tariff")))>
                        {move || form.fields.with(|f| f.iter().filter(|(k, _)| k.starts_with("tariff")).map(|(_, v)| v.clone()).collect::<Vec<_>>().join(" "))}
                    </p>
                </div>
                <FormError form />
                <Submit form label=|m| m.bills.publish />
                <Show when=done><p class="notice notice--success" role="status">{move || t.get().bills.published}</p></Show>
            </form>
        </details>
    }
}

#[component]
fn NewTariffForm(changed: Callback<()>) -> impl IntoView {
    let t = use_messages();
    let form = FormState::new();
    let code = RwSignal::new(String::new());
    let name_zh = RwSignal::new(String::new());
    let name_en = RwSignal::new(String::new());
    let for_class = RwSignal::new(String::new());
    let submit = move |event: SubmitEvent| {
        event.prevent_default();
        if !form.start() {
            return;
        }
        let class = for_class.get_untracked();
        let request = NewTariff {
            code: code.get_untracked(),
            name_zh: name_zh.get_untracked(),
            name_en: name_en.get_untracked(),
            for_class: Some(class).filter(|c| !c.trim().is_empty()),
        };
        spawn_local(async move {
            if form.finish(api::create_tariff(&request).await).is_some() {
                changed.run(());
            }
        });
    };
    view! {
        <section class="card" aria-labelledby="new-tariff-heading">
            <h2 id="new-tariff-heading">{move || t.get().bills.new_tariff}</h2>
            <form class="form" on:submit=submit novalidate>
                <Field name="code" label=|m| m.bills.code value=code form />
                <Field name="name_zh" label=|m| m.bills.name_zh value=name_zh form />
                <Field name="name_en" label=|m| m.bills.name_en value=name_en form />
                <Field name="for_class" label=|m| m.bills.for_class value=for_class form required=false />
                <FormError form />
                <Submit form label=|m| m.bills.create />
            </form>
        </section>
    }
}
